package io.natsj.server.config;

import io.natsj.server.account.Account;
import io.natsj.server.account.AccountConfig;
import io.natsj.server.account.AccountConfig.Export;
import io.natsj.server.account.AccountConfig.Import;
import io.natsj.server.account.AccountConfig.Kind;
import io.natsj.server.account.AccountConfig.ResponseType;
import io.natsj.server.jetstream.JetStreamAccountLimits;
import io.natsj.server.util.GoDuration;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads nats-server's {@code accounts} block: either a list of names, or a map of account name to
 * {@code { users, default_permissions, jetstream, exports, imports }}. The users and default permissions of each
 * account are handed back unparsed, for the authorization reader; everything else becomes {@link AccountConfig}s.
 * Problems are collected with their positions, in nats-server's words where it has them.
 *
 * <p>Threading: one instance per load, confined to the calling thread.
 */
final class AccountsConfig {

    /** What the block holds: the accounts, and each account's {@code users} and {@code default_permissions}. */
    record Parsed(List<AccountConfig> accounts, Map<String, ConfigValue> users,
                  Map<String, ConfigValue> defaultPermissions) {
    }

    private final List<String> errors;
    private final List<String> warnings;
    private final List<AccountConfig> accounts = new ArrayList<>();
    private final Map<String, ConfigValue> users = new LinkedHashMap<>();
    private final Map<String, ConfigValue> defaultPermissions = new LinkedHashMap<>();

    private AccountsConfig(List<String> errors, List<String> warnings) {
        this.errors = errors;
        this.warnings = warnings;
    }

    /** Parses the value of the top-level {@code accounts} key. */
    static Parsed parse(ConfigValue v, List<String> errors, List<String> warnings) {
        AccountsConfig p = new AccountsConfig(errors, warnings);
        switch (v.value()) {
            case List<?> names -> {
                for (Object o : names) {
                    ConfigValue n = (ConfigValue) o;
                    if (n.value() instanceof String name) {
                        p.add(n, AccountConfig.of(name));
                    } else {
                        p.error(n, "Expected an account name, got " + n.typeName());
                    }
                }
            }
            case Map<?, ?> m -> {
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    p.account((String) e.getKey(), (ConfigValue) e.getValue());
                }
            }
            default -> p.error(v, "Expected map or array of accounts, got " + v.typeName());
        }
        return new Parsed(List.copyOf(p.accounts), p.users, p.defaultPermissions);
    }

    private void add(ConfigValue at, AccountConfig c) {
        if (c.name().equals(Account.GLOBAL)) {
            error(at, "\"" + c.name() + "\" is a Reserved Account");
        } else if (accounts.stream().anyMatch(a -> a.name().equals(c.name()))) {
            error(at, "Duplicate Account Entry: " + c.name());
        } else {
            accounts.add(c);
        }
    }

    private void account(String name, ConfigValue v) {
        if (v.usedAsVariable()) {
            return;
        }
        if (!(v.value() instanceof Map<?, ?> block)) {
            error(v, "Expected map entries for accounts");
            return;
        }
        AccountConfig c = AccountConfig.of(name);
        for (Map.Entry<?, ?> e : block.entrySet()) {
            String key = (String) e.getKey();
            ConfigValue mv = (ConfigValue) e.getValue();
            switch (key.toLowerCase(Locale.ROOT)) {
                case "users" -> users.put(name, mv);
                case "default_permissions" -> defaultPermissions.put(name, mv);
                case "jetstream" -> c = c.withJetStream(jetStream(mv));
                case "exports" -> c = c.withExports(list(mv, "Exports", this::export));
                case "imports" -> c = c.withImports(list(mv, "Imports", this::importEntry));
                case "limits", "msg_trace", "trace_dest" -> warn(mv, key);
                case "nkey", "mappings", "maps" -> error(mv, "natsj does not support field \"" + key
                        + "\" in accounts yet");
                default -> {
                    if (!mv.usedAsVariable()) {
                        error(mv, "unknown field \"" + key + "\"");
                    }
                }
            }
        }
        add(v, c);
    }

    // ---- jetstream ------------------------------------------------------------------------------------------------

    private JetStreamAccountLimits jetStream(ConfigValue v) {
        switch (v.value()) {
            case Boolean on -> {
                return on ? JetStreamAccountLimits.UNLIMITED : null;
            }
            case String s -> {
                switch (s.toLowerCase(Locale.ROOT)) {
                    case "enabled", "enable" -> {
                        return JetStreamAccountLimits.UNLIMITED;
                    }
                    case "disabled", "disable" -> {
                        return null;
                    }
                    default -> {
                        error(v, "Expected 'enabled' or 'disabled' for string value, got '" + s + "'");
                        return null;
                    }
                }
            }
            case Map<?, ?> m -> {
                return jetStreamLimits(m);
            }
            default -> {
                error(v, "Expected map, bool or string to define JetStream, got " + v.typeName());
                return null;
            }
        }
    }

    private JetStreamAccountLimits jetStreamLimits(Map<?, ?> block) {
        JetStreamAccountLimits.Builder l = JetStreamAccountLimits.UNLIMITED.toBuilder();
        for (Map.Entry<?, ?> e : block.entrySet()) {
            String key = (String) e.getKey();
            ConfigValue mv = (ConfigValue) e.getValue();
            switch (key.toLowerCase(Locale.ROOT)) {
                case "max_memory", "max_mem", "mem", "memory" -> l.maxMemory(size(key, mv));
                case "max_store", "max_file", "max_disk", "store", "disk", "max_storage" ->
                        l.maxStorage(size(key, mv));
                case "max_streams", "streams" -> l.maxStreams((int) size(key, mv));
                case "max_consumers", "consumers" -> l.maxConsumers((int) size(key, mv));
                case "max_ack_pending" -> l.maxAckPending((int) size(key, mv));
                case "mem_max_stream_bytes", "memory_max_stream_bytes" ->
                        l.memoryMaxStreamBytes(size(key, mv));
                case "disk_max_stream_bytes", "store_max_stream_bytes" ->
                        l.storageMaxStreamBytes(size(key, mv));
                case "max_bytes_required", "max_stream_bytes", "max_bytes" -> {
                    if (mv.value() instanceof Boolean b) {
                        l.maxBytesRequired(b);
                    } else {
                        error(mv, "Expected a parseable bool for \"" + key + "\", got " + mv);
                    }
                }
                case "cluster_traffic" -> warn(mv, key);
                default -> {
                    if (!mv.usedAsVariable()) {
                        error(mv, "unknown field \"" + key + "\"");
                    }
                }
            }
        }
        return l.build();
    }

    private long size(String key, ConfigValue v) {
        if (v.value() instanceof Long l) {
            return l;
        }
        error(v, "Expected a parseable size for \"" + key + "\", got " + v);
        return -1;
    }

    // ---- exports and imports --------------------------------------------------------------------------------------

    private interface ItemReader<T> {
        T read(ConfigValue item, Map<?, ?> entries);
    }

    private <T> List<T> list(ConfigValue v, String what, ItemReader<T> reader) {
        List<T> out = new ArrayList<>();
        if (!(v.value() instanceof List<?> items)) {
            error(v, what + " should be an array, got " + v.typeName());
            return out;
        }
        for (Object o : items) {
            ConfigValue item = (ConfigValue) o;
            if (!(item.value() instanceof Map<?, ?> entries)) {
                error(item, (what.equals("Exports") ? "Export" : "Import") + " Items should be a map with type entry,"
                        + " got " + item.typeName());
                continue;
            }
            T t = reader.read(item, entries);
            if (t != null) {
                out.add(t);
            }
        }
        return out;
    }

    private Export export(ConfigValue item, Map<?, ?> entries) {
        Kind kind = null;
        String subject = null;
        List<String> accountNames = new ArrayList<>();
        ResponseType type = null;
        Duration threshold = null;
        for (Map.Entry<?, ?> e : entries.entrySet()) {
            String key = (String) e.getKey();
            ConfigValue mv = (ConfigValue) e.getValue();
            switch (key.toLowerCase(Locale.ROOT)) {
                case "stream", "service" -> {
                    Kind k = kind(key, mv, kind, " \"" + mv + "\"");
                    if (k == null) {
                        continue;
                    }
                    kind = k;
                    subject = text(mv, "Expected " + key.toLowerCase(Locale.ROOT) + " name to be string");
                }
                case "accounts" -> {
                    if (mv.value() instanceof List<?> l) {
                        for (Object o : l) {
                            accountNames.add(String.valueOf(((ConfigValue) o).value()));
                        }
                    } else {
                        error(mv, "Expected an array of account names, got " + mv.typeName());
                    }
                }
                case "response", "response_type" -> type = responseType(mv);
                case "threshold", "response_threshold", "response_max_time", "response_time" -> {
                    try {
                        threshold = GoDuration.parse(text(mv, "Expected response threshold to be a parseable time"
                                + " duration"));
                    } catch (IllegalArgumentException ex) {
                        error(mv, "Expected response threshold to be a parseable time duration, got \"" + mv + "\"");
                    }
                }
                case "latency", "allow_trace", "account_token_position", "advertise", "name", "description",
                     "info_url" -> warn(mv, key);
                default -> {
                    if (!mv.usedAsVariable()) {
                        error(mv, "unknown field \"" + key + "\"");
                    }
                }
            }
        }
        if (kind == null || subject == null) {
            error(item, "Export Items should be a map with type entry");
            return null;
        }
        if (kind == Kind.STREAM && (type != null || threshold != null)) {
            error(item, "Detected response directive on non-service");
            return null;
        }
        return new Export(kind, subject, accountNames, type, threshold);
    }

    private ResponseType responseType(ConfigValue v) {
        String s = text(v, "Expected response type to be string");
        if (s == null) {
            return null;
        }
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "single", "singleton" -> ResponseType.SINGLETON;
            case "stream" -> ResponseType.STREAM;
            case "chunk", "chunked" -> ResponseType.CHUNKED;
            default -> {
                error(v, "Unknown response type: \"" + s + "\"");
                yield null;
            }
        };
    }

    private Import importEntry(ConfigValue item, Map<?, ?> entries) {
        Kind kind = null;
        String account = null;
        String subject = null;
        String to = null;
        String prefix = null;
        for (Map.Entry<?, ?> e : entries.entrySet()) {
            String key = (String) e.getKey();
            ConfigValue mv = (ConfigValue) e.getValue();
            switch (key.toLowerCase(Locale.ROOT)) {
                case "stream", "service" -> {
                    Kind k = kind(key, mv, kind, "");
                    if (k == null) {
                        continue;
                    }
                    kind = k;
                    if (!(mv.value() instanceof Map<?, ?> ref)) {
                        error(mv, (k == Kind.STREAM ? "Stream" : "Service") + " entry should be an account map, got "
                                + mv.typeName());
                        continue;
                    }
                    for (Map.Entry<?, ?> r : ref.entrySet()) {
                        ConfigValue rv = (ConfigValue) r.getValue();
                        switch (((String) r.getKey()).toLowerCase(Locale.ROOT)) {
                            case "account" -> account = text(rv, "Expected an account name");
                            case "subject" -> subject = text(rv, "Expected a subject");
                            default -> error(rv, "unknown field \"" + r.getKey() + "\"");
                        }
                    }
                    if (account == null || subject == null) {
                        error(mv, "Expect an account name and a subject");
                    }
                }
                case "prefix" -> prefix = text(mv, "Expected a prefix");
                case "to" -> to = text(mv, "Expected a subject for 'to'");
                case "share", "allow_trace" -> warn(mv, key);
                default -> {
                    if (!mv.usedAsVariable()) {
                        error(mv, "unknown field \"" + key + "\"");
                    }
                }
            }
        }
        if (kind == null || account == null || subject == null) {
            return null;
        }
        if (kind == Kind.STREAM && prefix != null && to != null) {
            error(item, "Stream import can not have a 'prefix' and a 'to' property");
            return null;
        }
        return new Import(kind, account, subject, to, kind == Kind.STREAM ? prefix : null);
    }

    /** The kind a {@code stream}/{@code service} key declares, or null (reported) when one was seen already. */
    private Kind kind(String key, ConfigValue v, Kind seen, String shown) {
        String name = key.toLowerCase(Locale.ROOT);
        if (seen != null) {
            error(v, "Detected " + name + shown + " but already saw a " + (seen == Kind.STREAM ? "stream" : "service"));
            return null;
        }
        return name.equals("stream") ? Kind.STREAM : Kind.SERVICE;
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private String text(ConfigValue v, String expected) {
        if (v.value() instanceof String s) {
            return s;
        }
        error(v, expected + ", got " + v.typeName());
        return null;
    }

    private void warn(ConfigValue v, String key) {
        warnings.add(v.position() + ": natsj does not support field \"" + key + "\" yet; it is ignored");
    }

    private void error(ConfigValue v, String reason) {
        errors.add(v.position() + ": " + reason);
    }
}
