package io.natsj.server.it;

import io.natsj.server.ClusterOptions;
import io.natsj.server.ServerOptions;
import io.natsj.server.ServerStats;
import io.natsj.server.auth.Permissions;
import io.natsj.server.cluster.RouteManager;
import io.natsj.server.util.ServerClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What the route layer lets through to the interest layer and to the peer: known accounts, cluster permissions. */
@Timeout(30)
class RouteFilterIT {

    private final ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1);
    private RouteManager routes;

    @AfterEach
    void stop() {
        if (routes != null) {
            routes.close();
        }
        timers.shutdownNow();
    }

    private MixedRouteIT.Recorder start(Permissions perms) throws Exception {
        MixedRouteIT.Recorder rec = new MixedRouteIT.Recorder();
        ServerOptions opts = ServerOptions.builder().host("127.0.0.1").port(0).serverName("J")
                .cluster(ClusterOptions.listen("127.0.0.1", ServerOptions.RANDOM_PORT).withName("c1")
                        .withPermissions(perms)).build();
        AtomicLong ids = new AtomicLong();
        routes = new RouteManager(new RouteManager.Host() {
            @Override public String serverId() { return "NJ"; }
            @Override public String serverName() { return "J"; }
            @Override public String version() { return "2.11.0"; }
            @Override public int maxPayload() { return 1024 * 1024; }
            @Override public boolean jetStream() { return false; }
            @Override public List<String> clientConnectUrls() { return List.of(); }
            @Override public void peersChanged() { }
            @Override public boolean hasAccount(String name) { return name.equals("$G"); }
        }, opts, rec, ServerClock.SYSTEM, timers, ids::incrementAndGet, new ServerStats());
        routes.start();
        return rec;
    }

    @Test
    void interestAndMessagesOfUnknownAccountsAndWhatPermissionsDenyStopAtTheRoute() throws Exception {
        // import in.> (what we tell peers we want), export foo.> (what peers may ask us for)
        Permissions perms = new Permissions(new Permissions.SubjectPermission(List.of("in.>"), List.of()),
                new Permissions.SubjectPermission(List.of("foo.>"), List.of()), null);
        MixedRouteIT.Recorder rec = start(perms);
        try (RawClient peer = RawClient.open(routes.port())) {
            // Go's encoder writes '>' as \u003e, as nats-server's INFO does
            assertThat(peer.infoJson()).contains("\"import\":{\"allow\":[\"in.\\u003e\"]}",
                    "\"export\":{\"allow\":[\"foo.\\u003e\"]}");
            peer.send("CONNECT {\"name\":\"NPEER\",\"cluster\":\"c1\"}\r\n"
                    + "INFO {\"server_id\":\"NPEER\",\"server_name\":\"peer\",\"cluster\":\"c1\"}\r\n");
            assertThat(peer.readLine()).as("in.> may be imported").isEqualTo("RS+ $G in.>");
            peer.send("RS+ $G foo.a\r\nRS+ $G bar\r\nRS+ NOPE foo.b\r\nRMSG NOPE foo.a 1\r\nx\r\n"
                    + "RMSG $G foo.a 1\r\ny\r\nPING\r\n");
            String line;
            do {
                line = peer.readLine();
                assertThat(line).as("work (queue q) may not be imported").doesNotStartWith("RS+ $G work");
            } while (!"PONG".equals(line));
            await().atMost(Duration.ofSeconds(5)).until(() -> rec.events.contains("MSG $G foo.a null [] 0 y"));
            assertThat(rec.events).containsExactly("up peer", "RS+ $G foo.a null 0", "MSG $G foo.a null [] 0 y");
        }
    }
}
