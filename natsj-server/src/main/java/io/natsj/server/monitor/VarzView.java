package io.natsj.server.monitor;

import io.natsj.server.json.GoFormats;
import io.natsj.server.ServerOptions;
import io.natsj.server.ServerStats;
import io.natsj.server.ClusterOptions;
import io.natsj.server.TlsOptions;
import io.natsj.server.Versions;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /varz}: the server's options, identity and counters, with nats-server's field names and order.
 *
 * <p>Sections for features natsj does not run are empty objects, as nats-server 2.11 shows them while off:
 * {@code cluster}, {@code gateway}, {@code leaf}, {@code mqtt}, {@code websocket}, and {@code jetstream} without
 * JetStream (with it: {@code config}, {@code stats}, {@code limits}; {@code meta} is for clusters). natsj
 * has no system account, so {@code system_account} is absent; {@code natsj_version} and
 * {@code stale_connections} are natsj's additions.
 *
 * <p>Threading: builds a snapshot on the HTTP thread.
 */
final class VarzView {

    private VarzView() {
    }

    static Map<String, Object> build(MonitoredServer server, int httpPort, int httpsPort, Map<String, Long> httpReqStats) {
        ServerOptions o = server.options();
        ServerStats st = server.stats();
        Instant now = server.clock().now();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("server_id", server.serverId());
        m.put("server_name", server.serverName());
        m.put("version", Versions.natsApiVersion());
        m.put("natsj_version", Versions.natsjVersion());
        m.put("proto", 1);
        m.put("go", Versions.runtimeDescription());
        m.put("host", o.host());
        m.put("port", server.port());
        if (o.authRequired()) {
            m.put("auth_required", true);
        }
        TlsOptions tls = o.tls();
        if (tls != null && !o.allowNonTls()) {
            m.put("tls_required", true);
        }
        if (tls != null && tls.verifyClients()) {
            m.put("tls_verify", true);
        }
        m.put("max_connections", o.maxConnections());
        if (o.maxSubscriptions() > 0) {
            m.put("max_subscriptions", o.maxSubscriptions());
        }
        m.put("ping_interval", o.pingInterval().toNanos());
        m.put("ping_max", o.pingMax());
        m.put("http_host", o.httpHost());
        m.put("http_port", httpPort);
        m.put("http_base_path", "");
        m.put("https_port", httpsPort);
        m.put("auth_timeout", o.authTimeout().toNanos() / 1e9);
        m.put("max_control_line", o.maxControlLine());
        m.put("max_payload", o.maxPayload());
        m.put("max_pending", o.maxPending());
        m.put("cluster", cluster(server));
        m.put("gateway", Map.of());
        m.put("leaf", Map.of());
        m.put("mqtt", Map.of());
        m.put("websocket", Map.of());
        m.put("jetstream", jetStream(server));
        m.put("tls_timeout", (tls != null ? tls.timeout() : TlsOptions.DEFAULT_TIMEOUT).toNanos() / 1e9);
        m.put("write_deadline", o.writeDeadline().toNanos());
        m.put("start", GoFormats.rfc3339Nano(server.startTime()));
        m.put("now", GoFormats.rfc3339Nano(now));
        m.put("uptime", GoFormats.uptime(Duration.between(server.startTime(), now)));
        m.put("mem", residentMemory());
        int cores = Runtime.getRuntime().availableProcessors();
        m.put("cores", cores);
        m.put("gomaxprocs", cores);
        m.put("cpu", cpuPercent(cores));
        m.put("connections", server.connections().size());
        m.put("total_connections", st.totalConnections());
        List<RouteFacts> routes = server.routeFacts();
        m.put("routes", routes.size());
        m.put("remotes", RoutezView.remotes(routes));
        m.put("leafnodes", 0);
        m.put("in_msgs", st.inMsgs());
        m.put("out_msgs", st.outMsgs());
        m.put("in_bytes", st.inBytes());
        m.put("out_bytes", st.outBytes());
        m.put("slow_consumers", st.slowConsumers());
        m.put("subscriptions", server.accounts().all().stream().mapToInt(a -> a.index().count()).sum());
        m.put("http_req_stats", httpReqStats);
        m.put("config_load_time", GoFormats.rfc3339Nano(server.startTime()));
        m.put("config_digest", "");
        if (!o.serverTags().isEmpty()) {
            m.put("tags", o.serverTags());
        }
        Map<String, Object> slow = new LinkedHashMap<>();
        slow.put("clients", st.slowConsumers());
        slow.put("routes", 0);
        slow.put("gateways", 0);
        slow.put("leafs", 0);
        m.put("slow_consumer_stats", slow);
        m.put("stale_connections", st.staleConnections());
        return m;
    }

    /**
     * nats-server 2.11's {@code JetStreamVarz}: {@code config}, {@code stats} and {@code limits} while JetStream
     * runs ({@code meta} only in a cluster), an empty object otherwise.
     */
    private static Map<String, Object> jetStream(MonitoredServer server) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (server.jetStreamServer() == null) {
            return m;
        }
        m.put("config", JetStreamJson.config(server.jetStreamServer()));
        Map<String, Object> stats = new LinkedHashMap<>();
        JetStreamJson.putStats(stats, server.jetStreamAccounts());
        m.put("stats", stats);
        m.put("limits", JetStreamJson.limits());
        return m;
    }

    /** Resident set size in bytes, as nats-server reports {@code mem}; the JVM heap in use where /proc is absent. */
    static long residentMemory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    String kb = line.substring(6).trim().split("\\s+")[0];
                    return Long.parseLong(kb) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    private static double cpuPercent(int cores) {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            double load = os.getProcessCpuLoad();
            if (load >= 0) {
                return Math.round(load * cores * 10000) / 100.0;
            }
        }
        return 0;
    }
    /**
     * The {@code cluster} object as nats-server fills it from its options: empty without a cluster; the agreed name,
     * the listen address and bound port, the configured routes as {@code host:port}, the timeouts in seconds, TLS and
     * the pool size (2.10+) when set.
     */
    private static Map<String, Object> cluster(MonitoredServer server) {
        ClusterOptions c = server.options().cluster();
        if (c == null) {
            return Map.of();
        }
        Map<String, Object> m = new LinkedHashMap<>();
        ConnzView.putIfNotEmpty(m, "name", server.clusterName());
        m.put("addr", c.host());
        m.put("cluster_port", server.clusterPort());
        m.put("auth_timeout", c.authTimeout().toNanos() / 1e9);
        List<String> urls = c.routes().stream().map(u -> u.getHost() + ":" + u.getPort()).toList();
        if (!urls.isEmpty()) {
            m.put("urls", urls);
        }
        m.put("tls_timeout", (c.tls() != null ? c.tls().timeout() : TlsOptions.DEFAULT_TIMEOUT).toNanos() / 1e9);
        if (c.tls() != null) {
            m.put("tls_required", true);
            m.put("tls_verify", true);
        }
        if (c.poolSize() > 0) {
            m.put("pool_size", c.poolSize());
        }
        return m;
    }
}
