package io.natsj.server.raft;

/**
 * What a leader knows of one follower: the last index known to match ({@code match}), the next to send
 * ({@code next}), and how it sends. PROBE: one append at a time until one is accepted. REPLICATE: appends pipelined,
 * at most {@code maxInflight} unanswered (their last indexes kept in a ring). SNAPSHOT: a snapshot is on its way;
 * nothing else is sent until it is answered.
 *
 * <p>Threading: owned by its {@link RaftNode}.
 */
final class Progress {

    enum State { PROBE, REPLICATE, SNAPSHOT }

    long match;
    long next;
    State state = State.PROBE;
    boolean probeSent;
    long pendingSnapshot;
    /** Heartbeat answers since the snapshot went out: after an election timeout's worth it is sent again. */
    int snapshotWaits;
    boolean recentActive;
    long lastContact; // the leader's tick count when the follower last answered
    private final long[] inflight;
    private int inflightStart;
    private int inflightCount;

    Progress(long next, int maxInflight) {
        this.next = next;
        this.inflight = new long[maxInflight];
    }

    boolean paused() {
        return switch (state) {
            case PROBE -> probeSent;
            case REPLICATE -> inflightCount == inflight.length;
            case SNAPSHOT -> true;
        };
    }

    void becomeProbe() {
        next = state == State.SNAPSHOT ? Math.max(match + 1, pendingSnapshot + 1) : match + 1;
        state = State.PROBE;
        probeSent = false;
        pendingSnapshot = 0;
        inflightCount = 0;
    }

    void becomeReplicate() {
        state = State.REPLICATE;
        next = match + 1;
        probeSent = false;
        inflightCount = 0;
    }

    void becomeSnapshot(long index) {
        state = State.SNAPSHOT;
        snapshotWaits = 0;
        pendingSnapshot = index;
        inflightCount = 0;
    }

    /** An append ending at {@code last} was sent. */
    void sent(long last, int count) {
        if (state == State.REPLICATE) {
            if (count > 0) {
                next = last + 1;
                inflight[(inflightStart + inflightCount) % inflight.length] = last;
                inflightCount++;
            }
        } else if (state == State.PROBE) {
            probeSent = true;
        }
    }

    /** The follower matches up to {@code index}; false if that was known already. */
    boolean maybeUpdate(long index) {
        boolean updated = index > match;
        if (updated) {
            match = index;
            probeSent = false;
        }
        next = Math.max(next, index + 1);
        while (inflightCount > 0 && inflight[inflightStart] <= index) {
            inflightStart = (inflightStart + 1) % inflight.length;
            inflightCount--;
        }
        return updated;
    }

    /** A rejection of the append after {@code rejected}; false when stale. */
    boolean maybeDecrTo(long rejected, long probeFrom) {
        if (state == State.REPLICATE) {
            if (rejected <= match) {
                return false;
            }
            becomeProbe();
            return true;
        }
        if (next - 1 != rejected) {
            return false;
        }
        next = Math.max(match + 1, Math.min(rejected, probeFrom + 1));
        probeSent = false;
        return true;
    }

    /** The follower's log is shorter than what it acknowledged (damaged storage): start over from its end. */
    void regressTo(long lastIndex) {
        match = Math.min(match, lastIndex);
        state = State.PROBE;
        next = match + 1;
        probeSent = false;
        pendingSnapshot = 0;
        inflightCount = 0;
    }

    /** Frees one in-flight slot so that a lost append does not stall the pipeline for good. */
    void freeFirstInflight() {
        if (inflightCount > 0) {
            inflightStart = (inflightStart + 1) % inflight.length;
            inflightCount--;
        }
    }

    @Override
    public String toString() {
        return state + "(match " + match + " next " + next + (probeSent ? " sent" : "") + " inflight "
                + inflightCount + (state == State.SNAPSHOT ? " snap " + pendingSnapshot : "") + ")";
    }
}
