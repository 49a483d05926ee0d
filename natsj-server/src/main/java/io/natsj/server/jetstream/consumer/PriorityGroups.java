package io.natsj.server.jetstream.consumer;

import io.natsj.server.jetstream.Advisories;
import io.natsj.server.jetstream.JetStreamContext;
import io.natsj.server.jetstream.stream.HeaderBlock;

import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import static io.natsj.server.jetstream.consumer.PriorityConfigCheck.OVERFLOW;
import static io.natsj.server.jetstream.consumer.PriorityConfigCheck.PINNED_CLIENT;

/**
 * A pull consumer's priority groups at work, as nats-server 2.11 runs them:
 * <ul>
 *   <li>the checks a pull request passes ({@code 400 Bad Request - Priority Group missing}, {@code - Invalid
 *       Priority Group}, {@code - Not a Overflow Priority consumer}, {@code - Not a Pinned Client Priority
 *       consumer}, {@code 423 Nats-Pin-Id mismatch});</li>
 *   <li>{@code overflow}: a request with {@code min_pending} / {@code min_ack_pending} gets a message only while
 *       at least that many messages are pending / waiting for their ack (both, when it sets both);</li>
 *   <li>{@code pinned_client}: the first request without a pin id gets a new one (a {@code PINNED} advisory) and
 *       from then on only requests carrying that id get messages, each with a {@code Nats-Pin-Id} header; others
 *       wait, and requests carrying another id leave with {@code 423 Nats-Wrong-Pin-Id}. The pin lapses when its
 *       client sends no request for {@code priority_timeout} ({@code UNPINNED}, reason {@code timeout}) or on
 *       {@code $JS.API.CONSUMER.UNPIN} ({@code UNPINNED}, reason {@code admin}).</li>
 * </ul>
 * Like 2.11, a consumer has one pin whatever the number of its groups; info and advisories name the first group
 * (UNPIN's advisory names the group asked for).
 *
 * <p>Threading: owned by the consumer's worker, except {@link #pin()}, a snapshot any thread may read; the timer
 * thread only hands the pin's expiry to the worker.
 */
public final class PriorityGroups {

    /** The pin as consumer info shows it: the pinned client's id ("" for none), since when (epoch nanos, 0). */
    public record Pin(String id, long pinnedAt) {
        static final Pin NONE = new Pin("", 0);
    }

    /** Sends a status message to a pull request's reply subject. */
    @FunctionalInterface
    interface StatusSink {
        void status(String reply, String statusLine);
    }

    static final String PIN_HEADER = "Nats-Pin-Id";

    private final JetStreamContext ctx;
    private final String stream;
    private final String consumer;
    private final Executor worker;
    private volatile Pin pin = Pin.NONE;
    private long deadline;              // epoch nanos when the pin lapses without a request from its client
    private ScheduledFuture<?> timer;
    private long timerRound;            // which timer is the current one
    private PullRequest justPinned;     // the request the last admit pinned, until the next admit
    private String pinnedGroup = "";    // the group the pin's advisories name

    /**
     * @param worker runs a task on the consumer's worker
     */
    PriorityGroups(JetStreamContext ctx, String stream, String consumer, Executor worker) {
        this.ctx = ctx;
        this.stream = stream;
        this.consumer = consumer;
        this.worker = worker;
    }

    /** The current pin. */
    public Pin pin() {
        return pin;
    }

    /** Whether the consumer picks among requests by a priority policy. */
    static boolean active(ConsumerConfig c) {
        return c.priorityPolicy() != null && !c.priorityPolicy().isEmpty();
    }

    private static String firstGroup(ConsumerConfig c) {
        List<String> groups = c.priorityGroups();
        return groups == null || groups.isEmpty() ? "" : groups.get(0);
    }

    /**
     * The status a new pull request is refused with, or null when it may wait. A request carrying the current pin
     * id keeps the pin for another {@code priority_timeout}.
     */
    String refuse(ConsumerConfig c, PriorityRequest p, long now) {
        if (p == null) {
            return null;
        }
        String policy = c.priorityPolicy() == null ? "" : c.priorityPolicy();
        if ((p.minPending() != 0 || p.minAckPending() != 0) && !policy.equals(OVERFLOW)) {
            return "400 Bad Request - Not a Overflow Priority consumer";
        }
        if (p.hasId() && !policy.equals(PINNED_CLIENT)) {
            return "400 Bad Request - Not a Pinned Client Priority consumer";
        }
        if (policy.isEmpty()) {
            return null;
        }
        if (p.group().isEmpty()) {
            return "400 Bad Request - Priority Group missing";
        }
        if (c.priorityGroups() == null || !c.priorityGroups().contains(p.group())) {
            return "400 Bad Request - Invalid Priority Group";
        }
        String current = pin.id();
        if (!current.isEmpty()) {
            if (p.id().equals(current)) {
                deadline = now + c.priorityTimeout();
            } else if (p.hasId()) {
                return "423 Nats-Pin-Id mismatch";
            }
        }
        return null;
    }

    /**
     * Whether the waiting request {@code r} may have the message at hand (nats-server's {@code nextWaiting}, its
     * priority part): {@code PASS} when a rule makes it wait (another client holds the pin; the overflow thresholds
     * are not reached), {@code DROP} after a {@code 423 Nats-Wrong-Pin-Id} when it carries a pin id that is no longer
     * valid, else {@code TAKE}; a request without an id takes a free pin.
     *
     * @param pendingBefore the messages still to deliver, counting the one at hand
     * @param ackPending    the deliveries waiting for their ack, not counting the one at hand
     */
    WaitQueue.Verdict admit(ConsumerConfig c, PullRequest r, long pendingBefore, int ackPending, StatusSink sink,
                            long now) {
        justPinned = null;
        if (PINNED_CLIENT.equals(c.priorityPolicy())) {
            String current = pin.id();
            if (!r.pinId.isEmpty() && !r.pinId.equals(current)) {
                sink.status(r.reply, "423 Nats-Wrong-Pin-Id");
                return WaitQueue.Verdict.DROP;
            }
            if (current.isEmpty() && r.priority != null) {
                pinTo(c, r, now);
            } else if (!current.isEmpty() && r.pinId.isEmpty()) {
                return WaitQueue.Verdict.PASS; // waits while another client holds the pin
            }
            return WaitQueue.Verdict.TAKE;
        }
        if (OVERFLOW.equals(c.priorityPolicy()) && r.priority != null
                && !overflowing(r.priority, pendingBefore, ackPending)) {
            return WaitQueue.Verdict.PASS;
        }
        return WaitQueue.Verdict.TAKE;
    }

    /** nats-server 2.11: every threshold the request sets must be reached. */
    private static boolean overflowing(PriorityRequest p, long pendingBefore, int ackPending) {
        return !(p.minPending() > 0 && p.minPending() > pendingBefore)
                && !(p.minAckPending() > 0 && p.minAckPending() > ackPending);
    }

    private void pinTo(ConsumerConfig c, PullRequest r, long now) {
        String id = Advisories.id();
        pin = new Pin(id, now);
        r.pinId = id;
        justPinned = r;
        pinnedGroup = firstGroup(c);
        deadline = now + c.priorityTimeout();
        armTimer(now);
        ctx.advisories().pinned(stream, consumer, pinnedGroup, id);
    }

    /**
     * The chosen request could not take the message after all (too large for its {@code max_bytes}) and left: a
     * pin it was just given is released, so that the other clients are not held up for {@code priority_timeout}.
     */
    void dropped(PullRequest r) {
        if (r == justPinned && r.pinId.equals(pin.id())) {
            release();
        }
    }

    /** The headers of a message delivered to a pull request: with {@code Nats-Pin-Id} while a client is pinned. */
    byte[] withPinHeader(ConsumerConfig c, byte[] headers) {
        String id = pin.id();
        if (id.isEmpty() || !PINNED_CLIENT.equals(c.priorityPolicy())) {
            return headers;
        }
        return new HeaderBlock.Builder().addAll(headers).add(PIN_HEADER, id).build();
    }

    /** {@code CONSUMER.UNPIN}: releases the pin (pinned or not, as 2.11) with an {@code admin} advisory. */
    void unpin(String group) {
        release();
        ctx.advisories().unpinned(stream, consumer, group, "admin");
    }

    /** The config changed: a consumer no longer {@code pinned_client} drops its pin. */
    void configChanged(ConsumerConfig c) {
        if (!PINNED_CLIENT.equals(c.priorityPolicy()) && !pin.id().isEmpty()) {
            release();
        }
    }

    /** The consumer stops: no more timer. */
    void close() {
        timerRound++; // an expiry already handed to the worker is ignored
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void release() {
        pin = Pin.NONE;
        close();
    }

    /** One timer per pin; when it fires early (the pin was kept alive since) it is set again for the rest. */
    private void armTimer(long now) {
        if (timer == null) {
            long round = ++timerRound;
            timer = ctx.timers().schedule(() -> worker.execute(() -> lapse(round)), Math.max(0, deadline - now),
                    TimeUnit.NANOSECONDS);
        }
    }

    private void lapse(long round) {
        if (round != timerRound) {
            return;
        }
        timer = null;
        if (pin.id().isEmpty()) {
            return;
        }
        long now = ctx.clock().epochNanos();
        if (now < deadline) {
            armTimer(now);
            return;
        }
        release();
        ctx.advisories().unpinned(stream, consumer, pinnedGroup, "timeout");
    }
}
