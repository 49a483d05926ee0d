package io.natsj.server.tls;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * What a finished TLS handshake agreed on, for monitoring ({@code /connz}): the version and cipher suite by
 * nats-server's names ({@code "1.3"}, {@code "TLS_AES_128_GCM_SHA256"}), the certificates the client presented,
 * and whether the handshake came before INFO ("TLS first").
 *
 * <p>Threading: immutable.
 */
public record TlsState(String version, String cipherSuite, List<X509Certificate> peerCertificates,
                       boolean handshakeFirst) {

    public TlsState {
        peerCertificates = List.copyOf(peerCertificates);
    }

    /** The state of an established session. */
    public static TlsState of(SSLSession session, boolean handshakeFirst) {
        List<X509Certificate> peers = new ArrayList<>();
        try {
            for (Certificate c : session.getPeerCertificates()) {
                if (c instanceof X509Certificate x) {
                    peers.add(x);
                }
            }
        } catch (SSLPeerUnverifiedException e) {
            // the client presented no certificate
        }
        return new TlsState(TlsNames.natsVersion(session.getProtocol()), TlsNames.natsSuite(session.getCipherSuite()),
                peers, handshakeFirst);
    }
}
