package io.natsj.bench;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;

/**
 * TLS for {@code --tls} runs: a throw-away self-signed certificate for {@code localhost}/{@code 127.0.0.1} made with
 * the JDK's {@code keytool} (no extra dependency), written as the PEM files both servers take
 * ({@code --tlscert}, {@code --tlskey}), and a client context that trusts it.
 *
 * <p>Threading: immutable once generated.
 */
final class BenchTls {

    private static final char[] PASSWORD = "natsj-bench".toCharArray();

    private final Path certFile;
    private final Path keyFile;
    private final SSLContext clientContext;

    private BenchTls(Path certFile, Path keyFile, SSLContext clientContext) {
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.clientContext = clientContext;
    }

    /** Makes the certificate (EC P-256, valid two days) in a fresh temporary directory. */
    static BenchTls generate() throws IOException, InterruptedException, GeneralSecurityException {
        Path dir = Files.createTempDirectory("natsj-bench-tls");
        Path store = dir.resolve("server.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname",
                "secp256r1", "-sigalg", "SHA256withECDSA", "-dname", "CN=localhost", "-ext",
                "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore",
                store.toString(), "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("keytool failed: " + output);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, PASSWORD);
        }
        Certificate cert = ks.getCertificate("server");
        Key key = ks.getKey("server", PASSWORD);
        Path certFile = Files.writeString(dir.resolve("server.pem"), pem("CERTIFICATE", cert.getEncoded()));
        Path keyFile = Files.writeString(dir.resolve("server-key.pem"), pem("PRIVATE KEY", key.getEncoded()));
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, tmf.getTrustManagers(), null);
        for (Path f : List.of(store, certFile, keyFile, dir)) {
            f.toFile().deleteOnExit();
        }
        return new BenchTls(certFile, keyFile, client);
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    /** The flags that give either server this certificate (nats-server's own TLS flags). */
    List<String> serverArgs() {
        return List.of("--tls", "--tlscert", certFile.toString(), "--tlskey", keyFile.toString());
    }

    SSLContext clientContext() {
        return clientContext;
    }
}
