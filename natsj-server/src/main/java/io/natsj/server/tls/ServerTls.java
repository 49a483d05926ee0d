package io.natsj.server.tls;

import io.natsj.server.TlsOptions;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The server side of TLS as built from {@link TlsOptions}: the JDK {@link SSLContext} (from the PEM files, or the
 * one given in code) and the parameters nats-server would use: protocols from {@code min_version}, TLS 1.2 cipher
 * suites and key exchange groups with nats-server's defaults, client certificates required when {@code verify}.
 * {@link #wrap} layers a server-mode {@link SSLSocket} over an accepted socket.
 *
 * <p>Every problem with the options is an {@link IllegalArgumentException} with nats-server's wording where it has
 * one, so that config loading, flags and {@code NatsServer.start} report it the same way.
 *
 * <p>Threading: immutable once created; {@link #wrap} may be called from any thread.
 */
public final class ServerTls {

    private final TlsOptions options;
    private final SSLContext context;
    private final SSLSocketFactory factory;
    private final String[] protocols;
    private final String[] cipherSuites;
    private final String[] namedGroups;

    private ServerTls(TlsOptions options, SSLContext context, String[] protocols, String[] cipherSuites,
                      String[] namedGroups) {
        this.options = options;
        this.context = context;
        this.factory = context.getSocketFactory();
        this.protocols = protocols;
        this.cipherSuites = cipherSuites;
        this.namedGroups = namedGroups;
    }

    /** Builds the context (loading and checking the files) and the parameters; throws on any problem. */
    public static ServerTls create(TlsOptions o) {
        SSLContext context = o.sslContext() != null ? o.sslContext() : contextFromFiles(o);
        String min = o.minVersion() == null || o.minVersion().isEmpty() ? "1.2" : o.minVersion();
        String bad = TlsNames.checkMinVersion(min);
        if (bad != null) {
            throw new IllegalArgumentException("error parsing tls config: " + bad);
        }
        String[] protocols = min.equals("1.3") ? new String[]{"TLSv1.3"} : new String[]{"TLSv1.3", "TLSv1.2"};
        Set<String> supported = new HashSet<>(Arrays.asList(context.getSupportedSSLParameters().getCipherSuites()));
        return new ServerTls(o, context, protocols, cipherSuites(o.cipherSuites(), supported),
                namedGroups(o.curvePreferences()));
    }

    private static String[] cipherSuites(List<String> configured, Set<String> supported) {
        List<String> suites = new ArrayList<>();
        for (String s : TlsNames.TLS13_SUITES) {
            if (supported.contains(s)) {
                suites.add(s);
            }
        }
        List<String> tls12 = configured.isEmpty() ? TlsNames.DEFAULT_TLS12_SUITES : configured;
        for (String name : tls12) {
            if (!TlsNames.isNatsCipherSuite(name)) {
                throw new IllegalArgumentException("unrecognized cipher " + name);
            }
            if (TlsNames.isTls13Suite(name)) {
                continue; // as in Go: TLS 1.3 suites are always on and not configurable
            }
            String jsse = TlsNames.jsseSuite(name);
            if (supported.contains(jsse)) {
                suites.add(jsse);
            } else if (!configured.isEmpty()) {
                throw new IllegalArgumentException("cipher suite " + name + " is not available in this Java runtime");
            }
        }
        return suites.toArray(String[]::new);
    }

    private static String[] namedGroups(List<String> configured) {
        List<String> names = configured.isEmpty() ? TlsNames.DEFAULT_CURVES : configured;
        List<String> groups = new ArrayList<>();
        for (String name : names) {
            if (!TlsNames.isNatsCurve(name)) {
                throw new IllegalArgumentException("unrecognized curve preference " + name);
            }
            groups.add(TlsNames.jsseGroup(name));
        }
        return groups.toArray(String[]::new);
    }

    private static SSLContext contextFromFiles(TlsOptions o) {
        if (o.certFile() == null && o.keyFile() == null) {
            throw new IllegalArgumentException("missing 'cert_file' and 'key_file' in TLS configuration");
        }
        if (o.keyFile() == null) {
            throw new IllegalArgumentException("missing 'key_file' in TLS configuration");
        }
        if (o.certFile() == null) {
            throw new IllegalArgumentException("missing 'cert_file' in TLS configuration");
        }
        FixedKeyManager keys;
        try {
            List<X509Certificate> chain = PemFiles.certificates(o.certFile());
            PrivateKey key = PemFiles.privateKey(o.keyFile());
            PemFiles.checkPair(chain.getFirst(), key);
            keys = new FixedKeyManager(key, chain.toArray(X509Certificate[]::new));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("error parsing X509 certificate/key pair: " + e.getMessage(), e);
        }
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            TrustManager[] trust = o.caFile() == null ? null
                    : ClientCertResumption.wrap(trustManagers(o), context::getServerSessionContext);
            context.init(new KeyManager[]{keys}, trust, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("error setting up TLS: " + e.getMessage(), e);
        }
    }

    private static TrustManager[] trustManagers(TlsOptions o) {
        try {
            List<X509Certificate> cas = PemFiles.certificates(o.caFile());
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                store.setCertificateEntry("ca-" + i, cas.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            return tmf.getTrustManagers();
        } catch (GeneralSecurityException | IOException e) {
            String detail = e.getMessage() != null && e.getMessage().startsWith("open ") ? e.getMessage()
                    : "failed to parse root ca certificate";
            throw new IllegalArgumentException(detail, e);
        }
    }

    /**
     * A server-mode TLS socket over {@code raw}; {@code consumed} holds bytes already read from {@code raw} that
     * belong to the handshake. Closing the TLS socket closes {@code raw}.
     */
    public SSLSocket wrap(Socket raw, byte[] consumed) throws IOException {
        SSLSocket ssl = (SSLSocket) factory.createSocket(raw,
                consumed.length == 0 ? null : new ByteArrayInputStream(consumed), true);
        ssl.setSSLParameters(clientPortParameters());
        return ssl;
    }

    /** The parameters of the client port: client certificates required when {@code verify} is on. */
    public SSLParameters clientPortParameters() {
        return parameters(options.verifyClients());
    }

    /** The parameters of a server handshake; {@code requireClientCert} for the client port with verify. */
    public SSLParameters parameters(boolean requireClientCert) {
        SSLParameters p = context.getDefaultSSLParameters();
        p.setProtocols(protocols.clone());
        p.setCipherSuites(cipherSuites.clone());
        p.setUseCipherSuitesOrder(true);
        p.setNamedGroups(namedGroups.clone());
        p.setNeedClientAuth(requireClientCert);
        return p;
    }

    public SSLContext context() {
        return context;
    }

    public TlsOptions options() {
        return options;
    }
}
