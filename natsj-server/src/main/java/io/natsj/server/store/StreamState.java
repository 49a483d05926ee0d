package io.natsj.server.store;

/**
 * A snapshot of a store's counters: nats-server's stream {@code state} without the consumer count.
 *
 * @param msgs        messages held
 * @param bytes       bytes held, as the store counts them
 * @param firstSeq    first sequence held (last + 1 when empty; 0 when no sequence was ever assigned)
 * @param firstTime   timestamp of the first message, Unix nanoseconds, 0 when empty
 * @param lastSeq     last sequence assigned (also after its message was removed)
 * @param lastTime    timestamp of the last message stored, Unix nanoseconds, 0 when none
 * @param numSubjects distinct subjects held
 * @param numDeleted  sequences between first and last that are gone (interior deletes)
 * @param lostMsgs    messages found damaged on recovery and dropped (0 when none)
 * @param lostBytes   their bytes
 */
public record StreamState(long msgs, long bytes, long firstSeq, long firstTime, long lastSeq, long lastTime,
                          long numSubjects, long numDeleted, long lostMsgs, long lostBytes) {
}
