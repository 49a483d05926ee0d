package io.natsj.server.monitor;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One entry of {@code /connz}'s {@code tls_peer_certs}, as nats-server shapes it: the certificate's subject
 * (in Go's form, {@link GoDistinguishedName}), and the SHA-256 of its public key info and of the whole certificate,
 * in hex.
 *
 * <p>Threading: stateless.
 */
final class PeerCertView {

    private PeerCertView() {
    }

    static Map<String, Object> of(X509Certificate cert) {
        Map<String, Object> m = new LinkedHashMap<>();
        String subject = GoDistinguishedName.of(cert.getSubjectX500Principal());
        if (!subject.isEmpty()) {
            m.put("subject", subject);
        }
        m.put("spki_sha256", sha256(cert.getPublicKey().getEncoded()));
        try {
            m.put("cert_sha256", sha256(cert.getEncoded()));
        } catch (CertificateEncodingException e) {
            // a certificate that came through a handshake always encodes; leave the field out otherwise
        }
        return m;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
