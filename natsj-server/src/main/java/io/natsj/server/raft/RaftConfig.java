package io.natsj.server.raft;

import java.util.Objects;

/**
 * One replica's settings. Times are in ticks ({@link RaftNode#tick()}): the election timeout is drawn anew in
 * {@code [electionTicks, 2 * electionTicks)}; a leader sends heartbeats every {@code heartbeatTicks} and steps down
 * when it has not heard from a quorum within {@code electionTicks}. An append carries at most
 * {@code maxAppendEntries} entries and about {@code maxAppendBytes}; at most {@code maxInflight} appends per peer
 * are unanswered at once.
 *
 * <p>The {@code unsafe*} switches break a safety rule on purpose; only the simulator's tests set them, to prove its
 * invariant checks can fail.
 *
 * <p>Threading: immutable.
 */
public record RaftConfig(String id, int electionTicks, int heartbeatTicks, int maxAppendEntries, long maxAppendBytes,
                         int maxInflight, Unsafe unsafe) {

    /** Deliberate safety bugs, for testing the tests. */
    public enum Unsafe {
        NONE,
        /** Votes go out before the vote is synced. */
        VOTE_BEFORE_PERSIST,
        /** The leader counts its own entries before they are synced. */
        LEADER_COUNTS_UNSYNCED,
        /** Damaged storage is ignored: the replica votes and campaigns at once. */
        IGNORE_DAMAGE,
        /** A damaged replica stops recovering at its first accepted append, before reaching the leader's end. */
        DAMAGE_EXIT_EARLY
    }

    public RaftConfig {
        Objects.requireNonNull(id, "id");
        if (electionTicks <= heartbeatTicks || heartbeatTicks < 1) {
            throw new IllegalArgumentException("electionTicks must exceed heartbeatTicks >= 1");
        }
        if (maxAppendEntries < 1 || maxInflight < 1) {
            throw new IllegalArgumentException("maxAppendEntries and maxInflight must be >= 1");
        }
        unsafe = unsafe == null ? Unsafe.NONE : unsafe;
    }

    /** Defaults: election 10 ticks, heartbeat 2, 64 entries or 1 MiB per append, 32 appends in flight. */
    public static RaftConfig of(String id) {
        return new RaftConfig(id, 10, 2, 64, 1 << 20, 32, Unsafe.NONE);
    }

    public RaftConfig withUnsafe(Unsafe u) {
        return new RaftConfig(id, electionTicks, heartbeatTicks, maxAppendEntries, maxAppendBytes, maxInflight, u);
    }

    public RaftConfig withLimits(int maxEntries, long maxBytes, int inflight) {
        return new RaftConfig(id, electionTicks, heartbeatTicks, maxEntries, maxBytes, inflight, unsafe);
    }
}
