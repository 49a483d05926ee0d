package io.natsj.server.routing;

/**
 * Whoever owns subscriptions and receives the messages they match: a client connection, or later an internal
 * component (a JetStream stream or the API router).
 *
 * <p>Threading: {@link #deliver} is called concurrently from the threads of every publishing connection; an
 * implementation must be safe for that (a client connection appends to its outbound queue under its own lock).
 */
public interface Subscriber {

    /**
     * Delivers one message that {@code sub} matched. The message occupies {@code buf[off, off+totalLen)}, its first
     * {@code hdrLen} bytes being a {@code NATS/1.0} header block (0 when there are no headers). The buffer is only
     * valid during the call.
     *
     * @param batch the publisher's batch: a subscriber that buffered output registers itself there to be flushed
     *              once at the end of the publisher's read batch
     * @return true when the message was taken (counted as delivered), false when dropped (e.g. closed, no-echo)
     */
    boolean deliver(Subscription sub, String subject, String reply, byte[] buf, int off, int hdrLen, int totalLen,
                    DeliveryBatch batch);

    /**
     * Whether a message this subscriber does not take ({@link #deliver} false) counts as not delivered at all, so
     * that a request reaching nothing else gets "no responders": an import whose other side has no subscriber, or the
     * JetStream API, which leaves direct gets and pull requests to streams and consumers.
     */
    default boolean declineIsNoResponder() {
        return false;
    }

    /**
     * Called once a subscription reached its auto-unsubscribe limit ({@code UNSUB <sid> <max>}): the owner removes it
     * from the index and from its own table. Called on a publishing thread.
     */
    default void autoUnsubscribed(Subscription sub) {
    }

    /**
     * Whether the subscriptions of this subscriber are interest the cluster's other servers hear of ({@code RS+}) and
     * therefore receive messages that come from a route. False for a peer's own interest (a full mesh never forwards
     * from route to route) and for service imports, which the requesting server applies itself (a stream import's
     * subscription in the exporting account is interest peers hear of, as nats-server's shadow subscriptions).
     */
    default boolean visibleToRoutes() {
        return true;
    }
}
