package io.natsj.server.monitor;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A request's query parameters, decoded as nats-server decodes them (Go's {@code url.ParseQuery}, first value wins,
 * pairs that do not decode are dropped) with nats-server's typed readers: a bad value is a {@link BadRequest} whose
 * message is nats-server's 400 body, e.g.
 * {@code Error decoding boolean for 'subs': strconv.ParseBool: parsing "x": invalid syntax}.
 *
 * <p>Threading: one instance per request.
 */
final class QueryParams {

    private final Map<String, String> values = new HashMap<>();

    QueryParams(URI uri) {
        String raw = uri.getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty() || pair.indexOf(';') >= 0) {
                continue; // Go rejects semicolons in queries and skips the pair
            }
            int eq = pair.indexOf('=');
            try {
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                values.putIfAbsent(key, value);
            } catch (IllegalArgumentException e) {
                // a bad %-escape: Go drops the pair
            }
        }
    }

    /** Parameters given as a map (the options of a system-account request). */
    QueryParams(Map<String, String> given) {
        values.putAll(given);
    }

    /** The first value of {@code key}, or "" when absent. */
    String get(String key) {
        String v = values.get(key);
        return v == null ? "" : v;
    }

    /** Go's {@code strconv.ParseBool}; absent or empty is false. */
    boolean bool(String key) {
        String v = get(key);
        return switch (v) {
            case "" -> false;
            case "1", "t", "T", "true", "TRUE", "True" -> true;
            case "0", "f", "F", "false", "FALSE", "False" -> false;
            default -> throw new BadRequest("Error decoding boolean for '" + key + "': strconv.ParseBool: parsing "
                    + goQuote(v) + ": invalid syntax");
        };
    }

    /** Go's {@code strconv.Atoi} (64-bit int); absent or empty is 0. */
    long integer(String key) {
        String v = get(key);
        if (v.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            String why = isSignedDigits(v) ? "value out of range" : "invalid syntax";
            throw new BadRequest("Error decoding int for '" + key + "': strconv.Atoi: parsing " + goQuote(v) + ": "
                    + why);
        }
    }

    /** Go's {@code strconv.ParseUint(v, 10, 64)}; absent or empty is 0. Values above {@code Long.MAX_VALUE} clamp. */
    long unsigned(String key) {
        String v = get(key);
        if (v.isEmpty()) {
            return 0;
        }
        boolean digits = isSignedDigits(v) && Character.isDigit(v.charAt(0));
        if (digits) {
            try {
                long signed = Long.parseUnsignedLong(v);
                return signed < 0 ? Long.MAX_VALUE : signed;
            } catch (NumberFormatException e) {
                throw new BadRequest("Error decoding uint64 for '" + key + "': strconv.ParseUint: parsing "
                        + goQuote(v) + ": value out of range");
            }
        }
        throw new BadRequest("Error decoding uint64 for '" + key + "': strconv.ParseUint: parsing " + goQuote(v)
                + ": invalid syntax");
    }

    private static boolean isSignedDigits(String v) {
        int i = v.charAt(0) == '+' || v.charAt(0) == '-' ? 1 : 0;
        if (i == v.length()) {
            return false;
        }
        for (; i < v.length(); i++) {
            if (!Character.isDigit(v.charAt(i)) || v.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** Go's {@code strconv.Quote} for the printable strings a query carries. */
    static String goQuote(String v) {
        StringBuilder sb = new StringBuilder(v.length() + 2).append('"');
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\x%02x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** A request whose parameters do not decode or do not make sense: answered with 400 and the message. */
    static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message, null, false, false);
        }
    }
}
