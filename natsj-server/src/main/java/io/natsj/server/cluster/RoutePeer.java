package io.natsj.server.cluster;

import io.natsj.server.routing.DeliveryBatch;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One peer server and its route connections, as nats-server 2.10+ keeps them: a pool of connections indexed by
 * {@code route_pool_idx} (one slot when the peer does not pool, as nats-server 2.9), and a dedicated connection for
 * each pinned account. This is the peer's {@link RouteLink}: interest and messages of one account always take the
 * connection that account is mapped to (its pinned connection, else the pool slot {@link #poolIndex} gives with this
 * server's pool size), so what is written for one account keeps its order. Nothing is written for an account whose
 * connection is not up yet: when it registers, the interest layer sends it that account's whole interest.
 *
 * <p>Threading: slots and pinned connections change under the {@link RouteManager}'s monitor (copy-on-write, read
 * without locks); the {@link RouteLink} methods are safe from any thread.
 */
final class RoutePeer implements RouteLink {

    private final String serverId;
    private final int ourPoolSize;
    private final RouteManager manager;
    private volatile RouteConnection[] pool = new RouteConnection[0];
    private final Map<String, RouteConnection> pinned = new ConcurrentHashMap<>();
    private volatile boolean noPool;
    private volatile AccountSlot lastSlot;
    private volatile RouteInfo info;
    private volatile boolean closed;
    private final Object upDown = new Object();
    private boolean upAnnounced; // guarded by upDown

    /** @param ourPoolSize this server's pool size (1 when it does not pool) */
    RoutePeer(RouteManager manager, String serverId, int ourPoolSize) {
        this.manager = manager;
        this.serverId = serverId;
        this.ourPoolSize = ourPoolSize;
    }

    /**
     * The pool slot of an account: FNV-1a (32 bits) of its name modulo the pool size, 0 for a pool of one or less,
     * the same on every server with the same pool size (nats-server's {@code computeRoutePoolIdx}).
     */
    static int poolIndex(int poolSize, String account) {
        if (poolSize <= 1) {
            return 0;
        }
        int h = 0x811c9dc5;
        for (byte b : account.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x01000193;
        }
        return (int) (Integer.toUnsignedLong(h) % poolSize);
    }

    /** The connection that carries {@code account}'s traffic to this peer, or null when it is not up. */
    RouteConnection connectionFor(String account) {
        RouteConnection[] p = pool;
        if (noPool) {
            return p.length > 0 ? p[0] : null;
        }
        RouteConnection c = pinned.get(account);
        AccountSlot slot = slotOf(account);
        if (c != null || slot.pinned()) {
            return c;
        }
        return slot.index() < p.length ? p[slot.index()] : null;
    }

    /**
     * Where this server maps {@code account}: pinned (configured), or its pool slot. Both are fixed for the server's
     * life, and a route's messages nearly all belong to one account, so the last answer is kept: no hashing of the
     * name per message.
     */
    private AccountSlot slotOf(String account) {
        AccountSlot last = lastSlot;
        if (last != null && (last.account() == account || last.account().equals(account))) {
            return last;
        }
        AccountSlot slot = new AccountSlot(account, manager.isPinned(account), poolIndex(ourPoolSize, account));
        lastSlot = slot;
        return slot;
    }

    private record AccountSlot(String account, boolean pinned, int index) {
    }

    /** Whether {@code c} (pool slot {@code idx}, or pinned to {@code pinnedAccount}) carries {@code account}. */
    boolean carries(String account, int idx, String pinnedAccount) {
        if (pinnedAccount != null) {
            return pinnedAccount.equals(account);
        }
        return noPool || !manager.isPinned(account) && poolIndex(ourPoolSize, account) == idx;
    }

    // ---------------------------------------------------------------- registry (under the manager's monitor)

    RouteConnection[] slots() {
        return pool;
    }

    /** Grows the pool to {@code size} slots (keeping the connections there). */
    void ensureSlots(int size) {
        if (pool.length < size) {
            pool = Arrays.copyOf(pool, size);
        }
    }

    void setSlot(int idx, RouteConnection c) {
        RouteConnection[] p = pool.clone();
        p[idx] = c;
        pool = p;
    }

    boolean hasPooled() {
        for (RouteConnection c : pool) {
            if (c != null) {
                return true;
            }
        }
        return false;
    }

    RouteConnection pinned(String account) {
        return pinned.get(account);
    }

    void putPinned(String account, RouteConnection c) {
        pinned.put(account, c);
    }

    /** Takes {@code c} out of its slot or pinned entry; true when the peer has no connection left. */
    boolean remove(RouteConnection c) {
        if (c.pinnedAccount() != null) {
            pinned.remove(c.pinnedAccount(), c);
        } else {
            int idx = c.poolIdx();
            RouteConnection[] p = pool;
            if (idx >= 0 && idx < p.length && p[idx] == c) {
                setSlot(idx, null);
            }
        }
        return pinned.isEmpty() && !hasPooled();
    }

    /** Every connection, pool slots first. */
    List<RouteConnection> connections() {
        List<RouteConnection> all = new ArrayList<>();
        for (RouteConnection c : pool) {
            if (c != null) {
                all.add(c);
            }
        }
        all.addAll(pinned.values());
        return all;
    }

    /** The connection that stands for the peer (its first pool slot, else a pinned one), or null. */
    RouteConnection primary() {
        for (RouteConnection c : pool) {
            if (c != null) {
                return c;
            }
        }
        return pinned.values().stream().findFirst().orElse(null);
    }

    void noPool(boolean v) {
        noPool = v;
    }

    boolean noPool() {
        return noPool;
    }

    void info(RouteInfo i) {
        if (info == null) {
            info = i;
        }
    }

    RouteInfo info() {
        return info;
    }

    void markClosed() {
        closed = true;
    }

    /** Tells the handler the peer is up, unless it is gone already; up and down are reported once each, in order. */
    void announceUp(RouteHandler handler) {
        synchronized (upDown) {
            if (!closed && !upAnnounced) {
                upAnnounced = true;
                handler.routeUp(this);
            }
        }
    }

    void announceDown(RouteHandler handler) {
        synchronized (upDown) {
            if (upAnnounced) {
                upAnnounced = false;
                handler.routeDown(this);
            }
        }
    }

    // ---------------------------------------------------------------- RouteLink

    @Override
    public String remoteServerId() {
        return serverId;
    }

    @Override
    public String remoteServerName() {
        RouteInfo i = info;
        return i == null || i.serverName().isEmpty() ? serverId : i.serverName();
    }

    @Override
    public void sendSubscribe(String account, String subject, String queue, int weight) {
        RouteConnection c = connectionFor(account);
        if (c != null) {
            c.sendSubscribe(account, subject, queue, weight);
        }
    }

    @Override
    public void sendUnsubscribe(String account, String subject, String queue) {
        RouteConnection c = connectionFor(account);
        if (c != null) {
            c.sendUnsubscribe(account, subject, queue);
        }
    }

    @Override
    public boolean sendMessage(String account, String subject, String reply, List<String> queues, byte[] buf,
                               int off, int hdrLen, int totalLen, DeliveryBatch batch) {
        RouteConnection c = connectionFor(account);
        return c != null && c.sendMessage(account, subject, reply, queues, buf, off, hdrLen, totalLen, batch);
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "peer " + remoteServerName();
    }
}
