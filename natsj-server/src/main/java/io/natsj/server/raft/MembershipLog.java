package io.natsj.server.raft;

import java.util.Map;
import java.util.TreeMap;

/**
 * The voter sets a replica's log holds: the snapshot's, and each membership entry after it by index. The one in force
 * is the latest in the log, committed or not; a truncated entry takes its membership with it.
 *
 * <p>Threading: owned by its {@link RaftNode}.
 */
final class MembershipLog {

    private Membership base;
    private final TreeMap<Long, Membership> changes = new TreeMap<>();

    MembershipLog(Membership base) {
        this.base = base;
    }

    Membership current() {
        return changes.isEmpty() ? base : changes.lastEntry().getValue();
    }

    /** The voters in force at {@code index}. */
    Membership at(long index) {
        Map.Entry<Long, Membership> e = changes.floorEntry(index);
        return e == null ? base : e.getValue();
    }

    /** Index of the latest change in the log, or {@code snapshotIndex} when there is none after the snapshot. */
    long lastChangeIndex(long snapshotIndex) {
        return changes.isEmpty() ? snapshotIndex : changes.lastKey();
    }

    void track(Entry e) {
        if (e.type() == Entry.Type.MEMBERSHIP) {
            changes.put(e.index(), Membership.decode(e.data()));
        }
    }

    /** Entries from {@code index} on were replaced. */
    void truncateFrom(long index) {
        changes.tailMap(index, true).clear();
    }

    /** The log now starts after a snapshot holding {@code voters} at {@code index}. */
    void compactTo(long index, Membership voters) {
        base = voters;
        changes.headMap(index, true).clear();
    }

    /** A snapshot replaced the whole log. */
    void reset(Membership voters) {
        base = voters;
        changes.clear();
    }
}
