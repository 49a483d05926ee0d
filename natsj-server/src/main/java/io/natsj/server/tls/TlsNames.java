package io.natsj.server.tls;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * nats-server's (Go's) TLS names and the JDK's (JSSE's): cipher suites, key exchange groups ({@code
 * curve_preferences}) and protocol versions, both ways, with nats-server's defaults. Go and JSSE share the IANA suite
 * names except ChaCha20, which Go writes without {@code _SHA256}.
 *
 * <p>Threading: immutable tables.
 */
public final class TlsNames {

    /** TLS 1.2 suites nats-server enables when {@code cipher_suites} is not given, in its order of preference. */
    static final List<String> DEFAULT_TLS12_SUITES = List.of(
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
    /** TLS 1.3 suites: always enabled (Go does not let them be configured), in Go's order. */
    static final List<String> TLS13_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");
    /** {@code curve_preferences} when not given, nats-server's order. */
    static final List<String> DEFAULT_CURVES = List.of("X25519", "CurveP256", "CurveP384", "CurveP521");

    /** Every suite name nats-server's config accepts. */
    private static final List<String> NATS_SUITES = List.of(
            "TLS_RSA_WITH_RC4_128_SHA", "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA",
            "TLS_RSA_WITH_AES_128_CBC_SHA256", "TLS_RSA_WITH_AES_256_CBC_SHA", "TLS_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
            "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "TLS_ECDHE_RSA_WITH_RC4_128_SHA",
            "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
            "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305", "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256");
    private static final Map<String, String> CURVES = new LinkedHashMap<>();

    static {
        CURVES.put("X25519", "x25519");
        CURVES.put("CurveP256", "secp256r1");
        CURVES.put("CurveP384", "secp384r1");
        CURVES.put("CurveP521", "secp521r1");
    }

    private TlsNames() {
    }

    /** True when nats-server's config accepts this suite name. */
    public static boolean isNatsCipherSuite(String name) {
        return NATS_SUITES.contains(name);
    }

    /** True for the TLS 1.3 suites (which only restrict nothing in Go: they are always on). */
    static boolean isTls13Suite(String natsName) {
        return TLS13_SUITES.contains(natsName);
    }

    /** The JSSE name of a nats-server suite name. */
    static String jsseSuite(String natsName) {
        return natsName.endsWith("_CHACHA20_POLY1305") ? natsName + "_SHA256" : natsName;
    }

    /** The nats-server name of a negotiated JSSE suite, as {@code /connz} shows it. */
    public static String natsSuite(String jsseName) {
        if (jsseName.startsWith("TLS_ECDHE_") && jsseName.endsWith("_CHACHA20_POLY1305_SHA256")) {
            return jsseName.substring(0, jsseName.length() - "_SHA256".length());
        }
        return jsseName;
    }

    /** True when nats-server's config accepts this curve name. */
    public static boolean isNatsCurve(String name) {
        return CURVES.containsKey(name);
    }

    /** The JSSE named group of a nats-server curve name. */
    static String jsseGroup(String natsName) {
        return CURVES.get(natsName);
    }

    /** The version as {@code /connz} shows it: {@code "1.2"}, {@code "1.3"} for {@code "TLSv1.3"}. */
    public static String natsVersion(String jsseProtocol) {
        return switch (jsseProtocol) {
            case "TLSv1" -> "1.0";
            case "TLSv1.1" -> "1.1";
            case "TLSv1.2" -> "1.2";
            case "TLSv1.3" -> "1.3";
            default -> "Unknown [" + jsseProtocol + "]";
        };
    }

    /**
     * Checks a {@code min_version} value as nats-server does: "1.2" and "1.3" are accepted; "1.0" and "1.1" are
     * known but refused; anything else is unknown. Returns null when accepted, else nats-server's error text.
     */
    public static String checkMinVersion(String version) {
        return switch (version) {
            case "1.2", "1.3" -> null;
            case "1.0", "1.1" -> "unsupported TLS version: TLS " + version;
            default -> "unknown version: " + version;
        };
    }
}
