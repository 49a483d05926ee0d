package io.natsj.server.config;

import io.natsj.server.TlsOptions;
import io.natsj.server.tls.ServerTls;
import io.natsj.server.tls.TlsNames;
import io.natsj.server.util.GoDuration;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * nats-server's {@code tls {}} block for the client port, read into {@link TlsOptions} with nats-server's keys,
 * value forms and error texts; like nats-server it stops at the first problem. The result is then built once
 * ({@link ServerTls#create}) so that unreadable files, a key that does not match its certificate or a cipher the
 * Java runtime lacks are reported at the block's position, as nats-server reports them while loading.
 *
 * <p>Keys natsj does not implement (certificate pinning, OCSP, certificate stores, several certificates, rate
 * limits) are errors: ignoring them would weaken what the operator asked for.
 *
 * <p>Threading: one instance per block, confined to the loading thread.
 */
final class TlsBlock {

    /** A problem at a position, reported as nats-server reports it. */
    static final class Problem extends RuntimeException {
        private final ConfigPosition position;

        Problem(ConfigPosition position, String message) {
            super(message, null, false, false);
            this.position = position;
        }

        String report() {
            return position + ": " + getMessage();
        }
    }

    private static final List<String> UNSUPPORTED = List.of("connection_rate_limit", "pinned_certs", "cert_store",
            "cert_match_by", "cert_match", "ca_certs_match", "cert_match_skip_invalid", "ocsp_peer", "certs",
            "certificates");

    private final List<String> warnings;
    private Path certFile;
    private Path keyFile;
    private Path caFile;
    private boolean verify;
    private boolean map;
    private Duration timeout;
    private String minVersion;
    private boolean handshakeFirst;
    private Duration fallback = Duration.ZERO;
    private List<String> cipherSuites = List.of();
    private List<String> curves = List.of();

    private TlsBlock(List<String> warnings) {
        this.warnings = warnings;
    }

    /** The options of a {@code tls} value; throws {@link Problem} for the first error. */
    static TlsOptions parse(ConfigValue block, List<String> warnings) {
        if (!(block.value() instanceof Map<?, ?> m)) {
            throw new Problem(block.position(), "error parsing tls config, expected a map, got " + block.typeName());
        }
        TlsBlock t = new TlsBlock(warnings);
        @SuppressWarnings("unchecked")
        Map<String, ConfigValue> entries = (Map<String, ConfigValue>) m;
        entries.forEach(t::entry);
        TlsOptions options = new TlsOptions(t.certFile, t.keyFile, t.caFile, null, t.verify, t.map, t.timeout,
                t.minVersion, t.handshakeFirst, t.fallback, t.cipherSuites, t.curves);
        try {
            ServerTls.create(options);
        } catch (IllegalArgumentException e) {
            throw new Problem(block.position(), e.getMessage());
        }
        return options;
    }

    private void entry(String key, ConfigValue v) {
        String k = key.toLowerCase(Locale.ROOT);
        switch (k) {
            case "cert_file" -> certFile = file(k, v);
            case "key_file" -> keyFile = file(k, v);
            case "ca_file" -> caFile = file(k, v);
            case "insecure" -> bool(k, v); // only a TLS client skips verification; nothing to do on a server
            case "verify" -> verify = bool(k, v);
            case "verify_and_map" -> {
                map = bool(k, v);
                if (map) {
                    warnings.add(v.position() + ": natsj does not map client certificates to users yet; "
                            + "\"verify_and_map\" verifies client certificates only");
                }
            }
            case "verify_cert_and_check_known_urls" -> {
                if (bool(k, v)) {
                    throw new Problem(v.position(), "verify_cert_and_check_known_urls not supported in this context");
                }
            }
            case "cipher_suites" -> cipherSuites = names(k, v, TlsNames::isNatsCipherSuite, "unrecognized cipher ");
            case "curve_preferences" -> curves = names(k, v, TlsNames::isNatsCurve, "unrecognized curve preference ");
            case "timeout" -> timeout = timeout(v);
            case "handshake_first", "first", "immediate" -> handshakeFirst(key, v);
            case "min_version" -> minVersion(v);
            default -> {
                if (UNSUPPORTED.contains(k)) {
                    throw new Problem(v.position(), "natsj does not support field \"" + key + "\" yet");
                }
                throw new Problem(v.position(), "error parsing tls config, unknown field \"" + key + "\"");
            }
        }
    }

    private static Path file(String key, ConfigValue v) {
        if (v.value() instanceof String s) {
            return Path.of(s);
        }
        throw new Problem(v.position(), "error parsing tls config, expected '" + key + "' to be filename");
    }

    private static boolean bool(String key, ConfigValue v) {
        if (v.value() instanceof Boolean b) {
            return b;
        }
        throw new Problem(v.position(), "error parsing tls config, expected '" + key + "' to be a boolean");
    }

    private static List<String> names(String key, ConfigValue v, Predicate<String> known, String unknown) {
        if (!(v.value() instanceof List<?> list)) {
            throw new Problem(v.position(), "error parsing tls config, expected '" + key + "' to be an array");
        }
        if (list.isEmpty()) {
            throw new Problem(v.position(), "error parsing tls config, '" + key + "' cannot be empty");
        }
        List<String> names = new ArrayList<>();
        for (Object o : list) {
            ConfigValue item = (ConfigValue) o;
            if (!(item.value() instanceof String s) || !known.test(s)) {
                throw new Problem(item.position(), unknown + item);
            }
            names.add(s);
        }
        return names;
    }

    /** Seconds as an integer or a fraction, or a Go duration string. */
    private static Duration timeout(ConfigValue v) {
        return switch (v.value()) {
            case Long l -> Duration.ofSeconds(l);
            case Double d -> Duration.ofNanos((long) (d * 1_000_000_000L));
            case String s -> {
                try {
                    yield GoDuration.parse(s);
                } catch (IllegalArgumentException e) {
                    throw new Problem(v.position(), "error parsing tls config, 'timeout' " + e.getMessage());
                }
            }
            default -> throw new Problem(v.position(), "error parsing tls config, 'timeout' wrong type");
        };
    }

    /** {@code true}/{@code false}, "on"/"off", "auto" (fallback after 50 ms) or a duration (fallback after it). */
    private void handshakeFirst(String key, ConfigValue v) {
        switch (v.value()) {
            case Boolean b -> handshakeFirst = b;
            case String s -> {
                switch (s.toLowerCase(Locale.ROOT)) {
                    case "true", "on" -> handshakeFirst = true;
                    case "false", "off" -> handshakeFirst = false;
                    case "auto", "auto_fallback" -> {
                        handshakeFirst = true;
                        fallback = TlsOptions.DEFAULT_HANDSHAKE_FIRST_FALLBACK;
                    }
                    default -> {
                        try {
                            fallback = GoDuration.parse(s);
                            handshakeFirst = true;
                        } catch (IllegalArgumentException e) {
                            throw new Problem(v.position(), "field \"" + key + "\"'s value \"" + s + "\" is invalid");
                        }
                    }
                }
            }
            default -> throw new Problem(v.position(), "field \"" + key + "\" should be a boolean or a string, got "
                    + v.typeName());
        }
    }

    private void minVersion(ConfigValue v) {
        if (!(v.value() instanceof String s)) {
            throw new Problem(v.position(), "error parsing tls config: 'min_version' wrong type: " + v);
        }
        String bad = TlsNames.checkMinVersion(s);
        if (bad != null) {
            throw new Problem(v.position(), "error parsing tls config: " + bad);
        }
        minVersion = s;
    }
}
