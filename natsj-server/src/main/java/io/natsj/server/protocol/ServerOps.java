package io.natsj.server.protocol;

import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;

/**
 * The small control lines the server sends, as bytes.
 *
 * <pre>
 * PING\r\n      PONG\r\n      +OK\r\n
 * -ERR '&lt;text&gt;'\r\n
 * INFO &lt;json&gt; \r\n          (nats-server puts a space before the CRLF)
 * </pre>
 *
 * <p>The shared arrays must not be modified by callers. Threading: stateless, any thread.
 */
public final class ServerOps {

    /** {@code PING\r\n}. */
    public static final byte[] PING = ascii("PING\r\n");
    /** {@code PONG\r\n}. */
    public static final byte[] PONG = ascii("PONG\r\n");
    /** {@code +OK\r\n}, sent after each op when the client's CONNECT set {@code verbose}. */
    public static final byte[] OK = ascii("+OK\r\n");
    /** {@code \r\n}. */
    public static final byte[] CRLF = ascii("\r\n");

    private static final byte[] INFO_PREFIX = ascii("INFO ");
    private static final byte[] INFO_SUFFIX = ascii(" \r\n");

    private static final Map<ProtocolError, byte[]> ERR_LINES = new EnumMap<>(ProtocolError.class);

    static {
        for (ProtocolError e : ProtocolError.values()) {
            ERR_LINES.put(e, errLine(e.text()));
        }
    }

    private ServerOps() {
    }

    /** {@code -ERR '<text>'\r\n} (the text is sent as is, UTF-8; nats-server does not escape quotes in it). */
    public static byte[] errLine(String text) {
        return ("-ERR '" + text + "'\r\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The {@code -ERR} line of {@code error} (a shared array: do not modify). */
    public static byte[] errLine(ProtocolError error) {
        return ERR_LINES.get(error);
    }

    /** {@code INFO <json> \r\n}. */
    public static byte[] infoLine(byte[] json) {
        byte[] line = new byte[INFO_PREFIX.length + json.length + INFO_SUFFIX.length];
        System.arraycopy(INFO_PREFIX, 0, line, 0, INFO_PREFIX.length);
        System.arraycopy(json, 0, line, INFO_PREFIX.length, json.length);
        System.arraycopy(INFO_SUFFIX, 0, line, INFO_PREFIX.length + json.length, INFO_SUFFIX.length);
        return line;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
