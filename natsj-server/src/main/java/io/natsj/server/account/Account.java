package io.natsj.server.account;

import io.natsj.server.routing.DeliveryBatch;
import io.natsj.server.routing.Peer;
import io.natsj.server.routing.PeerSubscriber;
import io.natsj.server.routing.SubjectIndex;
import io.natsj.server.routing.SubjectMatch;
import io.natsj.server.routing.Subscriber;
import io.natsj.server.routing.Subscription;

import io.natsj.server.util.ServerClock;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An account: a subject space of its own (nats-server's default account is {@code $G}). Routes a published message to
 * the subscriptions that match it: every plain subscription, and one member of each queue group.
 *
 * <p>Threading: {@link #publish} is called concurrently by every publishing connection's reader thread; the subject
 * index is thread-safe.
 */
public final class Account {

    /** nats-server's global account, used when no accounts are configured. */
    public static final String GLOBAL = "$G";
    /** nats-server's default system account. */
    public static final String SYSTEM = "$SYS";

    private final String name;
    private final AccountConfig config;
    private final ServerClock clock;
    private final SubjectIndex index = new SubjectIndex();
    private volatile ResponseRoutes responses;

    public Account(String name) {
        this(AccountConfig.of(name), ServerClock.SYSTEM);
    }

    /** An account as configured; {@code clock} times the service response mappings. */
    public Account(AccountConfig config, ServerClock clock) {
        this.name = config.name();
        this.config = config;
        this.clock = clock;
    }

    public String name() {
        return name;
    }

    /** What was configured for this account (exports, imports, JetStream). */
    public AccountConfig config() {
        return config;
    }

    /** The response mappings of the services this account exports, created on first use. */
    ResponseRoutes responses() {
        ResponseRoutes r = responses;
        if (r == null) {
            synchronized (this) {
                r = responses;
                if (r == null) {
                    r = new ResponseRoutes(this, clock);
                    responses = r;
                }
            }
        }
        return r;
    }

    /** Service responses still awaited by importing accounts. */
    public int pendingResponses() {
        ResponseRoutes r = responses;
        return r == null ? 0 : r.size();
    }

    public SubjectIndex index() {
        return index;
    }

    /**
     * Whether a message on {@code subject} would reach a subscriber, here or behind an import. An import alone is no
     * interest: nats-server subscribes an import in the exporting account only while the importer has interest, so a
     * push consumer whose deliver subject leads into another account waits for a subscriber there.
     */
    public boolean hasInterest(String subject) {
        SubjectMatch match = index.match(subject);
        for (Subscription sub : match.plain()) {
            if (reaches(sub, subject)) {
                return true;
            }
        }
        for (Subscription[] group : match.queues()) {
            for (Subscription sub : group) {
                if (reaches(sub, subject)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean reaches(Subscription sub, String subject) {
        return !(sub.subscriber() instanceof ImportRoute r) || ImportDepth.hop(() -> r.hasInterest(subject));
    }

    /**
     * Delivers a message to every match.
     *
     * @param publisher the publishing subscriber (for no-echo), or null for an internal publisher
     * @param echo      whether the publisher receives its own messages
     * @return the number of subscriptions that matched (before echo and limits; an import whose other side had no
     *         subscriber does not count), 0 meaning "no responders"
     */
    public int publish(Subscriber publisher, boolean echo, String subject, String reply, int hdrLen, byte[] buf,
                       int off, int totalLen, DeliveryBatch batch) {
        return publishAs(publisher, echo, subject, subject, reply, hdrLen, buf, off, totalLen, batch);
    }

    /**
     * Delivers a message to the subscriptions matching {@code route} while showing it as {@code subject}: how
     * JetStream consumers deliver a stored message (its own subject) to a deliver subject or a pull request's
     * inbox.
     */
    public int publishAs(Subscriber publisher, boolean echo, String route, String subject, String reply, int hdrLen,
                         byte[] buf, int off, int totalLen, DeliveryBatch batch) {
        return deliverMatch(publisher, echo, index.match(route), route, subject, reply, hdrLen, buf, off, totalLen,
                batch, true);
    }

    /**
     * As {@link #publishAs}, to this server's own subscribers only: how a stream import hands a message to the
     * importing account. The other servers apply the import themselves: its subscription in the exporting account is
     * interest they hear of, as nats-server's shadow subscriptions are, so the message reaches them in the exporting
     * account, once.
     */
    int publishLocallyAs(String route, String subject, String reply, int hdrLen, byte[] buf, int off, int totalLen,
                         DeliveryBatch batch) {
        return deliverMatch(null, true, index.match(route), route, subject, reply, hdrLen, buf, off, totalLen, batch,
                false);
    }

    /**
     * Delivers an internal answer to a reply subject that is used once (a PubAck, an API answer): matched without
     * filling the match cache with subjects that will not come again.
     */
    public int publishReply(String replySubject, int hdrLen, byte[] buf, int off, int totalLen, DeliveryBatch batch) {
        return publishReply(replySubject, null, hdrLen, buf, off, totalLen, batch);
    }

    /**
     * As {@link #publishReply(String, int, byte[], int, int, DeliveryBatch)} with the reply field to write: "" for
     * what streams and consumers send (nats-server writes an empty reply token there), null for none.
     */
    public int publishReply(String replySubject, String reply, int hdrLen, byte[] buf, int off, int totalLen,
                            DeliveryBatch batch) {
        return publishReplyAs(replySubject, replySubject, reply, hdrLen, buf, off, totalLen, batch);
    }

    /** As {@link #publishReply(String, String, int, byte[], int, int, DeliveryBatch)}, showing {@code subject}. */
    int publishReplyAs(String replySubject, String subject, String reply, int hdrLen, byte[] buf, int off,
                       int totalLen, DeliveryBatch batch) {
        return deliverMatch(null, true, index.matchOnce(replySubject), replySubject, subject, reply, hdrLen, buf, off,
                totalLen, batch, true);
    }

    /**
     * Delivers to every plain match and one member of each queue group. {@code route} is what was matched,
     * {@code subject} what the message shows; an import forwards by the route (a JetStream delivery crossing into
     * another account goes on to its deliver subject there, never to the stored subject's subscribers).
     *
     * <p>A peer server's interest ({@link PeerSubscriber}) is collected instead: each peer gets the message once, with
     * the queue groups for which no local member took it (a local member is always preferred, as in nats-server).
     */
    private int deliverMatch(Subscriber publisher, boolean echo, SubjectMatch match, String route, String subject,
                             String reply, int hdrLen, byte[] buf, int off, int totalLen, DeliveryBatch batch,
                             boolean toPeers) {
        if (match.isEmpty()) {
            return 0;
        }
        Subscriber skip = echo ? null : publisher;
        int declined = 0;
        RouteTargets peers = null;
        for (Subscription sub : match.plain()) {
            Subscriber s = sub.subscriber();
            if (s instanceof PeerSubscriber peer) {
                if (toPeers && !sub.isClosed()) {
                    peers = RouteTargets.add(peers, peer, null);
                }
            } else if (s != skip && !deliver(sub, route, subject, reply, hdrLen, buf, off, totalLen, batch)
                    && s.declineIsNoResponder()) {
                declined++; // an import whose other side has no subscriber is no responder (nats-server's rule)
            }
        }
        for (Subscription[] group : match.queues()) {
            if (!deliverToOne(group, skip, route, subject, reply, hdrLen, buf, off, totalLen, batch) && toPeers) {
                peers = toPeer(peers, group, null);
            }
        }
        if (peers != null) {
            peers.send(route, routedReply(route, subject, reply), buf, off, hdrLen, totalLen, batch);
        }
        return match.size() - declined;
    }

    /**
     * Delivers a message a peer server sent ({@code RMSG}) to this server's own subscribers only: every plain match
     * the peers know of (stream imports included: the peer sent the message in the exporting account because of this
     * server's import; service imports not, the requesting server applied those), and one local member of each queue group
     * in {@code queues}. A group whose local members are all gone goes on to another peer's member, as nats-server
     * does, never back to {@code from}.
     */
    public void deliverFromRoute(Peer from, String subject, String reply, List<String> queues, int hdrLen,
                                 byte[] buf, int off, int totalLen, DeliveryBatch batch) {
        SubjectMatch match = index.match(subject);
        if (match.isEmpty()) {
            return;
        }
        String shown = subject;
        int at = reply == null ? -1 : jsAckDeliverIndex(reply);
        if (at >= 0) {
            shown = reply.substring(at + 1);
            reply = reply.substring(0, at);
        }
        for (Subscription sub : match.plain()) {
            if (sub.subscriber().visibleToRoutes()) {
                deliver(sub, subject, shown, reply, hdrLen, buf, off, totalLen, batch);
            }
        }
        if (queues.isEmpty()) {
            return;
        }
        RouteTargets peers = null;
        for (Subscription[] group : match.queues()) {
            if (queues.contains(group[0].queue())
                    && !deliverToOne(group, null, subject, shown, reply, hdrLen, buf, off, totalLen, batch)) {
                peers = toPeer(peers, group, from);
            }
        }
        if (peers != null) {
            peers.send(subject, routedReply(subject, shown, reply), buf, off, hdrLen, totalLen, batch);
        }
    }

    /** Delivers to one local member of a queue group, starting at a random one; false when none took it. */
    private boolean deliverToOne(Subscription[] group, Subscriber skip, String route, String subject, String reply,
                                 int hdrLen, byte[] buf, int off, int totalLen, DeliveryBatch batch) {
        int n = group.length;
        int start = n == 1 ? 0 : ThreadLocalRandom.current().nextInt(n);
        for (int i = 0; i < n; i++) {
            Subscription sub = group[(start + i) % n];
            Subscriber s = sub.subscriber();
            if (s != skip && s.visibleToRoutes()
                    && deliver(sub, route, subject, reply, hdrLen, buf, off, totalLen, batch)) {
                return true;
            }
        }
        return false;
    }

    private static RouteTargets toPeer(RouteTargets peers, Subscription[] group, Peer except) {
        Subscription remote = RouteTargets.pickRemote(group, except);
        return remote == null ? peers : RouteTargets.add(peers, (PeerSubscriber) remote.subscriber(), remote.queue());
    }

    /**
     * The reply a message crosses a route with: a JetStream delivery, routed by its deliver subject but showing the
     * stored subject, carries the shown subject after an {@code @} at the end of its ack reply, as nats-server
     * encodes it.
     */
    private static String routedReply(String route, String subject, String reply) {
        if (reply == null || route.equals(subject) || jsAckDeliverIndex(reply) >= 0) {
            return reply;
        }
        return reply + "@" + subject;
    }

    /** Where the {@code @<subject>} suffix starts in a {@code $JS.ACK.} reply, or -1. */
    private static int jsAckDeliverIndex(String reply) {
        if (!reply.startsWith("$JS.ACK.")) {
            return -1;
        }
        int dots = 0;
        for (int i = 0; i < reply.length() - 1; i++) {
            char c = reply.charAt(i);
            if (c == '.') {
                dots++;
            } else if (c == '@' && dots >= 8) {
                return i;
            }
        }
        return -1;
    }

    private boolean deliver(Subscription sub, String route, String subject, String reply, int hdrLen, byte[] buf,
                            int off, int totalLen, DeliveryBatch batch) {
        if (sub.isClosed()) {
            return false;
        }
        long max = sub.maxMsgs();
        long n = sub.countDelivery();
        if (max > 0 && n > max) {
            return false;
        }
        boolean taken = sub.subscriber() instanceof ImportRoute r
                ? r.forward(sub, route, subject, reply, buf, off, hdrLen, totalLen, batch)
                : sub.subscriber().deliver(sub, subject, reply, buf, off, hdrLen, totalLen, batch);
        if (max > 0 && n == max) {
            sub.subscriber().autoUnsubscribed(sub);
        }
        return taken;
    }
}
