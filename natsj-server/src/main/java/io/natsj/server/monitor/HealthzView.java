package io.natsj.server.monitor;

import io.natsj.server.NatsServer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /healthz}: while the server accepts clients, 200 with the compact body {@code {"status":"ok"}}.
 *
 * <p>nats-server 2.11 builds a {@code HealthStatus} with {@code status_code} but clears that field before answering
 * over HTTP (the code is the HTTP status), so its {@code omitempty} drops it: the HTTP body is
 * {@code {"status":"ok"}}, the same as 2.9.10's. The boolean options ({@code js-enabled}, {@code js-enabled-only},
 * {@code js-server-only}, {@code js-meta-only}, {@code details}) are decoded, and a bad value is a 400, as
 * nats-server does; they change nothing until JetStream exists.
 *
 * <p>Threading: stateless.
 */
final class HealthzView {

    private static final String[] BOOLEAN_OPTIONS =
            {"js-enabled", "js-enabled-only", "js-server-only", "js-meta-only", "details"};

    private HealthzView() {
    }

    static MonitorReply build(NatsServer server, QueryParams q) {
        for (String option : BOOLEAN_OPTIONS) {
            q.bool(option);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", "ok");
        return MonitorReply.compact(200, m);
    }
}
