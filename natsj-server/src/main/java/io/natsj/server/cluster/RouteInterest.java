package io.natsj.server.cluster;

import io.natsj.server.routing.DeliveryBatch;
import io.natsj.server.routing.Peer;
import io.natsj.server.routing.PeerSubscriber;
import io.natsj.server.routing.Subscription;

import java.util.List;

/**
 * A peer server's interest in one account: the owner of the subscriptions its {@code RS+} put into the account's
 * subject index. The account's delivery recognises these subscriptions and sends the peer one {@code RMSG} per
 * message, naming the queue groups that peer is to serve; {@link #deliver} (one message, no queue group) is for callers
 * that do not know about peers.
 *
 * <p>Threading: immutable; {@link #deliver} is called on publishers' threads.
 */
public final class RouteInterest implements PeerSubscriber {

    private final RouteLink link;
    private final String account;

    public RouteInterest(RouteLink link, String account) {
        this.link = link;
        this.account = account;
    }

    /** The account whose subject index holds this peer's interest. */
    public String account() {
        return account;
    }

    /** The peer. */
    public RouteLink link() {
        return link;
    }

    @Override
    public Peer peer() {
        return link;
    }

    @Override
    public boolean send(String subject, String reply, List<String> queues, byte[] buf, int off, int hdrLen,
                        int totalLen, DeliveryBatch batch) {
        return link.sendMessage(account, subject, reply, queues, buf, off, hdrLen, totalLen, batch);
    }

    @Override
    public boolean deliver(Subscription sub, String subject, String reply, byte[] buf, int off, int hdrLen,
                           int totalLen, DeliveryBatch batch) {
        return send(subject, reply, sub.queue() == null ? List.of() : List.of(sub.queue()), buf, off, hdrLen,
                totalLen, batch);
    }

    /** A full mesh never forwards a peer's interest or messages to another peer. */
    @Override
    public boolean visibleToRoutes() {
        return false;
    }

    @Override
    public String toString() {
        return "route " + link.remoteServerName() + " in " + account;
    }
}
