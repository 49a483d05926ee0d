package io.natsj.server.client;

import io.natsj.server.util.ServerClock;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * nats-server's PING schedule for one client connection, and the round-trip time it measures.
 *
 * <ul>
 *   <li>From the start of the session a tick every {@code ping_interval}.</li>
 *   <li>Each CONNECT moves the next tick to 2 s (or {@code ping_interval} if shorter; a whole interval with
 *       {@code disableShortFirstPing}) plus up to 20 % at random: the first PING measures the round trip, so it
 *       goes out whatever the client does.</li>
 *   <li>A tick sends PING unless the client published, subscribed or pinged within the last {@code ping_interval};
 *       it sends anyway while the round trip is unknown or was last measured more than an hour ago. PONGs are not
 *       activity, so an idle client is pinged every interval.</li>
 *   <li>A PING that would leave more than {@code ping_max} unanswered closes the connection as stale instead.</li>
 * </ul>
 *
 * <p>Threading: ticks run on the server's timer thread; {@link #connected}, {@link #clientActive} and {@link #pong}
 * are called by the connection's reader thread, {@link #stop} by any thread. The pending tick is replaced under this
 * object's lock; counters and times are atomic or volatile.
 */
final class PingTimer {

    /** What a tick does to the connection. */
    interface Target {
        /** Queues {@code PING} and wakes the writer. */
        void sendPing();

        /** Sends {@code -ERR 'Stale Connection'} and closes. */
        void stale();
    }

    static final long FIRST_PING_NANOS = TimeUnit.SECONDS.toNanos(2);
    static final long RTT_MEASUREMENT_NANOS = TimeUnit.HOURS.toNanos(1);

    private final ScheduledExecutorService timers;
    private final ServerClock clock;
    private final long intervalNanos;
    private final long firstNanos;
    private final int maxOut;
    private final Target target;
    private final AtomicInteger out = new AtomicInteger();
    /** When the client last published, subscribed or pinged. */
    private volatile long lastInNanos;
    /** When the last PING went out; meaningful only once {@link #pinged}. */
    private volatile long rttStartNanos;
    private volatile boolean pinged;
    /** The round trip: 0 until estimated at CONNECT, then measured by each PONG. */
    private volatile long rttNanos;

    private ScheduledFuture<?> next; // guarded by this
    private long generation;         // guarded by this: a tick only re-arms when no one replaced it meanwhile
    private boolean stopped;         // guarded by this

    PingTimer(ScheduledExecutorService timers, ServerClock clock, long intervalNanos, boolean shortFirstPing,
              int maxOut, Target target) {
        this.timers = timers;
        this.clock = clock;
        this.intervalNanos = intervalNanos;
        this.firstNanos = shortFirstPing ? Math.min(intervalNanos, FIRST_PING_NANOS) : intervalNanos;
        this.maxOut = maxOut;
        this.target = target;
        this.lastInNanos = clock.nanoTime() - intervalNanos;
    }

    /** Arms the first tick, one interval from now (nothing when {@code ping_interval} is zero). */
    void start() {
        arm(intervalNanos);
    }

    /**
     * A CONNECT arrived: estimates the round trip from the connection's start, and re-arms the next tick to about
     * 2 s from now.
     */
    void connected(long startNanos) {
        long now = clock.nanoTime();
        rttNanos = Math.max(1, now - startNanos);
        long jitter = firstNanos / 5 > 0 ? ThreadLocalRandom.current().nextLong(firstNanos / 5) : 0;
        arm(firstNanos + jitter);
    }

    /** The client published, subscribed or sent PING: later PINGs wait until it has been quiet for an interval. */
    void clientActive(long nowNanos) {
        lastInNanos = nowNanos;
    }

    /** A PONG: nothing is outstanding any more, and the time since the last PING is the round trip. */
    void pong() {
        out.set(0);
        if (pinged) {
            rttNanos = Math.max(1, clock.nanoTime() - rttStartNanos);
        }
    }

    long rttNanos() {
        return rttNanos;
    }

    /** Cancels the pending tick for good. */
    synchronized void stop() {
        stopped = true;
        generation++;
        if (next != null) {
            next.cancel(false);
            next = null;
        }
    }

    private synchronized void arm(long delayNanos) {
        if (stopped || intervalNanos <= 0) {
            return;
        }
        if (next != null) {
            next.cancel(false);
        }
        long armed = ++generation;
        try {
            next = timers.schedule(() -> tick(armed), delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            next = null; // the server is shutting down
        }
    }

    private void tick(long armed) {
        synchronized (this) {
            if (stopped || armed != generation) {
                return;
            }
        }
        long now = clock.nanoTime();
        boolean needRtt = rttNanos == 0 || !pinged || now - rttStartNanos > RTT_MEASUREMENT_NANOS;
        if (needRtt || now - lastInNanos >= intervalNanos) {
            if (out.get() + 1 > maxOut) {
                target.stale();
                return;
            }
            rttStartNanos = now;
            pinged = true;
            out.incrementAndGet();
            target.sendPing();
        }
        synchronized (this) {
            if (armed == generation) {
                arm(intervalNanos);
            }
        }
    }
}
