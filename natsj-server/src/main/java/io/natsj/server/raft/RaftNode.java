package io.natsj.server.raft;

import io.natsj.server.raft.HardState.Recovery;
import io.natsj.server.raft.ProposeResult.Reason;
import io.natsj.server.raft.RaftMessage.Append;
import io.natsj.server.raft.RaftMessage.AppendResponse;
import io.natsj.server.raft.RaftMessage.Heartbeat;
import io.natsj.server.raft.RaftMessage.HeartbeatResponse;
import io.natsj.server.raft.RaftMessage.InstallSnapshot;
import io.natsj.server.raft.RaftMessage.SnapshotResponse;
import io.natsj.server.raft.RaftMessage.TimeoutNow;
import io.natsj.server.raft.RaftMessage.VoteRequest;
import io.natsj.server.raft.RaftMessage.VoteResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * One replica of one Raft group, as a pure state machine: no threads, no I/O, no clock. Inputs: {@link #tick()}
 * (logical time), {@link #step} (a message from a peer), {@link #propose}, {@link #proposeMembership},
 * {@link #transferLeadership}, {@link #persisted}, {@link #applied}, {@link #compact}. Output: {@link #ready()}, a
 * batch of writes, messages and committed entries the runtime carries out as {@link Ready} describes, then
 * {@link #advance}. A node is restarted by constructing a new one on the same storage.
 *
 * <p><b>Rules kept here.</b> Leader election with pre-vote (a candidate first asks whether it would win, changing no
 * term, so a partitioned replica coming back does not depose a healthy leader) and randomized timeouts. A replica that
 * heard from a leader within the election timeout refuses vote requests (the leader's lease). Check-quorum: a leader
 * that has not heard from a quorum within an election timeout steps down, so a deposed leader stops serving writes.
 * Appends are batched (count and bytes) and pipelined (several unanswered per follower); a rejection falls back to
 * probing, with a hint (the follower's last index of a term no greater than the leader's) so one round trip skips a
 * whole term. A leader counts only followers' acknowledgements (sent after their sync) and itself only up to
 * {@link #persisted}; it commits only entries of its own term directly (a no-op opens each term). Term and vote are
 * part of {@link HardState}, and votes and acknowledgements leave only after the ready that changed them is synced.
 * Membership changes go one step at a time (a voter or learner added or removed, a learner promoted, a voter
 * demoted) and take effect when appended; the next waits for the previous to commit and for the leader's first
 * commit in its term. Learners are replicated to but never counted and never campaign. Leadership transfer catches
 * the target up, then sends {@link RaftMessage.TimeoutNow}; proposals are refused meanwhile; the transfer is dropped
 * after an election timeout.
 *
 * <p><b>Damaged storage</b> (cf. Alagappan et al., "Protocol-Aware Recovery for Consensus-Based Storage", FAST '18).
 * A replica whose storage found damaged records on recovery has a log shorter than what it acknowledged: counting it
 * as a holder of those entries, or letting it vote or lead, could elect a leader without committed entries. The rule:
 * such a replica is {@link Recovery#CATCHING_UP} (persisted in the hard state, so a second crash does not forget it):
 * it grants no votes and never campaigns; its answers carry {@code recovering} and its last index, so the leader
 * lowers what it believes the replica holds. It leaves this state when an append from a leader of its current term
 * (or later) makes its log match that leader's up to the leader's last index at the time of sending: entries it had
 * acknowledged are either in that leader's log (and now again in its own) or can never be committed. It then votes
 * for that leader in that term, if it had no vote recorded. Why abstaining suffices: an entry committed with this
 * replica's acknowledgement is still held by the rest of its commit quorum; any election quorum of replicas that
 * still vote overlaps it, so the winner holds the entry. Safety thus holds with any minority damaged; elections then
 * need a quorum of undamaged replicas. If the hard state itself is lost ({@link Recovery#TERM_UNKNOWN}), the term and
 * vote are unknown: the replica answers nothing, sends pre-vote probes and listens until it has heard the terms of
 * {@code n - quorum + 1} other voters (enough to overlap every quorum that elected a leader while it was alive), adopts
 * the highest as its term with no vote, and continues as {@code CATCHING_UP}. The residual risk, an election still in
 * flight in a term above all those answers, is why the file log is to keep two copies of its hard state.
 *
 * <p>Threading: not thread-safe. One thread drives a node (many nodes may share it); between {@link #ready()} and
 * {@link #advance} no other input is allowed.
 */
public final class RaftNode {

    /** What this replica is doing in its current term. */
    public enum Role { FOLLOWER, PRE_CANDIDATE, CANDIDATE, LEADER }

    private static final long MAX_APPLY_BYTES = 8L << 20;

    private final RaftConfig cfg;
    private final String id;
    private final RandomGenerator random;
    private final RaftLog log;
    private long term;
    private String vote;
    private String leader;
    private Role role = Role.FOLLOWER;
    private Recovery recovery;
    private HardState lastHardState;
    private final MembershipLog memberships;
    private int electionElapsed;
    private int heartbeatElapsed;
    private int randomizedTimeout;
    private final TreeMap<String, Boolean> votes = new TreeMap<>();
    private final Replicator replicator;
    private TreeMap<String, Long> probeTerms;
    private String transferee;
    private boolean needsBroadcast;
    private Snapshot pendingCompaction;
    private final List<RaftMessage> msgs = new ArrayList<>();
    private final List<RaftMessage> msgsAfterPersist = new ArrayList<>();
    private Ready outstanding;

    /**
     * Starts (or restarts) a replica from what the storage holds. A new group's storage holds only the initial
     * snapshot with its voters.
     */
    public RaftNode(RaftConfig config, RaftStorage storage, RandomGenerator random) {
        this.cfg = config;
        this.id = config.id();
        this.random = random;
        RaftStorage.InitialState init = storage.initialState();
        HardState hs = init.hardState();
        this.log = new RaftLog(storage, hs.commit());
        this.term = hs.term();
        this.vote = hs.vote();
        this.recovery = hs.recovery();
        this.lastHardState = hs;
        if (cfg.unsafe() != RaftConfig.Unsafe.IGNORE_DAMAGE) {
            if (init.hardStateLost()) {
                term = 0;
                vote = null;
                recovery = Recovery.TERM_UNKNOWN;
            } else if (init.logDamaged() && recovery == Recovery.NONE) {
                recovery = Recovery.CATCHING_UP;
            }
        }
        if (recovery == Recovery.TERM_UNKNOWN) {
            probeTerms = new TreeMap<>();
        }
        this.memberships = new MembershipLog(storage.snapshot().membership());
        for (long i = log.firstIndex(); i <= log.lastIndex(); i++) {
            memberships.track(log.entries(i, i + 1, 1, Long.MAX_VALUE).getFirst());
        }
        this.replicator = new Replicator(id, config, log, this::send);
        becomeFollower(term, null);
    }

    // ---------------------------------------------------------------- inputs

    /** One unit of logical time. */
    public void tick() {
        checkNoReadyOut();
        if (role == Role.LEADER) {
            replicator.tick();
            tickLeader();
        } else {
            tickElection();
        }
    }

    /** A message from a peer (messages for another replica are ignored). */
    public void step(RaftMessage m) {
        checkNoReadyOut();
        if (!id.equals(m.to())) {
            return;
        }
        if (recovery == Recovery.TERM_UNKNOWN) {
            learnTerm(m);
            return;
        }
        if (m.term() > term) {
            if (!adoptHigherTerm(m)) {
                return;
            }
        } else if (m.term() < term) {
            answerStale(m);
            return;
        }
        switch (m) {
            case VoteRequest v -> handleVoteRequest(v);
            case VoteResponse v -> handleVoteResponse(v);
            case Append a -> {
                if (followLeader(a.from())) {
                    handleAppend(a);
                }
            }
            case Heartbeat h -> {
                if (followLeader(h.from())) {
                    handleHeartbeat(h);
                }
            }
            case InstallSnapshot s -> {
                if (followLeader(s.from())) {
                    handleSnapshot(s);
                }
            }
            case TimeoutNow t -> {
                if (promotable() && role != Role.LEADER) {
                    campaign(false, true);
                }
            }
            case AppendResponse r -> {
                if (role == Role.LEADER) {
                    handleAppendResponse(r);
                }
            }
            case HeartbeatResponse r -> {
                if (role == Role.LEADER) {
                    handleHeartbeatResponse(r);
                }
            }
            case SnapshotResponse r -> {
                if (role == Role.LEADER) {
                    handleSnapshotResponse(r);
                }
            }
        }
    }

    /** Appends an application command (leader only); it goes out with the next {@link #ready()}. */
    public ProposeResult propose(byte[] data) {
        checkNoReadyOut();
        ProposeResult.Refused refused = refuseProposal();
        if (refused != null) {
            return refused;
        }
        Entry e = appendLocal(Entry.Type.NORMAL, data);
        return new ProposeResult.Accepted(e.index(), e.term());
    }

    /**
     * Proposes the next membership: the current one changed by one step ({@link Membership#isSingleStepFrom}: a voter
     * or learner added or removed, a learner promoted, a voter demoted). Refused while a change is uncommitted or
     * before the leader's first commit in its term.
     */
    public ProposeResult proposeMembership(Membership next) {
        checkNoReadyOut();
        ProposeResult.Refused refused = refuseProposal();
        if (refused != null) {
            return refused;
        }
        if (!next.isSingleStepFrom(membership())) {
            return new ProposeResult.Refused(Reason.INVALID_CHANGE, id);
        }
        if (lastConfigIndex() > log.committed || log.term(log.committed) != term) {
            return new ProposeResult.Refused(Reason.CHANGE_PENDING, id);
        }
        Entry e = appendLocal(Entry.Type.MEMBERSHIP, next.encode());
        return new ProposeResult.Accepted(e.index(), e.term());
    }

    /** Hands leadership to {@code peer} (a voter): false if this is not the leader or the peer is not a voter. */
    public boolean transferLeadership(String peer) {
        checkNoReadyOut();
        if (role != Role.LEADER || peer.equals(id) || !membership().isVoter(peer)) {
            return false;
        }
        transferee = peer;
        electionElapsed = 0;
        if (replicator.match(peer) == log.lastIndex()) {
            send(new TimeoutNow(id, peer, term));
        } else {
            replicator.sendAppend(peer, true);
        }
        return true;
    }

    /** The runtime synced the log up to {@code index}, whose entry has {@code term} (ignored if replaced since). */
    public void persisted(long index, long entryTerm) {
        checkNoReadyOut();
        log.persistedTo(index, entryTerm);
        if (role == Role.LEADER) {
            maybeCommit();
        }
    }

    /** The state machine applied everything up to {@code index}. */
    public void applied(long index) {
        checkNoReadyOut();
        log.appliedTo(index);
    }

    /**
     * The state machine took a snapshot at {@code index} (at most the applied index): the next ready saves it and
     * drops the entries it covers.
     */
    public void compact(long index, byte[] snapshotData) {
        checkNoReadyOut();
        if (index <= log.snapshot().index()) {
            return;
        }
        if (index > log.applied) {
            throw new IllegalArgumentException("compact at " + index + " beyond applied " + log.applied);
        }
        pendingCompaction = new Snapshot(index, log.term(index), membershipAt(index), snapshotData);
    }

    // ---------------------------------------------------------------- output

    /** True when {@link #ready()} has something to hand out. */
    public boolean hasReady() {
        return (role == Role.LEADER && needsBroadcast) || !hardState().equals(lastHardState) || log.hasUnstable()
                || pendingCompaction != null || !msgs.isEmpty() || !msgsAfterPersist.isEmpty()
                || log.hasCommittedToApply();
    }

    /** The next batch of work; the runtime carries it out as {@link Ready} says and calls {@link #advance}. */
    public Ready ready() {
        checkNoReadyOut();
        if (role == Role.LEADER && needsBroadcast) {
            replicator.broadcast();
        }
        needsBroadcast = false;
        HardState hs = hardState();
        Snapshot snap = log.takeSnapshot();
        List<Entry> entries = log.takeUnstable();
        long truncateFrom = snap == null && !entries.isEmpty() && entries.getFirst().index() <= log.storedLastIndex()
                ? entries.getFirst().index() : 0;
        Ready r = new Ready(hs.equals(lastHardState) ? null : hs, snap, pendingCompaction, entries, truncateFrom,
                msgs, msgsAfterPersist, log.takeCommitted(MAX_APPLY_BYTES));
        msgs.clear();
        msgsAfterPersist.clear();
        outstanding = r;
        return r;
    }

    /** The runtime wrote {@code r} to the storage (synced or not). */
    public void advance(Ready r) {
        if (r != outstanding) {
            throw new IllegalStateException("advance without its ready");
        }
        outstanding = null;
        if (r.hardState() != null) {
            lastHardState = r.hardState();
        }
        log.stableTo();
        Snapshot c = r.compaction();
        if (c != null) {
            memberships.compactTo(c.index(), c.membership());
            if (pendingCompaction == c) {
                pendingCompaction = null;
            }
        }
    }

    // ---------------------------------------------------------------- state

    public String id() {
        return id;
    }

    public Role role() {
        return role;
    }

    public boolean isLeader() {
        return role == Role.LEADER;
    }

    public long term() {
        return term;
    }

    public String vote() {
        return vote;
    }

    /** The leader this replica follows (itself when leading), or null. */
    public String leader() {
        return leader;
    }

    public long commitIndex() {
        return log.committed;
    }

    public long lastIndex() {
        return log.lastIndex();
    }

    public long appliedIndex() {
        return log.applied;
    }

    public Recovery recovery() {
        return recovery;
    }

    /**
     * A follower as the leader sees it: the last index known to match the leader's log, and the ticks since it last
     * answered.
     */
    public record Replica(String peer, long match, long ticksSinceContact) {
    }

    /** The followers' replication (voters and learners), when this replica leads; empty otherwise. */
    public List<Replica> replicas() {
        return role == Role.LEADER ? replicator.replicas() : List.of();
    }

    /** The voters in force: the latest membership entry in the log, committed or not. */
    public Membership membership() {
        return memberships.current();
    }

    /** What the next ready persists (or persisted last). */
    public HardState hardState() {
        return new HardState(term, vote, log.committed, recovery);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(id).append('[').append(role).append(" t").append(term).append(" vote ")
                .append(vote).append(" lead ").append(leader).append(" last ").append(log.lastIndex())
                .append(" commit ")                .append(log.committed).append(" persisted ").append(log.persisted).append(" applied ")
                .append(log.applied).append(' ').append(recovery);
        if (role == Role.LEADER) {
            sb.append(replicator);
        }
        return sb.append(']').toString();
    }

    // ---------------------------------------------------------------- roles

    private void becomeFollower(long newTerm, String lead) {
        if (newTerm != term) {
            term = newTerm;
            vote = null;
        }
        role = Role.FOLLOWER;
        leader = lead;
        resetTimers();
        replicator.stop();
        votes.clear();
        transferee = null;
    }

    private void becomeLeader() {
        role = Role.LEADER;
        leader = id;
        resetTimers();
        transferee = null;
        replicator.start(term, membership());
        appendLocal(Entry.Type.NOOP, null);
        replicator.broadcast();
        needsBroadcast = false;
    }

    private void campaign(boolean preVote, boolean transfer) {
        long voteTerm;
        if (preVote) {
            role = Role.PRE_CANDIDATE;
            voteTerm = term + 1;
        } else {
            term++;
            vote = id;
            role = Role.CANDIDATE;
            voteTerm = term;
        }
        leader = null;
        resetTimers();
        votes.clear();
        votes.put(id, true);
        if (tally() == 1) {
            won(preVote);
            return;
        }
        for (String v : membership().voters()) {
            if (!v.equals(id)) {
                send(new VoteRequest(id, v, voteTerm, log.lastIndex(), log.lastTerm(), preVote, transfer));
            }
        }
    }

    private void won(boolean preVote) {
        if (preVote) {
            campaign(false, false);
        } else {
            becomeLeader();
        }
    }

    /** 1: a quorum granted; -1: a quorum refused; 0: undecided. */
    private int tally() {
        Membership m = membership();
        int granted = 0;
        int refused = 0;
        for (Map.Entry<String, Boolean> e : votes.entrySet()) {
            if (m.isVoter(e.getKey())) {
                if (e.getValue()) {
                    granted++;
                } else {
                    refused++;
                }
            }
        }
        return granted >= m.quorum() ? 1 : refused >= m.quorum() ? -1 : 0;
    }

    private boolean promotable() {
        return membership().isVoter(id) && recovery == Recovery.NONE;
    }

    private void resetTimers() {
        electionElapsed = 0;
        heartbeatElapsed = 0;
        randomizedTimeout = cfg.electionTicks() + random.nextInt(cfg.electionTicks());
    }

    private void tickElection() {
        electionElapsed++;
        if (electionElapsed < randomizedTimeout) {
            return;
        }
        if (recovery == Recovery.TERM_UNKNOWN) {
            resetTimers();
            sendProbes();
        } else if (promotable()) {
            campaign(true, false);
        } else {
            resetTimers();
        }
    }

    private void tickLeader() {
        electionElapsed++;
        heartbeatElapsed++;
        if (electionElapsed >= cfg.electionTicks()) {
            electionElapsed = 0;
            if (!replicator.quorumActive(membership())) {
                becomeFollower(term, null);
                return;
            }
            replicator.resetActivity();
            transferee = null;
        }
        if (heartbeatElapsed >= cfg.heartbeatTicks()) {
            heartbeatElapsed = 0;
            replicator.heartbeats();
        }
    }

    // ---------------------------------------------------------------- terms and votes

    /** A message with a higher term: false when it is to be ignored. */
    private boolean adoptHigherTerm(RaftMessage m) {
        if (m instanceof VoteRequest v) {
            boolean inLease = leader != null && electionElapsed < cfg.electionTicks() && !v.transfer();
            if (inLease) {
                send(new VoteResponse(id, v.from(), term, v.preVote(), false));
                return false;
            }
            if (!v.preVote()) {
                becomeFollower(m.term(), null);
            }
            return true;
        }
        if (m instanceof VoteResponse v && v.preVote() && v.granted()) {
            return true;
        }
        becomeFollower(m.term(), m.fromLeader() ? m.from() : null);
        return true;
    }

    /** A message from an earlier term: tell a stale leader or pre-candidate the current term. */
    private void answerStale(RaftMessage m) {
        if (m.fromLeader()) {
            send(new AppendResponse(id, m.from(), term, 0, true, 0, 0, log.lastIndex(), recovering()));
        } else if (m instanceof VoteRequest v && v.preVote()) {
            send(new VoteResponse(id, v.from(), term, true, false));
        }
    }

    private void handleVoteRequest(VoteRequest v) {
        boolean canVote = v.from().equals(vote) || (vote == null && leader == null) || (v.preVote() && v.term() > term);
        boolean upToDate = v.lastTerm() > log.lastTerm()
                || (v.lastTerm() == log.lastTerm() && v.lastIndex() >= log.lastIndex());
        if (canVote && upToDate && recovery == Recovery.NONE) {
            if (!v.preVote()) {
                electionElapsed = 0;
                vote = v.from();
            }
            send(new VoteResponse(id, v.from(), v.term(), v.preVote(), true));
        } else {
            send(new VoteResponse(id, v.from(), term, v.preVote(), false));
        }
    }

    private void handleVoteResponse(VoteResponse v) {
        boolean counting = (role == Role.PRE_CANDIDATE && v.preVote()) || (role == Role.CANDIDATE && !v.preVote());
        if (!counting) {
            return;
        }
        votes.put(v.from(), v.granted());
        int result = tally();
        if (result == 1) {
            won(role == Role.PRE_CANDIDATE);
        } else if (result == -1) {
            becomeFollower(term, null);
        }
    }

    /** Damaged hard state: collect the terms of enough voters before taking part again. */
    private void learnTerm(RaftMessage m) {
        Membership mem = membership();
        if (!mem.isVoter(m.from()) || m.from().equals(id)) {
            return;
        }
        probeTerms.merge(m.from(), m.term(), Math::max);
        int others = mem.voters().size() - (mem.isVoter(id) ? 1 : 0);
        int needed = Math.min(others, mem.voters().size() - mem.quorum() + 1);
        if (probeTerms.size() >= needed) {
            long learned = Math.max(log.lastTerm(), probeTerms.values().stream().mapToLong(Long::longValue).max()
                    .orElse(0));
            probeTerms = null;
            recovery = Recovery.CATCHING_UP;
            term = learned;
            vote = null;
            becomeFollower(learned, null);
        }
    }

    private void sendProbes() {
        for (String v : membership().voters()) {
            if (!v.equals(id)) {
                send(new VoteRequest(id, v, term, log.lastIndex(), log.lastTerm(), true, false));
            }
        }
    }

    private boolean recovering() {
        return recovery != Recovery.NONE;
    }

    // ---------------------------------------------------------------- follower

    /** A leader's message in the current term: follow it. False if this replica leads the same term. */
    private boolean followLeader(String from) {
        if (role == Role.LEADER) {
            return false;
        }
        if (role != Role.FOLLOWER || !from.equals(leader)) {
            becomeFollower(term, from);
        }
        electionElapsed = 0;
        return true;
    }

    private void handleAppend(Append a) {
        if (a.prevIndex() < log.committed) {
            send(new AppendResponse(id, a.from(), term, log.committed, false, 0, 0, log.lastIndex(), recovering()));
            return;
        }
        long lastNew = log.maybeAppend(a.prevIndex(), a.prevTerm(), a.commit(), a.entries());
        if (lastNew < 0) {
            long hint = log.findConflictByTerm(Math.min(a.prevIndex(), log.lastIndex()), a.prevTerm());
            send(new AppendResponse(id, a.from(), term, a.prevIndex(), true, hint, log.term(hint), log.lastIndex(),
                    recovering()));
            return;
        }
        if (log.lastWriteFrom > 0) {
            memberships.truncateFrom(log.lastWriteFrom);
            for (Entry e : a.entries()) {
                if (e.index() >= log.lastWriteFrom) {
                    memberships.track(e);
                }
            }
        }
        boolean caughtUp = lastNew >= a.leaderLastIndex() || cfg.unsafe() == RaftConfig.Unsafe.DAMAGE_EXIT_EARLY;
        if (recovery == Recovery.CATCHING_UP && caughtUp) {
            recovery = Recovery.NONE;
            if (vote == null) {
                vote = a.from();
            }
        }
        send(new AppendResponse(id, a.from(), term, lastNew, false, 0, 0, log.lastIndex(), recovering()));
    }

    private void handleHeartbeat(Heartbeat h) {
        log.commitTo(Math.min(h.commit(), log.lastIndex()));
        send(new HeartbeatResponse(id, h.from(), term, log.lastIndex(), recovering()));
    }

    private void handleSnapshot(InstallSnapshot s) {
        Snapshot snap = s.snapshot();
        if (snap.index() <= log.committed) {
            send(new SnapshotResponse(id, s.from(), term, log.committed));
            return;
        }
        if (log.matchTerm(snap.index(), snap.term())) {
            log.commitTo(snap.index());
        } else {
            log.restore(snap);
            memberships.reset(snap.membership());
            pendingCompaction = null;
        }
        send(new SnapshotResponse(id, s.from(), term, snap.index()));
    }

    // ---------------------------------------------------------------- leader

    private ProposeResult.Refused refuseProposal() {
        if (role != Role.LEADER) {
            return new ProposeResult.Refused(Reason.NOT_LEADER, leader);
        }
        if (transferee != null) {
            return new ProposeResult.Refused(Reason.TRANSFERRING, id);
        }
        return null;
    }

    private Entry appendLocal(Entry.Type type, byte[] data) {
        Entry e = new Entry(log.lastIndex() + 1, term, type, data);
        log.append(List.of(e));
        if (type == Entry.Type.MEMBERSHIP) {
            memberships.track(e);
            replicator.track(membership());
            if (transferee != null && !membership().isVoter(transferee)) {
                transferee = null;
            }
        }
        needsBroadcast = true;
        if (membership().voters().size() == 1 && membership().isVoter(id)) {
            maybeCommit();
        }
        return e;
    }

    private void handleAppendResponse(AppendResponse r) {
        Replicator.Ack ack = replicator.onAppendResponse(r);
        if (ack == Replicator.Ack.REJECTED) {
            return;
        }
        if (ack == Replicator.Ack.ADVANCED) {
            maybeCommit();
            if (role != Role.LEADER) {
                return;
            }
        }
        replicator.continueAfterAck(r);
        maybeSendTimeoutNow(r.from());
    }

    private void handleHeartbeatResponse(HeartbeatResponse r) {
        replicator.onHeartbeatResponse(r);
        maybeSendTimeoutNow(r.from());
    }

    private void handleSnapshotResponse(SnapshotResponse r) {
        if (replicator.onSnapshotResponse(r)) {
            maybeCommit();
            if (role == Role.LEADER) {
                replicator.sendAppend(r.from(), true);
            }
        }
    }

    private void maybeSendTimeoutNow(String peer) {
        if (peer.equals(transferee) && replicator.match(peer) == log.lastIndex()) {
            send(new TimeoutNow(id, peer, term));
        }
    }

    /** Advances the commit to the highest index a quorum holds, if it is of this term. */
    private void maybeCommit() {
        Membership m = membership();
        long candidate = replicator.quorumMatch(m, selfMatch());
        if (candidate > log.committed && log.term(candidate) == term) {
            log.commitTo(candidate);
            if (!m.isVoter(id) && lastConfigIndex() <= log.committed) {
                becomeFollower(term, null);
            }
        }
    }

    private long selfMatch() {
        return cfg.unsafe() == RaftConfig.Unsafe.LEADER_COUNTS_UNSYNCED ? log.lastIndex() : log.persisted;
    }

    // ---------------------------------------------------------------- membership

    private long lastConfigIndex() {
        return memberships.lastChangeIndex(log.snapshot().index());
    }

    private Membership membershipAt(long index) {
        return memberships.at(index);
    }

    // ---------------------------------------------------------------- messages

    private void send(RaftMessage m) {
        boolean now = m.fromLeader()
                || (m instanceof VoteRequest v && v.preVote())
                || (m instanceof VoteResponse v && (v.preVote()
                        || cfg.unsafe() == RaftConfig.Unsafe.VOTE_BEFORE_PERSIST));
        (now ? msgs : msgsAfterPersist).add(m);
    }

    private void checkNoReadyOut() {
        if (outstanding != null) {
            throw new IllegalStateException("input between ready() and advance()");
        }
    }
}
