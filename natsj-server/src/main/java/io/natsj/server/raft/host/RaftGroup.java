package io.natsj.server.raft.host;

import io.natsj.server.raft.Entry;
import io.natsj.server.raft.HardState;
import io.natsj.server.raft.Membership;
import io.natsj.server.raft.ProposeResult;
import io.natsj.server.raft.RaftNode;
import io.natsj.server.raft.Ready;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One Raft group on a host: its core ({@link RaftNode}), its log ({@link GroupStorage}), the state machine it
 * replicates, and the proposals waiting to be applied. Users hold it to propose and to read the group's state; the
 * work happens on the host's thread.
 *
 * <p>Threading: {@link #propose} and the getters are safe from any thread (they hand work to the host or read
 * published values); everything else runs on the host's thread.
 */
public final class RaftGroup {

    /** Thrown into a proposal's future when it cannot be applied: not leader, leadership lost, group closed. */
    public static final class NotAppliedException extends RuntimeException {
        private final String leader;

        NotAppliedException(String message, String leader) {
            super(message, null, false, false);
            this.leader = leader;
        }

        /** The leader this replica knew of when the proposal failed, or null. */
        public String leader() {
            return leader;
        }
    }

    private record Pending(long index, long term, CompletableFuture<Long> done) {
    }

    private final String name;
    private final RaftHost host;
    private final RaftNode node;
    private final GroupStorage storage;
    private final GroupStateMachine machine;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private volatile String leader;
    private volatile boolean isLeader;
    private volatile long term;
    private volatile long applied;
    private volatile boolean recovering;
    private volatile List<String> voters = List.of();
    private volatile Membership membership;
    private volatile long commit;
    private volatile long last;
    private volatile long leaderChanges;
    private volatile List<RaftNode.Replica> replicas = List.of();
    private boolean closed;

    RaftGroup(String name, RaftHost host, RaftNode node, GroupStorage storage, GroupStateMachine machine) {
        this.name = name;
        this.host = host;
        this.node = node;
        this.storage = storage;
        this.machine = machine;
        publish();
    }

    public String name() {
        return name;
    }

    /** The leader this replica knows of (a server id), or null. */
    public String leader() {
        return leader;
    }

    public boolean isLeader() {
        return isLeader;
    }

    public long term() {
        return term;
    }

    /**
     * Whether this replica is recovering from damaged storage: it neither votes nor campaigns until it has caught up
     * from a leader.
     */
    public boolean recovering() {
        return recovering;
    }

    /** The highest index this replica knows to be committed. */
    public long commitIndex() {
        return commit;
    }

    /** The last index in this replica's log. */
    public long lastIndex() {
        return last;
    }

    /** How often this replica has seen a new leader (a leader known after none counts; losing one does not). */
    public long leaderChanges() {
        return leaderChanges;
    }

    /**
     * The followers as this replica sees them while it leads (empty otherwise): each one's match and the ticks since it
     * last answered ({@link #tickNanos()} each).
     */
    public List<RaftNode.Replica> replicas() {
        return replicas;
    }

    /** The length of one tick of this group's host. */
    public long tickNanos() {
        return host.tickNanos();
    }

    /** The group's voters now (server names, sorted). */
    public List<String> voters() {
        return voters;
    }

    /** The last index applied to the state machine here. */
    public long appliedIndex() {
        return applied;
    }

    /**
     * Proposes {@code data}; the future completes with its index once it is committed and applied here (so only on
     * the leader), or fails with {@link NotAppliedException} when this replica is not the leader or loses leadership
     * before the entry commits.
     */
    public CompletableFuture<Long> propose(byte[] data) {
        CompletableFuture<Long> done = new CompletableFuture<>();
        host.run(() -> proposeNow(data, done));
        return done;
    }

    /**
     * Proposes the next membership (one step from the current one: a voter or learner added or removed, a learner
     * promoted); true once the leader accepted it into its log (it takes effect there), false when refused (not
     * leader, a change pending, not one step).
     */
    public CompletableFuture<Boolean> proposeMembership(Membership next) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        host.run(() -> {
            done.complete(!closed && node.proposeMembership(next) instanceof ProposeResult.Accepted);
            host.touched(this);
        });
        return done;
    }

    /** The group's members now (voters and learners), as this replica's log has them. */
    public Membership membership() {
        return membership;
    }

    /** Asks the leader to hand leadership to {@code peer} (host thread). */
    public void transferLeadership(String peer) {
        host.run(() -> {
            node.transferLeadership(peer);
            host.touched(this);
        });
    }

    // ---------------------------------------------------------------- host thread

    RaftNode node() {
        return node;
    }

    GroupStorage storage() {
        return storage;
    }

    private void proposeNow(byte[] data, CompletableFuture<Long> done) {
        if (closed) {
            done.completeExceptionally(new NotAppliedException("group " + name + " closed", null));
            return;
        }
        ProposeResult r = node.propose(data);
        host.touched(this);
        if (r instanceof ProposeResult.Accepted a) {
            pending.add(new Pending(a.index(), a.term(), done));
        } else if (r instanceof ProposeResult.Refused f) {
            done.completeExceptionally(new NotAppliedException("not accepted: " + f.reason(), f.leader()));
        }
    }

    /** Applies a synced ready's snapshot and committed entries, answers proposals, tells the core. */
    void apply(Ready r) {
        if (r.snapshot() != null) {
            machine.restore(r.snapshot());
            failPendingUpTo(r.snapshot().index());
        }
        long last = -1;
        for (Entry e : r.committedEntries()) {
            if (e.type() == Entry.Type.NORMAL) {
                machine.apply(e);
            }
            answer(e);
            last = e.index();
        }
        if (last > 0) {
            node.applied(last);
        }
    }

    /** Publishes the core's state for other threads; fails proposals a lost leadership strands. */
    void publish() {
        String now = node.leader();
        if (!java.util.Objects.equals(now, leader) && now != null) {
            leaderChanges++; // only this thread writes it
        }
        leader = now;
        commit = node.commitIndex();
        last = node.lastIndex();
        replicas = node.isLeader() ? List.copyOf(node.replicas()) : List.of();
        isLeader = node.isLeader();
        term = node.term();
        applied = node.appliedIndex();
        recovering = node.recovery() != HardState.Recovery.NONE;
        membership = node.membership();
        voters = List.copyOf(membership.voters());
        if (!isLeader && !pending.isEmpty()) {
            // entries proposed in an earlier term may still commit, but this replica no longer answers for them
            failPendingUpTo(Long.MAX_VALUE);
        }
    }

    boolean isClosed() {
        return closed;
    }

    void close() throws IOException {
        closed = true;
        failPendingUpTo(Long.MAX_VALUE);
        storage.close();
    }

    private void answer(Entry e) {
        while (!pending.isEmpty() && pending.peek().index() <= e.index()) {
            Pending p = pending.poll();
            if (p.index() == e.index() && p.term() == e.term()) {
                p.done().complete(e.index());
            } else {
                p.done().completeExceptionally(new NotAppliedException("leadership lost before commit", leader));
            }
        }
    }

    private void failPendingUpTo(long index) {
        while (!pending.isEmpty() && pending.peek().index() <= index) {
            pending.poll().done().completeExceptionally(
                    new NotAppliedException("leadership lost before commit", node.leader()));
        }
    }
}
