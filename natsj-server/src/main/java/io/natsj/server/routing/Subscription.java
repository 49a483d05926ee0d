package io.natsj.server.routing;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One subscription: subject (may hold wildcards), optional queue group, the subscriber's id for it, and the
 * auto-unsubscribe limit set by {@code UNSUB <sid> <max>}.
 *
 * <p>Threading: subject, queue, sid and subscriber are immutable; the delivered count and max are updated
 * concurrently by publishing threads and the owning connection, through atomics.
 */
public final class Subscription {

    private final Subscriber subscriber;
    private final String subject;
    private final String queue;
    private final String sid;
    private final AtomicLong delivered = new AtomicLong();
    private volatile long maxMsgs = -1;
    private volatile boolean closed;
    private volatile int weight = 1;

    public Subscription(Subscriber subscriber, String subject, String queue, String sid) {
        this.subscriber = Objects.requireNonNull(subscriber);
        this.subject = Objects.requireNonNull(subject);
        this.queue = queue;
        this.sid = sid;
    }

    public Subscriber subscriber() { return subscriber; }
    public String subject() { return subject; }
    /** The queue group, or null for a plain subscription. */
    public String queue() { return queue; }
    public String sid() { return sid; }

    /** Messages delivered so far. */
    public long delivered() { return delivered.get(); }

    /** Counts one delivery and returns the new count. */
    public long countDelivery() { return delivered.incrementAndGet(); }

    /** Auto-unsubscribe limit, -1 when none. */
    public long maxMsgs() { return maxMsgs; }

    public void maxMsgs(long max) { this.maxMsgs = max; }

    /** True once removed; a closed subscription receives nothing more. */
    public boolean isClosed() { return closed; }

    public void close() { this.closed = true; }

    /**
     * How many members of its queue group this subscription stands for: 1 for a local one; for a peer server's queue
     * interest ({@code RS+ <account> <subject> <queue> <weight>}) the number of members there, so that a message with
     * no local member to go to picks a server in proportion to its members, as nats-server does.
     */
    public int weight() { return weight; }

    public void weight(int weight) { this.weight = Math.max(1, weight); }

    @Override
    public String toString() {
        return "Subscription{" + subject + (queue == null ? "" : " " + queue) + " sid=" + sid + "}";
    }
}
