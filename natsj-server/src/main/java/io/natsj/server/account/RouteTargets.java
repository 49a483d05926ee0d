package io.natsj.server.account;

import io.natsj.server.routing.DeliveryBatch;
import io.natsj.server.routing.Peer;
import io.natsj.server.routing.PeerSubscriber;
import io.natsj.server.routing.Subscription;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The peer servers one published message goes to, each once, with the queue groups it is to serve there (nats-server's
 * route targets): however many of a peer's subscriptions matched, the peer gets one {@code RMSG}. Created only when a
 * peer's interest matched, so a server without routes never allocates one.
 *
 * <p>Threading: owned by one publishing thread for one message.
 */
final class RouteTargets {

    private static final List<String> NO_QUEUES = List.of();

    private PeerSubscriber[] peers = new PeerSubscriber[4];
    private List<String>[] queues = newQueues(4);
    private int n;

    /** Adds {@code peer} (and {@code queue}, when not null) to {@code targets}, created when null. */
    static RouteTargets add(RouteTargets targets, PeerSubscriber peer, String queue) {
        RouteTargets t = targets == null ? new RouteTargets() : targets;
        int i = t.indexOf(peer);
        if (i < 0) {
            if (t.n == t.peers.length) {
                t.peers = Arrays.copyOf(t.peers, t.n * 2);
                t.queues = Arrays.copyOf(t.queues, t.n * 2);
            }
            i = t.n++;
            t.peers[i] = peer;
            t.queues[i] = NO_QUEUES;
        }
        if (queue != null) {
            if (t.queues[i] == NO_QUEUES) {
                t.queues[i] = new ArrayList<>(2);
            }
            t.queues[i].add(queue);
        }
        return t;
    }

    /**
     * A member of {@code group} on a peer other than {@code except} (null for any), picked in proportion to the
     * members each peer stands for ({@link Subscription#weight}); null when the group has none.
     */
    static Subscription pickRemote(Subscription[] group, Peer except) {
        Subscription picked = null;
        int total = 0;
        for (Subscription sub : group) {
            if (sub.subscriber() instanceof PeerSubscriber peer && peer.peer() != except && !sub.isClosed()) {
                int w = sub.weight();
                total += w;
                if (picked == null || ThreadLocalRandom.current().nextInt(total) < w) {
                    picked = sub;
                }
            }
        }
        return picked;
    }

    /** Sends the message to every peer collected. */
    void send(String subject, String reply, byte[] buf, int off, int hdrLen, int totalLen, DeliveryBatch batch) {
        for (int i = 0; i < n; i++) {
            peers[i].send(subject, reply, queues[i], buf, off, hdrLen, totalLen, batch);
        }
    }

    private int indexOf(PeerSubscriber peer) {
        for (int i = 0; i < n; i++) {
            if (peers[i] == peer) {
                return i;
            }
        }
        return -1;
    }

    @SuppressWarnings("unchecked")
    private static List<String>[] newQueues(int size) {
        return (List<String>[]) new List[size];
    }
}
