package io.natsj.server.monitor;

import io.natsj.server.Versions;
import io.natsj.server.json.GoFormats;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code server} object of every message natsj sends in the system account (request answers and events), as
 * nats-server's {@code ServerInfo}: name, host, id, domain, version, JetStream, capability flags, and a sequence
 * number that grows with each message.
 *
 * <p>Threading: safe from any thread.
 */
final class SystemServerInfo {

    private final MonitoredServer server;
    private final AtomicLong seq = new AtomicLong();

    SystemServerInfo(MonitoredServer server) {
        this.server = server;
    }

    Map<String, Object> next() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", server.serverName());
        m.put("host", server.options().host());
        m.put("id", server.serverId());
        String domain = server.options().jetStream().domain();
        if (domain != null && !domain.isEmpty()) {
            m.put("domain", domain);
        }
        m.put("ver", Versions.natsApiVersion());
        boolean js = server.jetStreamServer() != null;
        m.put("jetstream", js);
        m.put("flags", js ? 1 : 0);
        m.put("seq", seq.incrementAndGet());
        m.put("time", GoFormats.rfc3339Nano(server.clock().now()));
        return m;
    }
}
