package io.natsj.server.tls;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Certificates made at test time (BouncyCastle, test scope only): a CA, a server certificate for {@code localhost}
 * and {@code 127.0.0.1}, a client certificate ({@code CN=alice,O=Acme}) from that CA, and a second, unrelated CA with
 * its own client, for "wrong CA" cases. Each is written as PEM files in a directory, as an operator would have them,
 * and offered as a client-side {@link SSLContext} for jnats.
 *
 * <p>Threading: build once per test class; immutable afterwards.
 */
public final class TestPki {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    /** A certificate and its key pair. */
    public record Issued(X509Certificate cert, KeyPair keys) {
    }

    private final Path dir;
    private final Issued ca;
    private final Issued server;
    private final Issued client;
    private final Issued otherCa;
    private final Issued otherClient;
    private final Issued route;

    private TestPki(Path dir) throws Exception {
        this.dir = dir;
        ca = selfSignedCa("CN=natsj test CA");
        server = issue(ca, "CN=localhost", true, ecKeys());
        client = issue(ca, "CN=alice,O=Acme", false, ecKeys());
        otherCa = selfSignedCa("CN=other CA");
        otherClient = issue(otherCa, "CN=mallory", false, ecKeys());
        route = issueRoute(ca, ecKeys());
        writeCert("ca.pem", ca.cert());
        writeCert("server.pem", server.cert());
        writePkcs8("server-key.pem", server.keys());
        writeCert("client.pem", client.cert());
        writePkcs8("client-key.pem", client.keys());
        writeCert("other-ca.pem", otherCa.cert());
        writeCert("route.pem", route.cert());
        writePkcs8("route-key.pem", route.keys());
    }

    private static TestPki shared;

    /**
     * One set of certificates for the whole test run (made on first use, in a temporary directory removed when the
     * JVM exits): making them takes a moment, and nothing modifies them.
     */
    public static synchronized TestPki shared() {
        if (shared == null) {
            try {
                Path dir = Files.createTempDirectory("natsj-test-pki");
                dir.toFile().deleteOnExit();
                shared = create(dir);
                try (var files = Files.list(dir)) {
                    files.forEach(f -> f.toFile().deleteOnExit());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shared;
    }

    /** Makes every certificate and writes the PEM files into {@code dir}. */
    public static TestPki create(Path dir) {
        try {
            return new TestPki(dir);
        } catch (Exception e) {
            throw new IllegalStateException("cannot make test certificates", e);
        }
    }

    public Path caFile() { return dir.resolve("ca.pem"); }
    public Path serverCert() { return dir.resolve("server.pem"); }
    public Path serverKey() { return dir.resolve("server-key.pem"); }
    public Path clientCert() { return dir.resolve("client.pem"); }
    public Path clientKey() { return dir.resolve("client-key.pem"); }
    public Path otherCaFile() { return dir.resolve("other-ca.pem"); }
    /** A certificate for both ends of a route ({@code localhost}, 127.0.0.1; server and client use). */
    public Path routeCert() { return dir.resolve("route.pem"); }
    public Path routeKey() { return dir.resolve("route-key.pem"); }
    public Issued ca() { return ca; }
    public Issued server() { return server; }
    public Issued client() { return client; }

    /** A client context that trusts the test CA and presents no certificate. */
    public SSLContext clientContext() {
        return context(ca.cert(), null);
    }

    /** A client context that trusts the test CA and speaks TLS 1.2 at most. */
    public SSLContext clientContextTls12() {
        return context(ca.cert(), null, "TLSv1.2");
    }

    /** A client context that trusts the test CA and presents {@code alice}'s certificate. */
    public SSLContext clientContextWithCert() {
        return context(ca.cert(), client);
    }

    /** A client context that trusts the test CA but presents a certificate from the other CA. */
    public SSLContext clientContextWithOtherCert() {
        return context(ca.cert(), otherClient);
    }

    /** A client context that trusts only the other CA (so it refuses the server's certificate). */
    public SSLContext clientContextTrustingOtherCa() {
        return context(otherCa.cert(), null);
    }

    /**
     * A client context ({@code protocol}: "TLS" or "TLSv1.2") that trusts the test CA and presents a certificate of
     * its own, {@code CN=bob}, valid from an hour ago until {@code notAfter}.
     */
    public SSLContext clientContextWithCertUntil(Instant notAfter, String protocol) {
        try {
            KeyPair keys = ecKeys();
            Instant now = Instant.now();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca.cert(),
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(notAfter), new X500Name("CN=bob"), keys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            return context(ca.cert(), new Issued(sign(b, ca.keys()), keys), protocol);
        } catch (Exception e) {
            throw new IllegalStateException("cannot make the client certificate", e);
        }
    }

    /** A server context with the server certificate, trusting the test CA (for embedding tests). */
    public SSLContext serverContext() {
        return context(ca.cert(), server);
    }

    private static SSLContext context(X509Certificate trusted, Issued identity) {
        return context(trusted, identity, "TLS");
    }

    private static SSLContext context(X509Certificate trusted, Issued identity, String protocol) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", trusted);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManagerFactory kmf = null;
            if (identity != null) {
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                keys.setKeyEntry("me", identity.keys().getPrivate(), "pw".toCharArray(),
                        new X509Certificate[]{identity.cert()});
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, "pw".toCharArray());
            }
            SSLContext ctx = SSLContext.getInstance(protocol);
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static KeyPair ecKeys() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    public static KeyPair rsaKeys() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    private static Issued selfSignedCa(String subject) throws Exception {
        KeyPair keys = ecKeys();
        X500Name name = new X500Name(subject);
        X509v3CertificateBuilder b = builder(name, name, keys);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return new Issued(sign(b, keys), keys);
    }

    /** A certificate for {@code keys} issued by {@code issuer}: a server one (SANs, serverAuth) or a client one. */
    public static Issued issue(Issued issuer, String subject, boolean serverCert, KeyPair keys) throws Exception {
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer.cert(),
                BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(2))), new X500Name(subject), keys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        if (serverCert) {
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[]{
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        } else {
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
        }
        return new Issued(sign(b, issuer.keys()), keys);
    }

    /** A certificate good as server and as client, as nats-server's routes need (they verify both ends). */
    static Issued issueRoute(Issued issuer, KeyPair keys) throws Exception {
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer.cert(),
                BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(2))), new X500Name("CN=localhost"), keys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[]{
            new GeneralName(GeneralName.dNSName, "localhost"),
            new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                new KeyPurposeId[]{KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
        return new Issued(sign(b, issuer.keys()), keys);
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), subject,
                keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair signer) throws Exception {
        String algorithm = signer.getPrivate().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        ContentSigner cs;
        try {
            cs = new JcaContentSignerBuilder(algorithm).build(signer.getPrivate());
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
        return new JcaX509CertificateConverter().getCertificate(b.build(cs));
    }

    /** PEM text of certificates, keys (traditional PKCS#1/SEC1 form for a {@code PrivateKey}) or other objects. */
    public static String pem(Object... objects) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            for (Object o : objects) {
                w.writeObject(o);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * PEM text of an EC key in SEC1 form ({@code EC PRIVATE KEY}) with its named curve, as OpenSSL writes it (the
     * JDK's own encoding leaves the curve to the PKCS#8 wrapper).
     */
    public static String sec1Pem(KeyPair keys) {
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded());
        try {
            org.bouncycastle.asn1.sec.ECPrivateKey inner =
                    org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
            org.bouncycastle.asn1.sec.ECPrivateKey withCurve = new org.bouncycastle.asn1.sec.ECPrivateKey(256,
                    inner.getKey(), null, info.getPrivateKeyAlgorithm().getParameters());
            return pem(new PemObject("EC PRIVATE KEY", withCurve.getEncoded()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** PEM text of a private key as PKCS#8 ({@code PRIVATE KEY}). */
    public static String pkcs8Pem(KeyPair keys) {
        try {
            return pem(new JcaPKCS8Generator(keys.getPrivate(), null).generate());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeCert(String name, X509Certificate cert) throws IOException {
        Files.writeString(dir.resolve(name), pem(cert));
    }

    private void writePkcs8(String name, KeyPair keys) throws IOException {
        Files.writeString(dir.resolve(name), pkcs8Pem(keys));
    }
}
