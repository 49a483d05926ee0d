package io.natsj.server.it;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import io.natsj.server.it.ClusterProcesses.Kind;
import io.natsj.server.it.ClusterProcesses.MemberConfig;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static io.natsj.server.it.ClusterProcesses.Kind.NATSJ;
import static io.natsj.server.it.ClusterProcesses.Kind.NATS_SERVER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three-server clusters as separate processes ({@link ClusterProcesses}), as jnats users on different servers see
 * them: messages cross routes, a queue group spread over two servers gets each message once, routes authenticate with
 * a user and password, and the cluster serves again after a member is paused, killed with {@code kill -9} and
 * restarted. Runs on nats-server 2.9.10 (the proof of the fixture) and, once natsj opens a route port for a
 * {@code cluster {}} block, on natsj alone and mixed with nats-server; skipped where a kind is missing.
 */
@Timeout(180)
class ClusterProcessesIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    static Stream<Arguments> clusters() {
        return Stream.of(
                Arguments.of("nats-server x3", List.of(NATS_SERVER, NATS_SERVER, NATS_SERVER)),
                Arguments.of("natsj x3", List.of(NATSJ, NATSJ, NATSJ)),
                Arguments.of("natsj, nats-server, natsj", List.of(NATSJ, NATS_SERVER, NATSJ)),
                Arguments.of("nats-server, natsj, nats-server", List.of(NATS_SERVER, NATSJ, NATS_SERVER)));
    }

    private static ClusterProcesses start(List<Kind> kinds) throws Exception {
        return start(kinds, MemberConfig.NONE);
    }

    /** A cluster of these kinds with this text in every member's cluster block, once its mesh is formed. */
    private static ClusterProcesses start(List<Kind> kinds, MemberConfig clusterBlock) throws Exception {
        ClusterProcesses cluster = ClusterProcesses.start(kinds, MemberConfig.NONE, clusterBlock);
        try {
            cluster.awaitMesh();
        } catch (Throwable e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    private static Connection connect(ClusterProcesses cluster, int i) throws Exception {
        return Nats.connect(Options.builder().server(cluster.url(i)).noReconnect().build());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clusters")
    void messagesCrossFromTheFirstServerToTheThird(String label, List<Kind> kinds) throws Exception {
        try (ClusterProcesses cluster = start(kinds);
             Connection pub = connect(cluster, 0); Connection sub = connect(cluster, 2)) {
            Subscription s = sub.subscribe("orders.>");
            sub.flush(WAIT);
            await().atMost(WAIT).until(() -> {
                pub.publish("orders.probe", new byte[0]);
                pub.flush(WAIT);
                return s.nextMessage(Duration.ofMillis(100)) != null;
            });
            while (s.nextMessage(Duration.ofMillis(50)) != null) {
                // drain the probes
            }
            for (int i = 0; i < 100; i++) {
                pub.publish("orders." + i, "reply.x", ("m" + i).getBytes(StandardCharsets.UTF_8));
            }
            pub.flush(WAIT);
            for (int i = 0; i < 100; i++) {
                Message m = s.nextMessage(WAIT);
                assertThat(m).as("message %d", i).isNotNull();
                assertThat(m.getSubject()).isEqualTo("orders." + i);
                assertThat(m.getReplyTo()).isEqualTo("reply.x");
                assertThat(new String(m.getData(), StandardCharsets.UTF_8)).isEqualTo("m" + i);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clusters")
    void aQueueGroupOnTwoOtherServersGetsEachMessageOnce(String label, List<Kind> kinds) throws Exception {
        try (ClusterProcesses cluster = start(kinds); Connection pub = connect(cluster, 0);
             Connection q2 = connect(cluster, 1); Connection q3 = connect(cluster, 2)) {
            Set<String> jobs = ConcurrentHashMap.newKeySet();
            AtomicInteger jobDeliveries = new AtomicInteger();
            AtomicInteger onSecond = new AtomicInteger();
            AtomicInteger onThird = new AtomicInteger();
            Set<Connection> probed = ConcurrentHashMap.newKeySet();
            for (Connection c : List.of(q2, q3)) {
                AtomicInteger count = c == q2 ? onSecond : onThird;
                Dispatcher d = c.createDispatcher(m -> {
                    String body = new String(m.getData(), StandardCharsets.UTF_8);
                    if (body.equals("probe")) {
                        probed.add(c);
                        return;
                    }
                    jobs.add(body);
                    jobDeliveries.incrementAndGet();
                    count.incrementAndGet();
                });
                d.subscribe("work", "workers");
                c.flush(WAIT);
            }
            // interest reaches server 1 asynchronously: publish probes until both members are known there
            await().atMost(WAIT).until(() -> {
                pub.publish("work", "probe".getBytes(StandardCharsets.UTF_8));
                pub.flush(WAIT);
                return probed.size() == 2;
            });
            for (int i = 0; i < 200; i++) {
                pub.publish("work", ("job" + i).getBytes(StandardCharsets.UTF_8));
            }
            pub.flush(WAIT);
            await().atMost(WAIT).until(() -> jobDeliveries.get() >= 200);
            await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> jobDeliveries.get() == 200);
            assertThat(jobs).hasSize(200);
            assertThat(onSecond.get()).as("jobs on server 2").isPositive();
            assertThat(onThird.get()).as("jobs on server 3").isPositive();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clusters")
    void routesWithAUserAndPasswordFormTheMesh(String label, List<Kind> kinds) throws Exception {
        MemberConfig auth = (c, i) -> "  authorization { user: \"route\", password: \"s3cret\", timeout: 2 }\n"
                + "  routes: [" + IntStream.range(0, c.size()).filter(j -> j != i)
                .mapToObj(j -> "\"nats-route://route:s3cret@127.0.0.1:" + c.routePort(j) + "\"")
                .collect(Collectors.joining(", ")) + "]\n";
        try (ClusterProcesses cluster = start(kinds, auth);
             Connection pub = connect(cluster, 2); Connection sub = connect(cluster, 0)) {
            Subscription s = sub.subscribe("auth.check");
            sub.flush(WAIT);
            await().atMost(WAIT).until(() -> {
                pub.publish("auth.check", new byte[0]);
                pub.flush(WAIT);
                return s.nextMessage(Duration.ofMillis(100)) != null;
            });
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clusters")
    void aStreamImportDeliversEachMessageOnceAcrossServers(String label, List<Kind> kinds) throws Exception {
        MemberConfig accounts = (c, i) -> """
                accounts {
                  A: { users: [{user: a, password: a}], exports: [{stream: "feed.>"}] }
                  B: { users: [{user: b, password: b}], imports: [{stream: {account: A, subject: "feed.>"}}] }
                }
                no_auth_user: a
                """;
        try (ClusterProcesses cluster = ClusterProcesses.start(kinds, accounts, MemberConfig.NONE)) {
            cluster.awaitMesh();
            try (Connection pub = Nats.connect(Options.builder().server(cluster.url(0)).userInfo("a", "a")
                    .noReconnect().build());
                 // server 2: in the mixed clusters of another kind than the publisher's
                 Connection sub = Nats.connect(Options.builder().server(cluster.url(1)).userInfo("b", "b")
                         .noReconnect().build())) {
                Subscription s = sub.subscribe("feed.>");
                sub.flush(WAIT);
                await().atMost(WAIT).until(() -> {
                    pub.publish("feed.probe", new byte[0]);
                    pub.flush(WAIT);
                    return s.nextMessage(Duration.ofMillis(100)) != null;
                });
                while (s.nextMessage(Duration.ofMillis(100)) != null) {
                    // drain the probes
                }
                for (int i = 0; i < 50; i++) {
                    pub.publish("feed." + i, ("m" + i).getBytes(StandardCharsets.UTF_8));
                }
                pub.flush(WAIT);
                for (int i = 0; i < 50; i++) {
                    Message m = s.nextMessage(WAIT);
                    assertThat(m).as("message %d", i).isNotNull();
                    assertThat(m.getSubject()).isEqualTo("feed." + i);
                }
                assertThat(s.nextMessage(Duration.ofMillis(300))).as("no message twice").isNull();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clusters")
    void theClusterServesAgainAfterAMemberIsPausedKilledAndRestarted(String label, List<Kind> kinds)
            throws Exception {
        try (ClusterProcesses cluster = start(kinds)) {
            cluster.pause(2);
            cluster.resume(2);
            cluster.awaitMesh();
            cluster.kill(1);
            cluster.awaitMesh(); // the two survivors
            cluster.restart(1);
            cluster.awaitMesh();
        }
    }
}
