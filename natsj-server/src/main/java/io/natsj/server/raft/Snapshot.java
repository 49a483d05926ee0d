package io.natsj.server.raft;

import java.util.Arrays;
import java.util.Objects;

/**
 * The state machine's state up to and including {@code index} (whose entry had {@code term}), with the voters in
 * force at that index. A new group starts from the snapshot at index 0 that holds its initial voters.
 *
 * <p>Threading: immutable; treat {@code data} as immutable.
 */
public record Snapshot(long index, long term, Membership membership, byte[] data) {

    private static final byte[] EMPTY = new byte[0];

    public Snapshot {
        Objects.requireNonNull(membership, "membership");
        data = data == null ? EMPTY : data;
    }

    /** The starting point of a new group with these voters. */
    public static Snapshot initial(Membership voters) {
        return new Snapshot(0, 0, voters, EMPTY);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Snapshot s && s.index == index && s.term == term && s.membership.equals(membership)
                && Arrays.equals(s.data, data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(index, term, membership, Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        return "Snapshot[" + index + "@" + term + " " + membership.voters() + " " + data.length + "B]";
    }
}
