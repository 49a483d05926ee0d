package io.natsj.server.raft.sim;

import io.natsj.server.raft.Entry;
import io.natsj.server.raft.HardState;
import io.natsj.server.raft.Membership;
import io.natsj.server.raft.ProposeResult;
import io.natsj.server.raft.RaftConfig;
import io.natsj.server.raft.RaftMessage;
import io.natsj.server.raft.RaftNode;
import io.natsj.server.raft.Ready;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * A deterministic simulation of one Raft group: 3 or 5 replicas, a network, disks and clients, all driven by one
 * seed on one thread with a virtual clock. During the chaos phase the network drops, delays (reordering),
 * duplicates and partitions (both ways and one way); replicas pause (as under SIGSTOP: messages wait for them),
 * crash (losing unsynced writes) and restart, some with their newest records damaged; leaders change the membership
 * and transfer leadership. Then everything heals and the group must elect a leader, commit a new proposal and
 * converge. Replicas' clocks run at different rates. {@link Invariants} are checked after every step; any violation, core exception or missed liveness
 * deadline is a {@link SimulationFailure} naming the seed.
 *
 * <p>Threading: single-threaded; one simulation per thread.
 */
public final class Simulation {

    /** Virtual units per Raft tick, on average: each replica's clock runs up to 30 % fast or slow. */
    static final int TICK = 10;
    private static final long SETTLE_UNITS = 20_000;
    private static final boolean TRACE = Boolean.getBoolean("natsj.raft.trace");

    private record Event(long time, long seq, Runnable action) {
    }

    /** What a finished run reports. */
    public record Result(long seed, int nodes, long steps, long virtualTime, int acked, int leaderChanges,
                         Map<String, Integer> events) {
    }

    private final long seed;
    private final SplittableRandom random;
    private final FaultProfile profile;
    private final List<SimNode> nodes = new ArrayList<>();
    private final Map<String, SimNode> byId = new HashMap<>();
    private final boolean[][] blocked;
    private final PriorityQueue<Event> events = new PriorityQueue<>(
            (a, b) -> a.time != b.time ? Long.compare(a.time, b.time) : Long.compare(a.seq, b.seq));
    private final Invariants invariants;
    private long now;
    private long eventSeq;
    private long steps;
    private long nextValue = 1;
    private boolean chaos = true;
    private int leaderChanges;
    private final Map<String, Integer> counts = new java.util.TreeMap<>();

    public Simulation(long seed, FaultProfile profile, RaftConfig.Unsafe unsafe) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
        this.profile = profile;
        this.invariants = new Invariants(seed);
        int n = random.nextBoolean() ? 3 : 5;
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            ids[i] = "n" + (i + 1);
        }
        Membership voters = Membership.of(ids);
        for (String id : ids) {
            int tickInterval = TICK - 3 + random.nextInt(7);
            RaftConfig cfg = RaftConfig.of(id).withLimits(1 + random.nextInt(16), 512, 1 + random.nextInt(8))
                    .withUnsafe(unsafe);
            SimNode node = new SimNode(id, cfg, voters, tickInterval);
            nodes.add(node);
            byId.put(id, node);
        }
        blocked = new boolean[n][n];
    }

    /** Runs the chaos phase, heals, and checks convergence; throws {@link SimulationFailure} on any violation. */
    public Result run() {
        try {
            for (SimNode node : nodes) {
                start(node, false);
            }
            schedule(random.nextInt(profile.chaosEvery()) + 1, this::chaosEvent);
            schedule(1 + random.nextInt(20), this::clientEvent);
            while (now < profile.chaosUnits()) {
                step();
            }
            heal();
            settle();
            invariants.finalCheck(nodes);
            return new Result(seed, nodes.size(), steps, now, invariants.ackedCount(), leaderChanges, counts);
        } catch (SimulationFailure f) {
            throw f;
        } catch (RuntimeException | AssertionError e) {
            throw new SimulationFailure(seed, "at t=" + now + " step " + steps + ": " + e, e);
        }
    }

    private void step() {
        Event e = events.poll();
        if (e == null) {
            throw invariants.failure("no events left");
        }
        now = e.time;
        steps++;
        e.action.run();
        checkLeaders();
    }

    private void count(String what) {
        counts.merge(what, 1, Integer::sum);
    }

    private void schedule(long delay, Runnable action) {
        events.add(new Event(now + delay, eventSeq++, action));
    }

    // ---------------------------------------------------------------- replicas

    private void start(SimNode node, boolean damaged) {
        if (damaged) {
            boolean hardStateLost = random.nextDouble() < profile.hardStateLossRate();
            node.disk().damage(random, 6, hardStateLost);
            count(hardStateLost ? "damaged restarts (hard state lost)" : "damaged restarts");
        }
        node.start(random);
        int inc = node.incarnation();
        schedule(1 + random.nextInt(TICK), () -> tick(node, inc));
        drain(node);
    }

    private void tick(SimNode node, int inc) {
        if (node.incarnation() != inc || !node.up()) {
            return;
        }
        if (node.pausedUntil > now) {
            schedule(node.pausedUntil - now, () -> tick(node, inc));
            return;
        }
        node.raft().tick();
        drain(node);
        schedule(node.tickInterval, () -> tick(node, inc));
    }

    /** The runtime loop of {@link Ready}: write, advance, send, sync (later), apply. */
    private void drain(SimNode node) {
        RaftNode raft = node.raft();
        while (raft.hasReady()) {
            Ready r = raft.ready();
            long seq = node.disk().write(r);
            if (TRACE) {
                System.out.println(now + " " + node.id() + " ready " + r.entries().size() + " entries, persist "
                        + r.persistIndex() + ", apply " + r.committedEntries().size() + ", hs " + r.hardState()
                        + " -> " + raft);
            }
            raft.advance(r);
            checkWrites(node, r);
            r.messages().forEach(this::send);
            long doneAt = node.syncDoneAt(now, this::syncLatency);
            int inc = node.incarnation();
            schedule(doneAt - now, () -> synced(node, inc, seq, r));
            apply(node, r);
        }
    }

    private long syncLatency() {
        boolean slow = chaos && random.nextDouble() < profile.slowSyncRate();
        return slow ? 1 + random.nextInt(15 * TICK) : 1 + random.nextInt(TICK);
    }

    private void synced(SimNode node, int inc, long seq, Ready r) {
        if (node.incarnation() != inc || !node.up()) {
            return;
        }
        if (node.pausedUntil > now) {
            schedule(node.pausedUntil - now, () -> synced(node, inc, seq, r));
            return;
        }
        node.disk().syncTo(seq);
        if (TRACE) {
            System.out.println(now + " " + node.id() + " synced " + r.persistIndex() + "@" + r.persistTerm());
        }
        r.messagesAfterPersist().forEach(this::send);
        if (r.persistIndex() > 0) {
            node.raft().persisted(r.persistIndex(), r.persistTerm());
        }
        drain(node);
    }

    private void checkWrites(SimNode node, Ready r) {
        var log = node.disk().current();
        for (Entry e : r.entries()) {
            invariants.onWrite(node.id(), e.index(), e.term(), log.term(e.index() - 1), SimNode.valueOf(e));
        }
    }

    private void apply(SimNode node, Ready r) {
        if (r.snapshot() != null) {
            count("snapshots installed");
            node.installSnapshot(r.snapshot());
            invariants.onSnapshot(node.id(), node.state());
        }
        for (Entry e : r.committedEntries()) {
            if (node.apply(e)) {
                invariants.onAck(e.index(), SimNode.valueOf(e));
            }
            invariants.onApply(node.id(), e.index(), e.term(), SimNode.valueOf(e));
        }
        if (!r.committedEntries().isEmpty() || r.snapshot() != null) {
            node.raft().applied(node.appliedIndex());
            long snapIndex = node.disk().current().snapshot().index();
            if (node.appliedIndex() - snapIndex > 20 && random.nextInt(4) == 0) {
                node.raft().compact(node.appliedIndex(), node.snapshotData());
            }
        }
    }

    private Map<String, Invariants.Leader> liveLeaders() {
        Map<String, Invariants.Leader> out = new HashMap<>();
        for (SimNode n : nodes) {
            if (n.up() && n.raft().isLeader()) {
                out.put(n.id(), new Invariants.Leader(n.raft().term(), n.disk().current()));
            }
        }
        return out;
    }

    private void checkLeaders() {
        for (SimNode n : nodes) {
            if (n.up() && n.raft().commitIndex() > n.seenCommit) {
                var log = n.disk().current();
                Map<String, Invariants.Leader> leaders = liveLeaders();
                for (long i = n.seenCommit + 1; i <= n.raft().commitIndex(); i++) {
                    long entryTerm = log.term(i);
                    if (i > log.snapshot().index()) {
                        invariants.onCommitted(n.id(), i, n.raft().term(), entryTerm, leaders);
                    }
                }
                n.seenCommit = n.raft().commitIndex();
            }
        }
        for (SimNode n : nodes) {
            if (n.up() && n.raft().isLeader() && n.checkedLeaderTerm != n.raft().term()) {
                n.checkedLeaderTerm = n.raft().term();
                leaderChanges++;
                invariants.onLeader(n.id(), n.raft().term(), n.disk().current());
            }
        }
    }

    // ---------------------------------------------------------------- network

    private int indexOf(String id) {
        return Integer.parseInt(id.substring(1)) - 1;
    }

    private void send(RaftMessage m) {
        if (blocked[indexOf(m.from())][indexOf(m.to())]) {
            return;
        }
        if (chaos && random.nextDouble() < profile.dropRate()) {
            return;
        }
        int copies = chaos && random.nextDouble() < profile.dupRate() ? 2 : 1;
        for (int i = 0; i < copies; i++) {
            schedule(1 + random.nextInt(profile.maxDelay()), () -> deliver(m));
        }
    }

    private void deliver(RaftMessage m) {
        SimNode to = byId.get(m.to());
        if (!to.up() || blocked[indexOf(m.from())][indexOf(m.to())]) {
            return;
        }
        if (to.pausedUntil > now) {
            schedule(to.pausedUntil - now, () -> deliver(m));
            return;
        }
        if (TRACE) {
            System.out.println(now + " " + m);
        }
        to.raft().step(m);
        drain(to);
    }

    // ---------------------------------------------------------------- faults and clients

    private void chaosEvent() {
        if (!chaos) {
            return;
        }
        int n = nodes.size();
        switch (random.nextInt(9)) {
            case 0, 1 -> {
                SimNode victim = nodes.get(random.nextInt(n));
                if (victim.up()) {
                    victim.crash();
                    count("crashes");
                    long downFor = 1 + random.nextInt(60 * TICK);
                    schedule(downFor, () -> restart(victim));
                }
            }
            case 2 -> {
                count("partitions");
                int mask = 1 + random.nextInt((1 << n) - 2);
                for (int a = 0; a < n; a++) {
                    for (int b = 0; b < n; b++) {
                        if (((mask >> a) & 1) != ((mask >> b) & 1)) {
                            blocked[a][b] = true;
                        }
                    }
                }
            }
            case 3 -> {
                int a = random.nextInt(n);
                int b = random.nextInt(n);
                blocked[a][b] = a != b;
            }
            case 6 -> changeMembership();
            case 8 -> {
                SimNode victim = random.nextBoolean() ? anyLeader() : nodes.get(random.nextInt(n));
                if (victim != null && victim.up()) {
                    count("pauses");
                    victim.pausedUntil = now + 1 + random.nextInt(40 * TICK);
                }
            }
            case 7 -> {
                SimNode leader = anyLeader();
                if (leader != null) {
                    if (leader.raft().transferLeadership(nodes.get(random.nextInt(n)).id())) {
                        count("transfers");
                    }
                    drain(leader);
                }
            }
            default -> {
                for (boolean[] row : blocked) {
                    java.util.Arrays.fill(row, false);
                }
            }
        }
        schedule(1 + random.nextInt(2 * profile.chaosEvery()), this::chaosEvent);
    }

    /**
     * In 5-replica groups, a leader removes a voter (possibly itself) or demotes it to learner, adds a replica back
     * as a learner, or promotes a learner; one step at a time, so a group never has fewer than 4 voters.
     */
    private void changeMembership() {
        SimNode leader = anyLeader();
        if (leader == null || nodes.size() < 5) {
            return;
        }
        Membership m = leader.raft().membership();
        String pick = nodes.get(random.nextInt(nodes.size())).id();
        Membership next;
        if (m.voters().size() == nodes.size()) {
            next = random.nextBoolean() ? m.without(pick) : m.withLearner(pick);
        } else {
            next = m.isLearner(pick) ? m.with(pick) : m.isVoter(pick) ? m : m.withLearner(pick);
        }
        if (leader.raft().proposeMembership(next) instanceof ProposeResult.Accepted) {
            count("membership changes");
        }
        drain(leader);
    }

    private SimNode anyLeader() {
        List<SimNode> leaders = nodes.stream().filter(x -> x.up() && x.pausedUntil <= now && x.raft().isLeader())
                .toList();
        return leaders.isEmpty() ? null : leaders.get(random.nextInt(leaders.size()));
    }

    private void restart(SimNode node) {
        if (node.up()) {
            return;
        }
        long damaged = nodes.stream().filter(x -> x != node && damaged(x)).count();
        int tolerated = nodes.size() == 5 ? 1 : (nodes.size() - 1) / 2;
        boolean damage = chaos && random.nextDouble() < profile.damageRate() && damaged + 1 <= tolerated;
        start(node, damage);
    }

    /** Recovering from damage now, or would be if restarted now. */
    private static boolean damaged(SimNode n) {
        return n.up() ? n.raft().recovery() != HardState.Recovery.NONE || n.disk().durablyDamaged()
                : n.disk().durablyDamaged();
    }

    private void clientEvent() {
        if (!chaos) {
            return;
        }
        SimNode leader = anyLeader();
        if (leader != null) {
            int count = 1 + random.nextInt(3);
            for (int i = 0; i < count; i++) {
                propose(leader);
            }
            drain(leader);
        }
        schedule(1 + random.nextInt(4 * TICK), this::clientEvent);
    }

    private ProposeResult propose(SimNode leader) {
        long value = nextValue++;
        ProposeResult r = leader.raft().propose(ByteBuffer.allocate(8).putLong(value).array());
        if (r instanceof ProposeResult.Accepted a) {
            leader.proposed(a.index(), a.term(), value);
        }
        return r;
    }

    // ---------------------------------------------------------------- healing

    private void heal() {
        chaos = false;
        for (boolean[] row : blocked) {
            java.util.Arrays.fill(row, false);
        }
        for (SimNode n : nodes) {
            n.pausedUntil = 0;
            if (!n.up()) {
                start(n, false);
            }
        }
    }

    /**
     * Liveness: within a bounded time the group is back to all its voters, a leader commits a new value and every
     * replica applies the same history.
     */
    private void settle() {
        long deadline = now + SETTLE_UNITS;
        long finalValue = -1;
        long finalIndex = -1;
        long finalTerm = -1;
        SimNode proposer = null;
        long checkAt = now;
        while (now < deadline) {
            step();
            if (now < checkAt) {
                continue;
            }
            checkAt = now + TICK;
            SimNode leader = nodes.stream().filter(x -> x.raft().isLeader()).findFirst().orElse(null);
            boolean committed = proposer != null && proposer.state().getOrDefault(finalIndex, -2L) == finalValue;
            if (leader != null && !committed) {
                Membership m = leader.raft().membership();
                if (m.voters().size() < nodes.size()) {
                    String missing = nodes.stream().map(SimNode::id).filter(id -> !m.isVoter(id)).findFirst()
                            .orElseThrow();
                    leader.raft().proposeMembership(m.isLearner(missing) ? m.with(missing) : m.withLearner(missing));
                    drain(leader);
                } else if (finalIndex < 0 || proposer != leader || leader.raft().term() != finalTerm) {
                    finalValue = nextValue;
                    if (propose(leader) instanceof ProposeResult.Accepted a) {
                        finalIndex = a.index();
                        finalTerm = a.term();
                        proposer = leader;
                        drain(leader);
                    }
                }
            } else if (committed && converged(finalIndex)) {
                return;
            }
        }
        throw invariants.failure("liveness: no convergence within " + SETTLE_UNITS + " units after healing; "
                + describe());
    }

    private boolean converged(long finalIndex) {
        long applied = nodes.getFirst().appliedIndex();
        for (SimNode n : nodes) {
            if (n.appliedIndex() < finalIndex || n.appliedIndex() != applied
                    || n.raft().commitIndex() != n.appliedIndex()
                    || n.raft().membership().voters().size() != nodes.size()
                    || n.raft().recovery() != HardState.Recovery.NONE) {
                return false;
            }
        }
        return true;
    }

    private String describe() {
        StringBuilder sb = new StringBuilder();
        for (SimNode n : nodes) {
            sb.append("\n    ").append(n.raft()).append(" sm ").append(n.appliedIndex());
        }
        return sb.toString();
    }
}
