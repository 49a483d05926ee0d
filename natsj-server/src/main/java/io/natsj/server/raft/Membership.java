package io.natsj.server.raft;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * The voters of a group. Changes go one voter at a time ({@link #with}, {@link #without}), which keeps any majority
 * of the old set and any majority of the new set overlapping, so no joint consensus is needed.
 *
 * <p>Threading: immutable.
 */
public record Membership(Set<String> voters) {

    public Membership {
        voters = Collections.unmodifiableSet(new TreeSet<>(voters));
    }

    public static Membership of(String... voters) {
        return new Membership(Set.of(voters));
    }

    /** Votes (or acknowledgements) needed: a strict majority of the voters. */
    public int quorum() {
        return voters.size() / 2 + 1;
    }

    public boolean isVoter(String id) {
        return voters.contains(id);
    }

    public Membership with(String id) {
        TreeSet<String> next = new TreeSet<>(voters);
        next.add(id);
        return new Membership(next);
    }

    public Membership without(String id) {
        TreeSet<String> next = new TreeSet<>(voters);
        next.remove(id);
        return new Membership(next);
    }

    /** Layout: voter count (u16), then per voter its UTF-8 length (u16) and bytes. */
    public byte[] encode() {
        byte[][] names = voters.stream().map(v -> v.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
        int size = 2;
        for (byte[] n : names) {
            size += 2 + n.length;
        }
        ByteBuffer buf = ByteBuffer.allocate(size);
        buf.putShort((short) names.length);
        for (byte[] n : names) {
            buf.putShort((short) n.length).put(n);
        }
        return buf.array();
    }

    public static Membership decode(byte[] data) {
        ByteBuffer buf = ByteBuffer.wrap(data);
        int count = Short.toUnsignedInt(buf.getShort());
        TreeSet<String> voters = new TreeSet<>();
        for (int i = 0; i < count; i++) {
            byte[] n = new byte[Short.toUnsignedInt(buf.getShort())];
            buf.get(n);
            voters.add(new String(n, StandardCharsets.UTF_8));
        }
        return new Membership(voters);
    }
}
