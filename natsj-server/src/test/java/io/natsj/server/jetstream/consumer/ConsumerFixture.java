package io.natsj.server.jetstream.consumer;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * One JetStream server for a consumer test, reached through a jnats connection: either an embedded natsj server on a
 * store directory (which {@link #restart()} closes and starts again on the same directory), or the reference
 * nats-server 2.9.10 ({@code /usr/sbin/nats-server -js}) as a child process, so one scenario can run on both and the
 * outcomes be compared. Helpers send raw JetStream API requests (JSON in, JSON out), pull requests to
 * {@code CONSUMER.MSG.NEXT} with their own inbox, and render status messages as "code text" with their headers.
 */
final class ConsumerFixture implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(5);
    static final Path REFERENCE_BINARY = Path.of("/usr/sbin/nats-server");
    static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path storeDir;
    private final boolean reference;
    private NatsServer server;
    private Process process;
    private Path processLog;
    private int port;
    private Connection nc;
    private final List<Connection> extra = new ArrayList<>();

    private ConsumerFixture(Path storeDir, boolean reference) {
        this.storeDir = storeDir;
        this.reference = reference;
    }

    /** An embedded natsj server with JetStream on {@code storeDir}. */
    static ConsumerFixture natsj(Path storeDir) throws Exception {
        ConsumerFixture f = new ConsumerFixture(storeDir, false);
        f.startNatsj();
        return f;
    }

    /** nats-server 2.9.10 with JetStream on {@code storeDir}; skips the test when it is not installed. */
    static ConsumerFixture reference(Path storeDir) throws Exception {
        assumeTrue(Files.isExecutable(REFERENCE_BINARY), "nats-server is not installed at " + REFERENCE_BINARY);
        ConsumerFixture f = new ConsumerFixture(storeDir, true);
        f.startReference();
        return f;
    }

    boolean isReference() {
        return reference;
    }

    private void startNatsj() throws Exception {
        server = NatsServer.start(ServerOptions.builder().host("127.0.0.1").port(0).noLog(true)
                .jetStream(ServerOptions.JetStreamOptions.DISABLED.withEnabled(true).withStoreDir(storeDir)).build());
        port = server.port();
        nc = connectNew();
    }

    private void startReference() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        processLog = Files.createTempFile("nats-server", ".log");
        process = new ProcessBuilder(REFERENCE_BINARY.toString(), "-js", "-sd", storeDir.toString(), "-a",
                "127.0.0.1", "-p", Integer.toString(port)).redirectErrorStream(true)
                .redirectOutput(processLog.toFile()).start();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return true;
            }
        });
        nc = connectNew();
    }

    /** A further jnats connection to the same server, closed with the fixture. */
    Connection connectNew() throws Exception {
        return connect(Options.builder());
    }

    /** As {@link #connectNew()}, sending subjects as UTF-8 (jnats sends them as ASCII unless told). */
    Connection connectUtf8() throws Exception {
        return connect(Options.builder().supportUTF8Subjects());
    }

    private Connection connect(Options.Builder options) throws Exception {
        Connection c = Nats.connect(options.server("nats://127.0.0.1:" + port).noReconnect()
                .errorListener(new io.nats.client.ErrorListener() {
                }).build());
        extra.add(c);
        return c;
    }

    /** Closes the connections and the server, then starts the server again on the same store directory. */
    void restart() throws Exception {
        closeServer();
        if (reference) {
            startReference();
        } else {
            startNatsj();
        }
    }

    Connection nc() {
        return nc;
    }

    /** The client port, for raw sockets. */
    int port() {
        return port;
    }

    JetStreamManagement jsm() throws IOException {
        return nc.jetStreamManagement();
    }

    JetStream js() throws IOException {
        return nc.jetStream();
    }

    // ---- streams and messages ------------------------------------------------------------------------------------

    StreamInfo stream(String name, String... subjects) throws Exception {
        return stream(StreamConfiguration.builder().name(name).subjects(subjects).storageType(StorageType.File));
    }

    StreamInfo stream(StreamConfiguration.Builder b) throws Exception {
        return jsm().addStream(b.build());
    }

    /** Publishes {@code m1..mN} to {@code subject} through JetStream (each acknowledged). */
    void publish(String subject, int n) throws Exception {
        for (int i = 1; i <= n; i++) {
            js().publish(subject, ("m" + i).getBytes(StandardCharsets.UTF_8));
        }
    }

    void publish(String subject, String data) throws Exception {
        js().publish(subject, data.getBytes(StandardCharsets.UTF_8));
    }

    // ---- raw API -------------------------------------------------------------------------------------------------

    /** A raw JetStream API request: {@code $JS.API.<suffix>} with this JSON body; the parsed response. */
    JsonNode api(String suffix, String body) throws Exception {
        Message m = nc.request("$JS.API." + suffix, body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8),
                WAIT);
        assertThat(m).as("response to $JS.API." + suffix).isNotNull();
        return JSON.readTree(m.getData());
    }

    /**
     * {@code CONSUMER.CREATE.<stream>.<durable>} (or {@code CONSUMER.CREATE.<stream>} without a durable name, the
     * forms nats-server 2.9 also accepts) with {@code {"stream_name":…,"config":<config>}}.
     */
    JsonNode createConsumer(String stream, String config) throws Exception {
        JsonNode durable = JSON.readTree(config).get("durable_name");
        String subject = "CONSUMER.CREATE." + stream + (durable == null ? "" : "." + durable.asString());
        return api(subject, "{\"stream_name\":\"" + stream + "\",\"config\":" + config + "}");
    }

    JsonNode consumerInfo(String stream, String consumer) throws Exception {
        return api("CONSUMER.INFO." + stream + "." + consumer, "");
    }

    /** The err_code of an API response, or 0 when it has no error. */
    static int errCode(JsonNode response) {
        JsonNode e = response.get("error");
        return e == null ? 0 : e.get("err_code").asInt();
    }

    static String errDescription(JsonNode response) {
        JsonNode e = response.get("error");
        return e == null ? null : e.get("description").asString();
    }

    // ---- pull requests and status messages -----------------------------------------------------------------------

    /** Subscribes a fresh inbox and sends {@code body} to {@code CONSUMER.MSG.NEXT.<stream>.<consumer>} from it. */
    Subscription pull(String stream, String consumer, String body) throws Exception {
        return pull(nc, stream, consumer, body);
    }

    static Subscription pull(Connection c, String stream, String consumer, String body) throws Exception {
        String inbox = c.createInbox();
        Subscription sub = c.subscribe(inbox);
        c.flush(WAIT);
        c.publish("$JS.API.CONSUMER.MSG.NEXT." + stream + "." + consumer, inbox,
                body.getBytes(StandardCharsets.UTF_8));
        c.flush(WAIT);
        return sub;
    }

    /** The next message on {@code sub}, failing when none comes within {@code wait}. */
    static Message next(Subscription sub, Duration wait) throws InterruptedException {
        Message m = sub.nextMessage(wait);
        assertThat(m).as("a message on " + sub.getSubject()).isNotNull();
        return m;
    }

    static Message next(Subscription sub) throws InterruptedException {
        return next(sub, WAIT);
    }

    /** "code text" of a status message, e.g. {@code 404 No Messages}; null for a plain message. */
    static String status(Message m) {
        if (!m.isStatusMessage()) {
            return null;
        }
        String text = m.getStatus().getMessage();
        return m.getStatus().getCode() + (text == null || text.isEmpty() ? "" : " " + text);
    }

    /** The headers of a message as name → first value, sorted by name (empty without headers). */
    static Map<String, String> headers(Message m) {
        Map<String, String> out = new TreeMap<>();
        if (m.getHeaders() != null) {
            for (String k : m.getHeaders().keySet()) {
                out.put(k, m.getHeaders().getFirst(k));
            }
        }
        return out;
    }

    /** A status message rendered for comparison: its status line, its header names, and their values. */
    static Map<String, String> describe(Message m) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("status", status(m));
        out.putAll(headers(m));
        out.put("data.length", Integer.toString(m.getData() == null ? 0 : m.getData().length));
        return out;
    }

    /** A delivered message or status for comparison: status messages as {@link #describe}, others by subject and data. */
    static Map<String, String> describeAny(Message m) {
        if (m.isStatusMessage()) {
            return describe(m);
        }
        Map<String, String> out = new LinkedHashMap<>();
        out.put("subject", m.getSubject());
        out.put("data", data(m));
        return out;
    }

    /** Messages on {@code sub} until a status other than 100 arrives (included) or nothing comes for {@code wait}. */
    static List<Message> untilStatus(Subscription sub, Duration wait) throws InterruptedException {
        List<Message> out = new ArrayList<>();
        while (true) {
            Message m = sub.nextMessage(wait);
            if (m == null) {
                return out;
            }
            out.add(m);
            if (m.isStatusMessage() && m.getStatus().getCode() != 100) {
                return out;
            }
        }
    }

    /** Messages on {@code sub} until none comes for {@code quiet}. */
    static List<Message> drain(Subscription sub, Duration quiet) throws InterruptedException {
        List<Message> out = new ArrayList<>();
        Message m;
        while ((m = sub.nextMessage(quiet)) != null) {
            out.add(m);
        }
        return out;
    }

    static String data(Message m) {
        return new String(m.getData(), StandardCharsets.UTF_8);
    }

    // ---- lifecycle -----------------------------------------------------------------------------------------------

    private void closeServer() throws Exception {
        for (Connection c : extra) {
            c.close();
        }
        extra.clear();
        if (server != null) {
            server.close();
            server = null;
        }
        if (process != null) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            process = null;
            Files.deleteIfExists(processLog);
        }
    }

    @Override
    public void close() throws Exception {
        closeServer();
    }
}
