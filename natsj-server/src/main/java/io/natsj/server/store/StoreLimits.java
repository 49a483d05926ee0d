package io.natsj.server.store;

/**
 * The limits a store enforces itself by removing its oldest messages (nats-server's discard-old behaviour).
 * Discard-new is the stream's decision before it stores, so it is not here. A limit of -1 (or 0 for the age)
 * means "none".
 *
 * @param maxMsgs           most messages kept
 * @param maxBytes          most bytes kept (as the store counts them, see {@link StreamStore#messageSize})
 * @param maxAgeNanos       oldest message age kept; 0 = unlimited
 * @param maxMsgsPerSubject most messages kept per subject
 */
public record StoreLimits(long maxMsgs, long maxBytes, long maxAgeNanos, long maxMsgsPerSubject) {

    /** No limits at all. */
    public static final StoreLimits NONE = new StoreLimits(-1, -1, 0, -1);
}
