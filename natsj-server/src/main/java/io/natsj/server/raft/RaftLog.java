package io.natsj.server.raft;

import java.util.ArrayList;
import java.util.List;

/**
 * A replica's view of its log: what the storage holds plus what was appended since the last {@link Ready} (the
 * unstable tail, or a snapshot to install), and the commit, persisted and applied positions.
 *
 * <p>Invariants: {@code applied <= applying <= min(committed, persisted)}; when {@code unstable} is not empty its
 * first entry is at {@code unstableOffset}, which may be at or below the storage's last index (the runtime truncates
 * there); with a pending snapshot, the storage's entries are ignored (they are to be replaced).
 *
 * <p>Threading: owned by its {@link RaftNode}.
 */
final class RaftLog {

    private final RaftStorage storage;
    private final ArrayList<Entry> unstable = new ArrayList<>();
    private long unstableOffset;
    private Snapshot pendingSnapshot;
    private Snapshot handedSnapshot;
    private int handedEntries;
    long committed;
    long persisted;
    /** Where the last {@link #maybeAppend} started writing (0: it wrote nothing). */
    long lastWriteFrom;
    long applying;
    long applied;

    RaftLog(RaftStorage storage, long commit) {
        this.storage = storage;
        long snap = storage.snapshot().index();
        this.persisted = storage.lastIndex();
        this.committed = Math.max(snap, Math.min(commit, persisted));
        this.applying = snap;
        this.applied = snap;
    }

    Snapshot snapshot() {
        return pendingSnapshot != null ? pendingSnapshot : storage.snapshot();
    }

    long firstIndex() {
        return snapshot().index() + 1;
    }

    long lastIndex() {
        if (!unstable.isEmpty()) {
            return unstableOffset + unstable.size() - 1;
        }
        return pendingSnapshot != null ? pendingSnapshot.index() : storage.lastIndex();
    }

    /** The last index the storage holds (what a ready's entries may replace). */
    long storedLastIndex() {
        return storage.lastIndex();
    }

    long lastTerm() {
        return term(lastIndex());
    }

    /** The term at {@code index}, or -1 when compacted or beyond the end. */
    long term(long index) {
        if (index > lastIndex() || index < 0) {
            return -1;
        }
        if (!unstable.isEmpty() && index >= unstableOffset) {
            return unstable.get((int) (index - unstableOffset)).term();
        }
        if (pendingSnapshot != null) {
            return index == pendingSnapshot.index() ? pendingSnapshot.term() : -1;
        }
        return storage.term(index);
    }

    boolean matchTerm(long index, long term) {
        return term(index) == term;
    }

    /** Entries in [from, to), at most {@code maxCount} and about {@code maxBytes}. */
    List<Entry> entries(long from, long to, int maxCount, long maxBytes) {
        to = Math.min(to, from + maxCount);
        if (from >= to) {
            return List.of();
        }
        if (from < firstIndex()) {
            throw new IllegalStateException("entries from " + from + " compacted (first " + firstIndex() + ")");
        }
        List<Entry> out = new ArrayList<>();
        long stableEnd = unstable.isEmpty() ? to : Math.min(to, unstableOffset);
        if (from < stableEnd && pendingSnapshot == null) {
            out.addAll(storage.entries(from, stableEnd, maxBytes));
            if (out.size() < stableEnd - from) {
                return out;
            }
        }
        long bytes = 0;
        for (Entry e : out) {
            bytes += e.size();
        }
        for (long i = Math.max(from, stableEnd); i < to; i++) {
            Entry e = unstable.get((int) (i - unstableOffset));
            bytes += e.size();
            if (!out.isEmpty() && bytes > maxBytes) {
                break;
            }
            out.add(e);
        }
        return out;
    }

    /** Appends entries that follow on the log (or replace its suffix from the first one's index). */
    void append(List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        long after = entries.getFirst().index();
        if (after <= committed) {
            throw new IllegalStateException("truncation at " + after + " below commit " + committed);
        }
        if (after > lastIndex() + 1) {
            throw new IllegalStateException("gap: append at " + after + " after " + lastIndex());
        }
        if (!unstable.isEmpty() && after >= unstableOffset) {
            unstable.subList((int) (after - unstableOffset), unstable.size()).clear();
        } else {
            unstable.clear();
            unstableOffset = after;
        }
        unstable.addAll(entries);
        if (after <= persisted) {
            persisted = after - 1;
        }
    }

    /**
     * A follower's append: if the log holds {@code prevIndex} with {@code prevTerm}, keep what matches, replace the
     * rest from the first conflict, advance the commit. Returns the last index now known to match, or -1.
     */
    long maybeAppend(long prevIndex, long prevTerm, long commit, List<Entry> entries) {
        if (!matchTerm(prevIndex, prevTerm)) {
            return -1;
        }
        long lastNew = prevIndex + entries.size();
        lastWriteFrom = 0;
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            if (!matchTerm(e.index(), e.term())) {
                append(entries.subList(i, entries.size()));
                lastWriteFrom = e.index();
                break;
            }
        }
        commitTo(Math.min(commit, lastNew));
        return lastNew;
    }

    /** The largest index at or below {@code index} whose term is at most {@code term} (a probe's next point). */
    long findConflictByTerm(long index, long term) {
        long i = Math.min(index, lastIndex());
        long floor = firstIndex() - 1;
        while (i > floor) {
            long t = term(i);
            if (t <= term) {
                return i;
            }
            i--;
        }
        return floor;
    }

    void commitTo(long index) {
        if (index > committed) {
            if (index > lastIndex()) {
                throw new IllegalStateException("commit " + index + " beyond last index " + lastIndex());
            }
            committed = index;
        }
    }

    void persistedTo(long index, long term) {
        if (index > persisted && matchTerm(index, term)) {
            persisted = index;
        }
    }

    /** A snapshot from the leader replaces the whole log. */
    void restore(Snapshot snap) {
        unstable.clear();
        unstableOffset = snap.index() + 1;
        pendingSnapshot = snap;
        committed = snap.index();
        persisted = Math.min(persisted, snap.index() - 1);
    }

    boolean hasUnstable() {
        return !unstable.isEmpty() || pendingSnapshot != null;
    }

    /** The entries the next ready hands out for writing. */
    List<Entry> takeUnstable() {
        handedEntries = unstable.size();
        return List.copyOf(unstable);
    }

    Snapshot takeSnapshot() {
        handedSnapshot = pendingSnapshot;
        return pendingSnapshot;
    }

    /** The committed, locally synced entries the state machine has not been given yet. */
    List<Entry> takeCommitted(long maxBytes) {
        long to = Math.min(committed, persisted);
        if (handedSnapshot != null) {
            applying = Math.max(applying, handedSnapshot.index());
        }
        if (to <= applying) {
            return List.of();
        }
        List<Entry> out = entries(applying + 1, to + 1, Integer.MAX_VALUE, maxBytes);
        applying = out.getLast().index();
        return out;
    }

    boolean hasCommittedToApply() {
        return Math.min(committed, persisted) > applying;
    }

    /** The runtime wrote the last ready: its entries and snapshot are now in the storage. */
    void stableTo() {
        unstable.subList(0, handedEntries).clear();
        unstableOffset += handedEntries;
        handedEntries = 0;
        if (handedSnapshot != null && handedSnapshot == pendingSnapshot) {
            pendingSnapshot = null;
        }
        handedSnapshot = null;
    }

    void appliedTo(long index) {
        if (index > applied) {
            applied = Math.min(index, applying);
        }
    }
}
