package io.natsj.server.raft.sim;

import io.natsj.server.raft.HardState;
import io.natsj.server.raft.MemoryRaftStorage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The safety properties checked after every simulated step. Log matching is checked as entries are written: every
 * replica that ever holds an entry with a given index and term must hold the same payload after the same previous
 * term (by induction, identical prefixes). State machine safety as entries are applied. Leader completeness when a
 * replica becomes leader and whenever an entry is applied while a later-term leader exists.
 *
 * <p>Threading: the simulation's single thread.
 */
final class Invariants {

    private record Key(long index, long term) {
    }

    private record Written(long prevTerm, long value) {
    }

    private record Applied(long term, long value) {
    }

    /** An entry known committed, by a leader of {@code commitTerm} at the latest. */
    private record Committed(long commitTerm, long entryTerm) {
    }

    private final long seed;
    private final HashMap<Key, Written> written = new HashMap<>();
    private final HashMap<Long, String> leaders = new HashMap<>();
    private final HashMap<Long, Applied> applied = new HashMap<>();
    private final HashMap<Long, Committed> committed = new HashMap<>();
    private final TreeMap<Long, Long> acked = new TreeMap<>();

    Invariants(long seed) {
        this.seed = seed;
    }

    SimulationFailure failure(String message) {
        return new SimulationFailure(seed, message, null);
    }

    void onWrite(String node, long index, long term, long prevTerm, long value) {
        Written w = new Written(prevTerm, value);
        Written before = written.putIfAbsent(new Key(index, term), w);
        if (before != null && !before.equals(w)) {
            throw failure("log matching: " + node + " wrote " + index + "@" + term + " " + w + ", seen before "
                    + before);
        }
    }

    void onLeader(String node, long term, MemoryRaftStorage log) {
        String before = leaders.putIfAbsent(term, node);
        if (before != null && !before.equals(node)) {
            throw failure("two leaders in term " + term + ": " + before + " and " + node);
        }
        for (Map.Entry<Long, Committed> e : committed.entrySet()) {
            checkHolds(node, term, log, e.getKey(), e.getValue());
        }
    }

    /** An entry applied somewhere: no other entry may ever be applied at its index. */
    void onApply(String node, long index, long term, long value) {
        Applied a = new Applied(term, value);
        Applied before = applied.putIfAbsent(index, a);
        if (before != null && !before.equals(a)) {
            throw failure("state machine safety: " + node + " applied " + index + " " + a + ", another applied "
                    + before);
        }
    }

    /**
     * A replica in {@code nodeTerm} knows the entry at {@code index} (of {@code entryTerm}) committed, so it was
     * committed by a leader of a term at most {@code nodeTerm}: every leader of a later term must hold it.
     */
    void onCommitted(String node, long index, long nodeTerm, long entryTerm, Map<String, Leader> liveLeaders) {
        Committed c = committed.get(index);
        if (c != null && c.entryTerm() != entryTerm) {
            throw failure("commit safety: " + node + " has " + index + "@" + entryTerm + " committed, "
                    + index + "@" + c.entryTerm() + " was committed before");
        }
        if (c == null || nodeTerm < c.commitTerm()) {
            Committed now = new Committed(nodeTerm, entryTerm);
            committed.put(index, now);
            liveLeaders.forEach((id, l) -> checkHolds(id, l.term(), l.log(), index, now));
        }
    }

    record Leader(long term, MemoryRaftStorage log) {
    }

    private void checkHolds(String node, long leaderTerm, MemoryRaftStorage log, long index, Committed c) {
        if (c.commitTerm() >= leaderTerm || index <= log.snapshot().index()) {
            return;
        }
        if (log.term(index) != c.entryTerm()) {
            throw failure("leader completeness: " + node + " leads term " + leaderTerm + " without entry "
                    + index + "@" + c.entryTerm() + " committed by term " + c.commitTerm() + " (has term "
                    + log.term(index) + ")");
        }
    }

    /** A replica installed a snapshot: its contents must agree with what was applied anywhere. */
    void onSnapshot(String node, Map<Long, Long> state) {
        for (Map.Entry<Long, Long> e : state.entrySet()) {
            Applied a = applied.get(e.getKey());
            if (a != null && a.value() != e.getValue()) {
                throw failure("snapshot of " + node + " disagrees at " + e.getKey());
            }
        }
    }

    void onAck(long index, long value) {
        acked.put(index, value);
    }

    int ackedCount() {
        return acked.size();
    }

    /** After healing: every acknowledged value at its index everywhere, and identical applied histories. */
    void finalCheck(List<SimNode> nodes) {
        SimNode first = nodes.getFirst();
        for (SimNode n : nodes) {
            for (Map.Entry<Long, Long> e : acked.entrySet()) {
                Long v = n.state().get(e.getKey());
                if (v == null || v.longValue() != e.getValue()) {
                    throw failure("acknowledged value " + e.getValue() + " at " + e.getKey() + " is " + v + " on "
                            + n.id());
                }
            }
            if (!n.state().equals(first.state())) {
                throw failure("replicas differ: " + first.id() + " applied to " + first.appliedIndex() + ", "
                        + n.id() + " to " + n.appliedIndex());
            }
            if (n.raft().recovery() != HardState.Recovery.NONE) {
                throw failure(n.id() + " still recovering after healing: " + n.raft().recovery());
            }
        }
    }
}
