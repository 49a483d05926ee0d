package io.natsj.server.monitor;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.natsj.server.NatsServer;
import io.natsj.server.ServerOptions;
import io.natsj.server.TlsOptions;
import io.natsj.server.tls.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Monitoring with TLS: {@code /varz}'s TLS fields, {@code /connz}'s per-connection TLS version, cipher suite and
 * client certificates, and the monitor itself over HTTPS ({@code https_port}) with the client port's certificate.
 */
@Timeout(60)
class MonitorTlsIT {

    static final TestPki pki = TestPki.shared();

    private NatsServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static ServerOptions.Builder options() {
        return ServerOptions.builder().host("127.0.0.1").port(0).noLog(true);
    }

    private static TlsOptions verifying() {
        return TlsOptions.files(pki.serverCert(), pki.serverKey()).withCaFile(pki.caFile()).withVerify(true);
    }

    private Connection connect(SSLContext context) throws Exception {
        return Nats.connect(Options.builder().server(server.clientUrl()).sslContext(context).noReconnect().build());
    }

    @Test
    void varzOverHttpsShowsTheTlsSettings() throws Exception {
        server = NatsServer.start(options().tls(verifying().withTimeout(Duration.ofMillis(1500)))
                .httpsPort(ServerOptions.RANDOM_PORT).build());
        assertThat(server.httpPort()).isZero();
        assertThat(server.httpsPort()).isPositive();
        try (MonitorHttp https = MonitorHttp.https(server.httpsPort(), pki.clientContext())) {
            JsonNode v = https.json("/varz");
            assertThat(v.get("tls_required").asBoolean()).isTrue();
            assertThat(v.get("tls_verify").asBoolean()).isTrue();
            assertThat(v.get("tls_timeout").asDouble()).isEqualTo(1.5);
            assertThat(v.get("https_port").asInt()).isEqualTo(server.httpsPort());
            assertThat(v.get("http_port").asInt()).isZero();
            assertThat(v.get("auth_timeout").asDouble()).as("TLS timeout + 1 s").isEqualTo(2.5);
        }
    }

    @Test
    void httpsPortDoesNotSpeakPlainHttp() throws Exception {
        server = NatsServer.start(options().tls(verifying()).httpsPort(ServerOptions.RANDOM_PORT).build());
        try (HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpsPort() + "/varz"))
                    .timeout(Duration.ofSeconds(5)).build();
            assertThatThrownBy(() -> plain.send(get, HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(java.io.IOException.class);
        }
    }

    @Test
    void withoutTlsVarzSaysSoAndKeepsTheDefaultTimeout() throws Exception {
        server = NatsServer.start(options().httpPort(ServerOptions.RANDOM_PORT).build());
        try (MonitorHttp http = new MonitorHttp(server.httpPort())) {
            JsonNode v = http.json("/varz");
            assertThat(v.has("tls_required")).isFalse();
            assertThat(v.has("tls_verify")).isFalse();
            assertThat(v.get("tls_timeout").asDouble()).isEqualTo(2.0);
            assertThat(v.get("https_port").asInt()).isZero();
        }
    }

    @Test
    void allowNonTlsIsNotTlsRequired() throws Exception {
        server = NatsServer.start(options().tls(TlsOptions.files(pki.serverCert(), pki.serverKey()))
                .allowNonTls(true).httpPort(ServerOptions.RANDOM_PORT).build());
        try (MonitorHttp http = new MonitorHttp(server.httpPort())) {
            assertThat(http.json("/varz").has("tls_required")).isFalse();
        }
    }

    @Test
    void connzShowsTlsVersionCipherAndClientCertificates() throws Exception {
        server = NatsServer.start(options().tls(verifying()).httpPort(ServerOptions.RANDOM_PORT).build());
        try (MonitorHttp http = new MonitorHttp(server.httpPort())) {
            try (Connection nc = connect(pki.clientContextWithCert())) {
                nc.flush(Duration.ofSeconds(5));
                JsonNode c = http.json("/connz?auth=true").get("connections").get(0);
                assertThat(c.get("tls_version").asString()).isEqualTo("1.3");
                assertThat(c.get("tls_cipher_suite").asString()).isEqualTo("TLS_AES_128_GCM_SHA256");
                assertThat(c.has("tls_first")).isFalse();
                JsonNode cert = c.get("tls_peer_certs").get(0);
                assertThat(cert.get("subject").asString()).isEqualTo("CN=alice,O=Acme");
                assertThat(cert.get("spki_sha256").asString()).isEqualTo(sha256(
                        pki.client().cert().getPublicKey().getEncoded()));
                assertThat(cert.get("cert_sha256").asString()).isEqualTo(sha256(pki.client().cert().getEncoded()));
                assertThat(http.json("/connz").get("connections").get(0).has("tls_peer_certs"))
                        .as("certificates only with auth=true").isFalse();
            }
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    http.json("/connz?state=closed").get("connections").size() == 1);
            JsonNode closed = http.json("/connz?state=closed").get("connections").get(0);
            assertThat(closed.get("tls_version").asString()).isEqualTo("1.3");
        }
    }

    @Test
    void tlsFirstConnectionsAreMarked() throws Exception {
        server = NatsServer.start(options().tls(TlsOptions.files(pki.serverCert(), pki.serverKey())
                .withHandshakeFirst(true, Duration.ZERO)).httpPort(ServerOptions.RANDOM_PORT).build());
        try (MonitorHttp http = new MonitorHttp(server.httpPort());
             Connection nc = Nats.connect(Options.builder().server(server.clientUrl())
                     .sslContext(pki.clientContext()).tlsFirst().noReconnect().build())) {
            nc.flush(Duration.ofSeconds(5));
            assertThat(http.json("/connz").get("connections").get(0).get("tls_first").asBoolean()).isTrue();
        }
    }

    @Test
    void monitoringPortsAreCheckedAtStart() {
        assertThatThrownBy(() -> NatsServer.start(options().tls(verifying()).httpPort(8222).httpsPort(8443).build()))
                .hasMessage("can't specify both HTTP (8222) and HTTPs (8443) ports");
        assertThatThrownBy(() -> NatsServer.start(options().httpsPort(8443).build()))
                .hasMessage("TLS cert and key required for HTTPS");
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
