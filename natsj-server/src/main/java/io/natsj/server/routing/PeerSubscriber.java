package io.natsj.server.routing;

import java.util.List;

/**
 * A peer server's interest in one account: the owner of the subscriptions that peer's interest put into the
 * account's subject index. The routing loop sends such a peer each message once, naming the queue groups it is to
 * serve there, instead of delivering per subscription; the cluster layer implements it.
 *
 * <p>Threading: {@link #send} is called on publishers' threads.
 */
public interface PeerSubscriber extends Subscriber {

    /** The peer this interest came from. */
    Peer peer();

    /**
     * Sends one message to the peer, for its plain subscribers and one member of each queue group in {@code queues}.
     *
     * @return false when the peer's route is closed
     */
    boolean send(String subject, String reply, List<String> queues, byte[] buf, int off, int hdrLen, int totalLen,
                 DeliveryBatch batch);
}
