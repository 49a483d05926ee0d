package io.natsj.server.util;

import java.time.Duration;

/**
 * Parses Go-style durations ({@code 2m}, {@code 10s}, {@code 1h30m}, {@code 250ms}, {@code 1.5s}) as nats-server's flags
 * and config take them.
 *
 * <p>Threading: stateless.
 */
public final class GoDuration {

    private GoDuration() {
    }

    /** Parses {@code text}; throws {@link IllegalArgumentException} naming it when it is not a duration. */
    public static Duration parse(String text) {
        String s = text.trim();
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        long nanos = 0;
        int i = 0;
        if (s.isEmpty()) {
            throw new IllegalArgumentException("invalid duration \"" + text + "\"");
        }
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                i++;
            }
            int unitStart = i;
            while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
                i++;
            }
            if (start == unitStart || unitStart == i) {
                throw new IllegalArgumentException("invalid duration \"" + text + "\"");
            }
            double value = Double.parseDouble(s.substring(start, unitStart));
            long unit = switch (s.substring(unitStart, i)) {
                case "ns" -> 1L;
                case "us", "µs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "h" -> 3_600_000_000_000L;
                default -> throw new IllegalArgumentException("invalid duration \"" + text + "\"");
            };
            nanos += (long) (value * unit);
        }
        return Duration.ofNanos(nanos);
    }
}
