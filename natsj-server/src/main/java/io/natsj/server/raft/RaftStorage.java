package io.natsj.server.raft;

import java.util.List;

/**
 * The log as the core reads it. The runtime writes it, from each {@link Ready}, before calling
 * {@link RaftNode#advance}; reads may see writes not yet synced. Indexes: {@code snapshot().index()} is the last
 * compacted index; entries run from {@link #firstIndex()} (= snapshot index + 1) to {@link #lastIndex()} (= snapshot
 * index when there are none).
 *
 * <p>Threading: the core calls it on the group's thread only, between the runtime's writes.
 */
public interface RaftStorage {

    /**
     * What recovery found when the storage was opened. {@code logDamaged}: damaged records were found and the log
     * truncated to its last valid entry. {@code hardStateLost}: the hard state record was unreadable (then
     * {@code hardState} is {@link HardState#EMPTY}). A storage keeps reporting the damage until a hard state with a
     * {@link HardState.Recovery} other than {@code NONE} has been synced.
     */
    record InitialState(HardState hardState, boolean logDamaged, boolean hardStateLost) {
    }

    InitialState initialState();

    Snapshot snapshot();

    default long firstIndex() {
        return snapshot().index() + 1;
    }

    long lastIndex();

    /** The term of the entry at {@code index}; the snapshot's term at its index; -1 outside the stored range. */
    long term(long index);

    /**
     * Entries from {@code from} (inclusive) to {@code to} (exclusive), stopping once {@code maxBytes} is exceeded
     * (at least one entry is returned when the range is not empty).
     */
    List<Entry> entries(long from, long to, long maxBytes);
}
