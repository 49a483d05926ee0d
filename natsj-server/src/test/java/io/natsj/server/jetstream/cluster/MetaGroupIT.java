package io.natsj.server.jetstream.cluster;

import io.natsj.server.NatsServer;
import io.natsj.server.it.JsClusterFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The meta group of three clustered JetStream servers: formed once all are routed, kept across restarts. */
@Timeout(90)
class MetaGroupIT {

    private static final List<String> NAMES = List.of("m1", "m2", "m3");

    @TempDir
    Path dir;

    private JsClusterFixture cluster;

    @BeforeEach
    void ports() throws IOException {
        cluster = new JsClusterFixture(dir, "meta", NAMES);
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private String awaitOneLeader() {
        return await().atMost(Duration.ofSeconds(20)).until(() -> {
            String leader = null;
            for (NatsServer s : cluster.servers().values()) {
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

    private void startAll() throws IOException {
        for (String n : NAMES) {
            cluster.start(n);
        }
    }

    /** Proposes {@code a} on the meta leader and waits until every running server applied it. */
    private void assignEverywhere(String leader, Assignment a) throws Exception {
        cluster.server(leader).jetStreamCluster().meta().propose(MetaState.assign(a)).get(10, TimeUnit.SECONDS);
        awaitEverywhere(a);
    }

    private void awaitEverywhere(Assignment a) {
        for (NatsServer s : cluster.servers().values()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> a.equals(s.jetStreamCluster().state()
                    .get(a.account(), a.stream(), a.consumer())));
        }
    }

    @Test
    void threeServersFormOneMetaGroupAndAgreeOnItsLeader() throws Exception {
        cluster.start("m1");
        cluster.start("m2");
        assertThat(cluster.server("m1").jetStreamCluster().meta()).as("waits for the third configured server")
                .isNull();
        cluster.start("m3");
        String leader = awaitOneLeader();
        assertThat(NAMES).contains(leader);
        assertThat(cluster.server(leader).jetStreamCluster().isMetaLeader()).isTrue();
    }

    @Test
    void assignmentsProposedOnTheLeaderReachEveryServer() throws Exception {
        startAll();
        assignEverywhere(awaitOneLeader(),
                new Assignment("$G", "ORDERS", null, "{\"name\":\"ORDERS\"}", "S-R3F-x", NAMES, false, 1));
    }

    @Test
    void aRestartedClusterReopensItsMetaGroupWithTheSameServersAndState() throws Exception {
        startAll();
        Assignment a = new Assignment("$G", "KEPT", null, "{}", "S-R3F-y", NAMES, false, 1);
        assignEverywhere(awaitOneLeader(), a);
        cluster.close();
        cluster.start("m2"); // alone at first: it belongs to a meta group already and does not wait to form one
        assertThat(cluster.server("m2").jetStreamCluster().meta()).isNotNull();
        cluster.start("m1");
        cluster.start("m3");
        awaitOneLeader();
        awaitEverywhere(a);
    }
}
