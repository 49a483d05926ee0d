package io.natsj.server.cluster;

import io.natsj.server.protocol.ProtocolError;

import java.util.List;

/**
 * Receives the operations that {@link RouteParser} decodes from a route's byte stream. Strings are decoded as
 * ISO-8859-1 (one char per byte), so encoding them back gives the exact wire bytes.
 *
 * <p>{@code LS+}/{@code LS-}/{@code LMSG} (interest and messages of leaf node origin) arrive through the same
 * callbacks as {@code RS+}/{@code RS-}/{@code RMSG}; their origin cluster is passed along where the protocol has it.
 *
 * <p>Buffers passed to a callback are only valid during that call.
 *
 * <p>Threading: called on the thread that calls {@link RouteParser#parse}, one call at a time.
 */
public interface RouteOpHandler {

    /** {@code CONNECT <json>}: {@code buf[off, off+len)} holds the JSON argument. */
    void onConnect(byte[] buf, int off, int len);

    /** {@code INFO <json>}: {@code buf[off, off+len)} holds the JSON argument. */
    void onInfo(byte[] buf, int off, int len);

    void onPing();

    void onPong();

    /** {@code +OK}. */
    void onOk();

    /** {@code -ERR <text>}; {@code text} is the raw argument (with its quotes). */
    void onErr(String text);

    /**
     * {@code RS+ <account> <subject> [<queue> <weight>]} or {@code LS+ <origin> <account> ...}.
     *
     * @param origin  the leaf origin cluster of {@code LS+}, else null
     * @param account the account (the route's pinned account when the protocol omits it)
     * @param queue   null for a plain subscription
     * @param weight  the queue weight; 0 without a queue
     */
    void onSubscribe(String origin, String account, String subject, String queue, int weight);

    /** {@code RS- <account> <subject> [<queue>]} (or {@code LS-}); {@code queue} null for a plain subscription. */
    void onUnsubscribe(String origin, String account, String subject, String queue);

    /**
     * {@code RMSG}, {@code HMSG} or {@code LMSG}: the message occupies {@code buf[off, off+totalLen)}, its first
     * {@code hdrLen} bytes the header block (0 without headers).
     *
     * @param origin the leaf origin cluster of {@code LMSG}, else null
     * @param reply  the reply subject, or null
     * @param queues the queue groups named in the message (empty when none)
     */
    void onMessage(String origin, String account, String subject, String reply, List<String> queues, byte[] buf,
                   int off, int hdrLen, int totalLen);

    /**
     * The input broke the protocol: the parser has stopped; the route is closed, after sending
     * {@code -ERR '<error.text()>'} when {@link ProtocolError#sendsErr()}.
     */
    void onProtocolError(ProtocolError error, String detail);
}
