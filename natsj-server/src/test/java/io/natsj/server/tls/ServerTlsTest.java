package io.natsj.server.tls;

import io.natsj.server.TlsOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLParameters;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** nats-server's TLS settings turned into the JDK's: versions, suites, groups, client certificates, file errors. */
@Timeout(30)
class ServerTlsTest {

    @TempDir
    static Path dir;
    static final TestPki pki = TestPki.shared();

    private static TlsOptions files() {
        return TlsOptions.files(pki.serverCert(), pki.serverKey());
    }

    @Test
    void defaultsAreNatsServers() {
        SSLParameters p = ServerTls.create(files()).parameters(false);
        assertThat(p.getProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(p.getCipherSuites()).startsWith("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
                "TLS_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
        assertThat(p.getCipherSuites()).contains("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256")
                .doesNotContain("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA");
        assertThat(p.getNamedGroups()).containsExactly("x25519", "secp256r1", "secp384r1", "secp521r1");
        assertThat(p.getNeedClientAuth()).isFalse();
        assertThat(ServerTls.create(files().withVerify(true)).clientPortParameters().getNeedClientAuth()).isTrue();
    }

    @Test
    void minVersionAndChosenSuitesAndCurves() {
        SSLParameters p = ServerTls.create(files().withMinVersion("1.3")
                .withCipherSuites(List.of("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305", "TLS_AES_256_GCM_SHA384"))
                .withCurvePreferences(List.of("CurveP384"))).parameters(false);
        assertThat(p.getProtocols()).containsExactly("TLSv1.3");
        assertThat(p.getCipherSuites()).containsExactly("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
                "TLS_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
        assertThat(p.getNamedGroups()).containsExactly("secp384r1");
    }

    @Test
    void badSettingsAreClearErrors() {
        assertThatThrownBy(() -> ServerTls.create(files().withMinVersion("1.1")))
                .hasMessage("error parsing tls config: unsupported TLS version: TLS 1.1");
        assertThatThrownBy(() -> ServerTls.create(files().withCipherSuites(List.of("TLS_FOO"))))
                .hasMessage("unrecognized cipher TLS_FOO");
        assertThatThrownBy(() -> ServerTls.create(files().withCipherSuites(List.of("TLS_RSA_WITH_RC4_128_SHA"))))
                .hasMessage("cipher suite TLS_RSA_WITH_RC4_128_SHA is not available in this Java runtime");
        assertThatThrownBy(() -> ServerTls.create(files().withCurvePreferences(List.of("P256"))))
                .hasMessage("unrecognized curve preference P256");
        assertThatThrownBy(() -> ServerTls.create(new TlsOptions(pki.serverCert(), null, null, null, false, false,
                null, null, false, null, null, null))).hasMessage("missing 'key_file' in TLS configuration");
        assertThatThrownBy(() -> ServerTls.create(TlsOptions.files(pki.serverCert(), pki.clientKey())))
                .hasMessage("error parsing X509 certificate/key pair: private key does not match public key");
        assertThatThrownBy(() -> ServerTls.create(files().withCaFile(dir.resolve("nope.pem"))))
                .hasMessageContaining("no such file or directory");
        assertThatThrownBy(() -> ServerTls.create(files().withCaFile(pki.serverKey())))
                .hasMessage("failed to parse root ca certificate");
    }

    @Test
    void namesAsNatsServerShowsThem() {
        assertThat(TlsNames.natsSuite("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"))
                .isEqualTo("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305");
        assertThat(TlsNames.natsSuite("TLS_CHACHA20_POLY1305_SHA256")).isEqualTo("TLS_CHACHA20_POLY1305_SHA256");
        assertThat(TlsNames.natsVersion("TLSv1.3")).isEqualTo("1.3");
        assertThat(TlsNames.natsVersion("TLSv1.2")).isEqualTo("1.2");
    }
}
