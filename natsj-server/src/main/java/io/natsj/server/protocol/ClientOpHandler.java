package io.natsj.server.protocol;

/**
 * Receives the operations that {@link ClientParser} decodes from a client's byte stream. Strings are
 * decoded as ISO-8859-1, so every byte maps to one char and encoding back with ISO-8859-1 gives the
 * exact wire bytes (subjects may hold UTF-8; natsj routes them byte for byte, as nats-server does).
 *
 * <p>Buffers passed to a callback are only valid during that call: an implementation that keeps a
 * payload must copy it.
 *
 * <p>Threading: called on the thread that calls {@link ClientParser#parse}, one call at a time.
 */
public interface ClientOpHandler {

    /** {@code CONNECT <json>}: {@code buf[off, off+len)} holds the JSON argument, trimmed. */
    void onConnect(byte[] buf, int off, int len);

    /** {@code INFO <json>} sent by the peer (clients rarely do; nats-server ignores it for clients). */
    void onInfo(byte[] buf, int off, int len);

    void onPing();

    void onPong();

    /** {@code SUB <subject> [queue] <sid>}; {@code queue} is null when absent. Subject is not validated here. */
    void onSub(String subject, String queue, String sid);

    /** {@code UNSUB <sid> [max]}; {@code maxMsgs} is -1 when absent. */
    void onUnsub(String sid, long maxMsgs);

    /**
     * {@code PUB} or {@code HPUB}: the message occupies {@code buf[off, off+totalLen)}, its first
     * {@code hdrLen} bytes being the header block ({@code hdrLen} is 0 for PUB). {@code reply} is null when absent.
     */
    void onPub(String subject, String reply, int hdrLen, byte[] buf, int off, int totalLen);

    /** {@code +OK} from the peer. */
    void onOk();

    /** {@code -ERR <text>} from the peer; {@code text} is the raw argument. */
    void onErr(String text);

    /**
     * The input broke the protocol. The parser has stopped (further input is ignored) and the connection
     * should be closed after sending {@code -ERR '<error.text()>'} when {@link ProtocolError#sendsErr()}.
     *
     * @param detail a description for the log (the offending bytes, state)
     */
    void onProtocolError(ProtocolError error, String detail);
}
