package io.natsj.server.protocol;

/**
 * Protocol violations the parser detects, with nats-server's {@code -ERR} text and whether that text is sent
 * before the connection is closed. All of them close the connection.
 */
public enum ProtocolError {
    /** Bad verb, bad framing, wrong argument count, payload not followed by CRLF. */
    UNKNOWN_PROTOCOL_OPERATION("Unknown Protocol Operation", true),
    /** A control line longer than {@code max_control_line}. */
    MAX_CONTROL_LINE_EXCEEDED("maximum control line exceeded", true),
    /** A PUB/HPUB size above {@code max_payload}. */
    MAX_PAYLOAD_VIOLATION("Maximum Payload Violation", true),
    /** Arguments of PUB/HPUB/UNSUB that do not parse (bad size, header size above total). */
    PARSE_ERROR("Unknown Protocol Operation", true);

    private final String text;
    private final boolean sendsErr;

    ProtocolError(String text, boolean sendsErr) {
        this.text = text;
        this.sendsErr = sendsErr;
    }

    /** The text nats-server puts in {@code -ERR '...'}. */
    public String text() {
        return text;
    }

    /** Whether nats-server sends {@code -ERR} for this error before closing (else it closes silently). */
    public boolean sendsErr() {
        return sendsErr;
    }
}
