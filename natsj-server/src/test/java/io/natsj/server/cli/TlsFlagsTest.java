package io.natsj.server.cli;

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

import static org.assertj.core.api.Assertions.assertThat;

/** nats-server's TLS flags ({@code --tls}, {@code --tlscert}, ...) and {@code --https_port}, over a config file. */
@Timeout(30)
class TlsFlagsTest {

    @TempDir
    static Path dir;
    static final TestPki pki = TestPki.shared();

    private static ServerOptions run(String... args) {
        ServerFlags.Result r = ServerFlags.parse(args);
        assertThat(r.action()).as(String.valueOf(r.error())).isEqualTo(ServerFlags.Action.RUN);
        return r.options();
    }

    private static String error(String... args) {
        ServerFlags.Result r = ServerFlags.parse(args);
        assertThat(r.action()).isEqualTo(ServerFlags.Action.ERROR);
        return r.error();
    }

    private static String cert() {
        return pki.serverCert().toString();
    }

    private static String key() {
        return pki.serverKey().toString();
    }

    @Test
    void tlsWithCertificateAndKey() {
        TlsOptions t = run("--tls", "--tlscert", cert(), "--tlskey", key()).tls();
        assertThat(t.certFile()).isEqualTo(pki.serverCert());
        assertThat(t.keyFile()).isEqualTo(pki.serverKey());
        assertThat(t.verifyClients()).isFalse();
        assertThat(t.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(run().tls()).isNull();
    }

    @Test
    void verifyWithCaAndSingleDashForms() {
        TlsOptions t = run("-tlsverify", "-tlscert", cert(), "-tlskey", key(), "-tlscacert",
                pki.caFile().toString()).tls();
        assertThat(t.verifyClients()).isTrue();
        assertThat(t.caFile()).isEqualTo(pki.caFile());
    }

    @Test
    void anyTlsFlagNeedsCertificateAndKey() {
        assertThat(error("--tls")).isEqualTo("TLS Server certificate must be present and valid");
        assertThat(error("--tlsverify", "--tlscert", cert()))
                .isEqualTo("TLS Server private key must be present and valid");
        assertThat(error("--tls", "--tlscert", cert(), "--tlskey", pki.clientKey().toString()))
                .isEqualTo("error parsing X509 certificate/key pair: private key does not match public key");
    }

    @Test
    void flagsReplaceTheFileCertificatesButKeepItsTimeoutAndHandshakeFirst() throws IOException {
        Path conf = dir.resolve("tls.conf");
        Files.writeString(conf, "tls { cert_file: \"" + cert() + "\", key_file: \"" + key() + "\", ca_file: \""
                + pki.caFile() + "\", verify: true, timeout: 5, handshake_first: auto }\n");
        TlsOptions t = run("-c", conf.toString(), "--tlscert", cert(), "--tlskey", key()).tls();
        assertThat(t.verifyClients()).isFalse();
        assertThat(t.caFile()).isNull();
        assertThat(t.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(t.handshakeFirst()).isTrue();
        assertThat(t.handshakeFirstFallback()).isEqualTo(Duration.ofMillis(50));
        assertThat(run("-c", conf.toString()).tls().verifyClients()).isTrue();
        assertThat(run("-c", conf.toString(), "--tls=false").tls()).as("--tls=false turns TLS off").isNull();
        assertThat(run("-c", conf.toString(), "--tls=false", "--tlscert", "/nowhere").tls()).isNull();
    }

    @Test
    void httpsPortFlag() {
        assertThat(run("--https_port", "8443", "--tls", "--tlscert", cert(), "--tlskey", key()).httpsPort())
                .isEqualTo(8443);
        assertThat(run("-ms", "-1").httpsPort()).isEqualTo(ServerOptions.RANDOM_PORT);
    }

    @Test
    void usageListsTheTlsFlags() {
        assertThat(ServerFlags.usage()).contains("--tlscert <file>", "--tlskey <file>", "--tlscacert <file>",
                "--tlsverify", "--https_port <port>");
    }
}
