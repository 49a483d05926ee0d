package io.natsj.server.tls;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The PEM forms nats-server reads for {@code cert_file}, {@code key_file} and {@code ca_file}. */
@Timeout(30)
class PemFilesTest {

    @TempDir
    static Path dir;
    static final TestPki pki = TestPki.shared();

    private static Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void ecKeyAsPkcs8AndAsSec1() throws Exception {
        KeyPair keys = TestPki.ecKeys();
        PrivateKey pkcs8 = PemFiles.privateKey(write("ec8.pem", TestPki.pkcs8Pem(keys)));
        String sec1Text = TestPki.sec1Pem(keys);
        PrivateKey sec1 = PemFiles.privateKey(write("ec1.pem", sec1Text));
        assertThat(pkcs8.getAlgorithm()).isEqualTo("EC");
        assertThat(sec1.getAlgorithm()).isEqualTo("EC");
        assertThat(((java.security.interfaces.ECPrivateKey) sec1).getS())
                .isEqualTo(((java.security.interfaces.ECPrivateKey) keys.getPrivate()).getS());
    }

    @Test
    void rsaKeyAsPkcs1AndAsPkcs8() throws Exception {
        KeyPair keys = TestPki.rsaKeys();
        String pkcs1Text = TestPki.pem(keys.getPrivate());
        assertThat(pkcs1Text).contains("-----BEGIN RSA PRIVATE KEY-----");
        PrivateKey pkcs1 = PemFiles.privateKey(write("rsa1.pem", pkcs1Text));
        PrivateKey pkcs8 = PemFiles.privateKey(write("rsa8.pem", TestPki.pkcs8Pem(keys)));
        assertThat(pkcs1.getEncoded()).isEqualTo(keys.getPrivate().getEncoded());
        assertThat(pkcs8.getEncoded()).isEqualTo(keys.getPrivate().getEncoded());
    }

    @Test
    void rsaServerCertificateMatchesItsPkcs1Key() throws Exception {
        KeyPair keys = TestPki.rsaKeys();
        TestPki.Issued cert = TestPki.issue(pki.ca(), "CN=localhost", true, keys);
        PrivateKey key = PemFiles.privateKey(write("rsa-server-key.pem", TestPki.pem(keys.getPrivate())));
        PemFiles.checkPair(PemFiles.certificates(write("rsa-server.pem", TestPki.pem(cert.cert()))).getFirst(), key);
    }

    @Test
    void ed25519KeyAsPkcs8() throws Exception {
        KeyPair keys = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(
                keys.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
        assertThat(PemFiles.privateKey(write("ed.pem", pem)).getAlgorithm()).isIn("EdDSA", "Ed25519");
    }

    @Test
    void otherBlocksBeforeTheKeyAreSkipped() throws Exception {
        KeyPair keys = TestPki.ecKeys();
        String text = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
                + TestPki.sec1Pem(keys);
        assertThat(PemFiles.privateKey(write("params.pem", text)).getAlgorithm()).isEqualTo("EC");
    }

    @Test
    void sec1KeyWithoutItsCurveIsRefused() throws Exception {
        String noCurve = TestPki.pem(TestPki.ecKeys().getPrivate());
        assertThat(noCurve).contains("-----BEGIN EC PRIVATE KEY-----");
        assertThatThrownBy(() -> PemFiles.privateKey(write("nocurve.pem", noCurve)))
                .hasMessage("EC private key without a named curve");
    }

    @Test
    void aChainFileGivesEveryCertificateInOrder() throws Exception {
        Path chain = write("chain.pem", TestPki.pem(pki.server().cert(), pki.ca().cert()));
        assertThat(PemFiles.certificates(chain)).containsExactly(pki.server().cert(), pki.ca().cert());
    }

    @Test
    void keyMustMatchTheCertificate() throws Exception {
        PrivateKey other = TestPki.ecKeys().getPrivate();
        assertThatThrownBy(() -> PemFiles.checkPair(pki.server().cert(), other))
                .hasMessage("private key does not match public key");
        PemFiles.checkPair(pki.server().cert(), pki.server().keys().getPrivate());
        assertThatThrownBy(() -> PemFiles.checkPair(pki.server().cert(), TestPki.rsaKeys().getPrivate()))
                .hasMessage("private key type does not match public key type");
    }

    @Test
    void errorsSayWhatIsWrong() throws Exception {
        assertThatThrownBy(() -> PemFiles.certificates(dir.resolve("missing.pem")))
                .isInstanceOf(GeneralSecurityException.class).hasMessageContaining("no such file or directory");
        assertThatThrownBy(() -> PemFiles.certificates(write("empty.pem", "nothing here")))
                .hasMessageContaining("failed to find any PEM data in certificate input");
        assertThatThrownBy(() -> PemFiles.privateKey(pki.serverCert()))
                .hasMessageContaining("found a certificate rather than a key");
        assertThatThrownBy(() -> PemFiles.privateKey(write("enc.pem",
                "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n")))
                .hasMessageContaining("encrypted private keys are not supported");
        assertThatThrownBy(() -> PemFiles.privateKey(write("junk.pem",
                "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")))
                .hasMessageContaining("failed to parse private key");
    }
}
