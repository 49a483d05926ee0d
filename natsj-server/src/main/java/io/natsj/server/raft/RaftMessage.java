package io.natsj.server.raft;

import java.util.List;

/**
 * The messages replicas of one group exchange. Every message names its sender, its recipient and the sender's term;
 * a replica that sees a higher term adopts it (except where a pre-vote says otherwise). {@link RaftMessageCodec}
 * gives their bytes on the wire.
 *
 * <p>Threading: immutable records (the entries' payloads are shared, never modified).
 */
public sealed interface RaftMessage {

    String from();

    String to();

    long term();

    /** True for what only a leader sends: after a leader's own term is synced, it may go out at once. */
    default boolean fromLeader() {
        return false;
    }

    /**
     * Entries after {@code prevIndex} (whose entry had {@code prevTerm}), with the leader's commit index.
     * {@code leaderLastIndex} is the leader's last index when it sent this: a damaged replica has caught up once its
     * log matches the leader's up to there.
     */
    record Append(String from, String to, long term, long prevIndex, long prevTerm, List<Entry> entries, long commit,
                  long leaderLastIndex) implements RaftMessage {
        public Append {
            entries = List.copyOf(entries);
        }

        @Override
        public boolean fromLeader() {
            return true;
        }
    }

    /**
     * The answer to an {@link Append}. Accepted: the replica's log matches the leader's up to {@code index} and is
     * synced there. Rejected: nothing matched at {@code index} (the append's prevIndex); {@code hintIndex} and
     * {@code hintTerm} say where to probe next. {@code lastIndex} is the replica's last index; {@code recovering}
     * is set by a damaged replica, whose log may be shorter than what it acknowledged before.
     */
    record AppendResponse(String from, String to, long term, long index, boolean reject, long hintIndex,
                          long hintTerm, long lastIndex, boolean recovering) implements RaftMessage {
    }

    /** The leader is alive; {@code commit} is at most what the recipient is known to hold. */
    record Heartbeat(String from, String to, long term, long commit) implements RaftMessage {
        @Override
        public boolean fromLeader() {
            return true;
        }
    }

    /** The answer to a {@link Heartbeat}, with the replica's last index and damage state. */
    record HeartbeatResponse(String from, String to, long term, long lastIndex, boolean recovering)
            implements RaftMessage {
    }

    /**
     * A candidate asks for a vote in {@code term}; its log ends at {@code lastIndex} with {@code lastTerm}. A pre-vote
     * asks whether the recipient would vote, changing nothing; {@code transfer} marks a campaign the leader started
     * ({@link TimeoutNow}), which voters accept even while they hear from that leader.
     */
    record VoteRequest(String from, String to, long term, long lastIndex, long lastTerm, boolean preVote,
                       boolean transfer) implements RaftMessage {
    }

    /** The answer to a {@link VoteRequest}: granted in the requested term, or refused with the voter's term. */
    record VoteResponse(String from, String to, long term, boolean preVote, boolean granted) implements RaftMessage {
    }

    /** The leader's snapshot, for a replica that needs entries the leader has compacted away. */
    record InstallSnapshot(String from, String to, long term, Snapshot snapshot) implements RaftMessage {
        @Override
        public boolean fromLeader() {
            return true;
        }
    }

    /** The replica's log now starts after {@code index} (the snapshot, or what it had committed already). */
    record SnapshotResponse(String from, String to, long term, long index) implements RaftMessage {
    }

    /** The leader hands over: the recipient, fully caught up, campaigns at once. */
    record TimeoutNow(String from, String to, long term) implements RaftMessage {
        @Override
        public boolean fromLeader() {
            return true;
        }
    }
}
