package io.natsj.server.protocol;

/**
 * Protocol violations of a client connection, with nats-server's {@code -ERR} text and whether that text is sent
 * before the connection is closed. All of them close the connection. The first six are detected by
 * {@link ClientParser}; the others when decoding CONNECT/INFO (see {@link ConnectOptions}, {@link ServerInfo}).
 *
 * <p>Measured against nats-server 2.9.10 (the full table is in {@code docs/protocol.md}). Where nats-server closes
 * silently, {@link #sendsErr()} is false and {@link #text()} is only a description for the log.
 */
public enum ProtocolError {
    /**
     * Unknown or misspelt verb, empty line, a verb not followed by the required space (e.g. {@code PUB\r\n}),
     * {@code MSG}/{@code HMSG} sent by a client, payload not followed by CRLF. Sends {@code -ERR}.
     */
    UNKNOWN_PROTOCOL_OPERATION("Unknown Protocol Operation", true),
    /** The arguments of a control line (after the verb and its spaces) are longer than {@code max_control_line}. */
    MAX_CONTROL_LINE_EXCEEDED("maximum control line exceeded", true),
    /** A PUB/HPUB total size above {@code max_payload}. */
    MAX_PAYLOAD_VIOLATION("Maximum Payload Violation", true),
    /**
     * Arguments of PUB/HPUB/SUB/UNSUB that do not parse: wrong argument count, a size that is not 1 to 9 decimal
     * digits, an HPUB header size above its total size. nats-server closes WITHOUT sending {@code -ERR}.
     */
    PARSE_ERROR("Protocol Parse Error", false),
    /**
     * An op other than CONNECT first while authentication is required (see {@link ClientParser#awaitConnect}); the
     * session also uses it for failed authentication. Sends {@code -ERR}.
     */
    AUTHORIZATION_VIOLATION("Authorization Violation", true),
    /** HPUB from a client whose CONNECT did not set {@code headers:true}. Closed WITHOUT {@code -ERR}. */
    HEADERS_NOT_SUPPORTED("message headers not supported", false),
    /** CONNECT whose JSON does not parse or has a field of the wrong type. Closed WITHOUT {@code -ERR}. */
    MALFORMED_CONNECT("malformed CONNECT", false),
    /** INFO from a client whose JSON does not parse or has a field of the wrong type. Closed WITHOUT {@code -ERR}. */
    MALFORMED_INFO("malformed INFO", false),
    /** CONNECT with {@code protocol} other than 0 or 1. Sends {@code -ERR}. */
    INVALID_CLIENT_PROTOCOL("invalid client protocol", true),
    /** CONNECT with {@code no_responders:true} but without {@code headers:true}. Sends {@code -ERR}. */
    NO_RESPONDERS_REQUIRES_HEADERS("no responders requires headers support", true);

    private final String text;
    private final boolean sendsErr;

    ProtocolError(String text, boolean sendsErr) {
        this.text = text;
        this.sendsErr = sendsErr;
    }

    /** The text nats-server puts in {@code -ERR '...'} (for errors that are not sent: a description for the log). */
    public String text() {
        return text;
    }

    /** Whether nats-server sends {@code -ERR} for this error before closing (else it closes silently). */
    public boolean sendsErr() {
        return sendsErr;
    }
}
