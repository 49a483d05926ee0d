package io.natsj.server.auth;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * One configured user: a name with a password (plain or bcrypt), or a user NKey (public key {@code U...}) that
 * signs the server's nonce. From {@code authorization { users: [...] }} or an account's {@code users}.
 *
 * <p>Threading: immutable.
 *
 * @param name            the user name, or the public NKey for an NKey user
 * @param password        the password (plain or {@code $2a$...} bcrypt); null for NKey users
 * @param nkey            true when {@code name} is a public user NKey
 * @param permissions     the user's permissions (after {@code default_permissions}), or null for no restriction
 * @param account         the account the user belongs to, or null for the global account {@code $G}
 * @param connectionTypes {@code allowed_connection_types} in upper case; empty allows every type
 */
public record UserEntry(String name, String password, boolean nkey, Permissions permissions, String account,
                        Set<String> connectionTypes) {

    /** nats-server's connection type of a plain client connection (the only kind natsj accepts). */
    public static final String STANDARD = "STANDARD";
    /** The connection types nats-server knows (it refuses others in the configuration). */
    public static final Set<String> KNOWN_CONNECTION_TYPES = Set.of(STANDARD, "WEBSOCKET", "LEAFNODE",
            "LEAFNODE_WS", "MQTT", "MQTT_WS", "IN_PROCESS");

    public UserEntry {
        Objects.requireNonNull(name, "name");
        connectionTypes = connectionTypes == null ? Set.of() : Set.copyOf(connectionTypes);
    }

    /** A user with a name and a password. */
    public static UserEntry user(String name, String password) {
        return new UserEntry(name, password == null ? "" : password, false, null, null, Set.of());
    }

    /** A user known by its public NKey. */
    public static UserEntry nkeyUser(String publicKey) {
        return new UserEntry(publicKey, null, true, null, null, Set.of());
    }

    public UserEntry withPermissions(Permissions p) {
        return new UserEntry(name, password, nkey, p, account, connectionTypes);
    }

    /** This user in {@code account} (null: the global account). */
    public UserEntry withAccount(String a) {
        return new UserEntry(name, password, nkey, permissions, a, connectionTypes);
    }

    public UserEntry withConnectionTypes(Set<String> types) {
        return new UserEntry(name, password, nkey, permissions, account, types);
    }

    /** Whether a plain client connection may authenticate as this user. */
    public boolean allowsStandardConnections() {
        return connectionTypes.isEmpty() || connectionTypes.contains(STANDARD);
    }

    /** A connection type name as nats-server compares it (upper case). */
    public static String normalizeConnectionType(String type) {
        return type.toUpperCase(Locale.ROOT);
    }

    /** The password is not shown. */
    @Override
    public String toString() {
        return "UserEntry{" + (nkey ? "nkey=" : "user=") + name + ", account=" + account + ", permissions="
                + permissions + ", connectionTypes=" + connectionTypes + "}";
    }
}
