package io.natsj.server.raft;

/**
 * The answer to {@link RaftNode#propose}: accepted at an index (committed later, or lost if leadership changes
 * first: the entry at that index then has another term), or refused with the reason and the leader known, if any.
 *
 * <p>Threading: immutable.
 */
public sealed interface ProposeResult {

    record Accepted(long index, long term) implements ProposeResult {
    }

    record Refused(Reason reason, String leader) implements ProposeResult {
    }

    enum Reason {
        /** This replica is not the leader; {@code leader} is the one it follows, or null. */
        NOT_LEADER,
        /** A leadership transfer is under way. */
        TRANSFERRING,
        /** A membership change is already pending, or the leader has not committed in its term yet. */
        CHANGE_PENDING,
        /** The membership change is not one voter added or removed. */
        INVALID_CHANGE
    }
}
