package io.natsj.server.jetstream.consumer;

import io.natsj.server.json.GoJsonReader;
import io.natsj.server.json.GoStruct;

import java.nio.charset.StandardCharsets;

/**
 * One waiting pull request ({@code CONSUMER.MSG.NEXT}): where to deliver, how many messages and bytes are still
 * wanted, and its deadlines. The request body is empty (one message), a plain number (a batch; any other text asks
 * for one message, as nats-server reads it), or JSON {@code {batch, expires, no_wait, max_bytes, idle_heartbeat}}
 * with the priority-group fields ({@link PriorityRequest}). A batch of zero or less gets one message, and the
 * status headers count from the batch as given, as nats-server's do.
 *
 * <p>Threading: owned by the consumer's worker ({@link WaitQueue}).
 */
final class PullRequest {

    final String reply;
    int remaining;           // messages still wanted
    long remainingBytes;     // bytes still wanted; 0 = no byte limit
    final boolean noWait;
    final long expiresAt;    // epoch nanos, 0 = never
    final long heartbeat;    // nanos, 0 = none
    long nextHeartbeat;      // epoch nanos: due when nothing was delivered to it since
    int delivered;
    final PriorityRequest priority; // null when the body was not JSON
    String pinId;                   // the pin id it carries or was given; "" for none

    private PullRequest(String reply, int batch, long maxBytes, boolean noWait, long expiresAt, long heartbeat,
                        long now, PriorityRequest priority) {
        this.reply = reply;
        this.remaining = batch;
        this.remainingBytes = maxBytes;
        this.noWait = noWait;
        this.expiresAt = expiresAt;
        this.heartbeat = heartbeat;
        this.nextHeartbeat = heartbeat > 0 ? now + heartbeat : 0;
        this.priority = priority;
        this.pinId = priority == null ? "" : priority.id();
    }

    /**
     * The request's settings: batch, expires (ns), max_bytes, no_wait, idle_heartbeat (ns), and its priority-group
     * fields (null when the body was not JSON).
     */
    record Settings(int batch, long expires, long maxBytes, boolean noWait, long heartbeat, PriorityRequest priority) {

        Settings(int batch, long expires, long maxBytes, boolean noWait, long heartbeat) {
            this(batch, expires, maxBytes, noWait, heartbeat, null);
        }
    }

    /**
     * Reads a request body.
     *
     * @throws IllegalArgumentException with nats-server's reason when it is not a valid request
     */
    static Settings parse(byte[] body) {
        if (GoJsonReader.isBlank(body)) {
            return new Settings(1, 0, 0, false, 0);
        }
        String text = new String(body, StandardCharsets.UTF_8).trim();
        if (!text.startsWith("{")) {
            try {
                long n = Long.parseLong(text);
                return new Settings((int) Math.clamp(n, Integer.MIN_VALUE + 1, Integer.MAX_VALUE), 0, 0, false, 0);
            } catch (NumberFormatException e) {
                return new Settings(1, 0, 0, false, 0); // not a number: one message
            }
        }
        GoStruct s;
        try {
            s = GoStruct.of(GoJsonReader.parse(body), "JSApiConsumerGetNextRequest");
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        int batch = s.intValue("batch", 0);
        long expires = s.duration("expires");
        long maxBytes = s.int64("max_bytes", 0);
        boolean noWait = s.bool("no_wait");
        long hb = s.duration("idle_heartbeat");
        if (hb > 0 && expires == 0) {
            throw new IllegalArgumentException("heartbeat value too large");
        }
        if (hb > 0 && hb * 2 > expires) {
            throw new IllegalArgumentException("heartbeat value too large");
        }
        return new Settings(batch, expires, maxBytes, noWait, hb, PriorityRequest.read(s));
    }

    /** Whether its {@code expires} has passed. */
    boolean expired(long now) {
        return expiresAt > 0 && now >= expiresAt;
    }

    /** Whether a message of {@code size} bytes fits in what is left of its {@code max_bytes}. */
    boolean fits(long size) {
        return remainingBytes <= 0 || size <= remainingBytes;
    }

    static PullRequest of(String reply, Settings s, long now) {
        return new PullRequest(reply, s.batch(), s.maxBytes(), s.noWait(), s.expires() > 0 ? now + s.expires() : 0,
                s.heartbeat(), now, s.priority());
    }
}
