package io.natsj.server.config;

import io.natsj.server.auth.NKeys;
import io.natsj.server.auth.Permissions;
import io.natsj.server.auth.Permissions.ResponsePermission;
import io.natsj.server.auth.Permissions.SubjectPermission;
import io.natsj.server.auth.UserEntry;
import io.natsj.server.config.ConfigLoader.WrongType;
import io.natsj.server.routing.Subjects;
import io.natsj.server.util.GoDuration;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads users and permissions from a config file, with nats-server's keys, aliases and error texts
 * ({@code parseUsers}, {@code parseUserPermissions} in {@code server/opts.go}). Used for
 * {@code authorization { users, default_permissions }} and for the {@code users} and {@code default_permissions}
 * of an account.
 *
 * <pre>
 * users: [
 *   { user: alice, password: "$2a$11$...", permissions: { publish: "a.>", subscribe: { allow: ["b.*"], deny: "b.x" } } }
 *   { nkey: UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4, allowed_connection_types: [STANDARD] }
 * ]
 * permissions: { publish: { allow: [...], deny: [...] } | [...] | "subject",
 *                subscribe: ... (entries may be "subject queue"),
 *                allow_responses: true | { max: 1, expires: "2m" } }
 * </pre>
 *
 * <p>Errors are added to the caller's list as {@code file:line:column: reason}, like the rest of
 * {@link ConfigLoader}.
 *
 * <p>Threading: stateless; confined to the loading thread.
 */
public final class UserEntries {

    private UserEntries() {
    }

    /**
     * The users of a {@code users} list.
     *
     * @param list    the {@code users} value
     * @param account the account the users belong to, or null for the global account
     * @param errors  where problems are reported; an entry without a user, with an invalid NKey, or an NKey with
     *                a user name or password makes the whole list invalid (empty result), as in nats-server
     */
    public static List<UserEntry> parse(ConfigValue list, String account, List<String> errors) {
        if (!(list.value() instanceof List<?> items)) {
            errors.add(list.position() + ": Expected users field to be an array, got " + list);
            return List.of();
        }
        List<UserEntry> users = new ArrayList<>();
        for (Object o : items) {
            ConfigValue item = (ConfigValue) o;
            if (!(item.value() instanceof Map<?, ?>)) {
                errors.add(item.position() + ": Expected user entry to be a map/struct, got " + item);
                continue;
            }
            try {
                UserEntry u = user(ConfigLoader.map("users", item), item, errors);
                if (u != null) {
                    users.add(u.withAccount(account));
                }
            } catch (InvalidList e) {
                errors.add(e.getMessage());
                return List.of();
            }
        }
        return users;
    }

    /** Gives every user without permissions of its own {@code defaults} (null: nothing changes). */
    public static List<UserEntry> withDefaultPermissions(List<UserEntry> users, Permissions defaults) {
        if (defaults == null) {
            return users;
        }
        return users.stream().map(u -> u.permissions() == null ? u.withPermissions(defaults) : u).toList();
    }

    /** An entry that makes the whole users list invalid. */
    private static final class InvalidList extends RuntimeException {
        InvalidList(ConfigValue at, String reason) {
            super(at.position() + ": " + reason, null, false, false);
        }
    }

    private static UserEntry user(Map<String, ConfigValue> entry, ConfigValue at, List<String> errors) {
        String nkey = null;
        String name = null;
        String password = null;
        Permissions perms = null;
        Set<String> types = Set.of();
        for (Map.Entry<String, ConfigValue> e : entry.entrySet()) {
            String key = e.getKey();
            ConfigValue v = e.getValue();
            try {
                switch (key.toLowerCase(Locale.ROOT)) {
                    case "nkey" -> nkey = ConfigLoader.string(key, v);
                    case "user", "username" -> name = ConfigLoader.string(key, v);
                    case "pass", "password" -> password = ConfigLoader.string(key, v);
                    case "permission", "permissions", "authorization" -> perms = parsePermissions(v, errors);
                    case "allowed_connection_types", "connection_types", "clients" ->
                            types = connectionTypes(key, v, errors);
                    default -> unknownField(key, v, errors);
                }
            } catch (WrongType ex) {
                errors.add(v.position() + ": " + ex.getMessage());
            }
        }
        if (nkey == null && name == null) {
            throw new InvalidList(at, "User entry requires a user");
        }
        if (nkey != null) {
            if (!NKeys.isValidPublicUserKey(nkey)) {
                throw new InvalidList(at, "Not a valid public nkey for a user");
            }
            if (name != null || password != null) {
                throw new InvalidList(at, "Nkey users do not take usernames or passwords");
            }
            return UserEntry.nkeyUser(nkey).withPermissions(perms).withConnectionTypes(types);
        }
        return UserEntry.user(name, password).withPermissions(perms).withConnectionTypes(types);
    }

    private static Set<String> connectionTypes(String key, ConfigValue v, List<String> errors) {
        Set<String> types = new LinkedHashSet<>();
        for (String t : strings(key, v)) {
            String upper = UserEntry.normalizeConnectionType(t);
            if (!UserEntry.KNOWN_CONNECTION_TYPES.contains(upper)) {
                errors.add(v.position() + ": unknown connection type \"" + t + "\"");
                return Set.of();
            }
            types.add(upper);
        }
        return types;
    }

    /**
     * A {@code permissions} (or {@code default_permissions}) map; null after reporting an error when it is not a
     * map.
     */
    public static Permissions parsePermissions(ConfigValue v, List<String> errors) {
        if (!(v.value() instanceof Map<?, ?>)) {
            errors.add(v.position() + ": Expected permissions to be a map/struct, got " + v);
            return null;
        }
        SubjectPermission publish = null;
        SubjectPermission subscribe = null;
        ResponsePermission responses = null;
        for (Map.Entry<String, ConfigValue> e : ConfigLoader.map("permissions", v).entrySet()) {
            String key = e.getKey();
            ConfigValue mv = e.getValue();
            try {
                switch (key.toLowerCase(Locale.ROOT)) {
                    case "pub", "publish", "import" -> publish = subjectPermission(mv, errors);
                    case "sub", "subscribe", "export" -> subscribe = subjectPermission(mv, errors);
                    case "publish_allow_responses", "allow_responses" -> responses = responses(mv, errors);
                    default -> {
                        if (!mv.usedAsVariable()) {
                            errors.add(mv.position() + ": Unknown field \"" + key + "\" parsing permissions");
                        }
                    }
                }
            } catch (WrongType ex) {
                errors.add(mv.position() + ": " + ex.getMessage());
            }
        }
        return new Permissions(publish, subscribe, responses).effective();
    }

    /** {@code {allow, deny}}, or the old style: a subject or a list of subjects to allow. */
    private static SubjectPermission subjectPermission(ConfigValue v, List<String> errors) {
        if (!(v.value() instanceof Map<?, ?>)) {
            List<String> allow = permSubjects(v, errors);
            return new SubjectPermission(allow, null);
        }
        Map<String, ConfigValue> m = ConfigLoader.map("permission", v);
        if (m.isEmpty()) {
            return null;
        }
        List<String> allow = null;
        List<String> deny = null;
        for (Map.Entry<String, ConfigValue> e : m.entrySet()) {
            String key = e.getKey();
            ConfigValue mv = e.getValue();
            switch (key.toLowerCase(Locale.ROOT)) {
                case "allow" -> allow = permSubjects(mv, errors);
                case "deny" -> deny = permSubjects(mv, errors);
                default -> {
                    if (!mv.usedAsVariable()) {
                        errors.add(mv.position() + ": Unknown field name \"" + key + "\" parsing subject "
                                + "permissions, only 'allow' or 'deny' are permitted");
                    }
                }
            }
        }
        return new SubjectPermission(allow, deny);
    }

    /** A subject or list of subjects, each valid (or {@code "subject queue"}); null when empty or invalid. */
    private static List<String> permSubjects(ConfigValue v, List<String> errors) {
        List<String> subjects = new ArrayList<>();
        switch (v.value()) {
            case String s -> subjects.add(s);
            case List<?> l -> {
                for (Object o : l) {
                    if (!(((ConfigValue) o).value() instanceof String s)) {
                        errors.add(((ConfigValue) o).position()
                                + ": Subject in permissions array cannot be cast to string");
                        return null;
                    }
                    subjects.add(s);
                }
            }
            default -> {
                errors.add(v.position() + ": Expected subject permissions to be a subject, or array of subjects, got "
                        + goTypeName(v));
                return null;
            }
        }
        for (String s : subjects) {
            String invalid = invalidPermSubject(s);
            if (invalid != null) {
                errors.add(v.position() + ": subject \"" + invalid + "\" is not a valid subject");
                return null;
            }
        }
        return subjects.isEmpty() ? null : subjects;
    }

    /** The part of a permission entry that is not valid, or null: a subject, or a subject and a queue name. */
    private static String invalidPermSubject(String entry) {
        if (Subjects.isValidSubject(entry)) {
            return null;
        }
        String[] fields = entry.strip().split("\\s+");
        if (fields.length != 2) {
            return entry;
        }
        return Subjects.isValidSubject(fields[0]) ? null : fields[0];
    }

    /** {@code allow_responses}: a boolean, or a map of {@code max} and {@code expires}. */
    private static ResponsePermission responses(ConfigValue v, List<String> errors) {
        if (v.value() instanceof Boolean on) {
            return on ? ResponsePermission.DEFAULT : null;
        }
        if (!(v.value() instanceof Map<?, ?>)) {
            errors.add(v.position() + ": error parsing response permissions, expected a boolean or a map");
            return null;
        }
        int max = Permissions.DEFAULT_RESPONSE_MAX_MSGS;
        Duration expires = Permissions.DEFAULT_RESPONSE_EXPIRES;
        for (Map.Entry<String, ConfigValue> e : ConfigLoader.map("allow_responses", v).entrySet()) {
            String key = e.getKey();
            ConfigValue mv = e.getValue();
            switch (key.toLowerCase(Locale.ROOT)) {
                case "max", "max_msgs", "max_messages", "max_responses" -> {
                    if (!(mv.value() instanceof Long n)) {
                        throw new WrongType(key + ": expected an integer, got " + mv.typeName() + " \"" + mv + "\"");
                    }
                    if (n != 0) {
                        max = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, n));
                    }
                }
                case "expires", "expiration", "ttl" -> {
                    if (!(mv.value() instanceof String s)) {
                        errors.add(mv.position() + ": error parsing expires, not a duration string");
                        return null;
                    }
                    Duration d;
                    try {
                        d = GoDuration.parse(s);
                    } catch (IllegalArgumentException ex) {
                        errors.add(mv.position() + ": error parsing expires: " + ex.getMessage());
                        return null;
                    }
                    if (!d.isZero()) {
                        expires = d;
                    }
                }
                default -> {
                    if (!mv.usedAsVariable()) {
                        errors.add(mv.position() + ": Unknown field \"" + key + "\" parsing permissions");
                    }
                }
            }
        }
        return new ResponsePermission(max, expires);
    }

    private static List<String> strings(String key, ConfigValue v) {
        if (v.value() instanceof String s) {
            return List.of(s);
        }
        if (!(v.value() instanceof List<?> l)) {
            throw new WrongType(key + ": expected an array of strings, got " + v.typeName());
        }
        List<String> out = new ArrayList<>();
        for (Object o : l) {
            out.add(ConfigLoader.string(key, (ConfigValue) o));
        }
        return out;
    }

    private static void unknownField(String key, ConfigValue v, List<String> errors) {
        if (!v.usedAsVariable()) {
            errors.add(v.position() + ": unknown field \"" + key + "\"");
        }
    }

    /** The Go type name nats-server prints with {@code %T} for a config value. */
    static String goTypeName(ConfigValue v) {
        return switch (v.value()) {
            case Long l -> "int64";
            case Double d -> "float64";
            case Boolean b -> "bool";
            default -> v.typeName();
        };
    }
}
