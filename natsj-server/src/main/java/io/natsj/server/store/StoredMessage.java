package io.natsj.server.store;

/**
 * One message as a stream store holds it.
 *
 * @param subject   the subject it was published to
 * @param seq       its stream sequence, from 1
 * @param timestamp when it was stored, Unix epoch nanoseconds
 * @param headers   its {@code NATS/1.0} header block, or an empty array
 * @param data      its payload
 * @param ttlNanos  its own time to live ({@code Nats-TTL}), 0 when it has none, -1 for "never"
 */
public record StoredMessage(String subject, long seq, long timestamp, byte[] headers, byte[] data, long ttlNanos) {

    /** An empty array for messages without headers. */
    public static final byte[] NO_BYTES = new byte[0];

    public StoredMessage {
        headers = headers == null ? NO_BYTES : headers;
        data = data == null ? NO_BYTES : data;
    }

    /** Whether it has a header block. */
    public boolean hasHeaders() {
        return headers.length > 0;
    }
}
