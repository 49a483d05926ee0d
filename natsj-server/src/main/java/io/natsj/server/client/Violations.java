package io.natsj.server.client;

import io.natsj.server.util.GoQuote;

/**
 * nats-server's permission violation texts, sent as {@code -ERR '<text>'} while the connection stays open. Subjects
 * and queue names are quoted as Go's {@code %q} does.
 *
 * <p>Threading: stateless; any thread.
 */
final class Violations {

    private Violations() {
    }

    /** A publish to {@code subject} refused. */
    static String publish(String subject) {
        return "Permissions Violation for Publish to " + GoQuote.quoteWire(subject);
    }

    /** A publish refused because of its reply subject (a reserved prefix). */
    static String reply(String reply) {
        return "Permissions Violation for Publish with Reply of " + GoQuote.quoteWire(reply);
    }

    /** A subscription refused; {@code queue} null for a plain one. */
    static String subscription(String subject, String queue) {
        String text = "Permissions Violation for Subscription to " + GoQuote.quoteWire(subject);
        return queue == null ? text : text + " using queue " + GoQuote.quoteWire(queue);
    }
}
