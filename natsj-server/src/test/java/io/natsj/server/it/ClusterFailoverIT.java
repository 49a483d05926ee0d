package io.natsj.server.it;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import io.natsj.server.ClusterOptions;
import io.natsj.server.NatsServer;
import io.natsj.server.ServerOptions;
import io.natsj.server.cluster.RouteConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Clusters of embedded natsj servers over real routes, seen by jnats clients: five servers that each know only the
 * first one form a full mesh by gossip and route messages and queue groups across it; a client that knew one server's
 * URL learns the others from INFO and fails over to one of them when its server stops.
 */
@Timeout(90)
class ClusterFailoverIT {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private final List<NatsServer> servers = new ArrayList<>();
    private final List<Connection> clients = new ArrayList<>();

    @AfterEach
    void closeAll() throws InterruptedException {
        for (Connection c : clients) {
            c.close();
        }
        servers.forEach(NatsServer::close);
    }

    /** n servers; every one but the first has the first as its only configured route. */
    private List<NatsServer> startCluster(int n) throws IOException {
        NatsServer seed = start("s1", ClusterOptions.listen("127.0.0.1", ServerOptions.RANDOM_PORT).withName("c5"));
        for (int i = 2; i <= n; i++) {
            start("s" + i, ClusterOptions.listen("127.0.0.1", ServerOptions.RANDOM_PORT).withName("c5")
                    .withRoutes(List.of(URI.create("nats-route://127.0.0.1:" + seed.clusterPort()))));
        }
        await().atMost(WAIT).untilAsserted(() -> {
            for (NatsServer s : servers) {
                Set<String> others = servers.stream().filter(o -> o != s).map(NatsServer::serverName)
                        .collect(Collectors.toSet());
                assertThat(s.routes().stream().map(RouteConnection::remoteServerName).collect(Collectors.toSet()))
                        .as(s.serverName() + "'s peers").isEqualTo(others);
            }
        });
        return servers;
    }

    private NatsServer start(String name, ClusterOptions cluster) throws IOException {
        NatsServer s = NatsServer.start(ServerOptions.builder().host("127.0.0.1").port(0).serverName(name)
                .noLog(true).cluster(cluster).build());
        servers.add(s);
        return s;
    }

    private Connection connect(NatsServer s, Options.Builder options) throws Exception {
        Connection nc = Nats.connect(options.server(s.clientUrl()).build());
        clients.add(nc);
        return nc;
    }

    private Connection connect(NatsServer s) throws Exception {
        return connect(s, new Options.Builder().noReconnect());
    }

    /** Publishes on {@code pub} until {@code sub} (on another server) has its first message: interest has spread. */
    private static void awaitInterest(Connection pub, String subject, Subscription sub) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
            pub.publish(subject, "probe".getBytes(StandardCharsets.UTF_8));
            pub.flush(Duration.ofSeconds(1));
            Message m = sub.nextMessage(Duration.ofMillis(50));
            return m != null;
        });
        drain(sub);
    }

    private static void drain(Subscription sub) {
        try {
            while (sub.nextMessage(Duration.ofMillis(100)) != null) {
                // probes still under way
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void fiveServersThatKnowOnlyTheFirstFormAFullMeshAndRouteMessagesAndQueueGroups() throws Exception {
        List<NatsServer> all = startCluster(5);
        Connection pub = connect(all.get(4));
        Connection plain = connect(all.get(1));
        Subscription everything = plain.subscribe("five.>");
        List<Subscription> workers = new ArrayList<>();
        for (int i = 0; i < 4; i++) { // one queue member on each server but the publisher's
            Connection c = connect(all.get(i));
            workers.add(c.subscribe("five.work", "w"));
            awaitInterestAfter(pub, c);
        }
        awaitInterest(pub, "five.probe", everything);

        int n = 100;
        for (int i = 0; i < n; i++) {
            pub.publish("five.work", Integer.toString(i).getBytes(StandardCharsets.UTF_8));
        }
        pub.flush(WAIT);

        for (int i = 0; i < n; i++) {
            Message m = everything.nextMessage(WAIT);
            assertThat(m).as("message %d to the plain subscriber", i).isNotNull();
            assertThat(new String(m.getData(), StandardCharsets.UTF_8)).isEqualTo(Integer.toString(i));
        }
        Set<String> seen = new HashSet<>();
        int total = 0;
        for (Subscription w : workers) {
            Message m;
            while ((m = w.nextMessage(Duration.ofMillis(300))) != null) {
                total++;
                seen.add(new String(m.getData(), StandardCharsets.UTF_8));
            }
        }
        assertThat(total).as("each message to exactly one queue member in the cluster").isEqualTo(n);
        assertThat(seen).hasSize(n);
    }

    /**
     * Everything {@code c} subscribed so far reached the publisher's server: interest from one connection crosses a
     * route in order, so once a probe subscribed after it is reachable, so is all before it.
     */
    private void awaitInterestAfter(Connection pub, Connection c) throws Exception {
        String probe = "five.probe." + clients.indexOf(c);
        Subscription s = c.subscribe(probe);
        c.flush(WAIT);
        awaitInterest(pub, probe, s);
        s.unsubscribe();
    }

    @Test
    void aJnatsClientThatKnewOneServerFailsOverToAnotherWhenItStops() throws Exception {
        List<NatsServer> all = startCluster(3);
        CountDownLatch reconnected = new CountDownLatch(1);
        Connection nc = connect(all.get(0), new Options.Builder().maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(100)).connectionListener((conn, event) -> {
                    if (event == ConnectionListener.Events.RECONNECTED) {
                        reconnected.countDown();
                    }
                }));
        await().atMost(WAIT).until(() -> nc.getServers().size() >= 3);
        Subscription sub = nc.subscribe("after.failover");
        Connection other = connect(all.get(2));
        awaitInterest(other, "after.failover", sub);

        all.get(0).close();

        assertThat(reconnected.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("reconnected").isTrue();
        assertThat(nc.getConnectedUrl()).doesNotContain(":" + all.get(0).port());
        awaitInterest(other, "after.failover", sub);
        other.publish("after.failover", "still here".getBytes(StandardCharsets.UTF_8));
        Message m = sub.nextMessage(WAIT);
        assertThat(m).isNotNull();
        assertThat(new String(m.getData(), StandardCharsets.UTF_8)).isEqualTo("still here");
    }
}
