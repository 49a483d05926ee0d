package io.natsj.server.jetstream.cluster;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.natsj.server.NatsServer;
import io.natsj.server.ServerOptions;
import io.natsj.server.config.ConfigLoader;
import io.natsj.server.util.NodeHash;
import io.natsj.server.it.JsClusterFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

    @Test
    void aServerAddedToARunningClusterJoinsTheMetaGroupAsAVoter() throws Exception {
        cluster.close();
        cluster = new JsClusterFixture(dir, "grow", List.of("m1", "m2", "m3", "m4"));
        for (String n : NAMES) {
            cluster.start(n, NAMES, b -> b); // the first three know only each other
        }
        String leader = awaitOneLeader();
        Assignment a = new Assignment("$G", "BEFORE", null, "{}", "S-R3F-z", NAMES, false, 1);
        assignEverywhere(leader, a);
        cluster.start("m4"); // routes to all three
        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.servers().values().stream().allMatch(s ->
                s.jetStreamCluster().meta() != null && s.jetStreamCluster().meta().voters().size() == 4));
        awaitOneLeader();
        awaitEverywhere(a); // the newcomer got the assignments made before it came
        assertThat(cluster.server("m4").jetStreamCluster().meta().membership().voters())
                .containsExactlyInAnyOrder("m1", "m2", "m3", "m4");
    }

    @Test
    void aStoppedServerIsRemovedFromTheMetaGroupBySystemRequest() throws Exception {
        startAllWithSystemAccount();
        String leader = awaitOneLeader();
        String gone = NAMES.stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
        cluster.stop(gone);
        try (Connection sys = Nats.connect(Options.builder().server(cluster.server(leader).clientUrl())
                .userInfo("sys", "psys").noReconnect().build())) {
            assertThat(answer(sys, SERVER_REMOVE, "{\"peer_id\":\"" + NodeHash.of(gone) + "\"}")).isEqualTo(
                    "{\"type\":\"io.nats.jetstream.api.v1.meta_server_remove_response\",\"success\":true}");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.servers().values().stream().allMatch(s ->
                s.jetStreamCluster().meta().voters().equals(NAMES.stream().filter(n -> !n.equals(gone)).toList())));
    }

    @Test
    void theMetaLeaderStepsDownWhenTheSystemAccountAsks() throws Exception {
        startAllWithSystemAccount();
        String first = awaitOneLeader();
        String asker = NAMES.stream().filter(n -> !n.equals(first)).findFirst().orElseThrow();
        try (Connection sys = Nats.connect(Options.builder().server(cluster.server(asker).clientUrl())
                .userInfo("sys", "psys").noReconnect().build());
             Connection app = Nats.connect(Options.builder().server(cluster.server(asker).clientUrl())
                     .userInfo("app", "papp").noReconnect().build())) {
            assertThat(app.request(STEPDOWN, new byte[0], Duration.ofMillis(500)))
                    .as("not the system account: taken, never answered").isNull();

            assertThat(answer(sys, "")).isEqualTo(
                    "{\"type\":\"io.nats.jetstream.api.v1.meta_leader_stepdown_response\",\"success\":true}");
            String second = await().atMost(Duration.ofSeconds(10)).until(this::awaitOneLeader, l -> !l.equals(first));

            assertThat(answer(sys, "{\"placement\":{\"preferred\":\"" + second + "\"}}"))
                    .contains("\"err_code\":10005").contains("preferred server \\\"" + second
                            + "\\\" is already leader");
            assertThat(answer(sys, "{\"placement\":{\"preferred\":\"nope\"}}"))
                    .contains("\"code\":400").contains("preferred server \\\"nope\\\" not known");
            assertThat(answer(sys, SERVER_REMOVE, "")).contains("\"err_code\":10003");
            assertThat(answer(sys, SERVER_REMOVE, "{\"peer\":\"nope\"}"))
                    .contains("\"err_code\":10044").contains("server is not a member of the cluster");
            String third = NAMES.stream().filter(n -> !n.equals(second)).findFirst().orElseThrow();
            assertThat(answer(sys, "{\"placement\":{\"preferred\":\"" + third + "\"}}")).contains("\"success\":true");
            await().atMost(Duration.ofSeconds(10)).until(this::awaitOneLeader, third::equals);
        }
    }

    private static final String STEPDOWN = "$JS.API.META.LEADER.STEPDOWN";
    private static final String ACCOUNTS = """
            accounts {
              SYS: { users: [ { user: sys, password: psys } ] }
              APP: { users: [ { user: app, password: papp } ], jetstream: enabled }
            }
            system_account: SYS
            """;

    private static final String SERVER_REMOVE = "$JS.API.SERVER.REMOVE";

    /** Starts every server with accounts APP (JetStream, user app) and SYS (the system account, user sys). */
    private void startAllWithSystemAccount() throws IOException {
        Path conf = dir.resolve("accounts.conf");
        Files.writeString(conf, ACCOUNTS);
        ServerOptions accounts = ConfigLoader.load(conf).options().build();
        for (String n : NAMES) {
            cluster.start(n, b -> b.accounts(accounts.accounts()).users(accounts.users())
                    .systemAccount(accounts.systemAccount()));
        }
    }

    private static String answer(Connection c, String body) throws Exception {
        return answer(c, STEPDOWN, body);
    }

    private static String answer(Connection c, String subject, String body) throws Exception {
        Message m = c.request(subject, body.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5));
        assertThat(m).as("an answer to " + body).isNotNull();
        return new String(m.getData(), StandardCharsets.UTF_8);
    }
}
