package io.natsj.server.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Keeps TLS session resumption from outliving a client's certificate, as in nats-server. Go's TLS server resumes a
 * session only while the client certificate it was made with is valid; once it has expired the client gets a full
 * handshake, which refuses the certificate. The JDK resumes any session it still caches or issued a ticket for,
 * whatever that certificate's validity, so a client whose certificate had expired reconnected as if nothing
 * happened. Two parts:
 * <ul>
 *   <li>{@link #wrap} decorates the client port's trust manager: after verifying the client's certificate in a full
 *       handshake, it makes the session unresumable when the certificate expires before the session's lifetime
 *       (the server's session timeout) ends; the JDK then neither caches the session nor sends it a ticket;</li>
 *   <li>{@link #expired} tells, after any handshake, whether the client's certificate has expired: a session
 *       resumed anyway (a resumption renews the ticket, or the SSL context came from the embedding application)
 *       is then refused.</li>
 * </ul>
 *
 * <p>Threading: the trust manager is called on the handshaking connection's thread; it holds no mutable state.
 */
public final class ClientCertResumption extends X509ExtendedTrustManager {

    private final X509ExtendedTrustManager trust;
    private final Supplier<SSLSessionContext> sessions;

    private ClientCertResumption(X509ExtendedTrustManager trust, Supplier<SSLSessionContext> sessions) {
        this.trust = trust;
        this.sessions = sessions;
    }

    /** The trust managers with the JDK's X.509 one decorated; {@code sessions} is the server's session context. */
    static TrustManager[] wrap(TrustManager[] managers, Supplier<SSLSessionContext> sessions) {
        TrustManager[] wrapped = managers.clone();
        for (int i = 0; i < wrapped.length; i++) {
            if (wrapped[i] instanceof X509ExtendedTrustManager x) {
                wrapped[i] = new ClientCertResumption(x, sessions);
            }
        }
        return wrapped;
    }

    /** The client's certificate in {@code session} has expired by {@code now} (false when it presented none). */
    public static boolean expired(SSLSession session, Instant now) {
        X509Certificate leaf = clientCertificate(session);
        return leaf != null && now.isAfter(leaf.getNotAfter().toInstant());
    }

    /** The certificate the client presented in {@code session}, or null. */
    public static X509Certificate clientCertificate(SSLSession session) {
        try {
            Certificate[] chain = session.getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate x ? x : null;
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        trust.checkClientTrusted(chain, authType, socket);
        if (socket instanceof SSLSocket ssl) {
            limitResumption(chain, ssl.getHandshakeSession());
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        trust.checkClientTrusted(chain, authType, engine);
        limitResumption(chain, engine.getHandshakeSession());
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        trust.checkClientTrusted(chain, authType);
    }

    private void limitResumption(X509Certificate[] chain, SSLSession handshake) {
        if (handshake == null || chain.length == 0) {
            return;
        }
        int timeout = sessions.get().getSessionTimeout(); // seconds; 0 means sessions never time out
        Instant lastResumption = timeout == 0 ? Instant.MAX : Instant.now().plusSeconds(timeout);
        if (chain[0].getNotAfter().toInstant().isBefore(lastResumption)) {
            handshake.invalidate();
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        trust.checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        trust.checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        trust.checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return trust.getAcceptedIssuers();
    }
}
