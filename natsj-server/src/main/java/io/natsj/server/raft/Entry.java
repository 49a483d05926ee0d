package io.natsj.server.raft;

import java.util.Arrays;
import java.util.Objects;

/**
 * One log entry: its position ({@code index}, from 1), the term of the leader that created it, its kind and payload.
 * The payload is never copied or modified once the entry exists: treat {@code data} as immutable.
 *
 * <p>Threading: immutable.
 */
public record Entry(long index, long term, Type type, byte[] data) {

    /** What an entry carries. */
    public enum Type {
        /** An application command, handed to the state machine. */
        NORMAL,
        /** The empty entry a new leader appends so that it can commit entries of earlier terms. */
        NOOP,
        /** A voter set ({@link Membership#encode()}); takes effect as soon as it is in the log. */
        MEMBERSHIP
    }

    private static final byte[] EMPTY = new byte[0];

    public Entry {
        Objects.requireNonNull(type, "type");
        data = data == null ? EMPTY : data;
    }

    /** Bytes counted against an append's size limit. */
    public long size() {
        return data.length + 24L;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Entry e && e.index == index && e.term == term && e.type == type
                && Arrays.equals(e.data, data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(index, term, type, Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        return "Entry[" + index + "@" + term + " " + type + " " + data.length + "B]";
    }
}
