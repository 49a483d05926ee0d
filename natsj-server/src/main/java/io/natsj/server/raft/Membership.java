package io.natsj.server.raft;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * The members of a group: voters, and learners (replicated to, never counted in a quorum, never candidates: a new
 * replica catches up as a learner before it is promoted, so adding it does not raise the quorum while it lags).
 * Changes go one voter at a time ({@link #isSingleStepFrom}), which keeps any majority of the old voters and any
 * majority of the new ones overlapping, so no joint consensus is needed.
 *
 * <p>Threading: immutable.
 */
public record Membership(Set<String> voters, Set<String> learners) {

    public Membership {
        voters = Collections.unmodifiableSet(new TreeSet<>(voters));
        learners = Collections.unmodifiableSet(new TreeSet<>(learners));
        if (!Collections.disjoint(voters, learners)) {
            throw new IllegalArgumentException("a member is a voter or a learner, not both");
        }
    }

    public Membership(Set<String> voters) {
        this(voters, Set.of());
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

    public boolean isLearner(String id) {
        return learners.contains(id);
    }

    public boolean isMember(String id) {
        return isVoter(id) || isLearner(id);
    }

    /** With {@code id} as a voter (promoted if it was a learner). */
    public Membership with(String id) {
        return new Membership(plus(voters, id), minus(learners, id));
    }

    /** Without {@code id}, whatever its role. */
    public Membership without(String id) {
        return new Membership(minus(voters, id), minus(learners, id));
    }

    /** With {@code id} as a learner (demoted if it was a voter). */
    public Membership withLearner(String id) {
        return new Membership(minus(voters, id), plus(learners, id));
    }

    /**
     * True when this differs from {@code current} by one step: one voter added, removed, promoted from learner or
     * demoted to learner, or one learner added or removed; and keeps a voter.
     */
    public boolean isSingleStepFrom(Membership current) {
        TreeSet<String> changed = new TreeSet<>();
        changed.addAll(symmetricDifference(current.voters, voters));
        changed.addAll(symmetricDifference(current.learners, learners));
        return changed.size() == 1 && !voters.isEmpty();
    }

    private static Set<String> symmetricDifference(Set<String> a, Set<String> b) {
        TreeSet<String> out = new TreeSet<>(a);
        out.addAll(b);
        TreeSet<String> both = new TreeSet<>(a);
        both.retainAll(b);
        out.removeAll(both);
        return out;
    }

    private static Set<String> plus(Collection<String> set, String id) {
        TreeSet<String> next = new TreeSet<>(set);
        next.add(id);
        return next;
    }

    private static Set<String> minus(Collection<String> set, String id) {
        TreeSet<String> next = new TreeSet<>(set);
        next.remove(id);
        return next;
    }

    /** Layout: voter count (u16), per voter its UTF-8 length (u16) and bytes; then the learners the same way. */
    public byte[] encode() {
        byte[][] v = names(voters);
        byte[][] l = names(learners);
        int size = 4;
        for (byte[] n : v) {
            size += 2 + n.length;
        }
        for (byte[] n : l) {
            size += 2 + n.length;
        }
        ByteBuffer buf = ByteBuffer.allocate(size);
        put(buf, v);
        put(buf, l);
        return buf.array();
    }

    public static Membership decode(byte[] data) {
        ByteBuffer buf = ByteBuffer.wrap(data);
        Set<String> voters = get(buf);
        Set<String> learners = buf.hasRemaining() ? get(buf) : Set.of();
        return new Membership(voters, learners);
    }

    private static byte[][] names(Set<String> set) {
        return set.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
    }

    private static void put(ByteBuffer buf, byte[][] names) {
        buf.putShort((short) names.length);
        for (byte[] n : names) {
            buf.putShort((short) n.length).put(n);
        }
    }

    private static Set<String> get(ByteBuffer buf) {
        int count = Short.toUnsignedInt(buf.getShort());
        TreeSet<String> out = new TreeSet<>();
        for (int i = 0; i < count; i++) {
            byte[] n = new byte[Short.toUnsignedInt(buf.getShort())];
            buf.get(n);
            out.add(new String(n, StandardCharsets.UTF_8));
        }
        return out;
    }
}
