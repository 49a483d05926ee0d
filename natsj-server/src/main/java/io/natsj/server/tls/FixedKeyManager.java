package io.natsj.server.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * The server's one key and certificate chain (from {@code cert_file}/{@code key_file}) for the JDK's TLS, offered
 * whatever the handshake asks: like nats-server's single {@code tls.Certificate}. Used instead of a key store,
 * which would encrypt the key with PBKDF2 on every start for nothing.
 *
 * <p>Threading: immutable.
 */
final class FixedKeyManager extends X509ExtendedKeyManager {

    private static final String ALIAS = "server";

    private final PrivateKey key;
    private final X509Certificate[] chain;

    FixedKeyManager(PrivateKey key, X509Certificate[] chain) {
        this.key = key;
        this.chain = chain.clone();
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return keyType == null || matches(keyType) ? ALIAS : null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return chooseServerAlias(keyType, issuers, null);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return matches(keyType) ? new String[]{ALIAS} : null;
    }

    /** The JDK asks by key type ("EC", "RSA", "EdDSA", ...): offer the key only for its own type. */
    private boolean matches(String keyType) {
        String mine = key.getAlgorithm();
        return keyType.equals(mine) || keyType.startsWith("Ed") && mine.startsWith("Ed");
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) ? chain.clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) ? key : null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return getServerAliases(keyType, issuers);
    }

    /** The same key as a client's, for a route this server dials (routes verify both ends, as nats-server). */
    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        for (String type : keyType) {
            if (matches(type)) {
                return ALIAS;
            }
        }
        return null;
    }
}
