package io.natsj.server.it;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Subscription;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.natsj.server.ClusterOptions;
import io.natsj.server.NatsServer;
import io.natsj.server.ServerOptions;
import io.natsj.server.ServerStats;
import io.natsj.server.cluster.RouteConnection;
import io.natsj.server.cluster.RouteHandler;
import io.natsj.server.cluster.RouteLink;
import io.natsj.server.cluster.RouteManager;
import io.natsj.server.routing.DeliveryBatch;
import io.natsj.server.util.ServerClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Routes between natsj and the reference nats-server 2.9.10 (skipped where it is not installed): the route forms
 * whichever side dials, and the interest and messages each side sends parse on the other.
 */
@Timeout(60)
class MixedRouteIT {

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
    }

    private NatsServerProcess natsServer(int clusterPort, int httpPort, String routes) throws IOException {
        return natsServer("NS", clusterPort, httpPort, routes);
    }

    private NatsServerProcess natsServer(String name, int clusterPort, int httpPort, String routes)
            throws IOException {
        String conf = "server_name: " + name + "\nhttp: \"127.0.0.1:" + httpPort + "\"\ncluster {\n  name: c1\n  listen: \"127.0.0.1:"
                + clusterPort + "\"\n" + (routes == null ? "" : "  routes: [\"" + routes + "\"]\n") + "}\n";
        NatsServerProcess ns = NatsServerProcess.withConfig(conf);
        closing.add(ns);
        return ns;
    }

    private NatsServer natsj(ClusterOptions cluster) throws IOException {
        NatsServer s = NatsServer.start(ServerOptions.builder().host("127.0.0.1").port(0).serverName("J")
                .cluster(cluster).build());
        closing.add(s);
        return s;
    }

    private static String routez(int httpPort) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/routez")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        }
    }

    @Test
    void natsjDialsNatsServer() throws Exception {
        int cp = RouteIT.freePort();
        int hp = RouteIT.freePort();
        natsServer(cp, hp, null);
        NatsServer j = natsj(ClusterOptions.listen("127.0.0.1", ServerOptions.RANDOM_PORT).withName("c1")
                .withRoutes(List.of(URI.create("nats-route://127.0.0.1:" + cp))));
        // natsj also dials its pinned system-account route, as 2.10+ does; 2.9.10 takes it for a second route and
        // settles on one of the two, so which side dialed the route that remains is not fixed
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(j.routes()).extracting(RouteConnection::remoteServerName).containsExactly("NS");
            assertThat(routez(hp)).contains("\"num_routes\": 1", "\"remote_id\": \"" + j.serverId() + "\"");
        });
        RouteConnection r = j.routes().getFirst();
        assertThat(r.remoteInfo().version()).isEqualTo("2.9.10");
        await().atMost(Duration.ofSeconds(10)).until(() -> r.rttNanos() > 0); // its PONGs answer our PINGs
    }

    @Test
    void natsServerDialsNatsj() throws Exception {
        NatsServer j = natsj(ClusterOptions.listen("127.0.0.1", ServerOptions.RANDOM_PORT).withName("c1"));
        int hp = RouteIT.freePort();
        natsServer(RouteIT.freePort(), hp, "nats-route://127.0.0.1:" + j.clusterPort());
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(j.routes()).extracting(RouteConnection::remoteServerName).containsExactly("NS");
            assertThat(routez(hp)).contains("\"num_routes\": 1", "\"did_solicit\": true",
                    "\"remote_id\": \"" + j.serverId() + "\"");
        });
        assertThat(j.routes().getFirst().solicited()).isFalse();
    }

    @Test
    void natsjAndTwoNatsServersFormAFullMeshByGossip() throws Exception {
        int p1 = RouteIT.freePort();
        int h1 = RouteIT.freePort();
        int h2 = RouteIT.freePort();
        natsServer("NS1", p1, h1, null);
        natsServer("NS2", RouteIT.freePort(), h2, "nats-route://127.0.0.1:" + p1);
        NatsServer j = natsj(ClusterOptions.listen("127.0.0.1", ServerOptions.RANDOM_PORT).withName("c1")
                .withRoutes(List.of(URI.create("nats-route://127.0.0.1:" + p1))));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(j.routes()).extracting(RouteConnection::remoteServerName)
                    .containsExactlyInAnyOrder("NS1", "NS2");
            assertThat(routez(h1)).contains("\"num_routes\": 2", "\"remote_id\": \"" + j.serverId() + "\"");
            assertThat(routez(h2)).contains("\"num_routes\": 2", "\"remote_id\": \"" + j.serverId() + "\"");
        });
        RouteConnection toNs2 = j.routes().stream().filter(r -> r.remoteServerName().equals("NS2")).findFirst()
                .orElseThrow();
        assertThat(toNs2.explicit()).as("learnt by gossip").isFalse();
    }

    @Test
    void aNatsServerKilledAndRestartedIsRedialed() throws Exception {
        int cp = RouteIT.freePort();
        NatsServerProcess ns = natsServer(cp, RouteIT.freePort(), null);
        NatsServer j = natsj(ClusterOptions.listen("127.0.0.1", ServerOptions.RANDOM_PORT).withName("c1")
                .withRoutes(List.of(URI.create("nats-route://127.0.0.1:" + cp))));
        await().atMost(Duration.ofSeconds(15)).until(() -> j.routes().size() == 1);
        String firstId = j.routes().getFirst().remoteServerId();
        ns.process().destroyForcibly().waitFor();
        await().atMost(Duration.ofSeconds(10)).until(() -> j.routes().isEmpty());
        natsServer(cp, RouteIT.freePort(), null);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(j.routes())
                .extracting(RouteConnection::remoteServerName).containsExactly("NS"));
        assertThat(j.routes().getFirst().remoteServerId()).as("a new process").isNotEqualTo(firstId);
    }

    @Test
    void routeAuthorizationBothWays() throws Exception {
        // nats-server requires ruser/s3cret on its route port; natsj requires the same on its own
        NatsServer j = natsj(ClusterOptions.listen("127.0.0.1", ServerOptions.RANDOM_PORT).withName("c1")
                .withAuthorization("ruser", "s3cret", Duration.ofSeconds(2)));
        int cp = RouteIT.freePort();
        int hp = RouteIT.freePort();
        String conf = "server_name: NS\nhttp: \"127.0.0.1:" + hp + "\"\ncluster {\n  name: c1\n  listen: \"127.0.0.1:"
                + cp + "\"\n  authorization { user: ruser, password: s3cret }\n  routes: [\"nats-route://ruser:s3cret@127.0.0.1:"
                + j.clusterPort() + "\"]\n}\n";
        closing.add(NatsServerProcess.withConfig(conf));
        NatsServer k = natsj(ClusterOptions.listen("127.0.0.1", ServerOptions.RANDOM_PORT).withName("c1")
                .withRoutes(List.of(URI.create("nats-route://ruser:s3cret@127.0.0.1:" + cp))));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(j.routes()).extracting(RouteConnection::remoteServerName).contains("NS");
            assertThat(k.routes()).extracting(RouteConnection::remoteServerName).contains("NS");
            assertThat(routez(hp)).contains("\"remote_id\": \"" + j.serverId() + "\"",
                    "\"remote_id\": \"" + k.serverId() + "\"");
        });
    }

    /** The first two lines a dialing server sends to a listener that plays the accepting peer (and sends nothing). */
    private static List<String> firstLinesDialed(java.net.ServerSocket listener) throws IOException {
        listener.setSoTimeout(10_000);
        try (java.net.Socket s = listener.accept()) {
            s.setSoTimeout(10_000);
            java.io.InputStream in = s.getInputStream();
            List<String> lines = new ArrayList<>();
            StringBuilder line = new StringBuilder();
            while (lines.size() < 2) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                line.append((char) b);
                if (b == '\n') {
                    lines.add(line.toString());
                    line.setLength(0);
                }
            }
            return lines;
        }
    }

    /** Masks what differs between two servers (ids, nonces, versions, ports) in a route protocol line. */
    private static String masked(String line) {
        return line.replaceAll("\"(name|server_id|nonce|version|go)\":\"[^\"]*\"", "\"$1\":\"*\"")
                .replaceAll("\"(port)\":\\d+", "\"$1\":0")
                .replaceAll("\"connect_urls\":\\[[^]]*]", "\"connect_urls\":[*]")
                .replaceAll("\"server_name\":\"[^\"]*\"", "\"server_name\":\"*\"");
    }

    @Test
    void aDialingNatsjSendsWhatADialingNatsServerSends() throws Exception {
        try (java.net.ServerSocket peer = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            String route = "nats-route://127.0.0.1:" + peer.getLocalPort();
            NatsServerProcess ns = natsServer(RouteIT.freePort(), RouteIT.freePort(), route);
            List<String> fromNatsServer = firstLinesDialed(peer);
            ns.close();
            // without pooling, as 2.9.10 (a pooling dialer holds its INFO back until it has the peer's: RoutePoolIT)
            natsj(ClusterOptions.listen("127.0.0.1", ServerOptions.RANDOM_PORT).withName("c1")
                    .withRoutes(List.of(URI.create(route))).withPoolSize(-1));
            List<String> fromNatsj = firstLinesDialed(peer);
            assertThat(fromNatsServer).hasSize(2);
            assertThat(fromNatsServer.getFirst()).startsWith("CONNECT {\"echo\":true,");
            assertThat(fromNatsj.stream().map(MixedRouteIT::masked).toList())
                    .isEqualTo(fromNatsServer.stream().map(MixedRouteIT::masked).toList());
        }
    }

    @Test
    void aNatsServerWithAnotherClusterNameIsRefused() throws Exception {
        NatsServer j = natsj(ClusterOptions.listen("127.0.0.1", ServerOptions.RANDOM_PORT).withName("other"));
        int hp = RouteIT.freePort();
        NatsServerProcess ns = natsServer(RouteIT.freePort(), hp, "nats-route://127.0.0.1:" + j.clusterPort());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(routez(hp)).contains("\"num_routes\": 0"));
        assertThat(j.routes()).isEmpty();
        assertThat(ns.process().isAlive()).isTrue();
    }

    /** Records what the route layer reports and subscribes the peer to {@code in.>} and queue {@code q} on {@code work}. */
    static final class Recorder implements RouteHandler {
        final List<String> events = new CopyOnWriteArrayList<>();
        final AtomicReference<RouteLink> link = new AtomicReference<>();

        @Override
        public void routeUp(RouteLink l) {
            link.set(l);
            events.add("up " + l.remoteServerName());
            l.sendSubscribe("$G", "in.>", null, 0);
            l.sendSubscribe("$G", "work", "q", 1);
        }

        @Override
        public void routeDown(RouteLink l) {
            events.add("down " + l.remoteServerName());
        }

        @Override
        public void remoteSubscribe(RouteLink l, String account, String subject, String queue, int weight) {
            events.add("RS+ " + account + " " + subject + " " + queue + " " + weight);
        }

        @Override
        public void remoteUnsubscribe(RouteLink l, String account, String subject, String queue) {
            events.add("RS- " + account + " " + subject + " " + queue);
        }

        @Override
        public void remoteMessage(RouteLink l, String account, String subject, String reply, List<String> queues,
                                  byte[] buf, int off, int hdrLen, int totalLen,
                                  io.natsj.server.routing.DeliveryBatch batch) {
            events.add("MSG " + account + " " + subject + " " + reply + " " + queues + " " + hdrLen + " "
                    + new String(buf, off, totalLen, StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void interestAndMessagesFromNatsServerParseAndOursReachItsClients() throws Exception {
        int cp = RouteIT.freePort();
        NatsServerProcess ns = natsServer(cp, RouteIT.freePort(), null);
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1);
        closing.add(timers::shutdownNow);
        Recorder rec = new Recorder();
        ServerOptions opts = ServerOptions.builder().host("127.0.0.1").port(0).serverName("J")
                .cluster(ClusterOptions.listen("127.0.0.1", ServerOptions.RANDOM_PORT).withName("c1")
                        .withRoutes(List.of(URI.create("nats-route://127.0.0.1:" + cp)))).build();
        AtomicLong ids = new AtomicLong();
        RouteManager routes = new RouteManager(new RouteManager.Host() {
            @Override public String serverId() { return "NJTESTSERVERID"; }
            @Override public String serverName() { return "J"; }
            @Override public String version() { return "2.11.0"; }
            @Override public int maxPayload() { return 1024 * 1024; }
            @Override public boolean jetStream() { return false; }
            @Override public List<String> clientConnectUrls() { return List.of("127.0.0.1:4999"); }
            @Override public void peersChanged() { }
            @Override public boolean hasAccount(String name) { return name.equals("$G") || name.equals("$SYS"); }
        }, opts, rec, ServerClock.SYSTEM, timers, ids::incrementAndGet, new ServerStats());
        closing.add(routes);
        routes.start();
        await().atMost(Duration.ofSeconds(15)).until(() -> rec.events.contains("up NS"));
        assertThat(routes.peerClientUrls()).containsExactly("127.0.0.1:" + ns.port());

        try (Connection nc = Nats.connect("nats://127.0.0.1:" + ns.port())) {
            Subscription plain = nc.subscribe("foo.*");
            Subscription queued = nc.subscribe("bar", "workers");
            nc.flush(Duration.ofSeconds(5));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(rec.events)
                    .contains("RS+ $G foo.* null 0", "RS+ $G bar workers 1"));

            Headers h = new Headers().add("k", "v");
            nc.publish(NatsMessage.builder().subject("in.a").replyTo("_INBOX.r").headers(h)
                    .data("hello".getBytes(StandardCharsets.UTF_8)).build());
            nc.publish("work", "job".getBytes(StandardCharsets.UTF_8));
            nc.flush(Duration.ofSeconds(5));
            String hdr = "NATS/1.0\r\nk:v\r\n\r\n"; // as jnats writes it
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(rec.events).contains(
                    "MSG $G in.a _INBOX.r [] " + hdr.length() + " " + hdr + "hello",
                    "MSG $G work null [q] 0 job"));

            RouteLink link = rec.link.get();
            byte[] body = ("NATS/1.0\r\nx: y\r\n\r\n" + "data").getBytes(StandardCharsets.ISO_8859_1);
            assertThat(link.sendMessage("$G", "foo.bar", "reply.to", List.of(), body, 0, 18, body.length,
                    DeliveryBatch.IMMEDIATE)).isTrue();
            Message m = plain.nextMessage(Duration.ofSeconds(5));
            assertThat(m).isNotNull();
            assertThat(m.getReplyTo()).isEqualTo("reply.to");
            assertThat(m.getHeaders().getFirst("x")).isEqualTo("y");
            assertThat(new String(m.getData(), StandardCharsets.UTF_8)).isEqualTo("data");

            byte[] job = "one".getBytes(StandardCharsets.ISO_8859_1);
            assertThat(link.sendMessage("$G", "bar", null, List.of("workers"), job, 0, 0, job.length,
                    DeliveryBatch.IMMEDIATE)).isTrue();
            Message q = queued.nextMessage(Duration.ofSeconds(5));
            assertThat(q).isNotNull();
            assertThat(new String(q.getData(), StandardCharsets.UTF_8)).isEqualTo("one");

            plain.unsubscribe();
            nc.flush(Duration.ofSeconds(5));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(rec.events)
                    .contains("RS- $G foo.* null"));
        }
        ns.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> rec.events.contains("down NS"));
    }
}
