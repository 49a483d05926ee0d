package io.natsj.server.json;

import io.natsj.server.json.GoStruct.GoJsonException;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;

/**
 * Reads a {@code time.Time} from JSON as Go (1.20 and later) does: a JSON string holding an RFC 3339 time
 * ({@code 2006-01-02T15:04:05Z07:00}, any number of fraction digits), refused with Go's texts, which nats-server
 * puts into its "invalid JSON" errors:
 *
 * <pre>
 * Time.UnmarshalJSON: input is not a JSON string
 * parsing time "2024-1-02T00:00:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse "1-02T00:00:00Z" as "01"
 * parsing time "2024-13-01T00:00:00Z": month out of range
 * parsing time "2024-01-01T00:00:00Zx": extra text: "x"
 * </pre>
 *
 * <p>The layout is walked element by element (literal separators, then year, month, day, hour, minute, second,
 * zone), reporting the first element the value does not fit, then the checks Go adds for strict RFC 3339 (two-digit
 * hour, a period before the fraction, zone offsets below 24 hours and 60 minutes).
 *
 * <p>Threading: stateless.
 */
public final class GoTime {

    static final String LAYOUT = "2006-01-02T15:04:05Z07:00";
    static final String NOT_A_STRING = "Time.UnmarshalJSON: input is not a JSON string";

    private final String in;
    private String rest;
    private int year;
    private int month;
    private int day;
    private int hour;
    private int minute;
    private int second;
    private int nanos;
    private int offsetSeconds;

    private GoTime(String in) {
        this.in = in;
        this.rest = in;
    }

    /** The instant {@code value} names, or a {@link GoJsonException} with Go's text. */
    public static Instant parseRfc3339(String value) {
        GoTime t = new GoTime(value);
        t.parse();
        t.strictChecks();
        long epoch = LocalDateTime.of(t.year, t.month, t.day, t.hour, t.minute, t.second)
                .toEpochSecond(ZoneOffset.UTC) - t.offsetSeconds;
        return Instant.ofEpochSecond(epoch, t.nanos);
    }

    private GoJsonException cannotParse(String valueElem, String layoutElem) {
        return new GoJsonException("parsing time " + quote(in) + " as " + quote(LAYOUT) + ": cannot parse "
                + quote(valueElem) + " as " + quote(layoutElem));
    }

    private GoJsonException message(String message) {
        return new GoJsonException("parsing time " + quote(in) + message);
    }

    private GoJsonException outOfRange(String what) {
        return message(": " + what + " out of range");
    }

    private void literal(String prefix) {
        if (!rest.startsWith(prefix)) {
            throw cannotParse(rest, prefix);
        }
        rest = rest.substring(prefix.length());
    }

    private static boolean digit(String s, int i) {
        return i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9';
    }

    /** One or two digits ({@code fixed}: exactly two), consumed from {@code rest}; -1 when they are not there. */
    private int number(boolean fixed) {
        if (!digit(rest, 0)) {
            return -1;
        }
        if (!digit(rest, 1)) {
            if (fixed) {
                return -1;
            }
            int n = rest.charAt(0) - '0';
            rest = rest.substring(1);
            return n;
        }
        int n = (rest.charAt(0) - '0') * 10 + rest.charAt(1) - '0';
        rest = rest.substring(2);
        return n;
    }

    private int field(String layoutElem, boolean fixed, int limit, String rangeName) {
        String hold = rest;
        int n = number(fixed);
        if (n < 0) {
            throw cannotParse(hold, layoutElem);
        }
        if (limit > 0 && n >= limit) {
            throw outOfRange(rangeName);
        }
        return n;
    }

    private void parse() {
        if (rest.length() < 4 || !digit(rest, 0) || !digit(rest, 1) || !digit(rest, 2) || !digit(rest, 3)) {
            throw cannotParse(rest, "2006");
        }
        year = Integer.parseInt(rest.substring(0, 4));
        rest = rest.substring(4);
        literal("-");
        month = field("01", true, 0, null);
        if (month < 1 || month > 12) {
            throw outOfRange("month");
        }
        literal("-");
        day = field("02", true, 0, null);
        literal("T");
        hour = field("15", false, 24, "hour");
        literal(":");
        minute = field("04", true, 60, "minute");
        literal(":");
        second = field("05", true, 60, "second");
        if (rest.length() >= 2 && (rest.charAt(0) == '.' || rest.charAt(0) == ',') && digit(rest, 1)) {
            int n = 2;
            while (digit(rest, n)) {
                n++;
            }
            String digits = rest.substring(1, Math.min(n, 10));
            nanos = Integer.parseInt(digits) * (int) Math.pow(10, 9 - digits.length());
            rest = rest.substring(n);
        }
        zone();
        if (!rest.isEmpty()) {
            throw message(": extra text: " + quote(rest));
        }
        if (day < 1 || day > YearMonth.of(year, month).lengthOfMonth()) {
            throw outOfRange("day");
        }
    }

    private void zone() {
        if (rest.startsWith("Z")) {
            rest = rest.substring(1);
            return;
        }
        String hold = rest;
        if (rest.length() < 6 || rest.charAt(3) != ':' || !digit(rest, 1) || !digit(rest, 2) || !digit(rest, 4)
                || !digit(rest, 5) || (rest.charAt(0) != '+' && rest.charAt(0) != '-')) {
            throw cannotParse(hold, "Z07:00");
        }
        int h = Integer.parseInt(rest.substring(1, 3));
        int m = Integer.parseInt(rest.substring(4, 6));
        if (h > 24) {
            throw outOfRange("time zone offset hour");
        }
        if (m > 60) {
            throw outOfRange("time zone offset minute");
        }
        offsetSeconds = (h * 60 + m) * 60 * (rest.charAt(0) == '-' ? -1 : 1);
        rest = rest.substring(6);
    }

    /** What Go refuses beyond its layout walk, for RFC 3339 proper. */
    private void strictChecks() {
        if (in.charAt(12) == ':') {
            throw cannotParse(in.substring(11, 12), "15");
        }
        if (in.length() > 19 && in.charAt(19) == ',') {
            throw cannotParse(",", ".");
        }
        if (!in.endsWith("Z")) {
            String zone = in.substring(in.length() - 6);
            if (Integer.parseInt(zone.substring(1, 3)) >= 24) {
                throw message(": timezone hour out of range");
            }
            if (Integer.parseInt(zone.substring(4, 6)) >= 60) {
                throw message(": timezone minute out of range");
            }
        }
    }

    /**
     * Go's {@code time} package quoting: in double quotes, {@code "} and {@code \} escaped, bytes of control and
     * non-ASCII characters as {@code \xNN}.
     */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            int len = Character.charCount(c);
            if (c < ' ' || c >= 0x80) {
                for (byte b : s.substring(i, i + len).getBytes(StandardCharsets.UTF_8)) {
                    sb.append(String.format("\\x%02x", b & 0xff));
                }
            } else {
                if (c == '"' || c == '\\') {
                    sb.append('\\');
                }
                sb.append((char) c);
            }
            i += len;
        }
        return sb.append('"').toString();
    }
}
