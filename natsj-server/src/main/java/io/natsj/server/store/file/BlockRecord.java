package io.natsj.server.store.file;

import io.natsj.server.store.StoredMessage;

/**
 * One decoded record of a block file (see {@link RecordCodec} for the bytes). What {@code seq}, {@code timestamp}
 * and {@code ttl} mean depends on the kind:
 * <ul>
 *   <li>message: its sequence, store time and TTL;</li>
 *   <li>tombstone ({@link RecordCodec#TOMBSTONE}): the removed sequence, then the stream's last timestamp and last
 *       sequence when it was written ({@code ttl} holds that last sequence);</li>
 *   <li>skip marker ({@link RecordCodec#SKIP}): the stream's next sequence and last timestamp when it was written.</li>
 * </ul>
 *
 * @param flags  the flag bits
 * @param length the record's length on disk, in bytes
 */
public record BlockRecord(int flags, long seq, long timestamp, long ttl, String subject, byte[] headers, byte[] data,
                          int length) {

    public boolean isTombstone() {
        return (flags & RecordCodec.TOMBSTONE) != 0;
    }

    public boolean isErased() {
        return (flags & RecordCodec.ERASED) != 0;
    }

    public boolean isSkip() {
        return (flags & RecordCodec.SKIP) != 0;
    }

    /** A message record that was not erased. */
    public boolean isLiveMessage() {
        return (flags & (RecordCodec.TOMBSTONE | RecordCodec.ERASED | RecordCodec.SKIP)) == 0;
    }

    /** The message this record holds. */
    public StoredMessage toMessage() {
        return new StoredMessage(subject, seq, timestamp, headers, data, ttl);
    }
}
