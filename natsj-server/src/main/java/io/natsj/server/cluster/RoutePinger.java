package io.natsj.server.cluster;

import io.natsj.server.util.ServerClock;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * nats-server's PING schedule for one route: the first PING about 1 s after the connection starts (plus up to 20 %
 * at random), then one every {@code ping_interval} capped at 30 s; routes always ping, whatever traffic they carry. A
 * PING that would leave more than {@code ping_max} unanswered reports the route stale instead. Each PONG measures the
 * round trip.
 *
 * <p>Threading: ticks run on the server's timer thread; {@link #pong} is called by the route's reader, {@link #stop}
 * by any thread.
 */
final class RoutePinger {

    /** What a tick does to the route. */
    interface Target {
        void sendPing();

        void stale();
    }

    static final long FIRST_PING_NANOS = TimeUnit.SECONDS.toNanos(1);
    static final long MAX_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final ScheduledExecutorService timers;
    private final ServerClock clock;
    private final long intervalNanos;
    private final int maxOut;
    private final Target target;
    private final AtomicInteger out = new AtomicInteger();
    private volatile long pingSentNanos;
    private volatile long rttNanos;
    private ScheduledFuture<?> next; // guarded by this
    private boolean stopped;         // guarded by this

    RoutePinger(ScheduledExecutorService timers, ServerClock clock, long pingIntervalNanos, int maxOut, Target target) {
        this.timers = timers;
        this.clock = clock;
        this.intervalNanos = Math.min(pingIntervalNanos, MAX_INTERVAL_NANOS);
        this.maxOut = maxOut;
        this.target = target;
    }

    /** Arms the first PING. */
    void start() {
        long first = Math.min(intervalNanos, FIRST_PING_NANOS);
        arm(first + (first / 5 > 0 ? ThreadLocalRandom.current().nextLong(first / 5) : 0));
    }

    void pong() {
        out.set(0);
        long sent = pingSentNanos;
        if (sent != 0) {
            rttNanos = Math.max(1, clock.nanoTime() - sent);
        }
    }

    long rttNanos() {
        return rttNanos;
    }

    synchronized void stop() {
        stopped = true;
        if (next != null) {
            next.cancel(false);
            next = null;
        }
    }

    private synchronized void arm(long delayNanos) {
        if (stopped || intervalNanos <= 0) {
            return;
        }
        try {
            next = timers.schedule(this::tick, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            next = null; // shutting down
        }
    }

    private void tick() {
        synchronized (this) {
            if (stopped) {
                return;
            }
        }
        if (out.get() + 1 > maxOut) {
            target.stale();
            return;
        }
        out.incrementAndGet();
        pingSentNanos = clock.nanoTime();
        target.sendPing();
        arm(intervalNanos);
    }
}
