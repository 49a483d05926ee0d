package io.natsj.server.store;

import java.util.List;
import java.util.Map;

/**
 * The messages of one stream, in sequence order: the seam between a stream and its storage. Two implementations,
 * {@code MemoryStreamStore} and {@code FileStreamStore}, pass one contract test suite ({@code StreamStoreContract}).
 *
 * <p>Sequences start at 1 (or the stream's {@code first_seq}) and only grow; a removed message leaves a gap.
 * Subject filters accept the {@code *} and {@code >} wildcards; a null or empty filter, or {@code >}, means every
 * subject. Timestamps are Unix epoch nanoseconds from the store's clock.
 *
 * <p>Threading: every method is safe to call from any thread. Writes ({@link #store}, removals, purges, limits,
 * expiry) are meant to come from the owning stream's thread; reads may come from consumers and API handlers
 * concurrently.
 */
public interface StreamStore extends AutoCloseable {

    /** Where the messages live. */
    StorageType type();

    /**
     * Stores a message with the next sequence and the clock's current time, then removes the oldest messages while
     * a limit is exceeded (discard old).
     *
     * @param ttlNanos the message's own TTL ({@code Nats-TTL}): 0 none, -1 never expires even under max age
     * @return the stored message (its sequence and timestamp)
     * @throws StoreException when the store cannot write
     */
    StoredMessage store(String subject, byte[] headers, byte[] data, long ttlNanos);

    /**
     * Reserves the next sequence without a message, as a deleted gap: used when a stream must move its sequence
     * on (a new stream's {@code first_seq}).
     */
    void skipTo(long nextSeq);

    /** The message with {@code seq}, or null when it was never stored or is gone. */
    StoredMessage load(long seq);

    /** The first message with a sequence ≥ {@code fromSeq} whose subject matches {@code filter}, or null. */
    StoredMessage loadNext(String filter, long fromSeq);

    /** The last message whose subject matches {@code filter}, or null. */
    StoredMessage loadLast(String filter);

    /** The last message with a sequence ≤ {@code upToSeq} whose subject matches {@code filter}, or null. */
    StoredMessage loadPrevious(String filter, long upToSeq);

    /**
     * Removes one message; its bytes stay on disk until compaction.
     *
     * @return false when there was no such message
     */
    boolean remove(long seq);

    /** Removes one message and overwrites its data where it lay (nats-server's "erase"). */
    boolean erase(long seq);

    /**
     * Purges messages: all of them, or those matching {@code filter}; only those below {@code upToSeq} when it is
     * positive (exclusive); keeping the newest {@code keep} of them when it is positive. Purging everything moves
     * the first sequence past the last ({@code first = last + 1}); purging below a sequence moves it to that
     * sequence.
     *
     * @return how many messages were removed
     */
    long purge(String filter, long upToSeq, long keep);

    /** How many messages with a sequence ≥ {@code fromSeq} match {@code filter}, and their first and last. */
    SubjectState filteredState(long fromSeq, String filter);

    /** The number of messages per subject, for the subjects matching {@code filter}. */
    Map<String, Long> subjectTotals(String filter);

    /** The first sequence whose message was stored at or after {@code epochNanos} (last + 1 when none). */
    long sequenceAtOrAfter(long epochNanos);

    /** The counters, as of now. */
    StreamState state();

    /** The sequences between first and last that are gone, in order. */
    List<Long> deleted();

    /** Applies new limits, removing what they no longer allow. */
    void updateLimits(StoreLimits limits);

    /**
     * Removes every message past its age ({@code maxAge}) or its own TTL as of the clock's now.
     *
     * @return the epoch nanoseconds at which the next message will expire, or 0 when none will
     */
    default long expire() {
        return expire(null);
    }

    /**
     * As {@link #expire()}, handing {@code lastOfSubject} each expired message (for its age or its own TTL) that was
     * the last of its subject, read just before it went, in the order removed: for the stream's subject delete
     * markers. Null: no report, and nothing read.
     */
    long expire(java.util.function.Consumer<StoredMessage> lastOfSubject);

    /** Forces what was written onto stable storage (a no-op for memory). */
    void sync();

    /** Flushes and releases files and memory; the store cannot be used afterwards. */
    @Override
    void close();

    /** Closes and deletes everything the store holds. */
    void delete();

    /**
     * The bytes a message counts for in {@link StreamState#bytes()} and {@code max_bytes}: nats-server's formulas,
     * which differ between file and memory storage.
     */
    static long messageSize(StorageType type, String subject, byte[] headers, byte[] data) {
        int subjectLen = subject.length();
        int hdrLen = headers == null ? 0 : headers.length;
        int dataLen = data == null ? 0 : data.length;
        if (type == StorageType.MEMORY) {
            return subjectLen + hdrLen + dataLen + 16L;
        }
        return hdrLen == 0 ? 22L + subjectLen + dataLen + 8 : 22L + subjectLen + 4 + hdrLen + dataLen + 8;
    }
}
