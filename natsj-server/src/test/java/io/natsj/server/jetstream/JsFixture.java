package io.natsj.server.jetstream;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.natsj.server.NatsServer;
import io.natsj.server.ServerOptions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A JetStream-enabled server for the JetStream integration tests, with the jnats connections a test opens on it:
 * either an embedded natsj server ({@link #natsj()}) or the reference nats-server 2.9.10 as a child process
 * ({@link #natsServer()}, skipping the calling test when it is not installed), each with its own temporary store
 * directory. Closing the fixture closes the connections, then the server, then removes the store directory.
 * Also the shared helpers: stream configs, API errors, raw JSON requests.
 */
final class JsFixture implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(10);
    static final Path NATS_SERVER = Path.of("/usr/sbin/nats-server");
    static final JsonMapper JSON = JsonMapper.builder().build();

    private NatsServer server;
    private final Process process;
    private String url;
    private final Path storeDir;
    private final List<Connection> connections = java.util.Collections.synchronizedList(new ArrayList<>());
    private Connection main;

    private JsFixture(NatsServer server, Process process, String url, Path storeDir) {
        this.server = server;
        this.process = process;
        this.url = url;
        this.storeDir = storeDir;
    }

    /** An embedded natsj server with JetStream, on a free loopback port. */
    static JsFixture natsj() throws IOException {
        Path dir = Files.createTempDirectory("natsj-js");
        NatsServer server = startNatsj(dir);
        return new JsFixture(server, null, server.clientUrl(), dir);
    }

    private static NatsServer startNatsj(Path dir) throws IOException {
        return NatsServer.start(ServerOptions.builder().host("127.0.0.1").port(0).noLog(true)
                .jetStream(ServerOptions.JetStreamOptions.DISABLED.withEnabled(true).withStoreDir(dir)).build());
    }

    /** Closes the connections and the embedded server, then starts a new one on the same store directory. */
    void restartNatsj() throws Exception {
        closeConnections();
        server.close();
        server = startNatsj(storeDir);
        url = server.clientUrl();
    }

    private void closeConnections() {
        for (Connection c : List.copyOf(connections)) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing anyway
            }
        }
        connections.clear();
        main = null;
    }

    static boolean natsServerInstalled() {
        return Files.isExecutable(NATS_SERVER);
    }

    /** nats-server with {@code -js -sd <tempdir>}; the calling test is skipped when it is not installed. */
    static JsFixture natsServer() throws Exception {
        assumeTrue(natsServerInstalled(), "nats-server is not installed at " + NATS_SERVER);
        Path dir = Files.createTempDirectory("nats-server-js");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Process p = new ProcessBuilder(NATS_SERVER.toString(), "-a", "127.0.0.1", "-p", Integer.toString(port),
                "-js", "-sd", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile()).start();
        JsFixture f = new JsFixture(null, p, "nats://127.0.0.1:" + port, dir);
        try {
            int finalPort = port;
            await().atMost(WAIT).ignoreExceptions().until(() -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", finalPort), 1000);
                    return true;
                }
            });
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
        return f;
    }

    /** The embedded server (natsj fixtures only). */
    NatsServer server() {
        return server;
    }

    String url() {
        return url;
    }

    /** A new jnats connection without reconnects, closed with the fixture. */
    Connection connect() throws Exception {
        Connection nc = Nats.connect(Options.builder().server(url).noReconnect().build());
        connections.add(nc);
        return nc;
    }

    /** As {@link #connect()}, sending subjects as UTF-8 (jnats sends them as ASCII unless told). */
    Connection connectUtf8() throws Exception {
        Connection nc = Nats.connect(Options.builder().server(url).noReconnect().supportUTF8Subjects().build());
        connections.add(nc);
        return nc;
    }

    /** The fixture's default connection, opened on first use. */
    Connection nc() throws Exception {
        if (main == null) {
            main = connect();
        }
        return main;
    }

    JetStreamManagement jsm() throws Exception {
        return nc().jetStreamManagement();
    }

    JetStream js() throws Exception {
        return nc().jetStream();
    }

    // ---- shared helpers ------------------------------------------------------------------------------------------

    /** A memory stream config named {@code name} capturing {@code subjects}. */
    static StreamConfiguration.Builder memory(String name, String... subjects) {
        return StreamConfiguration.builder().name(name).subjects(subjects).storageType(StorageType.Memory);
    }

    /** A file stream config named {@code name} capturing {@code subjects}. */
    static StreamConfiguration.Builder file(String name, String... subjects) {
        return StreamConfiguration.builder().name(name).subjects(subjects).storageType(StorageType.File);
    }

    /** What a JetStream call threw; fails when it did not throw a {@link JetStreamApiException}. */
    static JetStreamApiException apiError(ApiCall call) {
        JetStreamApiException e = catchThrowableOfType(JetStreamApiException.class, call::run);
        assertThat(e).as("a JetStreamApiException").isNotNull();
        return e;
    }

    /** Asserts the error's {@code code}, {@code err_code} and description. */
    static void assertApiError(JetStreamApiException e, int code, int errCode, String description) {
        assertThat(e.getApiErrorCode()).as("err_code of %s", e.getMessage()).isEqualTo(errCode);
        assertThat(e.getErrorCode()).as("code of %s", e.getMessage()).isEqualTo(code);
        if (description != null) {
            assertThat(e.getErrorDescription()).isEqualTo(description);
        }
    }

    /** A call that may throw. */
    @FunctionalInterface
    interface ApiCall {
        void run() throws Exception;
    }

    /** Sends {@code body} to {@code subject} and parses the JSON reply. */
    static JsonNode request(Connection nc, String subject, String body) throws Exception {
        Message reply = nc.request(subject, body.getBytes(StandardCharsets.UTF_8), WAIT);
        assertThat(reply).as("a reply on %s", subject).isNotNull();
        return JSON.readTree(reply.getData());
    }

    /** Sends a message with headers (may be null) and a reply subject, and parses the JSON reply (a PubAck). */
    static JsonNode request(Connection nc, String subject, Headers headers, String body) throws Exception {
        Message msg = NatsMessage.builder().subject(subject).headers(headers)
                .data(body.getBytes(StandardCharsets.UTF_8)).build();
        Message reply = nc.request(msg, WAIT);
        assertThat(reply).as("a reply on %s", subject).isNotNull();
        return JSON.readTree(reply.getData());
    }

    static JsonNode json(String text) {
        return JSON.readTree(text);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws Exception {
        closeConnections();
        if (server != null) {
            server.close();
        }
        if (process != null) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        if (Files.exists(storeDir)) {
            try (var walk = Files.walk(storeDir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
