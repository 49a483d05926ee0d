package io.natsj.server.raft.route;

import io.natsj.server.account.Account;
import io.natsj.server.raft.host.GroupMessage;
import io.natsj.server.raft.host.RaftHost;
import io.natsj.server.raft.host.RaftTransport;
import io.natsj.server.routing.DeliveryBatch;
import io.natsj.server.routing.Subscriber;
import io.natsj.server.routing.Subscription;
import io.natsj.server.util.NodeHash;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Raft traffic between natsj servers over the cluster's routes, as nats-server carries its own: messages in the
 * system account on {@code $NRG.} subjects. Each server subscribes to {@code $NRG.J.<its node hash>} ({@link #subject}),
 * so interest routes a frame ({@link RaftFrames}) to that server only, on the system account's pinned route.
 *
 * <p>Each peer has its own sender (a virtual thread and a bounded queue): a peer whose route is slow or gone holds up
 * neither the Raft host nor the other peers; when its queue is full, frames are dropped (Raft resends).
 *
 * <p>Threading: {@link #send} is called on the host's thread; {@link #deliver} on route reader threads; the senders
 * run on their own threads.
 */
public final class RouteRaftTransport implements RaftTransport, Subscriber, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RouteRaftTransport.class);
    /** Frames are kept below the default max_payload (1 MiB) with room for the route's framing. */
    static final int MAX_FRAME = 1_000_000;
    private static final int QUEUE = 1024;

    private final Account system;
    private final Subscription subscription;
    private final Map<String, PeerSender> senders = new ConcurrentHashMap<>();
    private volatile RaftHost host;
    private volatile boolean closed;

    /** Subscribes this server ({@code serverName}) to its Raft subject in the system account. */
    public RouteRaftTransport(Account system, String serverName) {
        this.system = system;
        this.subscription = new Subscription(this, subject(serverName), null, "nrg");
        system.index().insert(subscription);
    }

    /** The subject frames for {@code serverName} are published on: its node hash, as nats-server names peers. */
    public static String subject(String serverName) {
        return "$NRG.J." + NodeHash.of(serverName);
    }

    /** Where received messages go. */
    public void attach(RaftHost host) {
        this.host = host;
    }

    @Override
    public void send(String peer, List<GroupMessage> messages) {
        if (closed) {
            return;
        }
        PeerSender s = senders.computeIfAbsent(peer, PeerSender::new);
        for (byte[] frame : RaftFrames.encode(messages, MAX_FRAME)) {
            if (!s.queue.offer(frame)) {
                LOG.debug("raft frames to {} dropped: its route is behind", peer);
                return;
            }
        }
    }

    @Override
    public boolean deliver(Subscription sub, String subject, String reply, byte[] buf, int off, int hdrLen,
                           int totalLen, DeliveryBatch batch) {
        RaftHost h = host;
        if (h == null) {
            return true;
        }
        try {
            h.receive(RaftFrames.decode(buf, off + hdrLen, totalLen - hdrLen));
        } catch (IllegalArgumentException e) {
            LOG.warn("raft frame on {} dropped: {}", subject, e.getMessage());
        }
        return true;
    }

    @Override
    public void close() {
        closed = true;
        system.index().remove(subscription);
        senders.values().forEach(s -> s.thread.interrupt());
    }

    /** One peer's queue of frames and the thread that publishes them. */
    private final class PeerSender {
        final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(QUEUE);
        final Thread thread;
        final String subject;

        PeerSender(String peer) {
            this.subject = subject(peer);
            this.thread = Thread.ofVirtual().name("nrg-send-" + peer).start(this::run);
        }

        private void run() {
            while (!closed) {
                byte[] frame;
                try {
                    frame = queue.take();
                } catch (InterruptedException e) {
                    return;
                }
                try {
                    system.publish(null, false, subject, null, 0, frame, 0, frame.length, DeliveryBatch.IMMEDIATE);
                } catch (RuntimeException e) {
                    LOG.warn("raft frame to {} not sent", subject, e);
                }
            }
        }
    }
}
