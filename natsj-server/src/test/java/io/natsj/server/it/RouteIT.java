package io.natsj.server.it;

import io.natsj.server.ClusterOptions;
import io.natsj.server.NatsServer;
import io.natsj.server.ServerOptions;
import io.natsj.server.cluster.RouteConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Route connections between embedded natsj servers on loopback, and raw peers on the route port. */
@Timeout(60)
class RouteIT {

    private final List<NatsServer> servers = new ArrayList<>();

    @AfterEach
    void closeAll() {
        servers.forEach(NatsServer::close);
    }

    private static ClusterOptions cluster(int port, int... routePorts) {
        List<URI> routes = new ArrayList<>();
        for (int p : routePorts) {
            routes.add(URI.create("nats-route://127.0.0.1:" + p));
        }
        return ClusterOptions.listen("127.0.0.1", port).withName("c1").withRoutes(routes);
    }

    private NatsServer start(String name, ClusterOptions cluster) throws IOException {
        return start(ServerOptions.builder().host("127.0.0.1").port(0).serverName(name).cluster(cluster));
    }

    private NatsServer start(ServerOptions.Builder b) throws IOException {
        NatsServer s = NatsServer.start(b.build());
        servers.add(s);
        return s;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static Set<String> peerNames(NatsServer s) {
        return s.routes().stream().map(RouteConnection::remoteServerName).collect(Collectors.toSet());
    }

    private static void awaitMesh(NatsServer... all) {
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            for (NatsServer s : all) {
                Set<String> others = new java.util.HashSet<>();
                for (NatsServer o : all) {
                    if (o != s) {
                        others.add(o.serverName());
                    }
                }
                assertThat(peerNames(s)).as(s.serverName() + "'s peers").isEqualTo(others);
            }
        });
    }

    @Test
    void aConfiguredRouteConnectsTwoServers() throws IOException {
        NatsServer a = start("A", cluster(ServerOptions.RANDOM_PORT));
        assertThat(a.clusterPort()).isPositive();
        NatsServer b = start("B", cluster(ServerOptions.RANDOM_PORT, a.clusterPort()));
        awaitMesh(a, b);
        RouteConnection fromB = b.routes().getFirst();
        assertThat(fromB.solicited()).isTrue();
        assertThat(fromB.explicit()).isTrue();
        assertThat(fromB.remoteServerId()).isEqualTo(a.serverId());
        RouteConnection fromA = a.routes().getFirst();
        assertThat(fromA.solicited()).isFalse();
        assertThat(fromA.remoteServerId()).isEqualTo(b.serverId());
        assertThat(a.clusterName()).isEqualTo("c1");
    }

    @Test
    void serversLearnOfEachOtherByGossipIntoAFullMesh() throws IOException {
        NatsServer a = start("A", cluster(ServerOptions.RANDOM_PORT));
        NatsServer b = start("B", cluster(ServerOptions.RANDOM_PORT, a.clusterPort()));
        NatsServer c = start("C", cluster(ServerOptions.RANDOM_PORT, a.clusterPort()));
        awaitMesh(a, b, c);
        // B and C know each other only through A's gossip: one of them dialed the other, implicitly
        RouteConnection bc = b.routes().stream().filter(r -> r.remoteServerName().equals("C")).findFirst().orElseThrow();
        RouteConnection cb = c.routes().stream().filter(r -> r.remoteServerName().equals("B")).findFirst().orElseThrow();
        assertThat(bc.explicit() || cb.explicit()).isFalse();
        assertThat(bc.solicited() ^ cb.solicited()).isTrue();
    }

    @Test
    void twoServersDialingEachOtherEndWithOneRoute() throws IOException {
        int pa = freePort();
        int pb = freePort();
        NatsServer a = start("A", cluster(pa, pb));
        NatsServer b = start("B", cluster(pb, pa));
        awaitMesh(a, b);
        // one connection each way would be two routes; each side keeps exactly one, and both keep the same
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(a.routes()).hasSize(1);
            assertThat(b.routes()).hasSize(1);
            RouteConnection ra = a.routes().getFirst();
            RouteConnection rb = b.routes().getFirst();
            // the connection A dialed has B's route port as its remote port on A; the one B dialed, A's on B
            assertThat(ra.remotePort() == pb).as("the same TCP connection on both sides")
                    .isNotEqualTo(rb.remotePort() == pa);
        });
    }

    @Test
    void aPeerWithThisServersNameIsRefused() throws IOException {
        NatsServer a = start("same", cluster(ServerOptions.RANDOM_PORT));
        LogCapture log = LogCapture.of(RouteConnection.class);
        log.start();
        try {
            NatsServer b = start("same", cluster(ServerOptions.RANDOM_PORT, a.clusterPort()));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(log.lines()).anyMatch(l ->
                    l.startsWith("ERROR ") && l.endsWith(" - Remote server has a duplicate name: \"same\"")));
            assertThat(a.routes()).isEmpty();
            assertThat(b.routes()).isEmpty();
        } finally {
            log.stop();
        }
    }

    @Test
    void aRouteWithTheWrongCredentialsIsRefusedAndTheRightOnesConnect() throws IOException {
        ClusterOptions secured = cluster(ServerOptions.RANDOM_PORT)
                .withAuthorization("ruser", "s3cret", Duration.ofSeconds(2));
        NatsServer a = start("A", secured);
        try (RawClient raw = RawClient.open(a.clusterPort())) {
            assertThat(raw.infoJson()).contains("\"auth_required\":true");
            raw.send("CONNECT {\"user\":\"ruser\",\"pass\":\"wrong\",\"name\":\"X\",\"cluster\":\"c1\"}\r\n");
            RawClient.Reply reply = raw.readReply();
            assertThat(reply.text()).isEqualTo("-ERR 'Authorization Violation'\r\n");
            assertThat(reply.closed()).isTrue();
        }
        try (RawClient raw = RawClient.open(a.clusterPort())) {
            raw.send("PING\r\n");
            assertThat(raw.readReply()).isEqualTo(RawClient.Reply.closed("-ERR 'Authorization Violation'\r\n"));
        }
        ClusterOptions wrong = ClusterOptions.listen("127.0.0.1", ServerOptions.RANDOM_PORT).withName("c1")
                .withRoutes(List.of(URI.create("nats-route://ruser:nope@127.0.0.1:" + a.clusterPort())));
        NatsServer b = start("B", wrong);
        ClusterOptions right = ClusterOptions.listen("127.0.0.1", ServerOptions.RANDOM_PORT).withName("c1")
                .withRoutes(List.of(URI.create("nats-route://ruser:s3cret@127.0.0.1:" + a.clusterPort())));
        NatsServer c = start("C", right);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(peerNames(a)).containsExactly("C"));
        assertThat(peerNames(b)).isEmpty();
    }

    @Test
    void aRouteThatDoesNotAuthenticateInTimeIsClosed() throws IOException {
        NatsServer a = start("A", cluster(ServerOptions.RANDOM_PORT)
                .withAuthorization("ruser", "s3cret", Duration.ofMillis(300)));
        try (RawClient raw = RawClient.open(a.clusterPort())) {
            assertThat(raw.readReply(Duration.ofSeconds(2)))
                    .isEqualTo(RawClient.Reply.closed("-ERR 'Authentication Timeout'\r\n"));
        }
    }

    @Test
    void garbageOnTheRoutePortIsAnUnknownProtocolOperation() throws IOException {
        NatsServer a = start("A", cluster(ServerOptions.RANDOM_PORT));
        try (RawClient raw = RawClient.open(a.clusterPort())) {
            assertThat(raw.infoLine()).as("a space before CRLF, as nats-server's INFO").endsWith("} \r\n");
            assertThat(raw.infoJson()).contains("\"cluster\":\"c1\"", "\"server_name\":\"A\"", "\"lnoc\":true")
                    .containsPattern("\"max_payload\":1048576,\"nonce\":\"[A-Za-z0-9_-]{15}\",\"cluster\"");
            raw.send("GARBAGE");
            assertThat(raw.readReply()).isEqualTo(RawClient.Reply.closed("-ERR 'Unknown Protocol Operation'\r\n"));
        }
    }

    @Test
    void anOversizeControlLineClosesTheRoute() throws IOException {
        NatsServer a = start(ServerOptions.builder().host("127.0.0.1").port(0).serverName("A").maxControlLine(1024)
                .cluster(cluster(ServerOptions.RANDOM_PORT)));
        try (RawClient raw = RawClient.open(a.clusterPort())) {
            raw.send("RS+ $G " + "a".repeat(16 * 1024 - 7) + "\r\n"); // exactly 16 x max_control_line: fine
            raw.send("PING\r\n");
            assertThat(raw.readLine()).isEqualTo("PONG");
            raw.send("RS+ $G " + "a".repeat(16 * 1024));
            assertThat(raw.readReply())
                    .isEqualTo(RawClient.Reply.closed("-ERR 'maximum control line exceeded'\r\n"));
        }
    }

    @Test
    void aRouteThatStopsReadingSlowsItsPublishersAndIsClosedByTheWriteDeadlineNotByMaxPending() throws IOException {
        NatsServer a = start(ServerOptions.builder().host("127.0.0.1").port(0).serverName("A")
                .maxPending(256 * 1024).writeDeadline(Duration.ofMillis(500))
                .cluster(cluster(ServerOptions.RANDOM_PORT)));
        try (RawClient raw = RawClient.open(a.clusterPort(), 4096)) {
            raw.send("CONNECT {\"name\":\"NPEER\",\"cluster\":\"c1\"}\r\n"
                    + "INFO {\"server_id\":\"NPEER\",\"server_name\":\"peer\",\"cluster\":\"c1\"}\r\n");
            await().atMost(Duration.ofSeconds(5)).until(() -> !a.routes().isEmpty());
            RouteConnection r = a.routes().getFirst();
            byte[] payload = new byte[32 * 1024];
            boolean accepted = true;
            int sent = 0;
            for (; sent < 10_000 && accepted; sent++) { // the peer reads nothing: the socket buffers fill up
                accepted = r.sendMessage("$G", "big", null, List.of(), payload, 0, 0, payload.length,
                        io.natsj.server.routing.DeliveryBatch.IMMEDIATE);
            }
            assertThat(accepted).as("the route refuses messages once closed").isFalse();
            assertThat(sent).as("more than max_pending was queued before the close").isGreaterThan(8);
            assertThat(r.closedReason())
                    .isEqualTo(io.natsj.server.client.ClosedReason.SLOW_CONSUMER_WRITE_DEADLINE);
            await().atMost(Duration.ofSeconds(5)).until(() -> a.routes().isEmpty());
            assertThat(a.stats().slowConsumers()).isEqualTo(1);
        }
    }

    @Test
    void aServerWithoutAClusterNameTakesItsPeersName() throws IOException {
        NatsServer a = start("A", ClusterOptions.listen("127.0.0.1", ServerOptions.RANDOM_PORT));
        assertThat(a.clusterName()).isNotEmpty().isNotEqualTo("c1");
        NatsServer b = start("B", cluster(ServerOptions.RANDOM_PORT, a.clusterPort()));
        awaitMesh(a, b);
        assertThat(a.clusterName()).isEqualTo("c1");
    }

    @Test
    void theAdvertisedRouteAddressIsWhatPeersAreTold() throws IOException {
        NatsServer a = start("A", cluster(ServerOptions.RANDOM_PORT).withAdvertise("10.1.2.3:7777"));
        try (RawClient raw = RawClient.open(a.clusterPort())) {
            assertThat(raw.infoJson()).contains("\"host\":\"10.1.2.3\",\"port\":7777,",
                    "\"ip\":\"nats-route://10.1.2.3:7777/\"");
        }
    }

    @Test
    void aClientOnTheRoutePortIsToldSo() throws IOException {
        NatsServer a = start("A", cluster(ServerOptions.RANDOM_PORT));
        try (RawClient raw = RawClient.open(a.clusterPort())) {
            raw.send("CONNECT {\"verbose\":false,\"lang\":\"java\",\"version\":\"2.20\"}\r\n");
            assertThat(raw.readReply())
                    .isEqualTo(RawClient.Reply.closed("-ERR 'attempted to connect to route port'\r\n"));
        }
    }

    @Test
    void anotherClusterNameIsRejected() throws IOException {
        NatsServer a = start("A", cluster(ServerOptions.RANDOM_PORT));
        try (RawClient raw = RawClient.open(a.clusterPort())) {
            raw.send("CONNECT {\"name\":\"X\",\"cluster\":\"other\"}\r\n");
            assertThat(raw.readReply()).isEqualTo(RawClient.Reply.closed(
                    "-ERR 'Rejecting connection, cluster name \"other\" does not match \"c1\"'\r\n"));
        }
    }

    @Test
    void aPeerThatStopsAnsweringPingsIsDroppedAsStale() throws IOException {
        NatsServer a = start(ServerOptions.builder().host("127.0.0.1").port(0).serverName("A")
                .pingInterval(Duration.ofMillis(200)).pingMax(2).cluster(cluster(ServerOptions.RANDOM_PORT)));
        try (RawClient raw = RawClient.open(a.clusterPort())) {
            raw.send("CONNECT {\"name\":\"NPEER\",\"cluster\":\"c1\",\"headers\":true}\r\n"
                    + "INFO {\"server_id\":\"NPEER\",\"server_name\":\"peer\",\"cluster\":\"c1\",\"headers\":true,"
                    + "\"host\":\"127.0.0.1\",\"port\":1}\r\n");
            await().atMost(Duration.ofSeconds(5)).until(() -> peerNames(a).equals(Set.of("peer")));
            RawClient.Reply r = raw.readReply(Duration.ofSeconds(3));
            // the server's own interest (RS+) comes first once the route is up
            assertThat(r.text().lines().filter(l -> !l.startsWith("RS+ ")))
                    .containsExactly("PING", "PING", "-ERR 'Stale Connection'");
            assertThat(r.closed()).isTrue();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> a.routes().isEmpty());
    }

    @Test
    void aDedicatedAccountRouteOfAPoolingPeerIsItsRouteForThatAccount() throws IOException {
        NatsServer a = start("A", cluster(ServerOptions.RANDOM_PORT));
        try (RawClient pinned = RawClient.open(a.clusterPort()); RawClient plain = RawClient.open(a.clusterPort())) {
            pinned.send("CONNECT {\"name\":\"NPEER\",\"cluster\":\"c1\"}\r\nINFO {\"server_id\":\"NPEER\","
                    + "\"server_name\":\"peer\",\"cluster\":\"c1\",\"route_pool_size\":3,\"route_account\":\"$SYS\"}\r\n");
            // the system account is pinned by default: the connection is the peer's route for it
            await().atMost(Duration.ofSeconds(5)).until(() -> a.routeFacts().stream()
                    .anyMatch(r -> r.account().equals("$SYS") && r.remoteId().equals("NPEER")));
            plain.send("CONNECT {\"name\":\"NPEER\",\"cluster\":\"c1\"}\r\nINFO {\"server_id\":\"NPEER\","
                    + "\"server_name\":\"peer\",\"cluster\":\"c1\",\"route_pool_size\":3}\r\n");
            await().atMost(Duration.ofSeconds(5)).until(() -> a.routeFacts().size() == 2);
            assertThat(peerNames(a)).containsExactly("peer");
            assertThat(a.routes().getFirst().remotePort()).isEqualTo(plain.localPort());
        }
    }

    @Test
    void aPeerThatAnswersPingsStays() throws IOException {
        NatsServer a = start(ServerOptions.builder().host("127.0.0.1").port(0).serverName("A")
                .pingInterval(Duration.ofMillis(100)).pingMax(2).cluster(cluster(ServerOptions.RANDOM_PORT)));
        NatsServer b = start(ServerOptions.builder().host("127.0.0.1").port(0).serverName("B")
                .pingInterval(Duration.ofMillis(100)).pingMax(2).cluster(cluster(ServerOptions.RANDOM_PORT,
                        a.clusterPort())));
        awaitMesh(a, b);
        RouteConnection r = a.routes().getFirst();
        await().atMost(Duration.ofSeconds(5)).until(() -> r.rttNanos() > 0);
        assertThat(a.routes()).containsExactly(r);
        assertThat(r.isClosed()).isFalse();
    }

    @Test
    void aPeerKilledIsNoticedAndRedialedWhenItComesBack() throws IOException {
        int pb = freePort();
        NatsServer a = start("A", cluster(ServerOptions.RANDOM_PORT, pb));
        NatsServer b = start("B", cluster(pb));
        awaitMesh(a, b);
        b.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> a.routes().isEmpty());
        NatsServer b2 = start("B", cluster(pb));
        awaitMesh(a, b2);
    }

    @Test
    void clientsLearnThePeersClientUrlsWhenTheyJoinAndLeave() throws IOException {
        NatsServer a = start("A", cluster(ServerOptions.RANDOM_PORT));
        String own = "127.0.0.1:" + a.port();
        try (RawClient v1 = RawClient.open(a.port()); RawClient v0 = RawClient.open(a.port())) {
            assertThat(v1.infoJson()).contains("\"cluster\":\"c1\"").doesNotContain("connect_urls");
            v1.send("CONNECT {\"verbose\":false,\"protocol\":1}\r\nPING\r\n");
            assertThat(v1.readLine()).isEqualTo("PONG");
            v0.send("CONNECT {\"verbose\":false,\"protocol\":0}\r\nPING\r\n");
            assertThat(v0.readLine()).isEqualTo("PONG");
            NatsServer b = start("B", cluster(ServerOptions.RANDOM_PORT, a.clusterPort()));
            String peer = "127.0.0.1:" + b.port();
            assertThat(v1.readLine()).startsWith("INFO ").contains("\"connect_urls\":[\"" + own + "\",\"" + peer + "\"]");
            try (RawClient late = RawClient.open(a.port())) {
                assertThat(late.infoJson()).contains("\"connect_urls\":[\"" + own + "\",\"" + peer + "\"]");
            }
            b.close();
            assertThat(v1.readLine()).startsWith("INFO ").contains("\"connect_urls\":[\"" + own + "\"]");
            v0.send("PING\r\n");
            assertThat(v0.readLine()).as("no async INFO to a protocol 0 client").isEqualTo("PONG");
        }
    }

    @Test
    void aPeerInLameDuckModeLeavesTheClientsConnectUrls() throws IOException {
        NatsServer a = start("A", cluster(ServerOptions.RANDOM_PORT));
        try (RawClient v1 = RawClient.open(a.port())) {
            v1.send("CONNECT {\"verbose\":false,\"protocol\":1}\r\nPING\r\n");
            assertThat(v1.readLine()).isEqualTo("PONG");
            try (RawClient peer = RawClient.open(a.clusterPort())) {
                String info = "INFO {\"server_id\":\"NPEER\",\"server_name\":\"peer\",\"cluster\":\"c1\","
                        + "\"connect_urls\":[\"10.0.0.9:4222\"]";
                peer.send("CONNECT {\"name\":\"NPEER\",\"cluster\":\"c1\"}\r\n" + info + "}\r\n");
                assertThat(v1.readLine()).contains("\"connect_urls\":[\"127.0.0.1:" + a.port() + "\",\"10.0.0.9:4222\"]");
                peer.send(info + ",\"ldm\":true}\r\n");
                assertThat(v1.readLine()).contains("\"connect_urls\":[\"127.0.0.1:" + a.port() + "\"]");
            }
        }
    }

    @Test
    void aServerEnteringLameDuckModeIsDroppedFromItsPeersClientUrls() throws IOException {
        NatsServer a = start("A", cluster(ServerOptions.RANDOM_PORT));
        NatsServer b = start("B", cluster(ServerOptions.RANDOM_PORT, a.clusterPort()));
        awaitMesh(a, b);
        try (RawClient onB = RawClient.open(b.port())) {
            assertThat(onB.infoJson()).contains("127.0.0.1:" + a.port());
            onB.send("CONNECT {\"verbose\":false,\"protocol\":1}\r\nPING\r\n");
            assertThat(onB.readLine()).isEqualTo("PONG");
            a.announceLameDuckToRoutes();
            assertThat(onB.readLine()).startsWith("INFO ").contains("\"connect_urls\":[\"127.0.0.1:" + b.port() + "\"]");
        }
    }

    @Test
    void noAdvertiseKeepsThePeersClientUrlsFromClients() throws IOException {
        NatsServer a = start("A", cluster(ServerOptions.RANDOM_PORT).withNoAdvertise(true));
        NatsServer b = start("B", cluster(ServerOptions.RANDOM_PORT, a.clusterPort()));
        awaitMesh(a, b);
        try (RawClient c = RawClient.open(a.port())) {
            assertThat(c.infoJson()).doesNotContain("connect_urls");
        }
        try (RawClient c = RawClient.open(b.port())) {
            assertThat(c.infoJson()).as("A does not advertise itself to B either")
                    .doesNotContain("connect_urls");
        }
    }

    @Test
    void theRouteManagerIsStoppedWithTheServer() throws IOException {
        NatsServer a = start("A", cluster(ServerOptions.RANDOM_PORT));
        int port = a.clusterPort();
        a.close();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertThat(s.getLocalPort()).isEqualTo(port);
            }
        });
    }
}
