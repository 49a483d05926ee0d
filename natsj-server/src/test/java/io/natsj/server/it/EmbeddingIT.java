package io.natsj.server.it;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.nats.client.Connection;
import io.natsj.server.NatsServer;
import io.natsj.server.ServerOptions;
import io.natsj.server.account.AccountConfig;
import io.natsj.server.auth.UserEntry;
import io.natsj.server.jetstream.JetStreamAccountLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.natsj.server.it.ServerFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * natsj as a library: {@code start()} returns only once clients can connect, port 0 picks a free port that jnats
 * reaches, and {@code close()} releases the port and every {@code natsj-} thread (platform and virtual) quickly
 * enough to start and close a server 20 times in a row; {@code bind()} opens the client port ahead of the rest of
 * start-up, and what connects meanwhile is served once the server is ready.
 */
@Timeout(60)
class EmbeddingIT {

    @TempDir
    Path tempDir;

    private static final int ROUNDS = 20;

    @Test
    void startAndCloseTwentyTimesReleasesPortAndThreads() throws Exception {
        Set<String> before = natsjThreads();
        long total = 0;
        for (int i = 0; i < ROUNDS; i++) {
            long start = System.nanoTime();
            NatsServer server = new NatsServer(ServerFixture.options().build());
            server.start();
            int port = server.port();
            try (RawClient raw = RawClient.connected(port)) {
                raw.assertPingPong();
            }
            server.close();
            total += System.nanoTime() - start;

            assertThat(canBind(port)).as("port %d free after close (round %d)", port, i).isTrue();
        }

        assertThat(Duration.ofNanos(total / ROUNDS)).as("average start + connect + close")
                .isLessThan(Duration.ofSeconds(1));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(difference(natsjThreads(), before)).as("natsj- threads left after close").isEmpty());
    }

    @Test
    void portZeroPicksAFreePortThatJnatsConnectsTo() throws Exception {
        try (ServerFixture fixture = ServerFixture.start(ServerFixture.options().port(0))) {
            assertThat(fixture.port()).isPositive();
            assertThat(fixture.server().clientUrl()).endsWith(":" + fixture.port());

            Connection nc = fixture.connect();

            assertThat(nc.getStatus()).isEqualTo(Connection.Status.CONNECTED);
            assertThat(nc.getServerInfo().getPort()).isEqualTo(fixture.port());
            ServerFixture.assertServes(nc);
        }
    }

    @Test
    void startReturnsOnlyWhenClientsCanConnect() throws Exception {
        NatsServer server = new NatsServer(ServerFixture.options().build());
        try {
            server.start();
            // no retry: the first attempt right after start() must get INFO and a PONG
            try (RawClient raw = RawClient.connected(server.port())) {
                assertThat(raw.infoJson()).contains("\"server_id\":\"" + server.serverId() + "\"");
                raw.assertPingPong();
            }
        } finally {
            server.close();
        }
    }

    @Test
    void closeDisconnectsClientsAndFreesThePort() throws Exception {
        Set<String> before = natsjThreads();
        ServerFixture fixture = ServerFixture.start();
        int port = fixture.port();
        Connection nc = fixture.connect();
        nc.subscribe("x");
        nc.flush(WAIT);
        assertThat(difference(natsjThreads(), before)).as("the thread check sees natsj's threads")
                .anyMatch(t -> t.endsWith(" natsj-accept")).anyMatch(t -> t.contains(" natsj-r-"))
                .anyMatch(t -> t.contains(" natsj-w-"));

        fixture.server().close();

        await().atMost(WAIT).until(() -> nc.getStatus() == Connection.Status.CLOSED
                || nc.getStatus() == Connection.Status.DISCONNECTED);
        assertThat(canBind(port)).as("port free").isTrue();
        fixture.close();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(difference(natsjThreads(), before)).as("natsj- threads left after close").isEmpty());
    }

    @Test
    void aClientThatConnectsBetweenBindAndStartIsServedOnceReady() throws Exception {
        try (NatsServer server = new NatsServer(ServerFixture.options().build())) {
            server.bind();
            try (Socket early = new Socket()) {
                early.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
                early.setSoTimeout(5000);
                server.start();
                assertThat(server.port()).as("start() keeps the port bind() took").isEqualTo(early.getPort());
                BufferedReader in = new BufferedReader(new InputStreamReader(early.getInputStream(),
                        StandardCharsets.UTF_8));
                assertThat(in.readLine()).startsWith("INFO {");
                early.getOutputStream().write("CONNECT {\"verbose\":false}\r\nPING\r\n"
                        .getBytes(StandardCharsets.UTF_8));
                assertThat(in.readLine()).isEqualTo("PONG");
            }
        }
    }

    private static boolean canBind(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Set<String> difference(Set<String> now, Set<String> before) {
        Set<String> d = new HashSet<>(now);
        d.removeAll(before);
        return d;
    }

    /** "tid name" of every live thread, platform or virtual, whose name starts with "natsj-" (JSON thread dump). */
    private static Set<String> natsjThreads() throws IOException {
        Path dir = Files.createTempDirectory("threads");
        Path dump = dir.resolve("dump.json");
        try {
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(dump.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
            Set<String> out = new HashSet<>();
            for (JsonNode container : JsonMapper.shared().readTree(dump.toFile())
                    .path("threadDump").path("threadContainers")) {
                for (JsonNode t : container.path("threads")) {
                    String name = t.path("name").asString("");
                    if (name.startsWith("natsj-")) {
                        out.add(t.path("tid").asString() + " " + name);
                    }
                }
            }
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().startsWith("natsj-")) {
                    out.add(t.threadId() + " " + t.getName());
                }
            }
            return out;
        } finally {
            Files.deleteIfExists(dump);
            Files.delete(dir);
        }
    }

    /** The README's example: accounts, imports and users configured in code. */
    @Test
    void accountsCanBeConfiguredInCode() throws Exception {
        Path dir = tempDir;
        ServerOptions options = ServerFixture.options()
                .jetStream(ServerOptions.JetStreamOptions.DISABLED.withEnabled(true).withStoreDir(dir))
                .accounts(List.of(
                        AccountConfig.of("ORDERS").withJetStream(JetStreamAccountLimits.UNLIMITED)
                                .withExports(List.of(AccountConfig.Export.stream("orders.>"))),
                        AccountConfig.of("SHOP").withImports(List.of(AccountConfig.Import.stream("ORDERS",
                                "orders.>")))))
                .users(List.of(UserEntry.user("orders", "secret").withAccount("ORDERS"),
                        UserEntry.user("shop", "secret").withAccount("SHOP")))
                .build();
        try (NatsServer server = NatsServer.start(options);
             Connection shop = io.nats.client.Nats.connect(io.nats.client.Options.builder()
                     .server(server.clientUrl()).userInfo("shop", "secret").build());
             Connection orders = io.nats.client.Nats.connect(io.nats.client.Options.builder()
                     .server(server.clientUrl()).userInfo("orders", "secret").build())) {
            io.nats.client.Subscription sub = shop.subscribe("orders.>");
            shop.flush(WAIT);
            orders.publish("orders.new", "o1".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(sub.nextMessage(WAIT).getSubject()).isEqualTo("orders.new");
            assertThat(server.jetStreamServer().account("ORDERS")).isNotNull();
            assertThat(server.jetStreamServer().account("SHOP")).isNull();
        }
    }
}
