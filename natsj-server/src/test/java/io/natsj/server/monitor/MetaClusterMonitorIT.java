package io.natsj.server.monitor;

import io.natsj.server.ClusterOptions;
import io.natsj.server.NatsServer;
import io.natsj.server.ServerOptions;
import io.natsj.server.util.NodeHash;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code /jsz}'s {@code meta_cluster} and {@code /healthz}'s meta check on a three-server JetStream cluster. */
@Timeout(90)
class MetaClusterMonitorIT {

    private static final List<String> NAMES = List.of("h1", "h2", "h3");

    @TempDir
    Path dir;

    private final Map<String, Integer> routePorts = new LinkedHashMap<>();
    private final Map<String, NatsServer> servers = new LinkedHashMap<>();

    @AfterEach
    void stop() {
        servers.values().forEach(NatsServer::close);
    }

    private MonitorHttp start(String name) throws IOException {
        List<URI> routes = new ArrayList<>();
        routePorts.forEach((n, p) -> {
            if (!n.equals(name)) {
                routes.add(URI.create("nats-route://127.0.0.1:" + p));
            }
        });
        NatsServer s = NatsServer.start(ServerOptions.builder().host("127.0.0.1").port(0).serverName(name)
                .httpPort(ServerOptions.RANDOM_PORT).noLog(true)
                .cluster(ClusterOptions.listen("127.0.0.1", routePorts.get(name)).withName("hc").withRoutes(routes))
                .jetStream(ServerOptions.JetStreamOptions.DISABLED.withEnabled(true).withStoreDir(dir.resolve(name)))
                .build());
        servers.put(name, s);
        return new MonitorHttp(s.httpPort());
    }

    @Test
    void healthzWaitsForAMetaLeaderAndJszShowsTheMetaGroup() throws IOException {
        for (String n : NAMES) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                routePorts.put(n, s.getLocalPort());
            }
        }
        try (MonitorHttp h1 = start("h1"); MonitorHttp h2 = start("h2")) {
            var waiting = h1.get("/healthz");
            assertThat(waiting.statusCode()).isEqualTo(503);
            assertThat(waiting.body()).contains("JetStream has not established contact with a meta leader");
            assertThat(h1.json("/jsz").has("meta_cluster")).isFalse();
            try (MonitorHttp h3 = start("h3")) {
                await().atMost(Duration.ofSeconds(20)).until(() -> h1.get("/healthz").statusCode() == 200
                        && h2.get("/healthz").statusCode() == 200 && h3.get("/healthz").statusCode() == 200);
                JsonNode meta = h2.json("/jsz").path("meta_cluster");
                String leader = meta.path("leader").asString();
                assertThat(NAMES).contains(leader);
                assertThat(meta.path("name").asString()).isEqualTo("hc");
                assertThat(meta.path("peer").asString()).isEqualTo(NodeHash.of(leader));
                assertThat(meta.path("cluster_size").asInt()).isEqualTo(3);
                Map<String, MonitorHttp> byName = Map.of("h1", h1, "h2", h2, "h3", h3);
                assertThat(byName.get(leader).get("/jsz?leader-only=true").statusCode()).isEqualTo(200);
                NAMES.stream().filter(n -> !n.equals(leader)).forEach(n ->
                        assertThat(byName.get(n).get("/jsz?leader-only=true").statusCode()).isNotEqualTo(200));
            }
        }
    }
}
