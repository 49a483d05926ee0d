package io.natsj.server.routing;

import java.util.Arrays;

/**
 * The subscriptions interested in one published subject: plain subscriptions, each of which gets the message, and
 * queue groups, one inner array per queue name holding every member of that group that matched (members may come
 * from different subscription subjects, e.g. {@code foo.*} and {@code foo.bar} in group {@code q}). The deliverer
 * picks one member per group.
 *
 * <p>Immutable and shared: the arrays returned are the internal ones (so a cached match costs no copy) and must not
 * be modified. Threading: any thread.
 */
public final class SubjectMatch {

    private static final Subscription[] NO_SUBS = new Subscription[0];
    private static final Subscription[][] NO_GROUPS = new Subscription[0][];

    /** The match with no interest. */
    public static final SubjectMatch EMPTY = new SubjectMatch(NO_SUBS, NO_GROUPS);

    private final Subscription[] plain;
    private final Subscription[][] queues;
    private final int size;

    private SubjectMatch(Subscription[] plain, Subscription[][] queues) {
        this.plain = plain;
        this.queues = queues;
        int n = plain.length;
        for (Subscription[] group : queues) {
            n += group.length;
        }
        this.size = n;
    }

    /** Builds a match from arrays the caller hands over (not copied); EMPTY when both are empty. */
    static SubjectMatch of(Subscription[] plain, Subscription[][] queues) {
        if (plain.length == 0 && queues.length == 0) {
            return EMPTY;
        }
        return new SubjectMatch(plain, queues);
    }

    /** Plain subscriptions; every one receives the message. Do not modify. */
    public Subscription[] plain() {
        return plain;
    }

    /** One non-empty array per queue group; one member of each receives the message. Do not modify. */
    public Subscription[][] queues() {
        return queues;
    }

    /** True when nobody is interested. */
    public boolean isEmpty() {
        return size == 0;
    }

    /** Number of subscriptions: plain ones plus all members of all queue groups. */
    public int size() {
        return size;
    }

    /** Deliveries one message causes: plain subscriptions plus one per queue group (nats-server's fanout). */
    public int fanout() {
        return plain.length + queues.length;
    }

    /** A copy with {@code sub} added (to its queue group when it has one). */
    SubjectMatch withAdded(Subscription sub) {
        String queue = sub.queue();
        if (queue == null) {
            Subscription[] p = Arrays.copyOf(plain, plain.length + 1);
            p[plain.length] = sub;
            return new SubjectMatch(p, queues);
        }
        int g = groupIndex(queue);
        Subscription[][] q;
        if (g < 0) {
            q = Arrays.copyOf(queues, queues.length + 1);
            q[queues.length] = new Subscription[] {sub};
        } else {
            q = queues.clone();
            Subscription[] members = Arrays.copyOf(queues[g], queues[g].length + 1);
            members[queues[g].length] = sub;
            q[g] = members;
        }
        return new SubjectMatch(plain, q);
    }

    /** A copy without {@code sub} (by identity), dropping its queue group when it was the last member. */
    SubjectMatch withRemoved(Subscription sub) {
        String queue = sub.queue();
        if (queue == null) {
            int i = indexOf(plain, sub);
            return i < 0 ? this : of(without(plain, i), queues);
        }
        int g = groupIndex(queue);
        if (g < 0) {
            return this;
        }
        int i = indexOf(queues[g], sub);
        if (i < 0) {
            return this;
        }
        Subscription[][] q;
        if (queues[g].length == 1) {
            q = new Subscription[queues.length - 1][];
            System.arraycopy(queues, 0, q, 0, g);
            System.arraycopy(queues, g + 1, q, g, queues.length - g - 1);
        } else {
            q = queues.clone();
            q[g] = without(queues[g], i);
        }
        return of(plain, q);
    }

    private int groupIndex(String queue) {
        for (int g = 0; g < queues.length; g++) {
            if (queue.equals(queues[g][0].queue())) {
                return g;
            }
        }
        return -1;
    }

    private static int indexOf(Subscription[] subs, Subscription sub) {
        for (int i = 0; i < subs.length; i++) {
            if (subs[i] == sub) {
                return i;
            }
        }
        return -1;
    }

    private static Subscription[] without(Subscription[] subs, int i) {
        if (subs.length == 1) {
            return NO_SUBS;
        }
        Subscription[] r = new Subscription[subs.length - 1];
        System.arraycopy(subs, 0, r, 0, i);
        System.arraycopy(subs, i + 1, r, i, subs.length - i - 1);
        return r;
    }

    @Override
    public String toString() {
        return "SubjectMatch{plain=" + Arrays.toString(plain) + ", queues=" + Arrays.deepToString(queues) + "}";
    }
}
