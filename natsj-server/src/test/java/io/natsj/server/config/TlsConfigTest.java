package io.natsj.server.config;

import io.natsj.server.ServerOptions;
import io.natsj.server.TlsOptions;
import io.natsj.server.tls.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** nats-server's {@code tls {}} block, {@code allow_non_tls}, {@code https} and {@code https_port} in config files. */
@Timeout(30)
class TlsConfigTest {

    @TempDir
    static Path dir;
    static final TestPki pki = TestPki.shared();

    private static ConfigLoader.Loaded load(String text) throws IOException {
        Path file = dir.resolve("tls.conf");
        Files.writeString(file, text);
        return ConfigLoader.load(file, Map.<String, String>of()::get);
    }

    private static ServerOptions options(String text) throws IOException {
        return load(text).options().build();
    }

    /** A {@code tls} block with the test certificate and {@code extra} lines. */
    private static String tls(String extra) {
        return "tls {\n  cert_file: \"" + pki.serverCert() + "\"\n  key_file: \"" + pki.serverKey() + "\"\n" + extra
                + "}\n";
    }

    @Test
    void everyTlsKey() throws IOException {
        ServerOptions o = options(tls("""
                  ca_file: "%s"
                  verify: true
                  timeout: 3
                  min_version: "1.3"
                  cipher_suites: ["TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305"]
                  curve_preferences: ["CurveP256", "X25519"]
                  insecure: false
                """.formatted(pki.caFile())));
        TlsOptions t = o.tls();
        assertThat(t.certFile()).isEqualTo(pki.serverCert());
        assertThat(t.keyFile()).isEqualTo(pki.serverKey());
        assertThat(t.caFile()).isEqualTo(pki.caFile());
        assertThat(t.verifyClients()).isTrue();
        assertThat(t.timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(t.minVersion()).isEqualTo("1.3");
        assertThat(t.cipherSuites()).containsExactly("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305");
        assertThat(t.curvePreferences()).containsExactly("CurveP256", "X25519");
        assertThat(t.handshakeFirst()).isFalse();
        assertThat(o.allowNonTls()).isFalse();
        assertThat(o.authTimeout()).as("nats-server's default with TLS: its timeout + 1 s")
                .isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void defaultsAndKeysInAnyCase() throws IOException {
        TlsOptions t = options("TLS { CERT_FILE: \"" + pki.serverCert() + "\", Key_File: \"" + pki.serverKey()
                + "\" }").tls();
        assertThat(t.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(t.verifyClients()).isFalse();
        assertThat(t.caFile()).isNull();
        assertThat(options("port: 4222").tls()).isNull();
        assertThat(options("port: 4222").authTimeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void timeoutAsSecondsFractionOrDuration() throws IOException {
        assertThat(options(tls("  timeout: 0.5\n")).tls().timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(options(tls("  timeout: \"750ms\"\n")).tls().timeout()).isEqualTo(Duration.ofMillis(750));
        assertThatThrownBy(() -> load(tls("  timeout: [1]\n")))
                .hasMessageEndingWith(":4:3: error parsing tls config, 'timeout' wrong type");
    }

    @Test
    void handshakeFirstForms() throws IOException {
        TlsOptions on = options(tls("  handshake_first: true\n")).tls();
        assertThat(on.handshakeFirst()).isTrue();
        assertThat(on.handshakeFirstFallback()).isZero();
        TlsOptions auto = options(tls("  handshake_first: auto\n")).tls();
        assertThat(auto.handshakeFirst()).isTrue();
        assertThat(auto.handshakeFirstFallback()).isEqualTo(Duration.ofMillis(50));
        TlsOptions delay = options(tls("  first: \"300ms\"\n")).tls();
        assertThat(delay.handshakeFirst()).isTrue();
        assertThat(delay.handshakeFirstFallback()).isEqualTo(Duration.ofMillis(300));
        assertThat(options(tls("  immediate: \"off\"\n")).tls().handshakeFirst()).isFalse();
        assertThatThrownBy(() -> load(tls("  handshake_first: \"sometimes\"\n")))
                .hasMessageEndingWith(":4:3: field \"handshake_first\"'s value \"sometimes\" is invalid");
        assertThatThrownBy(() -> load(tls("  handshake_first: 5\n")))
                .hasMessageEndingWith(":4:3: field \"handshake_first\" should be a boolean or a string, got integer");
    }

    @Test
    void verifyAndMapVerifiesWithAWarning() throws IOException {
        ConfigLoader.Loaded loaded = load(tls("  verify_and_map: true\n"));
        assertThat(loaded.options().build().tls().verifyClients()).isTrue();
        assertThat(loaded.warnings()).singleElement().asString().contains("verify_and_map");
    }

    @Test
    void allowNonTlsAndHttps() throws IOException {
        ServerOptions o = options(tls("") + "allow_non_tls: true\nhttps_port: 8443\n");
        assertThat(o.allowNonTls()).isTrue();
        assertThat(o.httpsPort()).isEqualTo(8443);
        ServerOptions listen = options(tls("") + "https: \"127.0.0.2:9443\"\n");
        assertThat(listen.httpHost()).isEqualTo("127.0.0.2");
        assertThat(listen.httpsPort()).isEqualTo(9443);
    }

    @Test
    void errorsAreNatsServersAtTheirPosition() {
        assertThatThrownBy(() -> load(tls("  bogus: 1\n")))
                .hasMessageEndingWith(":4:3: error parsing tls config, unknown field \"bogus\"");
        assertThatThrownBy(() -> load("tls { cert_file: 5 }"))
                .hasMessageEndingWith(":1:7: error parsing tls config, expected 'cert_file' to be filename");
        assertThatThrownBy(() -> load(tls("  verify: \"yes\"\n")))
                .hasMessageEndingWith(":4:3: error parsing tls config, expected 'verify' to be a boolean");
        assertThatThrownBy(() -> load(tls("  min_version: \"1.0\"\n")))
                .hasMessageEndingWith(":4:3: error parsing tls config: unsupported TLS version: TLS 1.0");
        assertThatThrownBy(() -> load(tls("  min_version: \"2.0\"\n")))
                .hasMessageEndingWith(":4:3: error parsing tls config: unknown version: 2.0");
        assertThatThrownBy(() -> load(tls("  cipher_suites: [\"TLS_AES_128_GCM_SHA256\", \"NOPE\"]\n")))
                .hasMessageEndingWith(":4:45: unrecognized cipher NOPE");
        assertThatThrownBy(() -> load(tls("  cipher_suites: []\n")))
                .hasMessageEndingWith(":4:3: error parsing tls config, 'cipher_suites' cannot be empty");
        assertThatThrownBy(() -> load(tls("  curve_preferences: [\"P256\"]\n")))
                .hasMessageEndingWith(":4:23: unrecognized curve preference P256");
        assertThatThrownBy(() -> load(tls("  verify_cert_and_check_known_urls: true\n")))
                .hasMessageEndingWith(":4:3: verify_cert_and_check_known_urls not supported in this context");
        assertThatThrownBy(() -> load(tls("  pinned_certs: []\n")))
                .hasMessageEndingWith(":4:3: natsj does not support field \"pinned_certs\" yet");
    }

    @Test
    void filesAreCheckedWhileLoading() {
        assertThatThrownBy(() -> load("port: 1\ntls { cert_file: \"" + pki.serverCert() + "\" }"))
                .hasMessageEndingWith(":2:1: missing 'key_file' in TLS configuration");
        assertThatThrownBy(() -> load("tls { cert_file: \"/nonexistent/c.pem\", key_file: \"" + pki.serverKey()
                + "\" }")).hasMessageEndingWith(":1:1: error parsing X509 certificate/key pair: "
                        + "open /nonexistent/c.pem: no such file or directory");
        assertThatThrownBy(() -> load("tls { cert_file: \"" + pki.serverCert() + "\", key_file: \"" + pki.clientKey()
                + "\" }")).hasMessageEndingWith(
                        ":1:1: error parsing X509 certificate/key pair: private key does not match public key");
        assertThatThrownBy(() -> load(tls("  ca_file: \"" + pki.serverKey() + "\"\n")))
                .hasMessageEndingWith(":1:1: failed to parse root ca certificate");
        assertThatThrownBy(() -> load(tls("  cipher_suites: [\"TLS_ECDHE_RSA_WITH_RC4_128_SHA\"]\n")))
                .hasMessageEndingWith(
                        ":1:1: cipher suite TLS_ECDHE_RSA_WITH_RC4_128_SHA is not available in this Java runtime");
    }

    @Test
    void tlsKeysNatsjDoesNotHaveAreRefused() {
        for (String key : List.of("connection_rate_limit: 10", "ocsp_peer: true", "certs: []",
                "cert_store: \"WindowsCurrentUser\"")) {
            assertThatThrownBy(() -> load(tls("  " + key + "\n")))
                    .hasMessageContaining("natsj does not support field");
        }
    }
}
