package io.natsj.server.raft;

import io.natsj.server.raft.RaftMessage.Append;
import io.natsj.server.raft.RaftMessage.AppendResponse;
import io.natsj.server.raft.RaftMessage.Heartbeat;
import io.natsj.server.raft.RaftMessage.HeartbeatResponse;
import io.natsj.server.raft.RaftMessage.InstallSnapshot;
import io.natsj.server.raft.RaftMessage.SnapshotResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A leader's side of replication: one {@link Progress} per follower, the appends, snapshots and heartbeats sent to
 * each, and what their answers change. Appends carry at most {@code maxAppendEntries} entries (about
 * {@code maxAppendBytes}); in REPLICATE state up to {@code maxInflight} are unanswered per follower. A rejection drops
 * the follower back to probing from the hint it sent; a recovering follower that reports a log shorter than what it
 * acknowledged is probed from its end. Lost messages are made up for by heartbeat answers: a lagging follower is sent
 * an append again, a snapshot unanswered for an election timeout is sent again.
 *
 * <p>Threading: owned by its {@link RaftNode}.
 */
final class Replicator {

    /** What an append answer did. */
    enum Ack { REJECTED, ADVANCED, KNOWN }

    private final String id;
    private final RaftConfig cfg;
    private final RaftLog log;
    private final Consumer<RaftMessage> out;
    private final TreeMap<String, Progress> progress = new TreeMap<>();
    private long term;
    private long ticks;

    Replicator(String id, RaftConfig cfg, RaftLog log, Consumer<RaftMessage> out) {
        this.id = id;
        this.cfg = cfg;
        this.log = log;
        this.out = out;
    }

    /** Leading from now on in {@code term}: every follower is probed from the end of the log. */
    void start(long leaderTerm, Membership voters) {
        term = leaderTerm;
        progress.clear();
        track(voters);
    }

    void stop() {
        progress.clear();
    }

    /** Follows a membership change: new members (voters and learners) get a progress, removed ones lose theirs. */
    void track(Membership members) {
        for (String v : members.voters()) {
            add(v);
        }
        for (String l : members.learners()) {
            add(l);
        }
        progress.keySet().removeIf(p -> !members.isMember(p));
    }

    private void add(String peer) {
        if (!peer.equals(id) && !progress.containsKey(peer)) {
            Progress pr = new Progress(log.lastIndex() + 1, cfg.maxInflight());
            pr.recentActive = true;
        pr.lastContact = ticks;
            pr.lastContact = ticks;
            progress.put(peer, pr);
        }
    }

    /** The follower's known match, or -1 for an unknown peer. */
    long match(String peer) {
        Progress pr = progress.get(peer);
        return pr == null ? -1 : pr.match;
    }

    void broadcast() {
        for (String peer : progress.keySet()) {
            sendAppends(peer);
        }
    }

    void heartbeats() {
        for (Map.Entry<String, Progress> e : progress.entrySet()) {
            out.accept(new Heartbeat(id, e.getKey(), term, Math.min(e.getValue().match, log.committed)));
        }
    }

    /** Check-quorum: whether a quorum (this leader included if a voter) was heard from since the last reset. */
    boolean quorumActive(Membership m) {
        int active = m.isVoter(id) ? 1 : 0;
        for (Map.Entry<String, Progress> e : progress.entrySet()) {
            if (m.isVoter(e.getKey()) && e.getValue().recentActive) {
                active++;
            }
        }
        return active >= m.quorum();
    }

    /** Counts one tick of the leader's clock (for {@link #replicas}). */
    void tick() {
        ticks++;
    }

    /** Each follower's replication as this leader sees it. */
    List<RaftNode.Replica> replicas() {
        List<RaftNode.Replica> out = new ArrayList<>(progress.size());
        progress.forEach((peer, pr) -> out.add(new RaftNode.Replica(peer, pr.match, ticks - pr.lastContact)));
        return out;
    }

    void resetActivity() {
        progress.values().forEach(p -> p.recentActive = false);
    }

    /** The highest index a quorum of {@code m} holds, counting this leader at {@code selfMatch}. */
    long quorumMatch(Membership m, long selfMatch) {
        long[] matches = new long[m.voters().size()];
        int i = 0;
        for (String v : m.voters()) {
            Progress pr = progress.get(v);
            matches[i++] = v.equals(id) ? selfMatch : pr == null ? 0 : pr.match;
        }
        Arrays.sort(matches);
        return matches[matches.length - m.quorum()];
    }

    /** Sends what the follower's state allows: one probe, or appends until the pipeline is full. */
    void sendAppends(String peer) {
        Progress pr = progress.get(peer);
        while (pr != null && !pr.paused() && pr.next <= log.lastIndex()) {
            if (!sendAppend(peer, false) || pr.state != Progress.State.REPLICATE) {
                return;
            }
        }
    }

    boolean sendAppend(String peer, boolean sendIfEmpty) {
        Progress pr = progress.get(peer);
        if (pr == null || pr.paused()) {
            return false;
        }
        long prevIndex = pr.next - 1;
        long prevTerm = log.term(prevIndex);
        if (prevTerm < 0 || pr.next < log.firstIndex()) {
            Snapshot snap = log.snapshot();
            pr.becomeSnapshot(snap.index());
            out.accept(new InstallSnapshot(id, peer, term, snap));
            return true;
        }
        List<Entry> ents = log.entries(pr.next, log.lastIndex() + 1, cfg.maxAppendEntries(), cfg.maxAppendBytes());
        if (ents.isEmpty() && !sendIfEmpty) {
            return false;
        }
        out.accept(new Append(id, peer, term, prevIndex, prevTerm, ents, log.committed, log.lastIndex()));
        pr.sent(prevIndex + ents.size(), ents.size());
        return true;
    }

    /** Records an append answer; a rejection is answered here (the next probe). */
    Ack onAppendResponse(AppendResponse r) {
        Progress pr = progress.get(r.from());
        if (pr == null) {
            return Ack.KNOWN;
        }
        pr.recentActive = true;
        pr.lastContact = ticks;
        if (r.reject() && r.recovering() && r.lastIndex() < pr.match) {
            pr.regressTo(r.lastIndex());
            sendAppend(r.from(), true);
            return Ack.REJECTED;
        }
        if (r.reject()) {
            long probeFrom = log.findConflictByTerm(r.hintIndex(), r.hintTerm());
            if (pr.maybeDecrTo(r.index(), probeFrom)) {
                sendAppend(r.from(), true);
            }
            return Ack.REJECTED;
        }
        if (!pr.maybeUpdate(r.index())) {
            return Ack.KNOWN;
        }
        if (pr.state == Progress.State.PROBE
                || (pr.state == Progress.State.SNAPSHOT && pr.match >= pr.pendingSnapshot)) {
            pr.becomeReplicate();
        }
        return Ack.ADVANCED;
    }

    /** After an accepted append: send what follows. */
    void continueAfterAck(AppendResponse r) {
        Progress pr = progress.get(r.from());
        if (pr == null) {
            return;
        }
        if (pr.state == Progress.State.PROBE && r.recovering()) {
            sendAppend(r.from(), true);
        }
        sendAppends(r.from());
    }

    void onHeartbeatResponse(HeartbeatResponse r) {
        Progress pr = progress.get(r.from());
        if (pr == null) {
            return;
        }
        pr.recentActive = true;
        pr.lastContact = ticks;
        if (pr.state == Progress.State.PROBE) {
            pr.probeSent = false;
        } else if (pr.state == Progress.State.REPLICATE && pr.paused()) {
            pr.freeFirstInflight();
        } else if (pr.state == Progress.State.SNAPSHOT
                && ++pr.snapshotWaits * cfg.heartbeatTicks() >= cfg.electionTicks()) {
            pr.becomeProbe();
        }
        if (pr.match < log.lastIndex() || r.recovering()) {
            sendAppend(r.from(), true);
        }
    }

    /** Records a snapshot answer; true if the peer is known. */
    boolean onSnapshotResponse(SnapshotResponse r) {
        Progress pr = progress.get(r.from());
        if (pr == null) {
            return false;
        }
        pr.recentActive = true;
        pr.lastContact = ticks;
        pr.maybeUpdate(r.index());
        if (pr.state == Progress.State.SNAPSHOT) {
            pr.becomeProbe();
        }
        return true;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        progress.forEach((p, pr) -> sb.append(' ').append(p).append(':').append(pr));
        return sb.toString();
    }
}
