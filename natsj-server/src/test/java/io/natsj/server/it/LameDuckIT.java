package io.natsj.server.it;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import io.natsj.server.NatsServer;
import io.natsj.server.ServerOptions;
import io.natsj.server.config.ConfigLoader;
import io.natsj.server.config.ConfigParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Lame duck mode ({@link NatsServer#lameDuckMode()}, what {@code --signal ldm} and SIGUSR2 start) as clients see it:
 * the client port closes, clients that take async INFO get one with {@code "ldm":true} (jnats reports
 * {@code LAME_DUCK}), after the grace period they are closed, then the server shuts down; nats-server's log lines.
 * The INFO's bytes are compared with nats-server's (2.9.10 where installed).
 */
@Timeout(60)
class LameDuckIT {

    private static final Duration GRACE = Duration.ofMillis(300);
    private static final Duration DURATION = Duration.ofSeconds(1);

    private NatsServer server;
    private final LogCapture log = LogCapture.of(NatsServer.class);
    /** NatsServer's logger, at INFO for the test (the default set-up logs warnings only), not passed to the root. */
    private final Logger serverLog = (Logger) LoggerFactory.getLogger(NatsServer.class);

    @BeforeEach
    void start() throws IOException {
        serverLog.setLevel(Level.INFO);
        serverLog.setAdditive(false);
        log.start();
        server = NatsServer.start(ServerOptions.builder().host("127.0.0.1").port(0).noLog(true)
                .lameDuckDuration(DURATION).lameDuckGracePeriod(GRACE).build());
    }

    @AfterEach
    void stop() {
        server.close();
        log.stop();
        serverLog.setLevel(null);
        serverLog.setAdditive(true);
    }

    private static boolean refused(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return false;
        } catch (ConnectException e) {
            return true;
        }
    }

    /** A jnats connection that does not reconnect, recording the events its listener gets. */
    private record Client(Connection nc, Set<ConnectionListener.Events> events, CountDownLatch closed) {
        static Client connect(String url) throws Exception {
            Set<ConnectionListener.Events> events = ConcurrentHashMap.newKeySet();
            CountDownLatch closed = new CountDownLatch(1);
            Options o = Options.builder().server(url).maxReconnects(0).connectionListener((conn, e) -> {
                events.add(e);
                if (e == ConnectionListener.Events.CLOSED) {
                    closed.countDown();
                }
            }).build();
            return new Client(Nats.connect(o), events, closed);
        }
    }

    @Test
    void jnatsClientsAreToldThenClosedAndNewClientsAreRefused() throws Exception {
        Client a = Client.connect(server.clientUrl());
        Client b = Client.connect(server.clientUrl());
        a.nc().flush(Duration.ofSeconds(2));
        b.nc().flush(Duration.ofSeconds(2));
        int port = server.port();
        long start = System.nanoTime();

        server.lameDuckMode();

        assertThat(server.isLameDuckMode()).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> refused(port));
        await().atMost(Duration.ofSeconds(5)).until(() -> a.events().contains(ConnectionListener.Events.LAME_DUCK)
                && b.events().contains(ConnectionListener.Events.LAME_DUCK));
        assertThatThrownBy(() -> Nats.connect(Options.builder().server(server.clientUrl()).maxReconnects(0)
                .connectionTimeout(Duration.ofSeconds(2)).build())).isInstanceOf(IOException.class);
        assertThat(a.closed().await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(b.closed().await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("not closed before the grace period")
                .isGreaterThanOrEqualTo(GRACE);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.connections().isEmpty());
        server.awaitShutdown();
        assertThat(log.lines()).containsSubsequence("INFO Entering lame duck mode, stop accepting new clients",
                "INFO Closing existing clients", "INFO Initiating Shutdown...", "INFO Server Exiting..");
    }

    @Test
    void theInfoIsTheServersWithLdmAndGoesOnlyToClientsThatTakeAsyncInfo() throws Exception {
        try (RawClient async = RawClient.open(server.port());
             RawClient old = RawClient.open(server.port());
             RawClient noPingYet = RawClient.open(server.port())) {
            async.send("CONNECT {\"verbose\":false,\"protocol\":1}\r\n").assertPingPong();
            old.send("CONNECT {\"verbose\":false,\"protocol\":0}\r\n").assertPingPong();
            noPingYet.send("CONNECT {\"verbose\":false,\"protocol\":1}\r\n");
            await().atMost(Duration.ofSeconds(5)).until(() -> server.connections().stream()
                    .allMatch(c -> c.connectOptions() != null));

            server.lameDuckMode();

            assertThat(async.readLine() + "\r\n").isEqualTo(withLdm(async.infoLine()));
            assertThat(async.readToEnd()).hasToString("[FIN] ");
            assertThat(old.readToEnd()).as("protocol 0: no async INFO").hasToString("[FIN] ");
            assertThat(noPingYet.readToEnd()).as("no PING after CONNECT yet").hasToString("[FIN] ");
        }
        server.awaitShutdown();
    }

    /** The initial INFO line with {@code "ldm":true} added last, as nats-server's lame duck INFO is. */
    private static String withLdm(String infoLine) {
        int end = infoLine.lastIndexOf('}');
        return infoLine.substring(0, end) + ",\"ldm\":true" + infoLine.substring(end);
    }

    @Test
    void natsServersLameDuckInfoIsItsInfoWithLdmToo() throws Exception {
        try (NatsServerProcess ns = NatsServerProcess.withConfig("lame_duck_duration: \"30s\"\n"
                + "lame_duck_grace_period: \"200ms\"\n");
             RawClient async = RawClient.open(ns.port())) {
            async.send("CONNECT {\"verbose\":false,\"protocol\":1}\r\n").assertPingPong();
            Process kill = new ProcessBuilder("kill", "-USR2", Long.toString(ns.process().pid())).start();
            assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(async.readLine() + "\r\n").isEqualTo(withLdm(async.infoLine()));
            assertThat(async.readToEnd()).hasToString("[FIN] ");
            assertThat(ns.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void systemAccountUsersGetTheLameDuckEvent() throws Exception {
        server.close();
        server = NatsServer.start(ConfigLoader.apply(ConfigParser.parse("""
                system_account: SYS
                accounts { SYS: { users: [ { user: sys, password: psys } ] } }
                """, name -> null), ServerOptions.builder()).options().host("127.0.0.1").port(0).noLog(true)
                .lameDuckDuration(DURATION).lameDuckGracePeriod(GRACE).build());
        try (Connection sys = Nats.connect(Options.builder().server(server.clientUrl()).userInfo("sys", "psys")
                .maxReconnects(0).build())) {
            Subscription events = sys.subscribe("$SYS.SERVER.*.LAMEDUCK");
            sys.flush(Duration.ofSeconds(2));
            server.lameDuckMode();
            Message m = events.nextMessage(Duration.ofSeconds(5));
            assertThat(m).isNotNull();
            assertThat(m.getSubject()).isEqualTo("$SYS.SERVER." + server.serverId() + ".LAMEDUCK");
            JsonNode info = JsonMapper.builder().build().readTree(m.getData());
            assertThat(info.get("id").asString()).isEqualTo(server.serverId());
            assertThat(info.get("name").asString()).isEqualTo(server.serverName());
            assertThat(info.has("seq")).isTrue();
        }
    }

    @Test
    void withoutClientsTheServerShutsDownAtOnce() throws Exception {
        server.lameDuckMode();
        assertThat(waitShutdown(Duration.ofSeconds(5))).isTrue();
        assertThat(log.lines()).containsSubsequence("INFO Entering lame duck mode, stop accepting new clients",
                "INFO Initiating Shutdown...").doesNotContain("INFO Closing existing clients");
    }

    @Test
    void closingTheServerEndsLameDuckMode() throws Exception {
        try (RawClient c = RawClient.connected(server.port())) {
            c.assertPingPong();
            server.lameDuckMode();
            server.lameDuckMode(); // a second call does nothing
            await().atMost(Duration.ofSeconds(5)).until(() -> refused(server.port()));
            server.close();
            assertThat(c.readToEnd().text()).doesNotContain("ldm").doesNotContain("-ERR");
        }
        assertThat(waitShutdown(Duration.ofSeconds(5))).isTrue();
        assertThat(log.lines()).doesNotContain("INFO Closing existing clients")
                .filteredOn(l -> l.contains("Entering lame duck mode")).hasSize(1);
    }

    @Test
    void theGracePeriodMustEndBeforeTheDuration() {
        NatsServer bad = new NatsServer(ServerOptions.builder().host("127.0.0.1").port(0).noLog(true)
                .lameDuckDuration(Duration.ofSeconds(30)).lameDuckGracePeriod(Duration.ofSeconds(40)).build());
        assertThatThrownBy(bad::start).hasMessage(
                "lame duck grace period (40s) should be strictly lower than lame duck duration (30s)");
        bad.close();
    }

    private boolean waitShutdown(Duration d) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        Thread.startVirtualThread(() -> {
            try {
                server.awaitShutdown();
                done.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return done.await(d.toMillis(), TimeUnit.MILLISECONDS);
    }
}
