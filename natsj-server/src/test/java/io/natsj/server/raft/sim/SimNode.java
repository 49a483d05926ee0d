package io.natsj.server.raft.sim;

import io.natsj.server.raft.Entry;
import io.natsj.server.raft.Membership;
import io.natsj.server.raft.RaftConfig;
import io.natsj.server.raft.RaftNode;
import io.natsj.server.raft.Snapshot;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * One simulated replica: its disk, its core (null while down) and its state machine, a map from log index to the
 * value applied there (0 for no-ops, -1 for membership entries), which is also what its snapshots hold.
 *
 * <p>Threading: the simulation's single thread.
 */
final class SimNode {

    private final String id;
    private final RaftConfig config;
    /** Virtual units between this replica's ticks (its clock's rate). */
    final int tickInterval;
    private final SimDisk disk;
    private RaftNode raft;
    private int incarnation;
    private long currentSyncEnd;
    private long nextSyncEnd;
    private TreeMap<Long, Long> state = new TreeMap<>();
    private long appliedIndex;
    private final Map<Long, long[]> proposals = new HashMap<>();
    long checkedLeaderTerm = -1;
    /** The commit index the invariants have seen from this replica. */
    long seenCommit;
    /** While paused (as under SIGSTOP) nothing reaches the replica; its messages and timers wait. */
    long pausedUntil;

    SimNode(String id, RaftConfig config, Membership voters, int tickInterval) {
        this.id = id;
        this.tickInterval = tickInterval;
        this.config = config;
        this.disk = new SimDisk(voters);
    }

    String id() {
        return id;
    }

    RaftNode raft() {
        return raft;
    }

    boolean up() {
        return raft != null;
    }

    SimDisk disk() {
        return disk;
    }

    int incarnation() {
        return incarnation;
    }

    TreeMap<Long, Long> state() {
        return state;
    }

    long appliedIndex() {
        return appliedIndex;
    }

    /**
     * When the writes made now are synced. Group commit: an idle disk starts a sync at once; writes made while one
     * runs all share the next one, which starts when the running one ends.
     */
    long syncDoneAt(long now, LongSupplier latency) {
        if (nextSyncEnd > 0 && now >= currentSyncEnd) {
            currentSyncEnd = nextSyncEnd;
            nextSyncEnd = 0;
        }
        if (now >= currentSyncEnd) {
            currentSyncEnd = now + latency.getAsLong();
            return currentSyncEnd;
        }
        if (nextSyncEnd == 0) {
            nextSyncEnd = currentSyncEnd + latency.getAsLong();
        }
        return nextSyncEnd;
    }

    void start(SplittableRandom random) {
        raft = new RaftNode(config, disk.current(), random.split());
        Snapshot snap = disk.current().snapshot();
        state = decode(snap.data());
        appliedIndex = snap.index();
        raft.applied(appliedIndex);
        seenCommit = raft.commitIndex();
        currentSyncEnd = 0;
        nextSyncEnd = 0;
        checkedLeaderTerm = -1;
    }

    void crash() {
        raft = null;
        pausedUntil = 0;
        incarnation++;
        disk.crash();
        proposals.clear();
    }

    void proposed(long index, long term, long value) {
        proposals.put(index, new long[] {term, value});
    }

    /** The value an entry carries in the state machine. */
    static long valueOf(Entry e) {
        return switch (e.type()) {
            case NORMAL -> ByteBuffer.wrap(e.data()).getLong();
            case NOOP -> 0;
            case MEMBERSHIP -> -1;
        };
    }

    /** Applies one committed entry; true if it acknowledges one of this replica's proposals. */
    boolean apply(Entry e) {
        long value = valueOf(e);
        state.put(e.index(), value);
        appliedIndex = e.index();
        long[] p = proposals.remove(e.index());
        return p != null && p[0] == e.term() && p[1] == value;
    }

    void installSnapshot(Snapshot s) {
        state = decode(s.data());
        appliedIndex = s.index();
        proposals.keySet().removeIf(i -> i <= s.index());
    }

    byte[] snapshotData() {
        ByteBuffer buf = ByteBuffer.allocate(state.size() * 16);
        state.forEach((k, v) -> buf.putLong(k).putLong(v));
        return buf.array();
    }

    static TreeMap<Long, Long> decode(byte[] data) {
        TreeMap<Long, Long> m = new TreeMap<>();
        ByteBuffer buf = ByteBuffer.wrap(data);
        while (buf.remaining() >= 16) {
            m.put(buf.getLong(), buf.getLong());
        }
        return m;
    }
}
