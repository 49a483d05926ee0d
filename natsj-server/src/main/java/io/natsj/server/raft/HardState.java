package io.natsj.server.raft;

/**
 * What a replica must have synced before it sends anything that depends on it: its term, its vote in that term, the
 * commit index it knows of, and whether it is recovering from damaged storage (see {@link Recovery}).
 *
 * <p>Threading: immutable.
 */
public record HardState(long term, String vote, long commit, Recovery recovery) {

    /** A new replica's state. */
    public static final HardState EMPTY = new HardState(0, null, 0, Recovery.NONE);

    /**
     * The damage rule's state, persisted with the term so that a crash during recovery does not forget it.
     * See {@link RaftNode} ("Damaged storage").
     */
    public enum Recovery {
        /** The log holds everything this replica ever acknowledged. */
        NONE,
        /** Records were lost; the term and vote are intact. No voting or campaigning until caught up. */
        CATCHING_UP,
        /** The hard state itself was lost: the term is learned from a majority of the other voters first. */
        TERM_UNKNOWN
    }
}
