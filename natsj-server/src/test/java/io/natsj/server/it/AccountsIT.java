package io.natsj.server.it;

import io.natsj.server.NatsServer;
import io.natsj.server.config.ConfigLoader;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import io.nats.client.api.AccountStatistics;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Accounts through jnats: each account its own subject space and JetStream, imports and exports carrying exactly
 * what they declare, an account without JetStream told so, and every JetStream account limit reached through the
 * API with nats-server's error code while the data already stored stays intact. The same scenarios run against
 * nats-server 2.9.10 (when installed) and must observe the same.
 */
@Timeout(60)
class AccountsIT {

    static final Duration WAIT = Duration.ofSeconds(5);

    /** Users a (account A), b (B), c (C, no JetStream); A exports news.> and help.>, B imports both. */
    static final String CONFIG = """
            jetstream { store_dir: "%s" }
            accounts {
              A: {
                users: [ { user: a, password: pa } ]
                jetstream: { max_streams: 2, max_consumers: 2, max_memory: 1MB, max_file: 64KB, max_ack_pending: 50 }
                exports: [ { stream: "news.>" }, { service: "help.>" } ]
              }
              B: {
                users: [ { user: b, password: pb } ]
                jetstream: enabled
                imports: [
                  { stream: { account: A, subject: "news.>" }, prefix: "a" }
                  { service: { account: A, subject: "help.>" }, to: "ask.>" }
                ]
              }
              C: { users: [ { user: c, password: pc } ] }
            }
            """;

    @TempDir
    Path dir;
    private NatsServer server;
    private final List<Connection> connections = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = start("");
    }

    private NatsServer start(String extraConfig) throws Exception {
        Path conf = Files.createTempFile(dir, "accounts", ".conf");
        Files.writeString(conf, CONFIG.formatted(dir.resolve("store")) + extraConfig);
        return NatsServer.start(ConfigLoader.load(conf, Map.<String, String>of()::get).options()
                .host("127.0.0.1").port(0).noLog(true).build());
    }

    @AfterEach
    void stop() throws Exception {
        for (Connection c : connections) {
            c.close();
        }
        server.close();
    }

    @Test
    void aClientWithoutCredentialsIsTheNoAuthUser() throws Exception {
        server.close();
        server = start("no_auth_user: b\n");
        Connection anonymous = Nats.connect(Options.builder().server(server.clientUrl()).noReconnect().build());
        connections.add(anonymous);
        Subscription news = anonymous.subscribe("a.news.>");
        anonymous.flush(WAIT);
        connect("a", "pa").publish("news.x", bytes("n"));
        assertThat(news.nextMessage(WAIT).getSubject()).isEqualTo("a.news.x");
        assertThatThrownBy(() -> connect("b", "wrong")).isNotNull(); // credentials given are still checked
    }

    private Connection connect(String user, String pass) throws Exception {
        return connect(server.clientUrl(), user, pass);
    }

    private Connection connect(String url, String user, String pass) throws Exception {
        Connection c = Nats.connect(Options.builder().server(url).userInfo(user, pass).noReconnect()
                .connectionTimeout(WAIT).build());
        connections.add(c);
        return c;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void accountsDoNotSeeEachOthersMessages() throws Exception {
        Connection a = connect("a", "pa");
        Connection c = connect("c", "pc");
        Subscription inC = c.subscribe(">");
        c.flush(WAIT);
        Subscription inA = a.subscribe("private.>");
        a.flush(WAIT);
        a.publish("private.x", bytes("secret"));
        a.flush(WAIT);
        assertThat(inA.nextMessage(WAIT).getSubject()).isEqualTo("private.x");
        c.publish("private.y", bytes("from c"));
        c.flush(WAIT);
        assertThat(inA.nextMessage(Duration.ofMillis(200))).isNull();
        assertThat(inC.nextMessage(Duration.ofMillis(200))).isNotNull().extracting(Message::getSubject)
                .isEqualTo("private.y"); // only its own message
        assertThat(inC.nextMessage(Duration.ofMillis(100))).isNull();
    }

    @Test
    void raftSubjectsAreOpenOnlyToTheSystemAccount() throws Exception {
        server.close();
        Path conf = Files.createTempFile(dir, "sys", ".conf");
        Files.writeString(conf, CONFIG.formatted(dir.resolve("store")).replace("C: {", "SYS: { users: [ { user: sys,"
                + " password: psys } ] }\n  C: {") + "system_account: SYS\n");
        server = NatsServer.start(ConfigLoader.load(conf, Map.<String, String>of()::get).options()
                .host("127.0.0.1").port(0).noLog(true).build());
        for (String[] who : new String[][]{{"sys", "psys", "+OK"}, {"a", "pa",
                "-ERR 'Permissions Violation for Publish to \"$NRG.x\"'"}}) {
            try (RawClient c = RawClient.open(server.port())) {
                c.send("CONNECT {\"verbose\":true,\"user\":\"" + who[0] + "\",\"pass\":\"" + who[1] + "\"}\r\n");
                assertThat(c.readLine()).isEqualTo("+OK");
                c.send("PUB $NRG.x 0\r\n\r\n");
                assertThat(c.readLine()).as(who[0]).isEqualTo(who[2]);
            }
        }
    }

    @Test
    void aStreamImportCarriesTheExportedSubjectsUnderItsPrefix() throws Exception {
        Connection a = connect("a", "pa");
        Connection b = connect("b", "pb");
        Subscription inB = b.subscribe(">");
        b.flush(WAIT);
        a.publish("news.today", bytes("n1"));
        a.publish("gossip.today", bytes("g1"));
        a.flush(WAIT);
        Message m = inB.nextMessage(WAIT);
        assertThat(m.getSubject()).isEqualTo("a.news.today");
        assertThat(new String(m.getData(), StandardCharsets.UTF_8)).isEqualTo("n1");
        assertThat(inB.nextMessage(Duration.ofMillis(200))).isNull();
    }

    @Test
    void aServiceImportAnswersRequestsAcrossAccounts() throws Exception {
        Connection a = connect("a", "pa");
        Connection b = connect("b", "pb");
        a.createDispatcher(msg -> a.publish(msg.getReplyTo(), bytes("answer to " + msg.getSubject())))
                .subscribe("help.>");
        a.flush(WAIT);
        Message reply = b.request("ask.time", bytes("?"), WAIT);
        assertThat(new String(reply.getData(), StandardCharsets.UTF_8)).isEqualTo("answer to help.time");
        // not imported: B cannot reach A's service under its own name (no responders, or nothing at all)
        Message none;
        try {
            none = b.request("help.time", bytes("?"), Duration.ofMillis(500));
        } catch (RuntimeException e) {
            none = null;
        }
        assertThat(none == null || none.isStatusMessage()).as("no answer from A").isTrue();
    }

    @Test
    void aRequestThroughAnImportWithNobodyBehindItGetsNoResponders() throws Exception {
        Connection a = connect("a", "pa");
        Connection b = connect("b", "pb");
        for (var request : List.<java.util.function.Supplier<java.util.concurrent.CompletableFuture<Message>>>of(
                () -> b.request("ask.nobody", bytes("?")), // service import, no responder in A
                () -> a.request("news.nobody", bytes("?")))) { // stream export, no subscriber in B
            long start = System.nanoTime();
            assertThatThrownBy(() -> request.get().get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS))
                    .as("a 503, not a timeout").isInstanceOfAny(java.util.concurrent.ExecutionException.class,
                            java.util.concurrent.CancellationException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test
    void jetStreamAssetsBelongToTheirAccount() throws Exception {
        JetStreamManagement ja = connect("a", "pa").jetStreamManagement();
        JetStreamManagement jb = connect("b", "pb").jetStreamManagement();
        ja.addStream(StreamConfiguration.builder().name("ORDERS").subjects("orders.>")
                .storageType(StorageType.Memory).build());
        assertThat(jb.getStreamNames()).isEmpty();
        // the same name and subjects in another account do not collide
        jb.addStream(StreamConfiguration.builder().name("ORDERS").subjects("orders.>")
                .storageType(StorageType.Memory).build());
        connections.get(0).jetStream().publish("orders.1", bytes("a"));
        assertThat(ja.getStreamInfo("ORDERS").getStreamState().getMsgCount()).isEqualTo(1);
        assertThat(jb.getStreamInfo("ORDERS").getStreamState().getMsgCount()).isZero();
        assertThat(Files.isDirectory(dir.resolve("store/jetstream/A/streams"))).isTrue();
    }

    @Test
    void anAccountWithoutJetStreamIsToldSo() throws Exception {
        JetStreamManagement jc = connect("c", "pc").jetStreamManagement();
        assertThatThrownBy(jc::getAccountStatistics).isInstanceOf(JetStreamApiException.class)
                .satisfies(e -> assertThat(((JetStreamApiException) e).getApiErrorCode()).isEqualTo(10039));
    }

    @Test
    void accountLimitsAreEnforcedWithNatsServersErrors() throws Exception {
        assertThat(LimitScenario.run(connect("a", "pa"))).containsExactlyElementsOf(LimitScenario.EXPECTED);
    }

    @Test
    void accountInfoReportsTheLimitsAndUsage() throws Exception {
        JetStreamManagement ja = connect("a", "pa").jetStreamManagement();
        ja.addStream(StreamConfiguration.builder().name("S").subjects("s").storageType(StorageType.Memory)
                .maxBytes(1000).build());
        AccountStatistics st = ja.getAccountStatistics();
        assertThat(st.getStreams()).isEqualTo(1);
        assertThat(st.getReservedMemory()).isEqualTo(1000);
        assertThat(st.getLimits().getMaxStreams()).isEqualTo(2);
        assertThat(st.getLimits().getMaxConsumers()).isEqualTo(2);
        assertThat(st.getLimits().getMaxMemory()).isEqualTo(1024 * 1024);
        assertThat(st.getLimits().getMaxStorage()).isEqualTo(64 * 1024);
        assertThat(st.getLimits().getMaxAckPending()).isEqualTo(50);
    }

    @Test
    void sameObservationsAsNatsServer() throws Exception {
        Path store = Files.createDirectories(dir.resolve("nats-server-store"));
        try (NatsServerProcess ns = NatsServerProcess.withConfig(CONFIG.formatted(store))) {
            Connection a = connect("nats://127.0.0.1:" + ns.port(), "a", "pa");
            assertThat(LimitScenario.run(a)).containsExactlyElementsOf(LimitScenario.EXPECTED);
            JetStreamManagement jc = connect("nats://127.0.0.1:" + ns.port(), "c", "pc").jetStreamManagement();
            assertThatThrownBy(jc::getAccountStatistics).isInstanceOf(JetStreamApiException.class)
                    .satisfies(e -> assertThat(((JetStreamApiException) e).getApiErrorCode()).isEqualTo(10039));
        }
    }

    /** Reaches each limit of account A in turn and writes down what the client saw. */
    static final class LimitScenario {

        static final List<String> EXPECTED = List.of(
                "memory stream over max_memory: 10028",
                "memory stream within: ok",
                "consumer 1: ok", "consumer 2: ok", "consumer 3: 10026",
                "default max_ack_pending: 50",
                "max_ack_pending over the account's: 10121",
                "third stream: 10027",
                "publish over max_file: 10002",
                "stored before the refusal: intact");

        static List<String> run(Connection nc) throws Exception {
            JetStreamManagement jsm = nc.jetStreamManagement();
            List<String> seen = new ArrayList<>();
            seen.add("memory stream over max_memory: " + code(() -> jsm.addStream(StreamConfiguration.builder()
                    .name("BIG").subjects("big").storageType(StorageType.Memory).maxBytes(2 * 1024 * 1024)
                    .build())));
            seen.add("memory stream within: " + code(() -> jsm.addStream(StreamConfiguration.builder()
                    .name("MEM").subjects("mem").storageType(StorageType.Memory).maxBytes(1000).build())));
            for (int i = 1; i <= 3; i++) {
                int n = i;
                seen.add("consumer " + i + ": " + code(() -> jsm.addOrUpdateConsumer("MEM",
                        ConsumerConfiguration.builder().durable("c" + n).build())));
            }
            seen.add("default max_ack_pending: " + jsm.getConsumerInfo("MEM", "c1").getConsumerConfiguration()
                    .getMaxAckPending());
            jsm.deleteConsumer("MEM", "c2");
            seen.add("max_ack_pending over the account's: " + code(() -> jsm.addOrUpdateConsumer("MEM",
                    ConsumerConfiguration.builder().durable("big").maxAckPending(100).build())));
            jsm.addStream(StreamConfiguration.builder().name("FILE").subjects("file").storageType(StorageType.File)
                    .build());
            seen.add("third stream: " + code(() -> jsm.addStream(StreamConfiguration.builder().name("THIRD")
                    .subjects("third").storageType(StorageType.Memory).build())));
            byte[] kb = new byte[1024];
            String refused = "none";
            long stored = 0;
            for (int i = 0; i < 200; i++) {
                try {
                    nc.jetStream().publish("file", kb);
                    stored++;
                } catch (JetStreamApiException e) {
                    refused = Integer.toString(e.getApiErrorCode());
                    break;
                }
            }
            seen.add("publish over max_file: " + refused);
            long count = jsm.getStreamInfo("FILE").getStreamState().getMsgCount();
            boolean readable = count > 0 && jsm.getMessage("FILE", 1).getData().length == 1024
                    && jsm.getMessage("FILE", count).getData().length == 1024;
            seen.add("stored before the refusal: " + (count == stored && readable ? "intact"
                    : "count " + count + " of " + stored));
            return seen;
        }

        private interface Call {
            void run() throws Exception;
        }

        private static String code(Call call) throws Exception {
            try {
                call.run();
                return "ok";
            } catch (JetStreamApiException e) {
                return Integer.toString(e.getApiErrorCode());
            }
        }
    }
}
