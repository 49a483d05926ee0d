package io.natsj.server.it;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import io.natsj.server.NatsServer;
import io.natsj.server.config.ConfigLoader;
import io.natsj.server.monitor.RouteFacts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Route pooling and pinned per-account routes as nats-server 2.10+ negotiates them: a pool of {@code pool_size}
 * connections per peer (each account's traffic on one of them, by the hash of its name), a dedicated connection for
 * each pinned account (and the system account) whose protocol leaves the account out, peers with different pool
 * sizes, no pooling ({@code pool_size: -1}), and one route with nats-server 2.9.10, which does not pool.
 */
@Timeout(90)
class RoutePoolIT {

    private static final List<String> ACCOUNTS = List.of("A1", "A2", "A3", "A4", "A5", "A6");
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
    }

    private static String accounts() {
        StringBuilder b = new StringBuilder("accounts {\n  SYS: { users: [ { user: sys, password: sys } ] }\n");
        for (String a : ACCOUNTS) {
            b.append("  ").append(a).append(": { users: [ { user: ").append(a.toLowerCase())
                    .append(", password: p } ] }\n");
        }
        return b.append("}\nsystem_account: SYS\n").toString();
    }

    /** A natsj server from configuration text: the accounts above and {@code cluster}'s body. */
    private NatsServer natsj(String name, int clusterPort, String clusterBody) throws Exception {
        Path conf = Files.createTempFile(dir, name, ".conf");
        Files.writeString(conf, "server_name: " + name + "\nhttp: \"127.0.0.1:" + RouteIT.freePort() + "\"\n"
                + accounts()
                + "cluster {\n  name: c1\n  listen: \"127.0.0.1:" + clusterPort + "\"\n" + clusterBody + "\n}\n");
        NatsServer s = NatsServer.start(ConfigLoader.load(conf, Map.<String, String>of()::get).options()
                .host("127.0.0.1").port(0).noLog(true).build());
        closing.add(s);
        return s;
    }

    private static String routeTo(int port) {
        return "  routes: [ \"nats-route://127.0.0.1:" + port + "\" ]";
    }

    private Connection connect(NatsServer s, String account) throws Exception {
        Connection c = Nats.connect(new Options.Builder().server("nats://127.0.0.1:" + s.port())
                .userInfo(account.toLowerCase(), "p").connectionTimeout(Duration.ofSeconds(5)).build());
        closing.add(c);
        return c;
    }

    private static List<RouteFacts> pooled(NatsServer s) {
        return s.routeFacts().stream().filter(r -> r.account().isEmpty()).toList();
    }

    private static Set<String> pinnedAccounts(NatsServer s) {
        return s.routeFacts().stream().map(RouteFacts::account).filter(a -> !a.isEmpty()).collect(Collectors.toSet());
    }

    private static String http(NatsServer s, String path) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.httpPort() + path)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        }
    }

    /** Subscribes to {@code ord.<account>} in every account on {@code sub}, waits until {@code pub} knows of it. */
    private Map<String, Subscription> subscribeEverywhere(NatsServer sub, NatsServer pub) throws Exception {
        Map<String, Subscription> subs = new HashMap<>();
        for (String a : ACCOUNTS) {
            Connection c = connect(sub, a);
            subs.put(a, c.subscribe("ord." + a));
            c.flush(WAIT);
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(pub.routeFacts().stream()
                .flatMap(r -> r.subscriptions().stream())
                .filter(s -> s.subscription().subject().startsWith("ord."))
                .map(RouteFacts.AccountSubscription::account).collect(Collectors.toSet()))
                .containsExactlyInAnyOrderElementsOf(ACCOUNTS));
        return subs;
    }

    /** Publishes {@code n} messages per account, interleaved, and checks each account got all of them in order. */
    private void publishAndCheckOrder(NatsServer pub, Map<String, Subscription> subs, int n) throws Exception {
        Map<String, Connection> pubs = new HashMap<>();
        for (String a : ACCOUNTS) {
            pubs.put(a, connect(pub, a));
        }
        for (int i = 0; i < n; i++) {
            for (String a : ACCOUNTS) {
                pubs.get(a).publish("ord." + a, Integer.toString(i).getBytes(StandardCharsets.US_ASCII));
            }
        }
        for (String a : ACCOUNTS) {
            pubs.get(a).flush(WAIT);
        }
        for (String a : ACCOUNTS) {
            for (int i = 0; i < n; i++) {
                Message m = subs.get(a).nextMessage(WAIT);
                assertThat(m).as(a + " message " + i).isNotNull();
                assertThat(new String(m.getData(), StandardCharsets.US_ASCII)).as(a).isEqualTo(Integer.toString(i));
            }
        }
    }

    @Test
    void aPoolOfThreeCarriesEachAccountOnItsOwnConnectionInOrder() throws Exception {
        int pa = RouteIT.freePort();
        NatsServer a = natsj("A", pa, "  pool_size: 3");
        NatsServer b = natsj("B", RouteIT.freePort(), "  pool_size: 3\n" + routeTo(pa));
        for (NatsServer s : List.of(a, b)) {
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(pooled(s)).hasSize(3);
                assertThat(pinnedAccounts(s)).containsExactly("SYS"); // the system account is pinned by default
            });
            NatsServer other = s == a ? b : a;
            assertThat(s.routeFacts()).extracting(RouteFacts::remoteId).containsOnly(other.serverId());
            assertThat(s.routes()).hasSize(1);
        }
        assertThat(pooled(b)).allMatch(RouteFacts::didSolicit);
        assertThat(pooled(a)).noneMatch(RouteFacts::didSolicit);
        String routez = http(a, "/routez");
        assertThat(routez).contains("\"num_routes\": 4", "\"account\": \"SYS\"");
        String varz = http(a, "/varz");
        assertThat(varz).contains("\"routes\": 4", "\"remotes\": 1");

        Map<String, Subscription> subs = subscribeEverywhere(b, a);
        publishAndCheckOrder(a, subs, 300);
        // the accounts' messages spread over more than one pooled connection, and nothing leaks across accounts
        assertThat(pooled(a).stream().filter(r -> r.outMsgs() > 0).count()).isGreaterThan(1);
        for (Subscription s : subs.values()) {
            assertThat(s.nextMessage(Duration.ofMillis(200))).isNull();
        }
    }

    @Test
    void serversLearntByGossipGetTheirPoolsAndPinnedRoutesToo() throws Exception {
        int pa = RouteIT.freePort();
        NatsServer a = natsj("A", pa, "  accounts: [ A3 ]");
        NatsServer b = natsj("B", RouteIT.freePort(), "  accounts: [ A3 ]\n" + routeTo(pa));
        NatsServer c = natsj("C", RouteIT.freePort(), "  accounts: [ A3 ]\n" + routeTo(pa));
        for (NatsServer s : List.of(a, b, c)) {
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(s.routes()).hasSize(2);
                for (NatsServer o : List.of(a, b, c)) {
                    if (o != s) {
                        assertThat(s.routeFacts().stream().filter(r -> r.remoteId().equals(o.serverId()))
                                .map(r -> r.account().isEmpty() ? "pool" : r.account()).sorted().toList())
                                .as(s.serverName() + " to " + o.serverName())
                                .containsExactly("A3", "SYS", "pool", "pool", "pool");
                    }
                }
            });
        }
        publishAndCheckOrder(b, subscribeEverywhere(c, b), 50);
    }

    @Test
    void aPooledConnectionThatDropsIsRedialedAndItsAccountsInterestSentAgain() throws Exception {
        int pa = RouteIT.freePort();
        NatsServer a = natsj("A", pa, "");
        NatsServer b = natsj("B", RouteIT.freePort(), routeTo(pa));
        await().atMost(WAIT).until(() -> pooled(a).size() == 3 && pooled(b).size() == 3);
        Map<String, Subscription> subs = subscribeEverywhere(b, a);
        io.natsj.server.cluster.RouteConnection dropped = b.routes().getFirst();
        Set<Long> before = pooled(a).stream().map(RouteFacts::rid).collect(Collectors.toSet());
        dropped.close(io.natsj.server.client.ClosedReason.READ_ERROR, false);
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(pooled(a)).hasSize(3);
            assertThat(pooled(a).stream().map(RouteFacts::rid).collect(Collectors.toSet())).isNotEqualTo(before);
            assertThat(pooled(b)).hasSize(3);
        });
        await().atMost(WAIT).untilAsserted(() -> assertThat(a.routeFacts().stream()
                .flatMap(r -> r.subscriptions().stream())
                .filter(s -> s.subscription().subject().startsWith("ord."))
                .map(RouteFacts.AccountSubscription::account).toList())
                .containsExactlyInAnyOrderElementsOf(ACCOUNTS));
        publishAndCheckOrder(a, subs, 50);
    }

    @Test
    void twoServersDialingEachOtherSettleOnOnePool() throws Exception {
        int pa = RouteIT.freePort();
        int pb = RouteIT.freePort();
        NatsServer a = natsj("A", pa, routeTo(pb));
        NatsServer b = natsj("B", pb, routeTo(pa));
        await().atMost(WAIT).during(Duration.ofMillis(1500)).untilAsserted(() -> {
            for (NatsServer s : List.of(a, b)) {
                assertThat(pooled(s)).hasSize(3);
                assertThat(pinnedAccounts(s)).containsExactly("SYS");
                assertThat(s.routeFacts()).hasSize(4);
            }
        });
        publishAndCheckOrder(a, subscribeEverywhere(b, a), 100);
        publishAndCheckOrder(b, subscribeEverywhere(a, b), 100);
    }

    @Test
    void interestAndRepliesWorkInEveryAccountAcrossThePool() throws Exception {
        int pa = RouteIT.freePort();
        NatsServer a = natsj("A", pa, "");
        NatsServer b = natsj("B", RouteIT.freePort(), routeTo(pa));
        await().atMost(WAIT).until(() -> pooled(a).size() == 3 && pooled(b).size() == 3);
        for (String acc : ACCOUNTS) {
            Connection responder = connect(b, acc);
            responder.createDispatcher(m -> responder.publish(m.getReplyTo(), m.getData())).subscribe("svc");
            responder.flush(WAIT);
            Connection requester = connect(a, acc);
            Message reply = requester.request("svc", acc.getBytes(StandardCharsets.US_ASCII), WAIT);
            assertThat(new String(reply.getData(), StandardCharsets.US_ASCII)).isEqualTo(acc);
        }
    }

    @Test
    void aPinnedAccountHasADedicatedConnectionToEachPeer() throws Exception {
        int pa = RouteIT.freePort();
        NatsServer a = natsj("A", pa, "  accounts: [ A2 ]");
        NatsServer b = natsj("B", RouteIT.freePort(), "  accounts: [ A2 ]\n" + routeTo(pa));
        for (NatsServer s : List.of(a, b)) {
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(pooled(s)).hasSize(3);
                assertThat(pinnedAccounts(s)).containsExactlyInAnyOrder("A2", "SYS");
            });
        }
        Map<String, Subscription> subs = subscribeEverywhere(b, a);
        assertThat(a.routeFacts().stream().filter(r -> r.account().equals("A2")).findFirst().orElseThrow()
                .subscriptions()).extracting(s -> s.subscription().subject()).contains("ord.A2");
        publishAndCheckOrder(a, subs, 100);
        RouteFacts pinnedA2 = a.routeFacts().stream().filter(r -> r.account().equals("A2")).findFirst().orElseThrow();
        assertThat(pinnedA2.outMsgs()).isEqualTo(100);
    }

    @Test
    void aPinnedRouteLeavesTheAccountOutOfItsProtocol() throws Exception {
        NatsServer a = natsj("A", RouteIT.freePort(), "  accounts: [ A2 ]");
        try (RawClient peer = RawClient.open(a.clusterPort())) {
            peer.send("CONNECT {\"name\":\"RAWPEER\",\"cluster\":\"c1\",\"headers\":true}\r\n"
                    + "INFO {\"server_id\":\"RAWPEER\",\"server_name\":\"raw\",\"cluster\":\"c1\",\"headers\":true,"
                    + "\"host\":\"127.0.0.1\",\"port\":1,\"route_pool_size\":3,\"route_account\":\"A2\"}\r\n");
            await().atMost(WAIT).until(() -> pinnedAccounts(a).equals(Set.of("A2")));
            Connection c = connect(a, "A2");
            Subscription sub = c.subscribe("pin.x");
            c.flush(WAIT);
            String line;
            do {
                line = peer.readLine();
            } while (!line.startsWith("RS+"));
            assertThat(line).isEqualTo("RS+ pin.x");
            peer.send("RMSG pin.x 5\r\nhello\r\nRS+ pin.y\r\n");
            Message m = sub.nextMessage(WAIT);
            assertThat(m).isNotNull();
            assertThat(new String(m.getData(), StandardCharsets.US_ASCII)).isEqualTo("hello");
            c.publish("pin.y", "back".getBytes(StandardCharsets.US_ASCII));
            c.flush(WAIT);
            do {
                line = peer.readLine();
            } while (!line.startsWith("RMSG"));
            assertThat(line).isEqualTo("RMSG pin.y 4");
            // under a pinned route, /routez names the peer's subscriptions without the account, as its protocol
            assertThat(http(a, "/routez?subs=detail")).contains("\"account\": \"A2\"", "\"sid\": \"pin.y\"");
        }
    }

    @Test
    void theInterestAConnectionCarriedGoesWithIt() throws Exception {
        NatsServer a = natsj("A", RouteIT.freePort(), "  accounts: [ A2 ]");
        Connection pub = connect(a, "A2");
        String peer = "CONNECT {\"name\":\"RAWPEER\",\"cluster\":\"c1\"}\r\nINFO {\"server_id\":\"RAWPEER\","
                + "\"server_name\":\"raw\",\"cluster\":\"c1\",\"host\":\"127.0.0.1\",\"port\":1,\"route_pool_size\":3";
        try (RawClient plain = RawClient.open(a.clusterPort())) {
            plain.send(peer + "}\r\n");
            try (RawClient pinned = RawClient.open(a.clusterPort())) {
                pinned.send(peer + ",\"route_account\":\"A2\"}\r\nRS+ gone.x\r\n");
                await().atMost(WAIT).until(() -> a.routeFacts().stream()
                        .anyMatch(r -> r.account().equals("A2") && r.subscriptions().size() == 1));
                // the peer has interest (it never answers): the request times out rather than meeting no responders
                assertThatThrownBy(() -> pub.request("gone.x", new byte[0]).get(300, TimeUnit.MILLISECONDS))
                        .isInstanceOf(TimeoutException.class);
            }
            await().atMost(WAIT).until(() -> a.routeFacts().size() == 1);
            assertThat(a.routes()).hasSize(1); // the peer is still up through its pool connection
            // the interest that came on the closed connection is gone: no responders now
            assertThatThrownBy(() -> pub.request("gone.x", new byte[0]).get(5, TimeUnit.SECONDS))
                    .isInstanceOf(CancellationException.class);
        }
    }

    @Test
    void aRouteForAnAccountThatIsNotPinnedHereIsRefused() throws Exception {
        NatsServer a = natsj("A", RouteIT.freePort(), "");
        try (RawClient peer = RawClient.open(a.clusterPort())) {
            peer.send("CONNECT {\"name\":\"RAWPEER\",\"cluster\":\"c1\"}\r\n"
                    + "INFO {\"server_id\":\"RAWPEER\",\"server_name\":\"raw\",\"cluster\":\"c1\","
                    + "\"route_pool_size\":3,\"route_account\":\"A3\"}\r\n");
            RawClient.Reply r = peer.readReply();
            assertThat(r.text()).endsWith("-ERR 'No route for account \"A3\"'\r\n");
            assertThat(r.closed()).isTrue();
        }
        assertThat(a.routeFacts()).isEmpty();
    }

    @Test
    void aPoolIndexOutOfRangeIsRefused() throws Exception {
        NatsServer a = natsj("A", RouteIT.freePort(), "");
        try (RawClient peer = RawClient.open(a.clusterPort())) {
            peer.send("CONNECT {\"name\":\"RAWPEER\",\"cluster\":\"c1\"}\r\n"
                    + "INFO {\"server_id\":\"RAWPEER\",\"server_name\":\"raw\",\"cluster\":\"c1\","
                    + "\"route_pool_size\":3,\"route_pool_idx\":3}\r\n");
            RawClient.Reply r = peer.readReply();
            assertThat(r.text()).endsWith("-ERR 'Invalid route pool index: 3 - pool size is 3'\r\n");
            assertThat(r.closed()).isTrue();
        }
    }

    @Test
    void peersWithDifferentPoolSizesUseTheLargerPool() throws Exception {
        int pa = RouteIT.freePort();
        NatsServer a = natsj("A", pa, "  pool_size: 3");
        NatsServer b = natsj("B", RouteIT.freePort(), "  pool_size: 5\n" + routeTo(pa));
        for (NatsServer s : List.of(a, b)) {
            await().atMost(WAIT).untilAsserted(() -> assertThat(pooled(s)).hasSize(5));
        }
        publishAndCheckOrder(a, subscribeEverywhere(b, a), 100);
        publishAndCheckOrder(b, subscribeEverywhere(a, b), 100);
    }

    @Test
    void noPoolingOnOneSideMeansOneRoute() throws Exception {
        int pa = RouteIT.freePort();
        NatsServer a = natsj("A", pa, "  pool_size: -1");
        NatsServer b = natsj("B", RouteIT.freePort(), routeTo(pa));
        for (NatsServer s : List.of(a, b)) {
            await().atMost(WAIT).untilAsserted(() -> assertThat(s.routeFacts()).hasSize(1));
        }
        publishAndCheckOrder(a, subscribeEverywhere(b, a), 100);
        publishAndCheckOrder(b, subscribeEverywhere(a, b), 100);
        // B's dedicated route for its system account was refused for good: still one route
        assertThat(b.routeFacts()).hasSize(1);
        assertThat(a.routeFacts()).hasSize(1);
    }

    @Test
    void aPoolingNatsjHasOneRouteWithNatsServer29() throws Exception {
        int cp = RouteIT.freePort();
        NatsServerProcess ns = NatsServerProcess.withConfig(accounts() + "server_name: NS\ncluster {\n  name: c1\n"
                + "  listen: \"127.0.0.1:" + cp + "\"\n}\n");
        closing.add(ns);
        NatsServer j = natsj("J", RouteIT.freePort(), "  pool_size: 3\n  accounts: [ A2 ]\n" + routeTo(cp));
        await().atMost(WAIT).untilAsserted(() -> assertThat(j.routeFacts()).hasSize(1));
        assertThat(j.routeFacts().getFirst().account()).isEmpty();
        Map<String, Subscription> atJ = new HashMap<>();
        Map<String, Connection> nsConns = new HashMap<>();
        for (String acc : ACCOUNTS) {
            Connection c = connect(j, acc);
            atJ.put(acc, c.subscribe("ord." + acc));
            c.flush(WAIT);
            Connection n = Nats.connect(new Options.Builder().server("nats://127.0.0.1:" + ns.port())
                    .userInfo(acc.toLowerCase(), "p").build());
            closing.add(n);
            nsConns.put(acc, n);
        }
        for (String acc : ACCOUNTS) {
            Connection n = nsConns.get(acc);
            Subscription back = n.subscribe("back." + acc);
            n.flush(WAIT);
            // nats-server has our interest once a request through it gets an answer
            Connection responder = connect(j, acc);
            responder.createDispatcher(m -> responder.publish(m.getReplyTo(), m.getData())).subscribe("svc." + acc);
            responder.flush(WAIT);
            await().atMost(WAIT).ignoreExceptions().until(() ->
                    n.request("svc." + acc, new byte[0], Duration.ofSeconds(1)) != null);
            for (int i = 0; i < 50; i++) {
                n.publish("ord." + acc, Integer.toString(i).getBytes(StandardCharsets.US_ASCII));
            }
            n.flush(WAIT);
            for (int i = 0; i < 50; i++) {
                Message m = atJ.get(acc).nextMessage(WAIT);
                assertThat(m).as(acc + " " + i).isNotNull();
                assertThat(new String(m.getData(), StandardCharsets.US_ASCII)).isEqualTo(Integer.toString(i));
            }
            Connection jp = connect(j, acc);
            await().atMost(WAIT).untilAsserted(() -> {
                jp.publish("back." + acc, "x".getBytes(StandardCharsets.US_ASCII));
                jp.flush(WAIT);
                assertThat(back.nextMessage(Duration.ofMillis(200))).isNotNull();
            });
        }
        assertThat(j.routeFacts()).hasSize(1);
    }
}
