package io.natsj.server.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.natsj.server.ServerOptions;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.regex.Pattern;

/**
 * Checks a client's CONNECT credentials against the server's single-user or token authorization, as nats-server does:
 * a configured password or token that looks like a bcrypt hash ({@code $2a$..}) is verified with bcrypt, otherwise
 * compared in constant time.
 *
 * <p>Threading: immutable, safe from any thread.
 */
public final class ClientAuthenticator {

    private static final Pattern BCRYPT = Pattern.compile("^\\$2[abxy]\\$\\d{2}\\$.*");

    private final String user;
    private final String password;
    private final String token;

    public ClientAuthenticator(ServerOptions options) {
        this.user = options.user();
        this.password = options.password();
        this.token = options.token();
    }

    /** True when clients must authenticate. */
    public boolean required() {
        return user != null || token != null;
    }

    /** The authenticated user name to report (for /connz), or null. */
    public String check(String clientUser, String clientPass, String clientToken) {
        if (token != null) {
            return clientToken != null && secretMatches(token, clientToken) ? "" : null;
        }
        if (user != null) {
            if (clientUser == null || !constantTimeEquals(user, clientUser)) {
                return null;
            }
            String given = clientPass == null ? "" : clientPass;
            return secretMatches(password == null ? "" : password, given) ? user : null;
        }
        return "";
    }

    private static boolean secretMatches(String configured, String given) {
        if (BCRYPT.matcher(configured).matches()) {
            return BCrypt.verifyer().verify(given.getBytes(StandardCharsets.UTF_8),
                    configured.getBytes(StandardCharsets.UTF_8)).verified;
        }
        return constantTimeEquals(configured, given);
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
