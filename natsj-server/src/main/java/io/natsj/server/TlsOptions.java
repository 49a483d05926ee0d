package io.natsj.server;

import javax.net.ssl.SSLContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * TLS on the client port, nats-server's {@code tls {}} block and {@code --tls*} flags. The server's key and
 * certificate come either from PEM files ({@link #files}) or, for embedding, from a ready {@link SSLContext}
 * ({@link #of}); the other settings apply to both.
 *
 * <pre>{@code
 * ServerOptions.builder().tls(TlsOptions.files(Path.of("server.pem"), Path.of("server-key.pem"))
 *         .withCaFile(Path.of("ca.pem")).withVerify(true)).build();
 * ServerOptions.builder().tls(TlsOptions.of(mySslContext)).build();
 * }</pre>
 *
 * @param certFile               the server's certificate chain (PEM), or null with {@code sslContext}
 * @param keyFile                the server's private key (PEM: PKCS#8, PKCS#1 RSA or SEC1 EC), or null
 * @param caFile                 CA certificates (PEM) that client certificates must chain to; null = the JDK's
 * @param sslContext             a ready context (keys and trust) used instead of the three files; null for files
 * @param verify                 require and verify a client certificate ({@code verify}, {@code --tlsverify})
 * @param verifyAndMap           {@code verify_and_map}: verify; mapping certificates to users is not implemented
 * @param timeout                how long a client has for the TLS handshake (nats-server's default: 2 s)
 * @param minVersion             the lowest TLS version accepted: {@code "1.2"} (default) or {@code "1.3"}
 * @param handshakeFirst         handshake before the server sends INFO ({@code handshake_first})
 * @param handshakeFirstFallback with {@code handshakeFirst}: how long to wait for a client's handshake before
 *                               sending INFO first after all (nats-server's "auto" fallback); ZERO = never
 * @param cipherSuites           TLS 1.2 cipher suites by nats-server's (Go's) names; empty = nats-server's defaults
 *                               (TLS 1.3 suites are always on, as in Go)
 * @param curvePreferences       key exchange groups by nats-server's names ({@code X25519}, {@code CurveP256},
 *                               {@code CurveP384}, {@code CurveP521}); empty = nats-server's defaults
 */
public record TlsOptions(Path certFile, Path keyFile, Path caFile, SSLContext sslContext, boolean verify,
                         boolean verifyAndMap, Duration timeout, String minVersion, boolean handshakeFirst,
                         Duration handshakeFirstFallback, List<String> cipherSuites,
                         List<String> curvePreferences) {

    /** nats-server's TLS handshake timeout. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    /** nats-server's wait for a "TLS first" handshake before it falls back to sending INFO ("auto"). */
    public static final Duration DEFAULT_HANDSHAKE_FIRST_FALLBACK = Duration.ofMillis(50);

    public TlsOptions {
        timeout = timeout == null || timeout.isZero() || timeout.isNegative() ? DEFAULT_TIMEOUT : timeout;
        handshakeFirstFallback = handshakeFirstFallback == null || handshakeFirstFallback.isNegative()
                ? Duration.ZERO : handshakeFirstFallback;
        cipherSuites = cipherSuites == null ? List.of() : List.copyOf(cipherSuites);
        curvePreferences = curvePreferences == null ? List.of() : List.copyOf(curvePreferences);
    }

    /** TLS with the server's certificate chain and key from PEM files; everything else nats-server's default. */
    public static TlsOptions files(Path certFile, Path keyFile) {
        return new TlsOptions(Objects.requireNonNull(certFile), Objects.requireNonNull(keyFile), null, null, false,
                false, null, null, false, null, null, null);
    }

    /** TLS with a ready context (its key managers hold the server's certificate). */
    public static TlsOptions of(SSLContext context) {
        return new TlsOptions(null, null, null, Objects.requireNonNull(context), false, false, null, null, false,
                null, null, null);
    }

    /** True when client certificates are required and verified. */
    public boolean verifyClients() {
        return verify || verifyAndMap;
    }

    public TlsOptions withCaFile(Path v) {
        return new TlsOptions(certFile, keyFile, v, sslContext, verify, verifyAndMap, timeout, minVersion,
                handshakeFirst, handshakeFirstFallback, cipherSuites, curvePreferences);
    }

    public TlsOptions withVerify(boolean v) {
        return new TlsOptions(certFile, keyFile, caFile, sslContext, v, verifyAndMap, timeout, minVersion,
                handshakeFirst, handshakeFirstFallback, cipherSuites, curvePreferences);
    }

    public TlsOptions withVerifyAndMap(boolean v) {
        return new TlsOptions(certFile, keyFile, caFile, sslContext, verify, v, timeout, minVersion,
                handshakeFirst, handshakeFirstFallback, cipherSuites, curvePreferences);
    }

    public TlsOptions withTimeout(Duration v) {
        return new TlsOptions(certFile, keyFile, caFile, sslContext, verify, verifyAndMap, v, minVersion,
                handshakeFirst, handshakeFirstFallback, cipherSuites, curvePreferences);
    }

    public TlsOptions withMinVersion(String v) {
        return new TlsOptions(certFile, keyFile, caFile, sslContext, verify, verifyAndMap, timeout, v,
                handshakeFirst, handshakeFirstFallback, cipherSuites, curvePreferences);
    }

    /** Handshake first; with a positive {@code fallback}, clients that wait for INFO still get it after that. */
    public TlsOptions withHandshakeFirst(boolean on, Duration fallback) {
        return new TlsOptions(certFile, keyFile, caFile, sslContext, verify, verifyAndMap, timeout, minVersion,
                on, fallback, cipherSuites, curvePreferences);
    }

    public TlsOptions withCipherSuites(List<String> v) {
        return new TlsOptions(certFile, keyFile, caFile, sslContext, verify, verifyAndMap, timeout, minVersion,
                handshakeFirst, handshakeFirstFallback, v, curvePreferences);
    }

    public TlsOptions withCurvePreferences(List<String> v) {
        return new TlsOptions(certFile, keyFile, caFile, sslContext, verify, verifyAndMap, timeout, minVersion,
                handshakeFirst, handshakeFirstFallback, cipherSuites, v);
    }

    @Override
    public String toString() {
        return "TlsOptions{cert=" + certFile + ", key=" + keyFile + ", ca=" + caFile + ", context="
                + (sslContext != null) + ", verify=" + verifyClients() + ", timeout=" + timeout + ", minVersion="
                + minVersion + ", handshakeFirst=" + handshakeFirst + "/" + handshakeFirstFallback + "}";
    }
}
