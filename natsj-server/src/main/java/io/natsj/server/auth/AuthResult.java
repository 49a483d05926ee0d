package io.natsj.server.auth;

/**
 * Who a connection authenticated as: what the session keeps once CONNECT has been accepted.
 *
 * <p>Threading: immutable.
 *
 * @param user        the user name or public NKey, or null (token authentication, or no authentication)
 * @param account     the account to bind the connection to, or null for the global account {@code $G}
 * @param permissions the user's permissions as configured, or null for no restriction
 * @param compiled    the same permissions ready for matching, or null when {@code permissions} is null
 */
public record AuthResult(String user, String account, Permissions permissions, UserPermissions compiled) {

    /** A connection to a server without authentication, or authenticated by token or single user. */
    public static AuthResult unrestricted(String user) {
        return new AuthResult(user, null, null, null);
    }
}
