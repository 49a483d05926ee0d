package io.natsj.server.config;

import io.natsj.server.ServerOptions;
import io.natsj.server.ServerOptions.JetStreamOptions;
import io.natsj.server.account.AccountsCheck;
import io.natsj.server.auth.Permissions;
import io.natsj.server.auth.UserEntry;
import io.natsj.server.json.GoFormats;
import io.natsj.server.util.GoDuration;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Applies a parsed nats-server config file to {@link ServerOptions}: the keys natsj supports, with nats-server's
 * names, aliases (case-insensitive), types and checks. Every problem is collected with its position; the load
 * fails with all of them at once, as nats-server does. Old-style values that nats-server accepts with a warning
 * (a duration given as a number of seconds) are accepted with the same warning.
 *
 * <p>Keys nats-server knows that natsj does not implement yet are reported: an error when ignoring them would
 * weaken security or change what clients see (OCSP, accounts, users, operators, websockets...), a warning when the
 * server works the same without them. Unknown keys are errors, except keys only used to define a
 * {@code $variable}.
 *
 * <p>Threading: one instance per load, confined to the calling thread.
 */
public final class ConfigLoader {

    /** The result: the options builder with the file applied, and the warnings to log. */
    public record Loaded(ServerOptions.Builder options, List<String> warnings) {
    }

    /** nats-server top-level keys natsj ignores with a warning. */
    private static final Set<String> IGNORED = Set.of(
            "trace_verbose", "logtime_utc", "disable_sublist_cache", "no_sublist_cache", "logfile_size_limit",
            "log_size_limit", "logfile_max_num", "log_max_num", "syslog", "remote_syslog", "ports_file_dir",
            "prof_port", "prof_block_rate", "max_traced_msg_len", "max_sub_tokens", "max_subscription_tokens",
            "connect_error_reports", "reconnect_error_reports",
            "default_js_domain", "no_fast_producer_stall", "max_closed_clients", "http_base_path",
            "gateway", "leaf", "leafnodes", "ocsp_cache", "no_system_account", "no_system", "no_sys_acc");

    /** nats-server top-level keys that natsj refuses until it implements them. */
    private static final Set<String> UNSUPPORTED = Set.of(
            "ocsp", "mappings", "maps", "operator",
            "operators", "roots", "root", "root_operators", "root_operator", "resolver", "account_resolver",
            "accounts_resolver", "resolver_tls", "resolver_preload", "resolver_pinned_accounts",
            "trusted", "trusted_keys", "websocket", "ws", "mqtt", "no_header_support");

    /** nats-server's lower bound for {@code lame_duck_duration} in a config file. */
    private static final Duration MIN_LAME_DUCK_DURATION = Duration.ofSeconds(30);

    private final ServerOptions.Builder b;
    private final List<String> errors = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private JetStreamOptions js;
    private boolean storeDirSet;
    private ConfigValue accountsValue;
    private AccountsConfig.Parsed accounts;
    private ConfigValue noAuthUserValue;

    private ConfigLoader(ServerOptions.Builder b) {
        this.b = b;
        this.js = b.jetStream();
    }

    /** Parses {@code file} (variables from the process environment) and applies it to nats-server's defaults. */
    public static Loaded load(Path file) {
        return load(file, System::getenv);
    }

    /** Parses {@code file} with {@code env} for variables and applies it to nats-server's defaults. */
    public static Loaded load(Path file, Function<String, String> env) {
        Map<String, ConfigValue> top = ConfigParser.parseFile(file, env);
        return apply(top, ServerOptions.builder().configFile(file));
    }

    /** Applies parsed config entries to {@code builder}. */
    public static Loaded apply(Map<String, ConfigValue> top, ServerOptions.Builder builder) {
        ConfigLoader loader = new ConfigLoader(builder);
        top.forEach(loader::topLevel);
        builder.jetStream(loader.js);
        loader.checkAccounts();
        if (!loader.errors.isEmpty()) {
            throw new ConfigException(loader.errors);
        }
        return new Loaded(builder, List.copyOf(loader.warnings));
    }

    private void topLevel(String key, ConfigValue v) {
        try {
            applyTop(key.toLowerCase(Locale.ROOT), key, v);
        } catch (WrongType e) {
            errors.add(v.position() + ": " + e.getMessage());
        }
    }

    private void applyTop(String k, String key, ConfigValue v) {
        switch (k) {
            case "listen" -> listen(v, errors, (host, port) -> {
                if (host != null) {
                    b.host(host);
                }
                b.port(port);
            });
            case "port" -> b.port(intValue(key, v));
            case "host", "net" -> b.host(string(key, v));
            case "server_tags" -> b.serverTags(serverTags(v));
            case "server_name" -> {
                String name = string(key, v);
                if (name.contains(" ")) {
                    error(v, "server name can not contain spaces");
                } else {
                    b.serverName(name);
                }
            }
            case "client_advertise" -> b.clientAdvertise(string(key, v));
            case "http" -> listen(v, errors, (host, port) -> {
                if (host != null) {
                    b.httpHost(host);
                }
                b.httpPort(port);
            });
            case "https" -> listen(v, errors, (host, port) -> {
                if (host != null) {
                    b.httpHost(host);
                }
                b.httpsPort(port);
            });
            case "http_port", "monitor_port" -> b.httpPort(intValue(key, v));
            case "https_port" -> b.httpsPort(intValue(key, v));
            case "tls" -> tls(v);
            case "allow_non_tls" -> b.allowNonTls(bool(key, v));
            case "max_payload" -> b.maxPayload(intValue(key, v));
            case "max_control_line" -> b.maxControlLine(intValue(key, v));
            case "max_pending" -> b.maxPending(longValue(key, v));
            case "max_connections", "max_conn" -> b.maxConnections(intValue(key, v));
            case "max_subscriptions", "max_subs" -> b.maxSubscriptions(intValue(key, v));
            case "write_deadline" -> b.writeDeadline(duration(key, v));
            case "ping_interval" -> b.pingInterval(duration(key, v));
            case "ping_max" -> b.pingMax(intValue(key, v));
            case "debug" -> b.debug(bool(key, v));
            case "trace" -> b.trace(bool(key, v));
            case "logtime" -> b.logtime(bool(key, v));
            case "logfile", "log_file" -> b.logFile(Path.of(string(key, v)));
            case "pidfile", "pid_file" -> b.pidFile(Path.of(string(key, v)));
            case "authorization" -> authorization(v);
            case "store_dir", "storedir" -> storeDir(key, v);
            case "jetstream" -> jetStream(key, v);
            case "accounts" -> {
                accountsValue = v;
                accounts = AccountsConfig.parse(v, errors, warnings);
                b.accounts(accounts.accounts());
            }
            case "system_account", "system" -> b.systemAccount(string(key, v));
            case "cluster" -> b.cluster(ClusterBlock.parse(v, errors, warnings));
            case "lame_duck_duration" -> lameDuck(key, v, true);
            case "lame_duck_grace_period" -> lameDuck(key, v, false);
            case "no_auth_user" -> {
                noAuthUserValue = v;
                b.noAuthUser(string(key, v));
            }
            default -> other(k, key, v);
        }
    }

    /** The checks that need every account: imports against exports, the system account's name. */
    private void checkAccounts() {
        ServerOptions o = b.build();
        ConfigValue at = accountsValue;
        for (String e : AccountsCheck.errors(o.accounts(), o.systemAccount())) {
            if (at == null) {
                errors.add(e);
            } else {
                error(at, e);
            }
        }
        if (accounts != null) {
            accountUsers(o);
        }
        String noAuth = o.noAuthUser();
        if (noAuth != null && b.users().stream().noneMatch(u -> u.name().equals(noAuth))) {
            error(noAuthUserValue, "no_auth_user: \"" + noAuth
                    + "\" not present as user or nkey in authorization block or account configuration");
        }
    }

    /** The users declared inside accounts, with their account's default permissions, joined to the users list. */
    private void accountUsers(ServerOptions o) {
        Set<String> names = new HashSet<>();
        o.users().forEach(u -> names.add(u.name()));
        List<UserEntry> all = new ArrayList<>(o.users());
        accounts.users().forEach((account, list) -> {
            if (o.user() != null) {
                error(list, "Can not have a single user/pass and accounts");
                return;
            }
            if (o.token() != null) {
                error(list, "Can not have a token and accounts");
                return;
            }
            ConfigValue defaults = accounts.defaultPermissions().get(account);
            Permissions perms = defaults == null ? null : UserEntries.parsePermissions(defaults, errors);
            for (UserEntry u : UserEntries.withDefaultPermissions(UserEntries.parse(list, account, errors), perms)) {
                if (!names.add(u.name())) {
                    error(list, "Duplicate " + (u.nkey() ? "nkey" : "user") + " \"" + u.name() + "\" detected");
                } else {
                    all.add(u);
                }
            }
        });
        b.users(all);
    }

    private void other(String k, String key, ConfigValue v) {
        if (IGNORED.contains(k)) {
            warnings.add(v.position() + ": natsj does not support field \"" + key + "\" yet; it is ignored");
        } else if (UNSUPPORTED.contains(k)) {
            error(v, "natsj does not support field \"" + key + "\" yet");
        } else if (!v.usedAsVariable()) {
            error(v, "unknown field \"" + key + "\"");
        }
    }

    /** Where a {@code listen}-style value points; the host is null when only a port was given. */
    @FunctionalInterface
    interface Listen {
        void apply(String host, int port);
    }

    private void tls(ConfigValue v) {
        try {
            b.tls(TlsBlock.parse(v, warnings));
        } catch (TlsBlock.Problem p) {
            errors.add(p.report());
        }
    }

    /** A {@code listen}-style value (port, or host:port) given to {@code target}; problems go to {@code errors}. */
    static void listen(ConfigValue v, List<String> errors, Listen target) {
        String host = null;
        int port;
        if (v.value() instanceof Long l) {
            port = toInt("port", v, l);
        } else if (v.value() instanceof String s) {
            int colon = s.lastIndexOf(':');
            String h = colon < 0 ? null : s.substring(0, colon);
            if (h == null || (h.contains(":") && !(h.startsWith("[") && h.endsWith("]")))) {
                errors.add(v.position() + ": could not parse address string \"" + s + "\"");
                return;
            }
            try {
                port = Integer.parseInt(s.substring(colon + 1));
            } catch (NumberFormatException e) {
                errors.add(v.position() + ": could not parse port \"" + s.substring(colon + 1) + "\"");
                return;
            }
            host = h.startsWith("[") ? h.substring(1, h.length() - 1) : h;
        } else {
            errors.add(v.position() + ": expected port or host:port, got " + v.typeName());
            return;
        }
        target.apply(host, port);
    }

    private void authorization(ConfigValue v) {
        Map<String, ConfigValue> block = map("authorization", v);
        String user = null;
        String pass = null;
        String token = null;
        List<UserEntry> users = null;
        Permissions defaults = null;
        for (Map.Entry<String, ConfigValue> e : block.entrySet()) {
            String key = e.getKey();
            ConfigValue mv = e.getValue();
            try {
                switch (key.toLowerCase(Locale.ROOT)) {
                    case "user", "username" -> user = string(key, mv);
                    case "pass", "password" -> pass = string(key, mv);
                    case "token" -> token = string(key, mv);
                    case "timeout" -> b.authTimeout(authTimeout(mv));
                    case "users" -> users = UserEntries.parse(mv, null, errors);
                    case "default_permission", "default_permissions", "permissions" ->
                            defaults = UserEntries.parsePermissions(mv, errors);
                    case "auth_callout", "auth_hook" -> error(mv, "natsj does not support field \"" + key + "\" yet");
                    default -> {
                        if (!mv.usedAsVariable()) {
                            error(mv, "unknown field \"" + key + "\"");
                        }
                    }
                }
            } catch (WrongType ex) {
                error(mv, ex.getMessage());
            }
        }
        if ((user != null || pass != null) && token != null) {
            error(v, "Cannot have a user/pass and token");
            return;
        }
        b.user(user).password(pass).token(token);
        if (users != null || !b.users().isEmpty()) {
            authorizationUsers(v, user, token, UserEntries.withDefaultPermissions(users == null ? List.of() : users,
                    defaults));
        }
        b.defaultPermissions(defaults);
    }

    /** nats-server's rules for a users list beside single-user or token authorization, and for duplicates. */
    private void authorizationUsers(ConfigValue v, String user, String token, List<UserEntry> users) {
        if (user != null) {
            error(v, "Can not have a single user/pass and a users array");
            return;
        }
        if (token != null) {
            error(v, "Can not have a token and a users array");
            return;
        }
        Set<String> names = new HashSet<>();
        b.users().forEach(u -> names.add(u.name()));
        for (UserEntry u : users) {
            if (!names.add(u.name())) {
                error(v, "Duplicate " + (u.nkey() ? "nkey" : "user") + " \"" + u.name() + "\" detected");
                return;
            }
        }
        List<UserEntry> all = new ArrayList<>(b.users());
        all.addAll(users);
        b.users(all);
    }

    /** nats-server reads the auth timeout as seconds, integer or fractional; anything else means one second. */
    static Duration authTimeout(ConfigValue v) {
        double seconds = switch (v.value()) {
            case Long l -> l;
            case Double d -> d;
            default -> 1;
        };
        return Duration.ofNanos((long) (seconds * 1_000_000_000L));
    }

    /**
     * {@code lame_duck_duration} (a Go duration, at least 30 seconds) or {@code lame_duck_grace_period} (a Go
     * duration, not negative), with nats-server's checks and texts.
     */
    private void lameDuck(String key, ConfigValue v, boolean duration) {
        String text = string(key, v);
        Duration d;
        try {
            boolean negative = text.strip().startsWith("-");
            d = GoDuration.parse(negative ? text.strip().substring(1) : text);
            d = negative ? d.negated() : d;
        } catch (IllegalArgumentException e) {
            error(v, "error parsing " + key + ": time: " + e.getMessage());
            return;
        }
        if (duration && d.compareTo(MIN_LAME_DUCK_DURATION) < 0) {
            error(v, "invalid lame_duck_duration of " + GoFormats.goDuration(d) + ", minimum is 30 seconds");
        } else if (duration) {
            b.lameDuckDuration(d);
        } else if (d.isNegative()) {
            error(v, "invalid lame_duck_grace_period, needs to be positive");
        } else {
            b.lameDuckGracePeriod(d);
        }
    }

    private void storeDir(String key, ConfigValue v) {
        if (storeDirSet) {
            error(v, "Duplicate 'store_dir' configuration");
            return;
        }
        storeDirSet = true;
        js = js.withStoreDir(Path.of(string(key, v)));
    }

    private void jetStream(String key, ConfigValue v) {
        switch (v.value()) {
            case Boolean on -> js = js.withEnabled(on);
            case String s -> {
                switch (s.toLowerCase(Locale.ROOT)) {
                    case "enabled", "enable" -> js = js.withEnabled(true);
                    case "disabled", "disable" -> js = js.withEnabled(false);
                    default -> error(v, "Expected 'enabled' or 'disabled' for string value, got '" + s + "'");
                }
            }
            case Map<?, ?> m -> jetStreamBlock(map(key, v));
            default -> error(v, "Expected map, bool or string to define JetStream, got " + v.typeName());
        }
    }

    private void jetStreamBlock(Map<String, ConfigValue> block) {
        boolean enabled = true;
        for (Map.Entry<String, ConfigValue> e : block.entrySet()) {
            String key = e.getKey();
            ConfigValue mv = e.getValue();
            try {
                switch (key.toLowerCase(Locale.ROOT)) {
                    case "store", "store_dir", "storedir" -> storeDir(key, mv);
                    case "sync", "sync_interval" -> {
                        if (mv.value() instanceof String s && s.equalsIgnoreCase("always")) {
                            js = withSync(JetStreamOptions.DISABLED.syncInterval(), true);
                        } else {
                            js = withSync(duration(key, mv), js.syncAlways());
                        }
                    }
                    case "sync_always" -> js = withSync(js.syncInterval(), bool(key, mv));
                    case "max_memory_store", "max_mem_store", "max_mem" -> js = new JetStreamOptions(js.enabled(),
                            js.storeDir(), storageSize("max_mem_store", mv), js.maxStore(), js.syncInterval(),
                            js.syncAlways(), js.domain(), js.uniqueTag());
                    case "max_file_store", "max_file" -> js = new JetStreamOptions(js.enabled(), js.storeDir(),
                            js.maxMemory(), storageSize("max_file_store", mv), js.syncInterval(), js.syncAlways(),
                            js.domain(), js.uniqueTag());
                    case "domain" -> js = new JetStreamOptions(js.enabled(), js.storeDir(), js.maxMemory(),
                            js.maxStore(), js.syncInterval(), js.syncAlways(), string(key, mv), js.uniqueTag());
                    case "unique_tag" -> js = new JetStreamOptions(js.enabled(), js.storeDir(), js.maxMemory(),
                            js.maxStore(), js.syncInterval(), js.syncAlways(), js.domain(),
                            string(key, mv).toLowerCase(Locale.ROOT));
                    case "enable", "enabled" -> enabled = bool(key, mv);
                    case "strict", "max_outstanding_catchup", "max_buffered_size", "max_buffered_msgs",
                         "request_queue_limit", "limits", "extension_hint", "tpm", "cipher" ->
                            warnings.add(mv.position() + ": natsj does not support field \"" + key
                                    + "\" yet; it is ignored");
                    case "key", "ek", "encryption_key", "prev_key", "prev_ek", "prev_encryption_key" ->
                            error(mv, "natsj does not support field \"" + key + "\" (encryption at rest) yet");
                    default -> {
                        if (!mv.usedAsVariable()) {
                            error(mv, "unknown field \"" + key + "\"");
                        }
                    }
                }
            } catch (WrongType ex) {
                error(mv, ex.getMessage());
            }
        }
        js = js.withEnabled(enabled);
    }

    private JetStreamOptions withSync(Duration interval, boolean always) {
        return new JetStreamOptions(js.enabled(), js.storeDir(), js.maxMemory(), js.maxStore(), interval, always,
                js.domain(), js.uniqueTag());
    }

    /**
     * A JetStream storage limit: an integer (size suffixes already applied by the parser) or a string ending in
     * K, M, G or T, which nats-server reads as powers of 1024.
     */
    private long storageSize(String name, ConfigValue v) {
        if (v.value() instanceof Long l) {
            return l;
        }
        if (!(v.value() instanceof String s)) {
            throw new WrongType(name + " must be int64 or string");
        }
        if (s.isEmpty()) {
            return 0;
        }
        int shift = switch (s.charAt(s.length() - 1)) {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            case 'T' -> 40;
            default -> throw new WrongType(name + " sizes defined as strings must end in K, M, G, T");
        };
        try {
            return Math.multiplyExact(Long.parseLong(s.substring(0, s.length() - 1)), 1L << shift);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new WrongType(name + " could not parse size \"" + s + "\"");
        }
    }

    // ---- typed access --------------------------------------------------------------------------------------------

    /** A value of the wrong type for its key; reported at the value's position. */
    static final class WrongType extends RuntimeException {
        WrongType(String message) {
            super(message, null, false, false);
        }
    }

    private void error(ConfigValue v, String reason) {
        errors.add(v.position() + ": " + reason);
    }

    /**
     * {@code server_tags}: one string or an array of strings, each trimmed and lower-cased, empty ones and repeats
     * dropped (as nats-server 2.9's tag list keeps them); anything else is an error.
     */
    private List<String> serverTags(ConfigValue v) {
        List<String> out = new ArrayList<>();
        List<ConfigValue> items = v.value() instanceof List<?> l ? l.stream().map(ConfigValue.class::cast).toList()
                : List.of(v);
        for (ConfigValue item : items) {
            if (!(item.value() instanceof String s)) {
                error(item, "error parsing tags: unsupported type " + item.typeName() + " where string is expected");
                continue;
            }
            String tag = s.trim().toLowerCase(java.util.Locale.ROOT);
            if (!tag.isEmpty() && !out.contains(tag)) {
                out.add(tag);
            }
        }
        return out;
    }

    static String string(String key, ConfigValue v) {
        if (v.value() instanceof String s) {
            return s;
        }
        throw new WrongType(key + ": expected a string, got " + v.typeName() + " " + v);
    }

    static boolean bool(String key, ConfigValue v) {
        if (v.value() instanceof Boolean on) {
            return on;
        }
        throw new WrongType(key + ": expected a boolean, got " + v.typeName() + " " + v);
    }

    private static long longValue(String key, ConfigValue v) {
        if (v.value() instanceof Long l) {
            return l;
        }
        throw new WrongType(key + ": expected an integer, got " + v.typeName() + " \"" + v + "\"");
    }

    static int intValue(String key, ConfigValue v) {
        return toInt(key, v, longValue(key, v));
    }

    private static int toInt(String key, ConfigValue v, long l) {
        if (l > Integer.MAX_VALUE || l < Integer.MIN_VALUE) {
            throw new WrongType(key + " value is too big");
        }
        return (int) l;
    }

    @SuppressWarnings("unchecked")
    static Map<String, ConfigValue> map(String key, ConfigValue v) {
        if (v.value() instanceof Map<?, ?> m) {
            return (Map<String, ConfigValue>) m;
        }
        throw new WrongType(key + ": expected a map, got " + v.typeName());
    }

    /** A Go duration string, or (deprecated, with nats-server's warning) an integer number of seconds. */
    private Duration duration(String key, ConfigValue v) {
        if (v.value() instanceof String s) {
            try {
                return GoDuration.parse(s);
            } catch (IllegalArgumentException e) {
                throw new WrongType("error parsing " + key + ": " + e.getMessage());
            }
        }
        long seconds = longValue(key, v);
        warnings.add(v.position() + ": invalid use of field \"" + key + "\": " + key
                + " should be converted to a duration");
        return Duration.ofSeconds(seconds);
    }
}
