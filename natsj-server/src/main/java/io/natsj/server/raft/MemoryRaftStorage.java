package io.natsj.server.raft;

import java.util.ArrayList;
import java.util.List;

/**
 * {@link RaftStorage} in memory, with the write side a runtime uses after each {@link Ready} ({@link #write}). Used
 * by tests and the simulator; also the model for the file-backed log.
 *
 * <p>Threading: not thread-safe; one owner.
 */
public final class MemoryRaftStorage implements RaftStorage {

    private HardState hardState = HardState.EMPTY;
    private Snapshot snapshot;
    private final ArrayList<Entry> entries = new ArrayList<>();
    private boolean logDamaged;
    private boolean hardStateLost;

    /** A new group's storage: the initial snapshot holds the voters. */
    public MemoryRaftStorage(Membership voters) {
        this.snapshot = Snapshot.initial(voters);
    }

    private MemoryRaftStorage(MemoryRaftStorage other) {
        this.hardState = other.hardState;
        this.snapshot = other.snapshot;
        this.entries.addAll(other.entries);
        this.logDamaged = other.logDamaged;
        this.hardStateLost = other.hardStateLost;
    }

    public MemoryRaftStorage copy() {
        return new MemoryRaftStorage(this);
    }

    /** Applies a ready's writes in the order the contract gives: snapshot, compaction, entries, hard state. */
    public void write(Ready ready) {
        if (ready.snapshot() != null) {
            installSnapshot(ready.snapshot());
        }
        if (ready.compaction() != null) {
            compact(ready.compaction());
        }
        if (!ready.entries().isEmpty()) {
            append(ready.entries());
        }
        if (ready.hardState() != null) {
            setHardState(ready.hardState());
        }
    }

    public void setHardState(HardState state) {
        hardState = state;
        if (state.recovery() != HardState.Recovery.NONE) {
            logDamaged = false;
            hardStateLost = false;
        }
    }

    public HardState hardState() {
        return hardState;
    }

    /** Drops every entry from the first new entry's index on, then appends. */
    public void append(List<Entry> newEntries) {
        long first = newEntries.get(0).index();
        if (first <= snapshot.index() || first > lastIndex() + 1) {
            throw new IllegalArgumentException("append at " + first + " to a log " + firstIndex() + ".."
                    + lastIndex());
        }
        truncateFrom(first);
        entries.addAll(newEntries);
    }

    /** Replaces the whole log by the snapshot. */
    public void installSnapshot(Snapshot snap) {
        entries.clear();
        snapshot = snap;
    }

    /** Keeps the snapshot and drops the entries it covers. */
    public void compact(Snapshot snap) {
        if (snap.index() <= snapshot.index()) {
            return;
        }
        int drop = (int) Math.min(entries.size(), snap.index() - snapshot.index());
        entries.subList(0, drop).clear();
        snapshot = snap;
    }

    /** Drops entries from {@code index} on (the simulator's damage; a runtime's conflict truncation). */
    public void truncateFrom(long index) {
        int keep = (int) Math.max(0, index - firstIndex());
        if (keep < entries.size()) {
            entries.subList(keep, entries.size()).clear();
        }
    }

    /** Marks what recovery found (the simulator's damaged disk). */
    public void markDamaged(boolean hardStateLost) {
        this.logDamaged = true;
        if (hardStateLost) {
            this.hardStateLost = true;
            this.hardState = HardState.EMPTY;
        }
    }

    @Override
    public InitialState initialState() {
        return new InitialState(hardState, logDamaged, hardStateLost);
    }

    @Override
    public Snapshot snapshot() {
        return snapshot;
    }

    @Override
    public long lastIndex() {
        return snapshot.index() + entries.size();
    }

    @Override
    public long term(long index) {
        if (index == snapshot.index()) {
            return snapshot.term();
        }
        if (index < snapshot.index() || index > lastIndex()) {
            return -1;
        }
        return entries.get((int) (index - firstIndex())).term();
    }

    @Override
    public List<Entry> entries(long from, long to, long maxBytes) {
        if (from < firstIndex() || to > lastIndex() + 1) {
            throw new IllegalArgumentException("entries " + from + ".." + to + " of " + firstIndex() + ".."
                    + lastIndex());
        }
        List<Entry> out = new ArrayList<>();
        long bytes = 0;
        for (long i = from; i < to; i++) {
            Entry e = entries.get((int) (i - firstIndex()));
            bytes += e.size();
            if (!out.isEmpty() && bytes > maxBytes) {
                break;
            }
            out.add(e);
        }
        return out;
    }
}
