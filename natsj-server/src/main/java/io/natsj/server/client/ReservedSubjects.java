package io.natsj.server.client;

/**
 * Subjects and reply subjects that nats-server keeps for its own use and refuses from clients, whatever their
 * permissions (2.11 {@code client.go}): publishing to a gateway-routed reply ({@code _GR_.}) or to Raft traffic
 * ({@code $NRG.}), and publishing with a reply subject of a service import ({@code _R_.}), a JetStream ack
 * ({@code $JS.ACK.}) or a gateway-routed reply.
 *
 * <p>Threading: stateless; any thread.
 */
final class ReservedSubjects {

    private static final String GATEWAY_REPLY = "_GR_.";
    private static final String RAFT = "$NRG.";
    private static final String SERVICE_REPLY = "_R_.";
    private static final String JS_ACK = "$JS.ACK.";

    private ReservedSubjects() {
    }

    /** Whether a client may not publish to {@code subject}; Raft subjects are open to the system account. */
    static boolean reservedSubject(String subject, boolean systemAccount) {
        return longerPrefix(subject, GATEWAY_REPLY) || (!systemAccount && subject.startsWith(RAFT));
    }

    /** Whether a client may not publish with reply subject {@code reply}. */
    static boolean reservedReply(String reply) {
        return reply.startsWith(SERVICE_REPLY) || longerPrefix(reply, JS_ACK) || longerPrefix(reply, GATEWAY_REPLY);
    }

    private static boolean longerPrefix(String s, String prefix) {
        return s.length() > prefix.length() && s.startsWith(prefix);
    }
}
