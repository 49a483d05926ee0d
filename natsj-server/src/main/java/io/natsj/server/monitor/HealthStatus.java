package io.natsj.server.monitor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The answer {@code /healthz} builds, nats-server's {@code HealthStatus}: {@code status} ("ok", "unavailable",
 * "error"), {@code error} (one text), or with {@code details=true} {@code errors} (a list of
 * {@code {type, account, stream, consumer, error}}) and then a status of "error" whenever the list is not empty.
 * The HTTP status is the answer's code, or 503 when an error was recorded without one, else 200; the body omits
 * {@code status_code}, as nats-server's HTTP handler clears it.
 *
 * <p>Threading: one instance per request.
 */
final class HealthStatus {

    /** nats-server's {@code HealthZErrorType} names. */
    enum ErrorType { CONNECTION, BAD_REQUEST, JETSTREAM, ACCOUNT, STREAM, CONSUMER }

    /** One error in {@code errors}; null fields are omitted. */
    record Problem(ErrorType type, String account, String stream, String consumer, String error) {

        static Problem of(ErrorType type, String error) {
            return new Problem(type, null, null, null, error);
        }

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", type.name());
            putIfNotEmpty(m, "account", account);
            putIfNotEmpty(m, "stream", stream);
            putIfNotEmpty(m, "consumer", consumer);
            putIfNotEmpty(m, "error", error);
            return m;
        }

        private static void putIfNotEmpty(Map<String, Object> m, String key, String value) {
            if (value != null && !value.isEmpty()) {
                m.put(key, value);
            }
        }
    }

    private final boolean details;
    private String status = "ok";
    private int code;
    private String error;
    private final List<Problem> errors = new ArrayList<>();

    HealthStatus(boolean details) {
        this.details = details;
    }

    boolean details() {
        return details;
    }

    /**
     * Records a failure: without details, {@code status} and {@code error}; with details, {@code problem} joins the
     * list ({@code replace}: becomes the whole list).
     *
     * @param httpCode the HTTP status, or 0 to let the answer's default (503) apply
     */
    HealthStatus fail(int httpCode, String statusText, Problem problem, boolean replace) {
        if (httpCode != 0) {
            code = httpCode;
        }
        if (!details) {
            status = statusText;
            error = problem.error();
        } else {
            if (replace) {
                errors.clear();
            }
            errors.add(problem);
        }
        return this;
    }

    MonitorReply reply() {
        boolean failed = error != null || !errors.isEmpty();
        if (details) {
            status = errors.isEmpty() ? "ok" : "error";
        }
        int httpCode = code != 0 ? code : failed ? 503 : 200;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", status);
        if (error != null && !error.isEmpty()) {
            m.put("error", error);
        }
        if (!errors.isEmpty()) {
            List<Object> list = new ArrayList<>();
            errors.forEach(p -> list.add(p.json()));
            m.put("errors", list);
        }
        return MonitorReply.compact(httpCode, m);
    }
}
