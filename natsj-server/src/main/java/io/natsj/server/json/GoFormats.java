package io.natsj.server.json;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Formats times and durations the way nats-server's monitoring JSON shows them (Go's conventions), so tools that parse
 * them see the same shapes.
 *
 * <ul>
 *   <li>{@link #rfc3339Nano}: {@code 2026-11-23T23:06:25.4634857Z} — fraction trimmed of trailing zeros, none if 0.</li>
 *   <li>{@link #time}: the same for epoch nanoseconds, {@link #ZERO_TIME} for 0 (JetStream's times).</li>
 *   <li>{@link #goDuration}: Go's {@code time.Duration.String()}, e.g. {@code 1.07459ms}, {@code 1m2.5s}, {@code 0s}.</li>
 *   <li>{@link #uptime}: nats-server's uptime form, e.g. {@code 1d2h3m4s}, {@code 5s}.</li>
 * </ul>
 *
 * <p>Threading: stateless.
 */
public final class GoFormats {

    private static final DateTimeFormatter SECONDS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

    private GoFormats() {
    }

    /** The zero time as Go prints it. */
    public static final String ZERO_TIME = "0001-01-01T00:00:00Z";

    /** Go's RFC 3339 with nanoseconds for epoch nanos, the zero time for 0. */
    public static String time(long epochNanos) {
        if (epochNanos == 0) {
            return ZERO_TIME;
        }
        return rfc3339Nano(Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L),
                Math.floorMod(epochNanos, 1_000_000_000L)));
    }

    public static String rfc3339Nano(Instant t) {
        StringBuilder sb = new StringBuilder(32).append(SECONDS.format(t));
        int nanos = t.getNano();
        if (nanos != 0) {
            String frac = String.format("%09d", nanos);
            int end = frac.length();
            while (frac.charAt(end - 1) == '0') {
                end--;
            }
            sb.append('.').append(frac, 0, end);
        }
        return sb.append('Z').toString();
    }

    public static String goDuration(Duration d) {
        long nanos = d.toNanos();
        if (nanos == 0) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        if (nanos < 0) {
            sb.append('-');
            nanos = -nanos;
        }
        if (nanos < 1_000) {
            return sb.append(nanos).append("ns").toString();
        }
        if (nanos < 1_000_000) {
            return sb.append(fraction(nanos, 1_000)).append("µs").toString();
        }
        if (nanos < 1_000_000_000) {
            return sb.append(fraction(nanos, 1_000_000)).append("ms").toString();
        }
        long hours = nanos / 3_600_000_000_000L;
        long rest = nanos % 3_600_000_000_000L;
        long minutes = rest / 60_000_000_000L;
        rest %= 60_000_000_000L;
        if (hours > 0) {
            sb.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            sb.append(minutes).append('m');
        }
        return sb.append(fraction(rest, 1_000_000_000)).append('s').toString();
    }

    private static String fraction(long value, long unit) {
        long whole = value / unit;
        long frac = value % unit;
        if (frac == 0) {
            return Long.toString(whole);
        }
        int digits = Long.toString(unit).length() - 1;
        String f = String.format("%0" + digits + "d", frac);
        int end = f.length();
        while (f.charAt(end - 1) == '0') {
            end--;
        }
        return whole + "." + f.substring(0, end);
    }

    public static String uptime(Duration d) {
        long secs = Math.max(0, d.getSeconds());
        long days = secs / 86_400;
        long hours = secs % 86_400 / 3_600;
        long minutes = secs % 3_600 / 60;
        long seconds = secs % 60;
        StringBuilder sb = new StringBuilder();
        if (days >= 365) {
            sb.append(days / 365).append('y');
            days %= 365;
        }
        if (sb.length() > 0 || days > 0) {
            sb.append(days).append('d');
        }
        if (sb.length() > 0 || hours > 0) {
            sb.append(hours).append('h');
        }
        if (sb.length() > 0 || minutes > 0) {
            sb.append(minutes).append('m');
        }
        return sb.append(seconds).append('s').toString();
    }
}
