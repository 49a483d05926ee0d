package io.natsj.server.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.LongPasswordStrategies;
import io.natsj.server.ServerOptions;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checks a client's CONNECT credentials against the server's authorization, in nats-server's order
 * ({@code server/auth.go}, {@code processClientOrLeafAuthentication}):
 * <ol>
 *   <li>NKey users, when the client sent {@code nkey}: the key must be configured and {@code sig} must be its
 *       Ed25519 signature of the nonce this connection's INFO carried;</li>
 *   <li>users with passwords, when the client sent {@code user}: the user must be configured (an unknown name
 *       fails even if it equals the single user) and the password must match;</li>
 *   <li>otherwise the token, or else the single user and password.</li>
 * </ol>
 * A configured password or token that looks like a bcrypt hash ({@code $2a$..}) is checked with bcrypt, any other
 * is compared in constant time. A user whose {@code allowed_connection_types} do not include {@code STANDARD} is
 * refused (natsj only has plain client connections).
 *
 * <p>Threading: immutable after construction; safe from any thread.
 */
public final class ClientAuthenticator {

    private static final Pattern BCRYPT = Pattern.compile("^\\$2[abxy]\\$\\d{2}\\$.*");
    /** Go's bcrypt uses the first 72 bytes of a longer password; so does this verifier. */
    private static final BCrypt.Verifyer BCRYPT_VERIFIER = BCrypt.verifyer(BCrypt.Version.VERSION_2A,
            LongPasswordStrategies.truncate(BCrypt.Version.VERSION_2A));
    /** nats-server's nonce: 11 random bytes, URL-safe base64 without padding (15 characters). */
    private static final int NONCE_BYTES = 11;

    /** A configured user with its permissions compiled once for all its connections. */
    private record Known(UserEntry entry, AuthResult result) {
        static Known of(UserEntry entry) {
            Permissions p = entry.permissions();
            UserPermissions compiled = p == null ? null : UserPermissions.compile(p);
            return new Known(entry, new AuthResult(entry.name(), entry.account(), p, compiled));
        }
    }

    private final Map<String, Known> users = new HashMap<>();
    private final Map<String, Known> nkeys = new HashMap<>();
    private final String user;
    private final String password;
    private final String token;
    private final String noAuthUser;

    public ClientAuthenticator(ServerOptions options) {
        this.user = options.user();
        this.password = options.password();
        this.token = options.token();
        this.noAuthUser = options.noAuthUser();
        Permissions defaults = options.defaultPermissions();
        for (UserEntry u : options.users()) {
            UserEntry e = u.permissions() == null && u.account() == null && defaults != null
                    ? u.withPermissions(defaults) : u;
            (e.nkey() ? nkeys : users).put(e.name(), Known.of(e));
        }
    }

    /** True when clients must authenticate. */
    public boolean required() {
        return !users.isEmpty() || !nkeys.isEmpty() || user != null || token != null;
    }

    /** True when INFO must carry a nonce for clients to sign: some NKey user is configured. */
    public boolean nonceRequired() {
        return !nkeys.isEmpty();
    }

    /** A fresh nonce for one connection's INFO. */
    public String newNonce() {
        byte[] raw = new byte[NONCE_BYTES];
        NonceSource.RANDOM.nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    /** The configured users (for monitoring and tests), NKey users included. */
    public List<UserEntry> users() {
        return Stream.concat(users.values().stream(), nkeys.values().stream())
                .map(Known::entry).toList();
    }

    /**
     * The result for the configured user or NKey {@code name} without checking credentials (for binding a client
     * that sent none to {@code no_auth_user}), or null when no such user is configured.
     */
    public AuthResult configuredUser(String name) {
        Known k = users.get(name);
        if (k == null) {
            k = nkeys.get(name);
        }
        return k == null ? null : k.result();
    }

    /**
     * Authenticates a client.
     *
     * @param c     what the client sent in CONNECT
     * @param nonce the nonce sent in this connection's INFO (null when none was sent)
     * @return who the client is, or null when the credentials are refused
     */
    public AuthResult authenticate(Credentials c, String nonce) {
        if (noAuthUser != null && !notEmpty(c.user()) && !notEmpty(c.password()) && !notEmpty(c.token())
                && !notEmpty(c.nkey())) {
            return configuredUser(noAuthUser);
        }
        if (!nkeys.isEmpty() && notEmpty(c.nkey())) {
            Known k = nkeys.get(c.nkey());
            if (k == null || !k.entry().allowsStandardConnections() || nonce == null) {
                return null;
            }
            boolean signed = NKeys.verifyUserSignature(c.nkey(), nonce.getBytes(StandardCharsets.US_ASCII), c.sig());
            return signed ? k.result() : null;
        }
        if (!users.isEmpty() && notEmpty(c.user())) {
            Known k = users.get(c.user());
            if (k == null || !k.entry().allowsStandardConnections()) {
                return null;
            }
            return secretMatches(k.entry().password(), orEmpty(c.password())) ? k.result() : null;
        }
        if (token != null) {
            return secretMatches(token, orEmpty(c.token())) ? AuthResult.unrestricted(null) : null;
        }
        if (user != null) {
            boolean ok = c.user() != null && constantTimeEquals(user, c.user())
                    && secretMatches(orEmpty(password), orEmpty(c.password()));
            return ok ? AuthResult.unrestricted(user) : null;
        }
        return null;
    }

    /** Whether {@code given} matches a configured secret (plain, or checked with bcrypt when it is a hash). */
    public static boolean secretMatches(String configured, String given) {
        if (BCRYPT.matcher(configured).matches()) {
            try {
                return BCRYPT_VERIFIER.verify(given.getBytes(StandardCharsets.UTF_8),
                        configured.getBytes(StandardCharsets.UTF_8)).verified;
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        return constantTimeEquals(configured, given);
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean notEmpty(String s) {
        return s != null && !s.isEmpty();
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    /** Made on first use: a server without NKey users never needs it, and creating one takes a moment at start. */
    private static final class NonceSource {
        static final SecureRandom RANDOM = new SecureRandom();
    }
}
