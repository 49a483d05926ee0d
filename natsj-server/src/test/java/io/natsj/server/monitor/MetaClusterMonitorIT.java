package io.natsj.server.monitor;

import io.natsj.server.ServerOptions;
import io.natsj.server.it.JsClusterFixture;
import io.natsj.server.util.NodeHash;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
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

    private JsClusterFixture cluster;

    @AfterEach
    void stop() {
        cluster.close();
    }

    private MonitorHttp start(String name) throws IOException {
        return new MonitorHttp(cluster.start(name, b -> b.httpPort(ServerOptions.RANDOM_PORT).noLog(true))
                .httpPort());
    }

    @Test
    void healthzWaitsForAMetaLeaderAndJszShowsTheMetaGroup() throws IOException {
        cluster = new JsClusterFixture(dir, "hc", NAMES);
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
                Map<String, MonitorHttp> servers = Map.of("h1", h1, "h2", h2, "h3", h3);
                await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                    JsonNode replicas = servers.get(leader).json("/jsz").path("meta_cluster").path("replicas");
                    assertThat(replicas).hasSize(2);
                    for (JsonNode r : replicas) {
                        assertThat(r.path("name").asString()).isIn(NAMES).isNotEqualTo(leader);
                        assertThat(r.path("current").asBoolean()).isTrue();
                        assertThat(r.path("active").asLong()).isLessThan(2_000_000_000L);
                        assertThat(r.path("peer").asString()).isEqualTo(NodeHash.of(r.path("name").asString()));
                        assertThat(r.has("offline")).isFalse();
                    }
                });
                NAMES.stream().filter(n -> !n.equals(leader)).forEach(n -> assertThat(servers.get(n).json("/jsz")
                        .path("meta_cluster").has("replicas")).as("only the leader lists the replicas").isFalse());
                assertThat(servers.get(leader).get("/jsz?leader-only=true").statusCode()).isEqualTo(200);
                NAMES.stream().filter(n -> !n.equals(leader)).forEach(n ->
                        assertThat(servers.get(n).get("/jsz?leader-only=true").statusCode()).isNotEqualTo(200));
                for (String n : NAMES) {
                    String metrics = servers.get(n).get("/metrics").body();
                    assertThat(metrics).as(n).containsPattern("natsj_raft_leader\\{group=\"_meta_\",server_id=\"[^\"]+\"} "
                            + (n.equals(leader) ? "1" : "0")).containsPattern(
                            "natsj_raft_term\\{group=\"_meta_\",server_id=\"[^\"]+\"} [1-9]")
                            .contains("natsj_raft_leader_changes_total{group=\"_meta_\"");
                }
            }
        }
    }
}
