package io.natsj.server.it;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.natsj.server.NatsServer;
import io.natsj.server.config.ConfigLoader;
import io.natsj.server.tls.TestPki;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * natsj and nats-server 2.9.10 with the same {@code tls {}} config file: the same TLS fields in INFO, in the same
 * order; the same outcome for a TLS client, a plain-text client and a client that never starts its handshake.
 * Skipped when nats-server is not installed.
 */
@Timeout(120)
class TlsDifferentialIT {

    @TempDir
    static Path dir;
    static final TestPki pki = TestPki.shared();

    @BeforeAll
    static void natsServerInstalled() {
        assumeTrue(NatsServerProcess.installed(), "nats-server is not installed");
    }

    private static String tlsBlock(String extra) {
        return "tls {\n  cert_file: \"" + pki.serverCert() + "\"\n  key_file: \"" + pki.serverKey() + "\"\n"
                + "  ca_file: \"" + pki.caFile() + "\"\n" + extra + "}\n";
    }

    /** Runs {@code check} against nats-server and natsj, both loaded from {@code config}. */
    private static void both(String config, ServerCheck check) throws Exception {
        Path file = Files.writeString(dir.resolve("natsj-" + System.nanoTime() + ".conf"), config);
        try (NatsServerProcess reference = NatsServerProcess.withConfig(config);
             NatsServer natsj = NatsServer.start(ConfigLoader.load(file, Map.<String, String>of()::get).options()
                     .host("127.0.0.1").port(0).noLog(true).build())) {
            check.run(reference.port(), natsj.port());
        }
    }

    @FunctionalInterface
    private interface ServerCheck {
        void run(int referencePort, int natsjPort) throws Exception;
    }

    @Test
    void infoTlsFieldsMatch() throws Exception {
        for (String config : List.of(tlsBlock(""), tlsBlock("  verify: true\n"),
                tlsBlock("  verify_and_map: true\n"), tlsBlock("") + "allow_non_tls: true\n")) {
            both(config, (ref, nj) -> {
                JsonNode r = info(ref);
                JsonNode n = info(nj);
                List<String> refTls = tlsKeys(r);
                assertThat(tlsKeys(n)).as("TLS keys for %s", config).isEqualTo(refTls);
                for (String key : refTls) {
                    assertThat(n.get(key)).as(key).isEqualTo(r.get(key));
                }
                List<String> natsjKeys = new ArrayList<>(n.propertyNames());
                assertThat(natsjKeys.stream().filter(k -> r.has(k)).toList()).as("order of the common keys")
                        .isEqualTo(new ArrayList<>(r.propertyNames()).stream().filter(n::has).toList());
            });
        }
    }

    @Test
    void tlsClientIsServedAndPlainClientIsClosedSilently() throws Exception {
        both(tlsBlock(""), (ref, nj) -> {
            assertThat(overTls(nj, "CONNECT {\"verbose\":false}\r\nPING\r\n"))
                    .isEqualTo(overTls(ref, "CONNECT {\"verbose\":false}\r\nPING\r\n")).isEqualTo("PONG\r\n");
            RawClient.Reply reference;
            try (RawClient raw = RawClient.open(ref)) {
                reference = raw.send("CONNECT {\"verbose\":false}\r\nPING\r\n").readReply();
            }
            assertThat(reference).isEqualTo(RawClient.Reply.closed(""));
            try (RawClient raw = RawClient.open(nj)) {
                assertThat(raw.send("CONNECT {\"verbose\":false}\r\nPING\r\n").readReply()).isEqualTo(reference);
            }
        });
    }

    /**
     * A plain-text CONNECT on a TLS port, as jnats-server-runner probes a launched server: nats-server's TLS read
     * takes the whole line before it gives up, so its close is a FIN, not a reset (a reset made the runner fail).
     */
    @Test
    void plainTextOnTheTlsPortEndsWithAFinAsFromNatsServer() throws Exception {
        String connect = "CONNECT {\"lang\":\"java\",\"version\":\"9.99.9\",\"protocol\":1,\"verbose\":false,"
                + "\"pedantic\":false,\"tls_required\":false,\"echo\":true,\"headers\":true}\r\n";
        both(tlsBlock(""), (ref, nj) -> {
            RawClient.End expected;
            try (RawClient raw = RawClient.open(ref)) {
                expected = raw.send(connect).readToEnd(); // the runner writes before it reads INFO
            }
            assertThat(expected.reset()).as("nats-server: %s", expected).isFalse();
            try (RawClient raw = RawClient.open(nj)) {
                assertThat(raw.send(connect).readToEnd()).isEqualTo(expected);
            }
        });
    }

    @Test
    void tlsHandshakeOnThePlainPortGetsTheSameAnswer() throws Exception {
        byte[] clientHelloStart = {0x16, 0x03, 0x01, 0x00, (byte) 0xc8, 0x01, 0x00, 0x00, (byte) 0xc4, 0x03, 0x03};
        try (NatsServerProcess reference = NatsServerProcess.start();
             NatsServer natsj = NatsServer.start(ServerFixture.options().build())) {
            RawClient.Reply expected;
            try (RawClient raw = RawClient.open(reference.port())) {
                expected = raw.send(clientHelloStart).readReply();
            }
            assertThat(expected.closed()).isTrue();
            try (RawClient raw = RawClient.open(natsj.port())) {
                assertThat(raw.send(clientHelloStart).readReply()).isEqualTo(expected);
            }
        }
    }

    @Test
    void clientWithoutHandshakeIsClosedSilentlyAtTheTimeout() throws Exception {
        both(tlsBlock("  timeout: 0.5\n"), (ref, nj) -> {
            for (int port : new int[]{ref, nj}) {
                try (RawClient raw = RawClient.open(port)) {
                    long t0 = System.nanoTime();
                    assertThat(raw.drainUntilClosed(Duration.ofSeconds(5))).as("closed").isTrue();
                    assertThat((System.nanoTime() - t0) / 1_000_000).as("ms until closed").isBetween(100L, 4000L);
                }
            }
        });
    }

    @Test
    void connzTlsFieldsOfAClientWithACertificateMatch() throws Exception {
        int referenceHttp;
        try (ServerSocket probe = new ServerSocket(0)) {
            referenceHttp = probe.getLocalPort();
        }
        String config = tlsBlock("  verify: true\n");
        Path file = Files.writeString(dir.resolve("natsj-connz.conf"), config);
        try (NatsServerProcess reference = NatsServerProcess.withConfig(config + "http: \"127.0.0.1:" + referenceHttp
                + "\"\n");
             NatsServer natsj = NatsServer.start(ConfigLoader.load(file, Map.<String, String>of()::get).options()
                     .host("127.0.0.1").port(0).httpPort(-1).noLog(true).build())) {
            JsonNode r = connzOfOneCertifiedClient(reference.port(), referenceHttp);
            JsonNode n = connzOfOneCertifiedClient(natsj.port(), natsj.httpPort());
            for (String key : List.of("tls_version", "tls_cipher_suite", "tls_peer_certs")) {
                assertThat(n.get(key)).as(key).isEqualTo(r.get(key));
            }
            List<String> refKeys = new ArrayList<>(r.propertyNames());
            assertThat(new ArrayList<>(n.propertyNames()).stream().filter(refKeys::contains).toList())
                    .as("order of the common keys").isEqualTo(refKeys.stream().filter(n::has).toList());
        }
    }

    /** Connects a jnats client with alice's certificate and returns its {@code /connz?auth=true} entry. */
    private static JsonNode connzOfOneCertifiedClient(int port, int httpPort) throws Exception {
        try (Connection nc = Nats.connect(Options.builder()
                .server("tls://127.0.0.1:" + port).sslContext(pki.clientContextWithCert()).noReconnect().build());
             HttpClient http = HttpClient.newHttpClient()) {
            nc.flush(Duration.ofSeconds(5));
            String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + httpPort + "/connz?auth=true")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            return JsonMapper.shared().readTree(body).get("connections").get(0);
        }
    }

    private static List<String> tlsKeys(JsonNode info) {
        return new ArrayList<>(info.propertyNames()).stream().filter(k -> k.startsWith("tls_")).toList();
    }

    private static JsonNode info(int port) throws IOException {
        try (RawClient raw = RawClient.open(port)) {
            return JsonMapper.shared().readTree(raw.infoJson());
        }
    }

    /** Reads INFO in plain text, handshakes, sends {@code text} over TLS and returns what comes back. */
    private static String overTls(int port, String text) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(5000);
            InputStream in = s.getInputStream();
            while (in.read() != '\n') {
                // skip INFO
            }
            SSLSocket ssl = (SSLSocket) pki.clientContext().getSocketFactory().createSocket(s, "localhost", port,
                    true);
            ssl.startHandshake();
            ssl.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
            ssl.setSoTimeout(300);
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            try {
                int n;
                while ((n = ssl.getInputStream().read(buf)) > 0) {
                    got.write(buf, 0, n);
                }
            } catch (SocketTimeoutException e) {
                // quiet: the reply is complete
            }
            return got.toString(StandardCharsets.UTF_8);
        }
    }
}
