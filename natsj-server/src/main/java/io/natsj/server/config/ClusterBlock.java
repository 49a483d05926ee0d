package io.natsj.server.config;

import io.natsj.server.ClusterOptions;
import io.natsj.server.TlsOptions;
import io.natsj.server.auth.Permissions;
import io.natsj.server.auth.Permissions.SubjectPermission;
import io.natsj.server.config.ConfigLoader.WrongType;
import io.natsj.server.routing.Subjects;
import io.natsj.server.util.GoDuration;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads nats-server's {@code cluster {}} block into {@link ClusterOptions}, with nats-server's keys, aliases
 * (case-insensitive) and error texts; problems are collected with their positions like the rest of
 * {@link ConfigLoader}.
 *
 * <p>Route permissions are kept as nats-server keeps them: {@code import} (what this server asks peers for) as the
 * publish permission, {@code export} (what peers may ask this server for) as the subscribe permission. The
 * {@code compression} mode is validated and normalised as nats-server does (natsj sends uncompressed).
 * Keys of the block that natsj reads but does not use yet ({@code ping_interval}, {@code ping_max},
 * {@code write_deadline}, {@code write_timeout}, {@code connect_backoff}) are accepted with a warning.
 *
 * <p>Threading: one instance per block, confined to the loading thread.
 */
final class ClusterBlock {

    /** nats-server's mode for {@code compression: true} on routes. */
    private static final String COMPRESSION_ON = "s2_fast";

    private final List<String> errors;
    private final List<String> warnings;
    private ClusterOptions cluster = ClusterOptions.listen(null, 0).withPoolSize(0);
    private Permissions authPermissions;
    private boolean permissionsSet;
    private boolean authTimeoutSet;

    private ClusterBlock(List<String> errors, List<String> warnings) {
        this.errors = errors;
        this.warnings = warnings;
    }

    /**
     * The options of a {@code cluster} value, or null when the block leaves the port at 0: nats-server then runs
     * no cluster layer at all (no route port, no routes dialed).
     */
    static ClusterOptions parse(ConfigValue v, List<String> errors, List<String> warnings) {
        if (!(v.value() instanceof Map<?, ?>)) {
            errors.add(v.position() + ": Expected map to define cluster, got " + UserEntries.goTypeName(v));
            return null;
        }
        ClusterBlock p = new ClusterBlock(errors, warnings);
        ConfigLoader.map("cluster", v).forEach(p::entry);
        p.checkPinnedAccounts(v);
        ClusterOptions c = p.cluster;
        if (!p.permissionsSet && p.authPermissions != null) {
            c = c.withPermissions(p.authPermissions);
        }
        if (!p.authTimeoutSet && c.tls() != null) { // nats-server's default with TLS: the TLS timeout plus a second
            c = c.withAuthorization(c.user(), c.password(), c.tls().timeout().plusSeconds(1));
        }
        if (c.poolSize() == 0) {
            c = c.withPoolSize(ClusterOptions.DEFAULT_POOL_SIZE);
        }
        return c.port() == 0 ? null : c;
    }

    private void entry(String key, ConfigValue v) {
        try {
            switch (key.toLowerCase(Locale.ROOT)) {
                case "name" -> {
                    String name = ConfigLoader.string(key, v);
                    if (name.contains(" ")) {
                        error(v, "cluster name cannot contain spaces");
                    } else {
                        cluster = cluster.withName(name);
                    }
                }
                case "listen" -> ConfigLoader.listen(v, errors, (host, port) -> cluster = cluster.withListen(
                        host == null ? cluster.host() : host, port));
                case "port" -> cluster = cluster.withListen(cluster.host(), ConfigLoader.intValue(key, v));
                case "host", "net" -> cluster = cluster.withListen(ConfigLoader.string(key, v), cluster.port());
                case "authorization" -> authorization(v);
                case "routes" -> cluster = cluster.withRoutes(routes(key, v));
                case "tls" -> tls(v);
                case "cluster_advertise", "advertise" -> cluster = cluster.withAdvertise(ConfigLoader.string(key, v));
                case "no_advertise" -> cluster = cluster.withNoAdvertise(ConfigLoader.bool(key, v));
                case "connect_retries" -> cluster = cluster.withConnectRetries(ConfigLoader.intValue(key, v));
                case "permissions" -> {
                    Permissions perms = permissions(v, "Cluster permissions do not support dynamic responses");
                    if (perms != null) {
                        cluster = cluster.withPermissions(perms);
                        permissionsSet = true;
                    }
                }
                case "pool_size" -> cluster = cluster.withPoolSize(ConfigLoader.intValue(key, v));
                case "accounts" -> {
                    List<String> accounts = strings(key, v);
                    if (accounts != null) {
                        cluster = cluster.withPinnedAccounts(accounts);
                    }
                }
                case "compression" -> compression(key, v);
                case "ping_interval", "ping_max", "write_deadline", "write_timeout", "connect_backoff" ->
                        warnings.add(v.position() + ": natsj does not support field \"" + key
                                + "\" in the cluster block yet; it is ignored");
                default -> {
                    if (!v.usedAsVariable()) {
                        error(v, "unknown field \"" + key + "\"");
                    }
                }
            }
        } catch (WrongType e) {
            error(v, e.getMessage());
        }
    }

    /** {@code authorization { user, password, timeout }}: one user, no token, no users list, no callout. */
    private void authorization(ConfigValue v) {
        String user = null;
        String pass = null;
        Duration timeout = null;
        for (Map.Entry<String, ConfigValue> e : ConfigLoader.map("authorization", v).entrySet()) {
            String key = e.getKey();
            ConfigValue mv = e.getValue();
            switch (key.toLowerCase(Locale.ROOT)) {
                case "user", "username" -> user = ConfigLoader.string(key, mv);
                case "pass", "password" -> pass = ConfigLoader.string(key, mv);
                case "timeout" -> {
                    timeout = ConfigLoader.authTimeout(mv);
                    authTimeoutSet = true;
                }
                case "token" -> {
                    error(v, "Cluster authorization does not support tokens");
                    return;
                }
                case "users", "nkeys" -> {
                    error(v, "Cluster authorization does not allow multiple users");
                    return;
                }
                case "auth_callout", "auth_hook" -> {
                    error(v, "Cluster authorization does not support callouts");
                    return;
                }
                case "default_permission", "default_permissions", "permissions" -> {
                    Permissions perms = permissions(mv, "Cluster permissions do not support dynamic responses");
                    if (perms == null) {
                        return;
                    }
                    authPermissions = perms;
                    warnings.add(v.position() + ": invalid use of field \"authorization\": setting \"permissions\""
                            + " within cluster authorization block is deprecated");
                }
                default -> {
                    if (!mv.usedAsVariable()) {
                        error(mv, "unknown field \"" + key + "\"");
                    }
                }
            }
        }
        cluster = cluster.withAuthorization(user, pass, timeout);
    }

    /**
     * Route permissions: the user permission syntax, without {@code allow_responses}, and with plain subjects only
     * (no {@code "subject queue"} entries); null after reporting a problem.
     */
    private Permissions permissions(ConfigValue v, String noResponses) {
        int before = errors.size();
        Permissions perms = UserEntries.parsePermissions(v, errors);
        if (perms == null || errors.size() > before) {
            return null;
        }
        if (perms.responses() != null) {
            error(v, noResponses);
            return null;
        }
        String bad = invalid("cluster import", perms.publish());
        if (bad == null) {
            bad = invalid("cluster export", perms.subscribe());
        }
        if (bad != null) {
            error(v, bad);
            return null;
        }
        return perms;
    }

    /** nats-server's check of route permission subjects: the first entry that is not a subject, or null. */
    private static String invalid(String what, SubjectPermission p) {
        if (p == null) {
            return null;
        }
        for (String kind : List.of("allow", "deny")) {
            List<String> subjects = kind.equals("allow") ? p.allow() : p.deny();
            for (String s : subjects == null ? List.<String>of() : subjects) {
                if (!Subjects.isValidSubject(s)) {
                    return what + " " + kind + ": subject \"" + s + "\" is not a valid subject";
                }
            }
        }
        return null;
    }

    /** The route URLs; a repeated one is dropped with nats-server's warning. */
    private List<URI> routes(String key, ConfigValue v) {
        if (!(v.value() instanceof List<?> list)) {
            throw new WrongType(key + ": expected an array of route URLs, got " + v.typeName());
        }
        List<URI> routes = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Object o : list) {
            ConfigValue item = (ConfigValue) o;
            if (!(item.value() instanceof String url)) {
                error(item, "route: expected a string, got " + item.typeName() + " " + item);
                continue;
            }
            if (!seen.add(url)) {
                warnings.add(item.position() + ": invalid use of field \"" + url
                        + "\": Duplicate route entry detected");
                continue;
            }
            try {
                routes.add(new URI(url.strip()));
            } catch (URISyntaxException e) {
                error(item, "error parsing route url [\"" + url.strip() + "\"]");
            }
        }
        return routes;
    }

    private void tls(ConfigValue v) {
        try {
            TlsOptions tls = TlsBlock.parse(v, warnings);
            cluster = cluster.withTls(tls);
        } catch (TlsBlock.Problem p) {
            errors.add(p.report());
        }
    }

    /** A string or an array of strings, as nats-server's string arrays; null after reporting a problem. */
    private List<String> strings(String key, ConfigValue v) {
        switch (v.value()) {
            case String s -> {
                return List.of(s);
            }
            case List<?> list -> {
                List<String> out = new ArrayList<>();
                for (Object o : list) {
                    ConfigValue item = (ConfigValue) o;
                    if (item.value() instanceof String s) {
                        out.add(s);
                    } else {
                        error(item, "error parsing " + key + ": unsupported type in array "
                                + UserEntries.goTypeName(item));
                    }
                }
                return out;
            }
            default -> {
                error(v, "error parsing " + key + ": unsupported type " + UserEntries.goTypeName(v));
                return null;
            }
        }
    }

    /** A mode string, a boolean, or {@code { mode, rtt_thresholds }}; kept normalised as nats-server does. */
    private void compression(String key, ConfigValue v) {
        String mode;
        switch (v.value()) {
            case String s -> mode = s;
            case Boolean on -> mode = on ? COMPRESSION_ON : "off";
            case Map<?, ?> m -> {
                mode = "";
                for (Map.Entry<String, ConfigValue> e : ConfigLoader.map(key, v).entrySet()) {
                    ConfigValue mv = e.getValue();
                    switch (e.getKey().toLowerCase(Locale.ROOT)) {
                        case "mode" -> mode = ConfigLoader.string("mode", mv);
                        case "rtt_thresholds", "thresholds", "rtts", "rtt" -> {
                            if (!rttThresholds(e.getKey(), mv)) {
                                return;
                            }
                        }
                        default -> {
                            if (!mv.usedAsVariable()) {
                                error(mv, "unknown field \"" + e.getKey() + "\"");
                                return;
                            }
                        }
                    }
                }
            }
            default -> {
                error(v, "field \"" + key + "\" should be a boolean or a structure, got "
                        + UserEntries.goTypeName(v));
                return;
            }
        }
        String normal = normalCompression(mode);
        if (normal == null) {
            error(v, "unsupported compression mode \"" + mode + "\"");
        } else {
            cluster = cluster.withCompression(normal);
        }
    }

    private boolean rttThresholds(String key, ConfigValue v) {
        if (!(v.value() instanceof List<?> list)) {
            throw new WrongType(key + ": expected an array of durations, got " + v.typeName());
        }
        for (Object o : list) {
            ConfigValue item = (ConfigValue) o;
            try {
                GoDuration.parse(ConfigLoader.string(key, item));
            } catch (IllegalArgumentException e) {
                error(v, "time: " + e.getMessage());
                return false;
            }
        }
        return true;
    }

    /** nats-server's compression mode names, normalised; null for a mode it does not know. Empty means off. */
    static String normalCompression(String mode) {
        String m = mode.toLowerCase(Locale.ROOT);
        if (m.equals("on") || m.equals("enabled") || m.equals("true")) {
            m = COMPRESSION_ON;
        }
        return switch (m) {
            case "", "disabled", "off", "false" -> "off";
            case "not supported", "not_supported" -> "not supported";
            case "accept" -> "accept";
            case "auto", "s2_auto" -> "s2_auto";
            case "fast", "s2_fast" -> "s2_fast";
            case "better", "s2_better" -> "s2_better";
            case "best", "s2_best" -> "s2_best";
            default -> null;
        };
    }

    /** nats-server's checks of {@code accounts}: no negative pool size, no account twice. */
    private void checkPinnedAccounts(ConfigValue block) {
        List<String> pinned = cluster.pinnedAccounts();
        if (pinned.isEmpty()) {
            return;
        }
        if (cluster.poolSize() < 0) {
            error(block, "pool_size cannot be negative if pinned accounts are specified");
            return;
        }
        Set<String> seen = new HashSet<>();
        for (String a : pinned) {
            if (!seen.add(a)) {
                StringBuilder list = new StringBuilder("[");
                pinned.forEach(p -> list.append(list.length() > 1 ? " " : "").append('"').append(p).append('"'));
                error(block, "found duplicate account name \"" + a + "\" in pinned accounts list " + list + "]");
                return;
            }
        }
    }

    private void error(ConfigValue v, String reason) {
        errors.add(v.position() + ": " + reason);
    }
}
