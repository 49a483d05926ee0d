package io.natsj.server.it;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.natsj.server.NatsServer;
import io.natsj.server.ServerOptions;
import io.natsj.server.TlsOptions;
import io.natsj.server.client.ClientConnection;
import io.natsj.server.client.ClosedReason;
import io.natsj.server.tls.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Timeout;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * TLS on the client port through jnats and raw sockets: INFO in plain text then the handshake, client certificates
 * with {@code verify}, "TLS first" with and without fallback, {@code allow_non_tls}, and every way to get it wrong
 * (plain client on the TLS port, TLS client on the plain port, a client that does not trust the server, a handshake
 * that never comes): each gets nats-server's outcome and the server goes on serving others.
 */
@Timeout(60)
class TlsIT {

    @TempDir
    Path tempDir;

    static final TestPki pki = TestPki.shared();

    private final LogCapture log = LogCapture.of(ClientConnection.class);
    private NatsServer server;

    @BeforeEach
    void captureLog() {
        log.start();
    }

    @AfterEach
    void stop() {
        log.stop();
        if (server != null) {
            server.close();
        }
    }

    private static TlsOptions serverTls() {
        return TlsOptions.files(pki.serverCert(), pki.serverKey());
    }

    private static TlsOptions verifyingTls() {
        return serverTls().withCaFile(pki.caFile()).withVerify(true);
    }

    private NatsServer start(ServerOptions.Builder options) throws IOException {
        server = NatsServer.start(options.build());
        return server;
    }

    private NatsServer start(TlsOptions tls) throws IOException {
        return start(ServerFixture.options().tls(tls));
    }

    private Options.Builder tlsClient(SSLContext context) {
        return Options.builder().server(server.clientUrl()).sslContext(context).noReconnect()
                .connectionTimeout(Duration.ofSeconds(5));
    }

    /** A client expected to fail: it need not wait long for a server that has closed on it. */
    private Options.Builder failingClient(SSLContext context) {
        return tlsClient(context).connectionTimeout(Duration.ofSeconds(2));
    }

    /** A fresh TLS client (with a certificate, in case verify is on) still gets its own message. */
    private void assertServesTls() throws Exception {
        try (Connection nc = Nats.connect(tlsClient(pki.clientContextWithCert()).build())) {
            ServerFixture.assertServes(nc);
        }
    }

    private ClientConnection closedWith(ClosedReason reason) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> server.closedConnections().stream()
                .filter(c -> c.closedReason() == reason).findFirst().orElse(null), c -> c != null);
    }

    @Test
    void jnatsConnectsOverTlsAndMessagesFlow() throws Exception {
        start(serverTls());
        assertThat(server.clientUrl()).startsWith("tls://");
        try (Connection nc = Nats.connect(tlsClient(pki.clientContext()).build())) {
            ServerFixture.assertServes(nc);
            assertThat(nc.getServerInfo().isTLSRequired()).isTrue();
        }
        try (RawClient raw = RawClient.open(server.port())) {
            assertThat(raw.infoJson()).contains("\"tls_required\":true").doesNotContain("tls_verify")
                    .doesNotContain("tls_available");
        }
    }

    @Test
    void tlsSessionUsesTls13AndNatsServerNames() throws Exception {
        start(serverTls());
        try (Connection nc = Nats.connect(tlsClient(pki.clientContext()).build())) {
            nc.flush(Duration.ofSeconds(5));
            ClientConnection c = server.connections().iterator().next();
            assertThat(c.tls().version()).isEqualTo("1.3");
            assertThat(c.tls().cipherSuite()).isEqualTo("TLS_AES_128_GCM_SHA256");
            assertThat(c.tls().peerCertificates()).isEmpty();
            assertThat(c.tls().handshakeFirst()).isFalse();
        }
    }

    @Test
    void tls12ClientsGetNatsServersDefaultSuiteAndMinVersion13RefusesThem() throws Exception {
        start(serverTls());
        try (Connection nc = Nats.connect(tlsClient(pki.clientContextTls12()).build())) {
            ServerFixture.assertServes(nc);
            ClientConnection c = server.connections().iterator().next();
            assertThat(c.tls().version()).isEqualTo("1.2");
            assertThat(c.tls().cipherSuite()).isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
        }
        server.close();
        start(serverTls().withMinVersion("1.3"));
        assertThatThrownBy(() -> Nats.connect(failingClient(pki.clientContextTls12()).build()))
                .isInstanceOf(Exception.class);
        closedWith(ClosedReason.TLS_HANDSHAKE_ERROR);
        assertServesTls();
    }

    @Test
    void rsaServerKeyInPkcs1Form() throws Exception {
        java.security.KeyPair keys = TestPki.rsaKeys();
        TestPki.Issued cert = TestPki.issue(pki.ca(), "CN=localhost", true, keys);
        Path dir = tempDir;
        Path certFile = java.nio.file.Files.writeString(dir.resolve("rsa.pem"), TestPki.pem(cert.cert()));
        Path keyFile = java.nio.file.Files.writeString(dir.resolve("rsa-key.pem"), TestPki.pem(keys.getPrivate()));
        start(TlsOptions.files(certFile, keyFile));
        try (Connection nc = Nats.connect(tlsClient(pki.clientContext()).build())) {
            ServerFixture.assertServes(nc);
        }
    }

    @Test
    void largeMessagesCrossTlsRecordsIntact() throws Exception {
        start(serverTls());
        byte[] payload = new byte[512 * 1024];
        new java.util.Random(7).nextBytes(payload);
        try (Connection nc = Nats.connect(tlsClient(pki.clientContext()).build())) {
            io.nats.client.Subscription sub = nc.subscribe("big");
            nc.flush(Duration.ofSeconds(5));
            for (int i = 0; i < 20; i++) {
                nc.publish("big", payload);
            }
            for (int i = 0; i < 20; i++) {
                assertThat(sub.nextMessage(Duration.ofSeconds(10)).getData()).isEqualTo(payload);
            }
        }
    }

    @Test
    void verifyAcceptsOnlyClientsWithACertificateFromTheCa() throws Exception {
        start(verifyingTls());
        try (RawClient raw = RawClient.open(server.port())) {
            assertThat(raw.infoJson()).contains("\"tls_required\":true,\"tls_verify\":true");
        }
        assertThatThrownBy(() -> Nats.connect(failingClient(pki.clientContext()).build()))
                .as("no client certificate").isInstanceOf(Exception.class);
        closedWith(ClosedReason.TLS_HANDSHAKE_ERROR);
        assertThatThrownBy(() -> Nats.connect(failingClient(pki.clientContextWithOtherCert()).build()))
                .as("a certificate from another CA").isInstanceOf(Exception.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.closedConnections().stream()
                .filter(c -> c.closedReason() == ClosedReason.TLS_HANDSHAKE_ERROR).count() >= 2);
        assertThat(log.lines())
                .anyMatch(l -> l.startsWith("ERROR 127.0.0.1:") && l.contains(" - TLS handshake error: "));
        try (Connection nc = Nats.connect(tlsClient(pki.clientContextWithCert()).build())) {
            ServerFixture.assertServes(nc);
            ClientConnection c = server.connections().iterator().next();
            assertThat(c.tls().peerCertificates()).hasSize(1);
            assertThat(c.tls().peerCertificates().getFirst().getSubjectX500Principal().getName())
                    .contains("CN=alice");
        }
    }

    @Test
    void clientThatDoesNotTrustTheServerCertificateFailsAndServerGoesOn() throws Exception {
        start(serverTls());
        assertThatThrownBy(() -> Nats.connect(failingClient(pki.clientContextTrustingOtherCa()).build()))
                .isInstanceOf(Exception.class);
        closedWith(ClosedReason.TLS_HANDSHAKE_ERROR);
        assertServesTls();
    }

    @Test
    void plainTextConnectOnTheTlsPortIsAHandshakeErrorAndNothingIsSent() throws Exception {
        start(serverTls());
        try (RawClient raw = RawClient.open(server.port())) {
            raw.send("CONNECT {\"verbose\":false}\r\nPING\r\n");
            RawClient.Reply reply = raw.readReply();
            assertThat(reply.closed()).as("closed").isTrue();
            assertThat(reply.text()).as("nothing after INFO").isEmpty();
        }
        assertThat(closedWith(ClosedReason.TLS_HANDSHAKE_ERROR).closedReason().text())
                .isEqualTo("TLS Handshake Failure");
        await().atMost(Duration.ofSeconds(5)).until(() -> log.lines().stream().anyMatch(l ->
                l.endsWith(" - TLS handshake error: tls: first record does not look like a TLS handshake")));
        assertServesTls();
    }

    @Test
    void jnatsWithoutTlsOnTheTlsPortGetsAClearError() throws Exception {
        start(serverTls());
        String plainUrl = server.clientUrl().replace("tls://", "nats://");
        assertThatThrownBy(() -> Nats.connect(Options.builder().server(plainUrl).noReconnect()
                .connectionTimeout(Duration.ofSeconds(5)).build())).isInstanceOf(IOException.class);
        closedWith(ClosedReason.TLS_HANDSHAKE_ERROR);
        assertServesTls();
    }

    @Test
    void aClientThatNeverStartsTheHandshakeIsClosedAfterTheTlsTimeout() throws Exception {
        start(serverTls().withTimeout(Duration.ofMillis(300)));
        try (RawClient raw = RawClient.open(server.port())) {
            assertThat(raw.drainUntilClosed(Duration.ofSeconds(5))).as("closed by the server").isTrue();
        }
        closedWith(ClosedReason.TLS_HANDSHAKE_ERROR);
        assertThat(log.lines()).anyMatch(l -> l.startsWith("ERROR ") && l.endsWith(" - TLS handshake timeout"));
        assertServesTls();
    }

    @Test
    void aHandshakeStartedButNeverFinishedIsClosedAfterTheTlsTimeout() throws Exception {
        start(serverTls().withTimeout(Duration.ofMillis(300)));
        try (RawClient raw = RawClient.open(server.port())) {
            raw.send(new byte[]{0x16, 0x03, 0x01}); // the start of a TLS record, then silence
            assertThat(raw.drainUntilClosed(Duration.ofSeconds(5))).as("closed by the server").isTrue();
        }
        closedWith(ClosedReason.TLS_HANDSHAKE_ERROR);
        assertServesTls();
    }

    @Test
    void handshakeFirstAcceptsTlsFirstClientsOnly() throws Exception {
        start(serverTls().withHandshakeFirst(true, Duration.ZERO).withTimeout(Duration.ofMillis(500)));
        try (Connection nc = Nats.connect(tlsClient(pki.clientContext()).tlsFirst().build())) {
            ServerFixture.assertServes(nc);
            assertThat(server.connections().iterator().next().tls().handshakeFirst()).isTrue();
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
            s.setSoTimeout(5000);
            assertThat(s.getInputStream().read()).as("no INFO before the handshake; closed at the timeout")
                    .isEqualTo(-1);
        }
        assertThatThrownBy(() -> Nats.connect(failingClient(pki.clientContext()).build()))
                .as("a client waiting for INFO").isInstanceOf(Exception.class);
    }

    @Test
    void nkeyUsersSignTheNonceOfTheInfoSentAfterAHandshakeFirst() throws Exception {
        io.nats.client.NKey alice = io.nats.client.NKey.createUser(new java.security.SecureRandom());
        start(ServerFixture.options().tls(serverTls().withHandshakeFirst(true, Duration.ZERO))
                .users(List.of(io.natsj.server.auth.UserEntry.nkeyUser(new String(alice.getPublicKey())))));
        try (Connection nc = Nats.connect(tlsClient(pki.clientContext()).tlsFirst()
                .authHandler(Nats.staticCredentials(alice.getPublicKey(), alice.getSeed())).build())) {
            ServerFixture.assertServes(nc);
        }
    }

    @Test
    void handshakeFirstWithFallbackServesBothKindsOfClient() throws Exception {
        start(serverTls().withHandshakeFirst(true, Duration.ofMillis(50)));
        try (Connection first = Nats.connect(tlsClient(pki.clientContext()).tlsFirst().build());
             Connection later = Nats.connect(tlsClient(pki.clientContext()).build())) {
            ServerFixture.assertServes(first);
            ServerFixture.assertServes(later);
            assertThat(server.connections()).extracting(c -> c.tls().handshakeFirst())
                    .containsExactlyInAnyOrder(true, false);
        }
    }

    @Test
    void allowNonTlsServesPlainAndTlsClients() throws Exception {
        start(ServerFixture.options().tls(serverTls()).allowNonTls(true));
        try (RawClient raw = RawClient.open(server.port())) {
            assertThat(raw.infoJson()).contains("\"tls_available\":true").doesNotContain("tls_required");
            raw.send(RawClient.CONNECT).assertPingPong();
        }
        String plainUrl = server.clientUrl().replace("tls://", "nats://");
        try (Connection plain = Nats.connect(Options.builder().server(plainUrl).noReconnect().build());
             Connection secure = Nats.connect(tlsClient(pki.clientContext()).build())) {
            ServerFixture.assertServes(plain);
            ServerFixture.assertServes(secure);
            assertThat(server.connections()).extracting(c -> c.tls() != null).containsExactlyInAnyOrder(true, false);
        }
    }

    @Test
    void tlsClientOnThePlainPortGetsAnErrorAndServerGoesOn() throws Exception {
        start(ServerFixture.options());
        String tlsUrl = server.clientUrl().replace("nats://", "tls://");
        assertThatThrownBy(() -> Nats.connect(Options.builder().server(tlsUrl).sslContext(pki.clientContext())
                .noReconnect().connectionTimeout(Duration.ofSeconds(5)).build())).isInstanceOf(Exception.class);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
            s.setSoTimeout(5000);
            readLine(s.getInputStream());
            SSLSocket ssl = (SSLSocket) pki.clientContext().getSocketFactory().createSocket(s, "localhost",
                    server.port(), true);
            assertThatThrownBy(ssl::startHandshake).isInstanceOf(SSLException.class);
        }
        assertServesPlain();
    }

    @Test
    void tlsClientHelloOnThePlainPortIsAnUnknownOperation() throws Exception {
        start(ServerFixture.options());
        try (RawClient raw = RawClient.open(server.port())) {
            raw.send(new byte[]{0x16, 0x03, 0x01, 0x00, (byte) 0xc8, 0x01, 0x00, 0x00, (byte) 0xc4, 0x03, 0x03});
            RawClient.Reply reply = raw.readReply();
            assertThat(reply.text()).isEqualTo("-ERR 'Unknown Protocol Operation'\r\n");
            assertThat(reply.closed()).isTrue();
        }
        assertServesPlain();
    }

    @Test
    void embeddingWithAReadySslContext() throws Exception {
        start(TlsOptions.of(pki.serverContext()).withVerify(true));
        try (Connection nc = Nats.connect(tlsClient(pki.clientContextWithCert()).build())) {
            ServerFixture.assertServes(nc);
        }
        assertThatThrownBy(() -> Nats.connect(failingClient(pki.clientContext()).build()))
                .isInstanceOf(Exception.class);
    }

    @Test
    void errorsBeforeCloseStillReachTheTlsClient() throws Exception {
        start(ServerFixture.options().tls(serverTls()).user("u").password("p"));
        assertThat(server.options().authTimeout()).as("nats-server's default with TLS: timeout + 1 s")
                .isEqualTo(Duration.ofSeconds(3));
        assertThatThrownBy(() -> Nats.connect(failingClient(pki.clientContext()).userInfo("u", "wrong").build()))
                .hasStackTraceContaining("Authorization Violation");
        try (Connection nc = Nats.connect(tlsClient(pki.clientContext()).userInfo("u", "p").build())) {
            ServerFixture.assertServes(nc);
        }
    }

    @Test
    void serverShutdownClosesTlsClientsPromptly() throws Exception {
        start(serverTls());
        List<Connection> clients = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            clients.add(Nats.connect(tlsClient(pki.clientContext()).build()));
        }
        long t0 = System.nanoTime();
        server.close();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
        for (Connection c : clients) {
            await().atMost(Duration.ofSeconds(10)).until(() -> c.getStatus() != Connection.Status.CONNECTED);
            c.close();
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            sb.append((char) b);
        }
        return sb.toString();
    }

    /** A fresh plain-text client still gets its own message. */
    private void assertServesPlain() throws Exception {
        try (Connection nc = Nats.connect(Options.builder().server(server.clientUrl()).noReconnect().build())) {
            ServerFixture.assertServes(nc);
        }
    }
}
