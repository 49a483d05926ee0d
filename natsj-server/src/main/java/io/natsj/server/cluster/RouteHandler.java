package io.natsj.server.cluster;

import io.natsj.server.routing.DeliveryBatch;

import java.util.List;

/**
 * What the route connection layer reports to the interest layer: peers coming and going, their interest, and the
 * messages they forward. The connection layer parses and checks the protocol (accounts it does not know, permissions
 * on routes); the interest layer keeps the remote interest in the accounts' subject indexes and delivers messages to
 * local subscribers only (a full mesh never forwards from one route to another).
 *
 * <p>Threading: called on the route connections' reader threads; calls for one peer come in the order its protocol
 * arrived (per connection). Implementations are safe for calls about several peers at once.
 */
public interface RouteHandler {

    /** A peer's route is up (handshake done): send it all local interest now. */
    void routeUp(RouteLink link);

    /**
     * Another connection of a peer that is up registered (a pool slot or a pinned account's route): send the local
     * interest of the accounts it carries ({@code accounts}) again; the link now routes them to it.
     */
    default void resendInterest(RouteLink link, java.util.function.Predicate<String> accounts) {
    }

    /** A peer's route is gone: drop all the interest it had sent. */
    void routeDown(RouteLink link);

    /** {@code RS+} (or {@code LS+}): the peer has interest; {@code queue} null for a plain subscription. */
    void remoteSubscribe(RouteLink link, String account, String subject, String queue, int weight);

    /** {@code RS-} (or {@code LS-}): the peer lost that interest. */
    void remoteUnsubscribe(RouteLink link, String account, String subject, String queue);

    /**
     * {@code RMSG}/{@code HMSG} (or {@code LMSG}) from the peer: deliver to local subscribers: every plain match, and
     * one member of each queue group in {@code queues} (none when empty). The buffer is only valid during the call.
     * The clients written to register in {@code batch}, the route reader's, and are flushed once at the end of its
     * read ({@link DeliveryBatch#IMMEDIATE} flushes each at once).
     */
    void remoteMessage(RouteLink link, String account, String subject, String reply, List<String> queues, byte[] buf,
                       int off, int hdrLen, int totalLen, DeliveryBatch batch);
}
