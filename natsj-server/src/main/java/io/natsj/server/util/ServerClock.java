package io.natsj.server.util;

import java.time.Instant;

/**
 * The server's source of time. Logic takes a clock instead of reading the system clock, so tests can drive time.
 *
 * <p>Threading: implementations must be safe to call from any thread.
 */
public interface ServerClock {

    /** Monotonic nanoseconds, for intervals and deadlines (as {@link System#nanoTime()}). */
    long nanoTime();

    /** Wall-clock time, for timestamps shown to users. */
    Instant now();

    /** Wall-clock time as Unix epoch nanoseconds, for stored message timestamps. */
    default long epochNanos() {
        Instant now = now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** The system clock. */
    ServerClock SYSTEM = new ServerClock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public Instant now() {
            return Instant.now();
        }
    };
}
