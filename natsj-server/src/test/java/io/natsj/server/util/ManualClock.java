package io.natsj.server.util;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** A clock for tests: it stands still until {@link #advance} moves it. Safe to read from any thread. */
public final class ManualClock implements ServerClock {

    private final AtomicLong nanos;
    private final long epochOffsetNanos;

    /** A clock at 2026-01-01T00:00:00Z (monotonic time starts at 1 second). */
    public ManualClock() {
        this(Instant.parse("2026-01-01T00:00:00Z"));
    }

    public ManualClock(Instant start) {
        this.nanos = new AtomicLong(1_000_000_000L);
        this.epochOffsetNanos = start.getEpochSecond() * 1_000_000_000L + start.getNano() - nanos.get();
    }

    /** Moves time forward. */
    public void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Override
    public long nanoTime() {
        return nanos.get();
    }

    @Override
    public Instant now() {
        long epoch = epochNanos();
        return Instant.ofEpochSecond(Math.floorDiv(epoch, 1_000_000_000L), Math.floorMod(epoch, 1_000_000_000L));
    }

    @Override
    public long epochNanos() {
        return nanos.get() + epochOffsetNanos;
    }
}
