package io.natsj.server.monitor;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A request's query parameters, with nats-server's decoding rules: booleans accept {@code 1}/{@code true}/...,
 * integers must parse; a bad value is a 400 with nats-server's message.
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
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            values.putIfAbsent(key, value);
        }
    }

    String get(String key) {
        String v = values.get(key);
        return v == null ? "" : v;
    }

    boolean bool(String key) {
        String v = get(key);
        if (v.isEmpty()) {
            return false;
        }
        return switch (v.toLowerCase()) {
            case "1", "t", "true" -> true;
            case "0", "f", "false" -> false;
            default -> throw new BadRequest("Error decoding boolean for '" + key + "': strconv.ParseBool: parsing \""
                    + v + "\": invalid syntax");
        };
    }

    int integer(String key) {
        String v = get(key);
        if (v.isEmpty()) {
            return 0;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new BadRequest("Error decoding int for '" + key + "': strconv.Atoi: parsing \"" + v
                    + "\": invalid syntax");
        }
    }

    /** A request whose parameters do not decode: answered with 400 and the message. */
    static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message, null, false, false);
        }
    }
}
