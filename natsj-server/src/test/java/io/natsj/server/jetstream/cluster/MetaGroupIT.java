package io.natsj.server.jetstream.cluster;

import io.natsj.server.ClusterOptions;
import io.natsj.server.NatsServer;
import io.natsj.server.ServerOptions;
import io.natsj.server.raft.Membership;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

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
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The meta group of three clustered JetStream servers: formed once all are routed, kept across restarts. */
@Timeout(90)
class MetaGroupIT {

    private static final List<String> NAMES = List.of("m1", "m2", "m3");

    @TempDir
    Path dir;

    private final Map<String, Integer> routePorts = new LinkedHashMap<>();
    private final Map<String, NatsServer> servers = new LinkedHashMap<>();

    @AfterEach
    void stop() {
        servers.values().forEach(NatsServer::close);
    }

    private NatsServer start(String name) throws IOException {
        List<URI> routes = new ArrayList<>();
        routePorts.forEach((n, p) -> {
            if (!n.equals(name)) {
                routes.add(URI.create("nats-route://127.0.0.1:" + p));
            }
        });
        NatsServer s = NatsServer.start(ServerOptions.builder().host("127.0.0.1").port(0).serverName(name)
                .cluster(ClusterOptions.listen("127.0.0.1", routePorts.get(name)).withName("meta").withRoutes(routes))
                .jetStream(ServerOptions.JetStreamOptions.DISABLED.withEnabled(true).withStoreDir(dir.resolve(name)))
                .build());
        servers.put(name, s);
        return s;
    }

    private void ports() throws IOException {
        for (String n : NAMES) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                routePorts.put(n, s.getLocalPort());
            }
        }
    }

    private String awaitOneLeader() {
        return await().atMost(Duration.ofSeconds(20)).until(() -> {
            String leader = null;
            for (NatsServer s : servers.values()) {
                JetStreamCluster c = s.jetStreamCluster();
                String l = c == null ? null : c.metaLeader();
                if (l == null || leader != null && !leader.equals(l)) {
                    return null;
                }
                leader = l;
            }
            return leader;
        }, l -> l != null);
    }

    @Test
    void threeServersFormOneMetaGroupAndAgreeOnItsLeader() throws Exception {
        ports();
        start("m1");
        start("m2");
        assertThat(servers.get("m1").jetStreamCluster().meta()).as("waits for the third configured server").isNull();
        start("m3");
        String leader = awaitOneLeader();
        assertThat(NAMES).contains(leader);
        assertThat(servers.get(leader).jetStreamCluster().isMetaLeader()).isTrue();
    }

    @Test
    void assignmentsProposedOnTheLeaderReachEveryServer() throws Exception {
        ports();
        for (String n : NAMES) {
            start(n);
        }
        String leader = awaitOneLeader();
        Assignment a = new Assignment("$G", "ORDERS", null, "{\"name\":\"ORDERS\"}", "S-R3F-x", NAMES, false, 1);
        servers.get(leader).jetStreamCluster().meta().propose(MetaState.assign(a)).get(10, TimeUnit.SECONDS);
        for (NatsServer s : servers.values()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> a.equals(s.jetStreamCluster().state()
                    .get("$G", "ORDERS", null)));
        }
    }

    @Test
    void aRestartedClusterReopensItsMetaGroupWithTheSameServersAndState() throws Exception {
        ports();
        for (String n : NAMES) {
            start(n);
        }
        String leader = awaitOneLeader();
        Assignment a = new Assignment("$G", "KEPT", null, "{}", "S-R3F-y", NAMES, false, 1);
        servers.get(leader).jetStreamCluster().meta().propose(MetaState.assign(a)).get(10, TimeUnit.SECONDS);
        servers.values().forEach(NatsServer::close);
        servers.clear();
        start("m2"); // alone at first: it belongs to a meta group already and does not wait to form one
        assertThat(servers.get("m2").jetStreamCluster().meta()).isNotNull();
        start("m1");
        start("m3");
        awaitOneLeader();
        for (NatsServer s : servers.values()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> a.equals(s.jetStreamCluster().state()
                    .get("$G", "KEPT", null)));
        }
    }
}
