package io.natsj.server.cluster;

import io.natsj.server.account.Account;
import io.natsj.server.account.Accounts;
import io.natsj.server.routing.DeliveryBatch;
import io.natsj.server.routing.SubjectIndex;
import io.natsj.server.routing.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The interest layer of a cluster (nats-server's route subscription map): tells every peer of this server's interest
 * and keeps the peers' interest in the accounts' subject indexes, where the accounts' delivery finds it.
 *
 * <ul>
 *   <li>Local interest: counted per account, subject and queue group from the indexes' changes. The first local
 *       subscription on a subject sends {@code RS+} to every peer and the last one {@code RS-}; a queue group sends
 *       {@code RS+} with its new weight (local member count) on every change and {@code RS-} when its last member
 *       leaves. A new peer gets the whole current interest. Subscriptions that stand for a peer's interest or an
 *       import ({@link io.natsj.server.routing.Subscriber#visibleToRoutes} false) are never sent.</li>
 *   <li>Remote interest: each {@code RS+} becomes one subscription owned by the peer's {@link RouteInterest} for the
 *       account (a queue one carries the peer's weight, updated in place by later {@code RS+}); {@code RS-} and the
 *       route going down remove them. Interest in an account this server does not know is ignored, as nats-server
 *       does with static accounts.</li>
 * </ul>
 *
 * <p>Threading: local changes arrive under an index's write lock on any thread and are counted and sent under one
 * lock, which {@link #routeUp} also takes, so a new peer misses no change and sees none twice. Each peer's remote
 * interest is changed under that peer's own lock, on its route reader's thread.
 */
public final class ClusterInterest implements RouteHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterInterest.class);

    private record Key(String subject, String queue) {
    }

    private final Accounts accounts;
    private final Object lock = new Object();
    /** Guarded by {@link #lock}. */
    private final List<RouteLink> links = new ArrayList<>();
    /** Local interest counts per account; guarded by {@link #lock}. */
    private final Map<String, Map<Key, Integer>> local = new HashMap<>();
    private final Map<RouteLink, Peer> peers = new ConcurrentHashMap<>();

    /** Starts counting the local interest of every account (the subscriptions there already are included). */
    public ClusterInterest(Accounts accounts) {
        this.accounts = accounts;
        for (Account account : accounts.all()) {
            String name = account.name();
            account.index().listen(new SubjectIndex.Listener() {
                @Override
                public void inserted(Subscription sub) {
                    localChange(name, sub, 1);
                }

                @Override
                public void removed(Subscription sub) {
                    localChange(name, sub, -1);
                }
            });
        }
    }

    private void localChange(String account, Subscription sub, int delta) {
        if (!sub.subscriber().visibleToRoutes()) {
            return;
        }
        String queue = sub.queue();
        Key key = new Key(sub.subject(), queue);
        synchronized (lock) {
            Map<Key, Integer> counts = local.computeIfAbsent(account, a -> new LinkedHashMap<>());
            Integer old = counts.get(key);
            if (old == null && delta < 0) {
                return;
            }
            int n = (old == null ? 0 : old) + delta;
            if (n > 0) {
                counts.put(key, n);
            } else {
                counts.remove(key);
            }
            if (queue == null && n != (delta > 0 ? 1 : 0)) {
                return; // a plain subject is announced by its first subscription, withdrawn with its last
            }
            for (RouteLink link : links) {
                if (n > 0) {
                    link.sendSubscribe(account, key.subject(), queue, n);
                } else {
                    link.sendUnsubscribe(account, key.subject(), queue);
                }
            }
        }
    }

    /** Local interest count for a subject (and queue group, or null), for tests and monitoring. */
    public int localInterest(String account, String subject, String queue) {
        synchronized (lock) {
            Map<Key, Integer> counts = local.get(account);
            Integer n = counts == null ? null : counts.get(new Key(subject, queue));
            return n == null ? 0 : n;
        }
    }

    @Override
    public void routeUp(RouteLink link) {
        peers.computeIfAbsent(link, Peer::new);
        synchronized (lock) {
            links.add(link);
            local.forEach((account, counts) -> counts.forEach((key, n) ->
                    link.sendSubscribe(account, key.subject(), key.queue(), n)));
        }
    }

    @Override
    public void resendInterest(RouteLink link, java.util.function.Predicate<String> accounts) {
        synchronized (lock) {
            if (!links.contains(link)) {
                return; // routeUp, still to come, sends it all
            }
            local.forEach((account, counts) -> {
                if (accounts.test(account)) {
                    counts.forEach((key, n) -> link.sendSubscribe(account, key.subject(), key.queue(), n));
                }
            });
        }
    }

    @Override
    public void routeDown(RouteLink link) {
        synchronized (lock) {
            links.remove(link);
        }
        Peer peer = peers.remove(link);
        if (peer != null) {
            peer.removeAll();
        }
    }

    @Override
    public void remoteSubscribe(RouteLink link, String account, String subject, String queue, int weight) {
        Account acc = accounts.get(account);
        if (acc == null) {
            LOG.error("Unknown account \"{}\" for remote subject \"{}\"", account, subject);
            return;
        }
        Peer peer = peer(link);
        if (peer != null) {
            peer.subscribe(acc, subject, queue, weight);
        }
    }

    @Override
    public void remoteUnsubscribe(RouteLink link, String account, String subject, String queue) {
        Account acc = accounts.get(account);
        Peer peer = acc == null ? null : peers.get(link);
        if (peer != null) {
            peer.unsubscribe(acc, subject, queue);
        }
    }

    @Override
    public void remoteMessage(RouteLink link, String account, String subject, String reply, List<String> queues,
                              byte[] buf, int off, int hdrLen, int totalLen, DeliveryBatch batch) {
        Account acc = accounts.get(account);
        if (acc != null) {
            acc.deliverFromRoute(link, subject, reply, queues == null ? List.of() : queues, hdrLen, buf, off, totalLen,
                    batch);
        }
    }

    /** The subscriptions standing for a peer's interest, for monitoring ({@code /routez?subs=1}). */
    public List<Subscription> remoteSubscriptions(RouteLink link) {
        Peer peer = peers.get(link);
        return peer == null ? List.of() : peer.subscriptions();
    }

    /** The peer's state, created on its first interest when the connection layer reports it before routeUp. */
    private Peer peer(RouteLink link) {
        Peer peer = peers.get(link);
        if (peer == null && !link.isClosed()) {
            peer = peers.computeIfAbsent(link, Peer::new);
        }
        return peer;
    }

    /** One peer's interest: its subscriptions by account, subject and queue group. */
    private static final class Peer {

        private record RemoteKey(String account, String subject, String queue) {
        }

        private final RouteLink link;
        private final Map<String, RouteInterest> owners = new HashMap<>();
        private final Map<RemoteKey, Subscription> subs = new HashMap<>();
        private final Map<RemoteKey, Account> accounts = new HashMap<>();
        private boolean gone;

        Peer(RouteLink link) {
            this.link = link;
        }

        synchronized void subscribe(Account account, String subject, String queue, int weight) {
            if (gone) {
                return; // raced with the route going down
            }
            RemoteKey key = new RemoteKey(account.name(), subject, queue);
            Subscription existing = subs.get(key);
            if (existing != null) {
                if (queue != null) {
                    existing.weight(weight); // a queue group's new member count there
                }
                return;
            }
            RouteInterest owner = owners.computeIfAbsent(account.name(), a -> new RouteInterest(link, a));
            Subscription sub = new Subscription(owner, subject, queue, "route");
            sub.weight(weight);
            try {
                account.index().insert(sub);
            } catch (IllegalArgumentException e) {
                LOG.error("Could not insert remote subscription on \"{}\" from {}: {}", subject,
                        link.remoteServerName(), e.getMessage());
                return;
            }
            subs.put(key, sub);
            accounts.put(key, account);
        }

        synchronized void unsubscribe(Account account, String subject, String queue) {
            RemoteKey key = new RemoteKey(account.name(), subject, queue);
            Subscription sub = subs.remove(key);
            accounts.remove(key);
            if (sub != null) {
                sub.close();
                account.index().remove(sub);
            }
        }

        synchronized void removeAll() {
            gone = true;
            Map<Account, List<Subscription>> byAccount = new HashMap<>();
            subs.forEach((key, sub) -> {
                sub.close();
                byAccount.computeIfAbsent(accounts.get(key), a -> new ArrayList<>()).add(sub);
            });
            byAccount.forEach((account, list) -> account.index().removeAll(list));
            subs.clear();
            accounts.clear();
        }

        synchronized List<Subscription> subscriptions() {
            return List.copyOf(subs.values());
        }
    }
}
