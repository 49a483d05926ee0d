package io.natsj.server.monitor;

import io.natsj.server.NatsServer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /healthz}: {@code {"status":"ok","status_code":200}} (nats-server 2.11's shape) while the server accepts
 * clients. JetStream health checks join here when JetStream exists.
 *
 * <p>Threading: stateless.
 */
final class HealthzView {

    private HealthzView() {
    }

    static Map<String, Object> build(NatsServer server) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", "ok");
        m.put("status_code", 200);
        return m;
    }
}
