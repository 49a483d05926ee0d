package io.natsj.server.cluster;

import io.natsj.server.ClusterOptions;
import io.natsj.server.ServerOptions;
import io.natsj.server.ServerStats;
import io.natsj.server.auth.ClientAuthenticator;
import io.natsj.server.client.ClosedReason;
import io.natsj.server.util.ServerClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The cluster's route layer for one server: listens on the cluster port, dials the configured routes (forever, a
 * second apart, as nats-server) and the peers learnt by gossip (implicit routes, {@code connect_retries} times),
 * keeps the registered routes of each peer server (a {@link RoutePeer}: a pool of {@code pool_size} connections and
 * one per pinned account, as nats-server 2.10+ negotiates them, or a single route with a peer that does not pool),
 * tells the other peers about a new one (gossip), redials a dialed route that drops, and knows the peers' client
 * URLs for the clients' {@code connect_urls}.
 *
 * <p>Pooling: this server announces {@code route_pool_size}; a peer announcing one too gets
 * {@code max(ours, theirs)} connections (nats-server 2.11.10+; before, a mismatch was refused). The dialer sends its
 * INFO only after the peer's, with the slot ({@code route_pool_idx}) it picked, and dials the next connection once
 * the PING it sends on registration is answered. Each pinned account ({@code accounts [ ]}, plus the system account)
 * gets a connection of its own to every configured route, with {@code route_account} in its INFO.
 *
 * <p>Two servers dialing each other at once: each registers the first route whose INFO it takes and closes the
 * other as {@code Duplicate Route}; the route kept takes over the dropped one's URL and is redialed should it close,
 * so a race that drops both ends in one route again (nats-server's {@code retry}).
 *
 * <p>Threading: the accept loop and each dial run on their own virtual threads; registration and removal are
 * serialized on this object's monitor; the {@link RouteHandler} and the {@link Host} are called outside it.
 */
public final class RouteManager implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RouteManager.class);
    /** nats-server's {@code DEFAULT_ROUTE_CONNECT} and {@code DEFAULT_ROUTE_RECONNECT}. */
    static final long ROUTE_CONNECT_DELAY_MILLIS = 1000;
    /** nats-server's {@code DEFAULT_ROUTE_DIAL}. */
    static final int ROUTE_DIAL_TIMEOUT_MILLIS = 1000;
    /** Marks a dial of a pool's next connection (unique, so never deduplicated against a redial). */
    private static final String POOL_DIAL = "\0pool";

    /** What the route layer needs from its server. */
    public interface Host {
        String serverId();

        String serverName();

        String version();

        int maxPayload();

        boolean jetStream();

        /** This server's client URLs ({@code host:port}) for the peers' {@code connect_urls}. */
        List<String> clientConnectUrls();

        /** Peers came or went (or went lame duck): the client {@code connect_urls} may have changed. */
        void peersChanged();

        /** Whether this server has the account: a peer's interest and messages for others are dropped. */
        boolean hasAccount(String name);
    }

    /** What {@link #register} made of a route whose INFO arrived. */
    enum Registration { ADDED, DUPLICATE, REFUSED }

    private final Host host;
    private final ClusterOptions cluster;
    private final ServerOptions options;
    private final RouteHandler handler;
    private final ServerClock clock;
    private final ScheduledExecutorService timers;
    private final LongSupplier ids;
    private final ServerStats stats;

    private final Map<String, RoutePeer> remotes = new ConcurrentHashMap<>();
    /** Accounts with a dedicated route ({@code accounts [ ]}, and the system account when pooling). */
    private final Set<String> pinned;
    private final java.util.concurrent.atomic.AtomicLong poolDials = new java.util.concurrent.atomic.AtomicLong();
    private final Set<RouteConnection> connections = ConcurrentHashMap.newKeySet();
    private final Set<String> dialing = ConcurrentHashMap.newKeySet();
    private final Set<Thread> dialers = ConcurrentHashMap.newKeySet();
    private final Set<String> lameDuckPeers = ConcurrentHashMap.newKeySet();
    private final io.natsj.server.tls.ServerTls tls;
    /** The cluster's {@code permissions}: import as publish, export as subscribe (nats-server's mapping); or null. */
    private final io.natsj.server.auth.UserPermissions permissions;
    private volatile String clusterName;
    private volatile boolean clusterDynamic;
    private volatile ServerSocket listener;
    private volatile boolean closing;
    private volatile boolean lameDuck;
    private volatile String infoHost;
    private volatile int infoPort;
    private volatile String infoIp = "";

    public RouteManager(Host host, ServerOptions options, RouteHandler handler, ServerClock clock,
                        ScheduledExecutorService timers, LongSupplier ids, ServerStats stats) {
        this.host = host;
        this.options = options;
        this.cluster = options.cluster();
        this.handler = handler;
        this.clock = clock;
        this.timers = timers;
        this.ids = ids;
        this.stats = stats;
        this.permissions = cluster.permissions() == null ? null
                : io.natsj.server.auth.UserPermissions.compile(cluster.permissions());
        this.tls = cluster.tls() == null ? null : io.natsj.server.tls.ServerTls.create(cluster.tls());
        this.clusterDynamic = cluster.name().isEmpty();
        Set<String> p = new LinkedHashSet<>(cluster.pinnedAccounts());
        if (cluster.poolSize() > 0) {
            p.add(options.systemAccount() == null ? io.natsj.server.account.Account.SYSTEM : options.systemAccount());
        }
        this.pinned = Set.copyOf(p);
        this.clusterName = clusterDynamic ? UUID.randomUUID().toString().replace("-", "").substring(0, 22)
                .toUpperCase(Locale.ROOT) : cluster.name();
    }

    /** Binds the cluster port, starts accepting routes and dials the configured ones. */
    public void start() throws IOException {
        int port = cluster.port() == ServerOptions.RANDOM_PORT ? 0 : cluster.port();
        ServerSocket socket = new ServerSocket();
        try {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(cluster.host(), port), 1024);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw new IOException("Error listening on router port: " + cluster.port() + " - " + e.getMessage(), e);
        }
        listener = socket;
        LOG.info("Cluster name is {}", clusterName);
        if (clusterDynamic) {
            LOG.warn("Cluster name was dynamically generated, consider setting one");
        }
        setInfoHostPort();
        LOG.info("Listening for route connections on {}", RouteConnection.hostPort(cluster.host(), socket.getLocalPort()));
        Thread.ofVirtual().name("natsj-route-accept").start(this::acceptLoop);
        long watch = Math.max(50, Math.min(1000, options.writeDeadline().toMillis() / 2));
        timers.scheduleAtFixedRate(this::checkWriteDeadlines, watch, watch, TimeUnit.MILLISECONDS);
        for (URI url : cluster.routes()) {
            dial(url, true);
        }
        for (String account : pinned) {
            for (URI url : cluster.routes()) {
                dialAfter(url, true, 0, account);
            }
        }
    }

    private void setInfoHostPort() {
        String adv = cluster.advertise();
        if (adv != null && !adv.isEmpty()) {
            int colon = adv.lastIndexOf(':');
            boolean hasPort = colon > 0 && adv.indexOf(':') == colon || adv.startsWith("[") && adv.contains("]:");
            String h = hasPort ? adv.substring(0, colon) : adv;
            int p = hasPort ? Integer.parseInt(adv.substring(colon + 1)) : port();
            h = h.startsWith("[") ? h.substring(1, h.length() - 1) : h;
            infoHost = h;
            infoPort = p;
            infoIp = "nats-route://" + RouteConnection.hostPort(h, p) + "/";
        } else {
            infoHost = cluster.host();
            infoPort = port();
            infoIp = "";
        }
    }

    /** The bound cluster port. */
    public int port() {
        ServerSocket l = listener;
        return l == null ? 0 : l.getLocalPort();
    }

    private void acceptLoop() {
        ServerSocket l = listener;
        while (!closing) {
            Socket s;
            try {
                s = l.accept();
            } catch (SocketException e) {
                if (closing) {
                    return;
                }
                LOG.error("Error accepting route connection: {}", e.toString());
                continue;
            } catch (IOException e) {
                LOG.error("Error accepting route connection: {}", e.toString());
                continue;
            }
            startConnection(s, null, false, null);
        }
    }

    private void startConnection(Socket s, URI url, boolean explicit, String account) {
        try {
            s.setTcpNoDelay(true);
        } catch (SocketException e) {
            LOG.debug("setTcpNoDelay: {}", e.toString());
        }
        RouteConnection c = new RouteConnection(this, s, ids.getAsLong(), url, explicit, account);
        connections.add(c);
        if (closing) {
            c.close(ClosedReason.SERVER_SHUTDOWN, false);
            return;
        }
        c.start();
    }

    // ---------------------------------------------------------------- dialing

    /** Dials {@code url} on a virtual thread: explicit routes forever, implicit ones {@code connect_retries} times. */
    void dial(URI url, boolean explicit) {
        dialAfter(url, explicit, 0, null);
    }

    /** The next connection of a peer's pool, at once (nats-server's processPong), not deduplicated. */
    void dialNextPooled(URI url, boolean explicit) {
        if (url != null) {
            dialAfter(url, explicit, 0, POOL_DIAL + poolDials.incrementAndGet());
        }
    }

    /**
     * Dials {@code url} after {@code delayMillis}, for the pool ({@code account} null) or for one pinned account;
     * one dial at a time per URL and account.
     */
    private void dialAfter(URI url, boolean explicit, long delayMillis, String account) {
        String key = url.getHost() + ":" + url.getPort() + (account == null ? "" : " " + account);
        String pinnedAccount = account == null || account.startsWith(POOL_DIAL) ? null : account;
        if (!dialing.add(key)) {
            return;
        }
        Thread t = Thread.ofVirtual().name("natsj-route-dial").unstarted(() -> {
            try {
                if (delayMillis > 0) {
                    Thread.sleep(delayMillis);
                }
                dialLoop(url, explicit, pinnedAccount);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                dialing.remove(key);
                dialers.remove(Thread.currentThread());
            }
        });
        dialers.add(t);
        if (closing) {
            dialing.remove(key);
            dialers.remove(t);
            return;
        }
        t.start();
    }

    private void dialLoop(URI url, boolean explicit, String account) throws InterruptedException {
        int attempts = 0;
        while (!closing) {
            Socket s = new Socket();
            try {
                LOG.debug("Trying to connect to route on {}", url.getHost() + ":" + url.getPort());
                s.connect(new InetSocketAddress(url.getHost(), url.getPort()), ROUTE_DIAL_TIMEOUT_MILLIS);
                startConnection(s, url, explicit, account);
                return;
            } catch (IOException e) {
                closeQuietly(s);
                attempts++;
                if (attempts == 1 || attempts % 3600 == 0) {
                    LOG.error("Error trying to connect to route (attempt {}): {}", attempts, e.toString());
                } else {
                    LOG.debug("Error trying to connect to route (attempt {}): {}", attempts, e.toString());
                }
                if (!explicit && (cluster.connectRetries() <= 0 || attempts > cluster.connectRetries())) {
                    return;
                }
                Thread.sleep(ROUTE_CONNECT_DELAY_MILLIS);
            }
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    /**
     * A peer told us about a server it is routed to (or about one of that server's pinned-account routes): dial it
     * unless it is us, known, configured or being dialed. Told by a peer that does not pool, also dial the pinned
     * accounts' routes, which such a peer never announces (nats-server's processImplicitRoute).
     */
    void implicitRoute(RouteInfo info, boolean fromNoPool) {
        String account = info.routeAccount();
        RoutePeer known = remotes.get(info.serverId());
        if (!account.isEmpty() && (!pooling() || known != null && known.pinned(account) != null)
                || account.isEmpty() && known != null && known.hasPooled()) {
            return;
        }
        if (closing || info.serverId().equals(host.serverId()) || isConfigured(info.host(), info.port())
                || info.ip().isEmpty()) {
            return;
        }
        URI url;
        try {
            url = URI.create(info.ip());
        } catch (IllegalArgumentException e) {
            LOG.error("Error parsing URL from INFO: {}", e.getMessage());
            return;
        }
        if (info.authRequired()) {
            url = ClusterAuth.withUserInfo(url, cluster.user(), cluster.password());
        }
        dialAfter(url, false, 0, account.isEmpty() ? null : account);
        if (fromNoPool && account.isEmpty()) {
            for (String a : pinned) {
                dialAfter(url, false, 0, a);
            }
        }
    }

    private boolean isConfigured(String h, int p) {
        String hp = RouteConnection.hostPort(h, p).toLowerCase(Locale.ROOT);
        for (URI u : cluster.routes()) {
            if (RouteConnection.hostPort(u.getHost(), u.getPort()).toLowerCase(Locale.ROOT).equals(hp)) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- registration

    /**
     * A route's INFO arrived: registers it in its peer's pool, as the peer's single route when either side does not
     * pool, or as a pinned account's route (nats-server's {@code addRoute}); refuses it with nats-server's errors.
     */
    Registration register(RouteConnection c, RouteInfo info) {
        String account = c.pinnedAccount();
        if (account != null && !host.hasAccount(account)) {
            c.refuse("Unable to lookup account \"" + account + "\": account missing", ClosedReason.MISSING_ACCOUNT);
            return Registration.REFUSED;
        }
        String id = info.serverId();
        RoutePeer peer;
        boolean newPeer;
        boolean doOnce;
        boolean gossip;
        int idx = -1;
        boolean startNew = false;
        synchronized (this) {
            if (closing || c.isClosed()) {
                return Registration.REFUSED;
            }
            boolean pool = info.poolSize() > 0;
            int effective = Math.max(ourPoolSize(), info.poolSize());
            String error = null;
            if (info.poolSize() <= 0 || cluster.poolSize() < 0) {
                if (account != null) {
                    error = "Not possible to have a dedicated route for account \"" + account
                            + "\" between those servers";
                    c.noReconnect(true);
                } else {
                    pool = false;
                }
            } else if (c.dialed()) {
                if (info.poolIdx() != 0) {
                    error = "Route pool index should not be set but is set to " + info.poolIdx();
                }
            } else if (info.poolIdx() < 0 || info.poolIdx() >= effective) {
                error = "Invalid route pool index: " + info.poolIdx() + " - pool size is " + info.poolSize();
            }
            if (error == null && account != null && !pinned.contains(account)) {
                error = "No route for account \"" + account + "\"";
            }
            if (error != null) {
                c.refuse(error, ClosedReason.PROTOCOL_VIOLATION);
                return Registration.REFUSED;
            }
            peer = remotes.get(id);
            newPeer = peer == null;
            if (newPeer) {
                peer = new RoutePeer(this, id, ourPoolSize());
            }
            if (account != null) {
                RouteConnection existing = peer.pinned(account);
                if (existing != null) {
                    duplicate(existing, c, true);
                    return Registration.DUPLICATE;
                }
                peer.putPinned(account, c);
                c.markRegistered(peer, -1);
                doOnce = newPeer;
                RoutePeer self = peer;
                gossip = remotes.values().stream().anyMatch(p -> p != self && p.pinned(account) != null);
            } else {
                int sz = 0;
                if (!peer.hasPooled()) {
                    peer.noPool(!pool);
                    peer.ensureSlots(pool ? effective : 1);
                    idx = pool ? info.poolIdx() : 0;
                } else if (pool && !peer.noPool()) {
                    peer.ensureSlots(effective);
                    RouteConnection[] slots = peer.slots();
                    if (!c.dialed()) {
                        idx = info.poolIdx();
                        if (slots[idx] != null) {
                            duplicate(slots[idx], c, false);
                            return Registration.DUPLICATE;
                        }
                        for (RouteConnection r : slots) {
                            if (r != null && r.solicited()) {
                                c.takeOverDial(r.dialUrl(), r.dialExplicit()); // redialed from here should it close
                                break;
                            }
                        }
                    } else {
                        for (RouteConnection r : slots) {
                            if (r != null && !r.solicited()) {
                                r.takeOverDial(c.dialUrl(), c.dialExplicit());
                            }
                        }
                    }
                    for (int i = 0; i < slots.length; i++) {
                        if (idx == -1 && slots[i] == null) {
                            idx = i;
                        } else if (slots[i] != null) {
                            sz++;
                        }
                    }
                    if (idx == -1) {
                        LOG.debug("{} - Route pool size reached, closing extra connection to \"{}\"", c, id);
                        c.noReconnect(true);
                        return Registration.DUPLICATE;
                    }
                } else {
                    duplicate(peer.slots()[0], c, !pool); // one route with a peer that does not pool
                    return Registration.DUPLICATE;
                }
                if (c.dialed() && pooling()) {
                    c.send(infoLine(initialNonce(), null, idx)); // the INFO held back, before any interest
                }
                peer.setSlot(idx, c);
                c.markRegistered(peer, idx);
                sz++;
                doOnce = !pool || sz == 1;
                RoutePeer self = peer;
                gossip = doOnce && remotes.values().stream().anyMatch(p -> p != self && p.hasPooled());
                startNew = pool && c.dialed() && sz != effective;
            }
            peer.info(info);
            if (newPeer) {
                remotes.put(id, peer);
            }
        }
        if (newPeer) {
            peer.announceUp(handler);
        } else {
            int slot = idx;
            RoutePeer p = peer;
            handler.resendInterest(p, a -> p.carries(a, slot, account));
        }
        if (gossip) {
            gossip(c, info, account, id);
        }
        if (doOnce && !cluster.noAdvertise() && !info.connectUrls().isEmpty()) {
            host.peersChanged();
        }
        if (startNew) {
            c.startNewRouteOnPong();
        }
        return Registration.ADDED;
    }

    /**
     * A new route's INFO goes to the other peers so that they dial it (a pinned account's route through their
     * route for that account, never to a peer that does not pool), as nats-server's forwardNewRouteInfoToKnownServers.
     */
    private void gossip(RouteConnection c, RouteInfo info, String account, String id) {
        byte[] line = info.gossipLine(info.ip().isEmpty()
                ? "nats-route://" + RouteConnection.hostPort(c.remoteIp(), info.port()) + "/" : info.ip(), account);
        for (RoutePeer p : remotes.values()) {
            if (p.remoteServerId().equals(id) || account != null && p.noPool()) {
                continue;
            }
            RouteConnection to = account == null ? null : p.pinned(account);
            to = to == null ? p.primary() : to;
            if (to != null) {
                to.send(line);
            }
        }
    }

    /**
     * {@code c} duplicates {@code remote} (nats-server's handleDuplicateRoute): {@code remote} takes over the URL of
     * a dialed {@code c} and is redialed once should it close, so a race that drops both ends in one route again.
     */
    private static void duplicate(RouteConnection remote, RouteConnection c, boolean noReconnect) {
        if (noReconnect) {
            c.noReconnect(true);
        }
        if (c.dialed() && (!remote.solicited() || c.dialExplicit() && !remote.dialExplicit())) {
            remote.takeOverDial(c.dialUrl(), c.dialExplicit());
        }
        remote.retry(true);
    }

    /** A route closed: unregisters it, drops the interest it carried, and redials it as nats-server does. */
    void closed(RouteConnection c) {
        RoutePeer peer = c.peer();
        boolean wasRegistered;
        boolean last = false;
        synchronized (this) {
            connections.remove(c);
            wasRegistered = c.registered() && peer != null && remotes.get(peer.remoteServerId()) == peer;
            if (wasRegistered) {
                last = peer.remove(c);
                if (last) {
                    remotes.remove(peer.remoteServerId(), peer);
                    peer.markClosed();
                }
            }
        }
        List<RouteConnection.RemoteSub> subs = c.takeRemoteSubs();
        if (wasRegistered) {
            if (last) {
                peer.announceDown(handler);
                boolean hadUrls = peer.info() != null && !peer.info().connectUrls().isEmpty();
                lameDuckPeers.remove(peer.remoteServerId());
                if (hadUrls && !cluster.noAdvertise()) {
                    host.peersChanged();
                }
            } else {
                for (RouteConnection.RemoteSub s : subs) {
                    handler.remoteUnsubscribe(peer, s.account(), s.subject(), s.queue());
                }
            }
        }
        redial(c, last && peer.noPool());
    }

    private void redial(RouteConnection c, boolean lostUnpooledPeer) {
        URI url = c.dialUrl();
        String rid = c.remoteServerId();
        if (closing || c.closedReason() == ClosedReason.SERVER_SHUTDOWN || rid.equals(host.serverId())) {
            return;
        }
        URI routeUrl = c.url();
        if (lostUnpooledPeer && pooling() && routeUrl != null && routeUrl.getHost() != null
                && routeUrl.getPort() > 0) {
            // the peer may come back pooling: dial its pool and pinned routes (nats-server's removeRoute)
            if (ourPoolSize() > 1) {
                dialAfter(routeUrl, c.dialExplicit(), 0, null);
            }
            for (String a : pinned) {
                dialAfter(routeUrl, c.dialExplicit(), 0, a);
            }
        }
        if (url == null || c.noReconnect()) {
            return;
        }
        if (!pooling() && c.pinnedAccount() == null && !rid.isEmpty() && remotes.containsKey(rid)) {
            return; // one route per peer, and it is up
        }
        boolean retryImplicit = c.retry() || pooling() && !c.dialExplicit();
        if (c.dialExplicit() || retryImplicit) {
            long delay = ThreadLocalRandom.current().nextLong(100) + (c.dialExplicit() ? ROUTE_CONNECT_DELAY_MILLIS : 0);
            dialAfter(url, c.dialExplicit(), delay, c.pinnedAccount());
        }
    }

    /** Whether this server pools its routes ({@code pool_size} ≥ 1). */
    boolean pooling() {
        return cluster.poolSize() > 0;
    }

    /** This server's pool size: 1 when it does not pool. */
    int ourPoolSize() {
        return Math.max(1, cluster.poolSize());
    }

    /** Whether {@code account} has a dedicated route to each peer (pinned). */
    boolean isPinned(String account) {
        return pinned.contains(account);
    }

    /** A peer announced lame duck mode: its client URLs leave {@code connect_urls}. */
    void peerLameDuck(RouteConnection c) {
        if (lameDuckPeers.add(c.remoteServerId()) && !cluster.noAdvertise()) {
            host.peersChanged();
        }
    }

    // ---------------------------------------------------------------- cluster name and authorization

    /**
     * A peer's CONNECT names its cluster: null when it is ours (or ours is dynamic and gives way), else the error
     * nats-server sends.
     */
    String checkClusterName(String theirs, boolean theirDynamic, RouteConnection c) {
        String ours = clusterName;
        if (theirs.equals(ours)) {
            return null;
        }
        if (clusterDynamic && (!theirDynamic || ours.compareTo(theirs) < 0)) {
            adopt(theirs, theirDynamic, c);
            return null;
        }
        return "Rejecting connection, cluster name \"" + theirs + "\" does not match \"" + ours + "\"";
    }

    /** A peer's INFO names another cluster: true when ours is dynamic and takes theirs. */
    boolean adoptClusterName(String theirs, boolean theirDynamic, RouteConnection c) {
        String ours = clusterName;
        if (clusterDynamic && (!theirDynamic || ours.compareTo(theirs) < 0)) {
            adopt(theirs, true, c);
            return true;
        }
        return false;
    }

    private void adopt(String name, boolean stillDynamic, RouteConnection except) {
        List<RouteConnection> others;
        synchronized (this) {
            clusterName = name;
            clusterDynamic = stillDynamic;
            others = new ArrayList<>(connections);
        }
        LOG.info("Cluster name updated to {}", name);
        for (RouteConnection r : others) {
            if (r != except) {
                r.close(ClosedReason.CLUSTER_NAME_CONFLICT, false);
            }
        }
    }

    /** Whether interest in {@code subject} is sent to peers ({@code import} permission; nats-server's canImport). */
    boolean canImport(String subject) {
        return permissions == null || permissions.publishAllowed(subject);
    }

    /** Whether a peer's interest in {@code subject} is taken ({@code export} permission; canExport). */
    boolean canExport(String subject) {
        return permissions == null || permissions.subscribeAllowed(subject, null);
    }

    boolean hasAccount(String name) {
        return host.hasAccount(name);
    }

    /** TLS on routes, or null. */
    io.natsj.server.tls.ServerTls tls() {
        return tls;
    }

    boolean authRequired() {
        return cluster.user() != null && !cluster.user().isEmpty();
    }

    boolean authorize(String user, String pass) {
        return cluster.user().equals(user)
                && ClientAuthenticator.secretMatches(cluster.password() == null ? "" : cluster.password(), pass);
    }

    Duration authTimeout() {
        return cluster.authTimeout();
    }

    // ---------------------------------------------------------------- this server's route INFO

    /**
     * Lame duck mode: tells every peer (route INFO with {@code ldm: true}), so that they drop this server's client
     * URLs from their clients' {@code connect_urls}, as nats-server does.
     */
    public void announceLameDuck() {
        lameDuck = true;
        byte[] info = infoLine();
        for (RoutePeer p : remotes.values()) {
            for (RouteConnection r : p.connections()) {
                r.send(info);
            }
        }
    }

    /**
     * The route INFO line this server sends on a new route: with a fresh nonce, as nats-server's (not signed), the
     * pinned account of a per-account route and the pool slot a dialer picked.
     */
    byte[] initialInfoLine(String account, int poolIdx) {
        return infoLine(initialNonce(), account, poolIdx);
    }

    private static String initialNonce() {
        byte[] raw = new byte[11];
        ThreadLocalRandom.current().nextBytes(raw);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    /** The route INFO line without a nonce (updates to established routes). */
    byte[] infoLine() {
        return infoLine(null, null, 0);
    }

    private byte[] infoLine(String nonce, String account, int poolIdx) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        o.put("server_id", host.serverId());
        o.put("server_name", host.serverName());
        o.put("version", host.version());
        o.put("proto", 2);
        o.put("go", io.natsj.server.Versions.runtimeDescription());
        o.put("host", infoHost);
        o.put("port", infoPort);
        o.put("headers", true);
        if (authRequired()) {
            o.put("auth_required", true);
        }
        if (tls != null) {
            o.put("tls_required", true);
            o.put("tls_verify", true);
        }
        o.put("max_payload", host.maxPayload());
        if (host.jetStream()) {
            o.put("jetstream", true);
        }
        if (!infoIp.isEmpty()) {
            o.put("ip", infoIp);
        }
        if (nonce != null) {
            o.put("nonce", nonce);
        }
        o.put("cluster", clusterName);
        if (clusterDynamic) {
            o.put("cluster_dynamic", true);
        }
        if (!cluster.noAdvertise()) {
            List<String> urls = host.clientConnectUrls();
            if (!urls.isEmpty()) {
                ArrayNode a = o.putArray("connect_urls");
                urls.forEach(a::add);
            }
        }
        if (lameDuck) {
            o.put("ldm", true);
        }
        if (cluster.permissions() != null) {
            putPermission(o, "import", cluster.permissions().publish());
            putPermission(o, "export", cluster.permissions().subscribe());
        }
        o.put("lnoc", true);
        if (cluster.poolSize() > 0) {
            o.put("route_pool_size", cluster.poolSize());
        }
        if (poolIdx != 0) {
            o.put("route_pool_idx", poolIdx);
        }
        if (account != null) {
            o.put("route_account", account);
        }
        return RouteInfo.line("INFO ", o, true);
    }

    private static void putPermission(ObjectNode o, String name, io.natsj.server.auth.Permissions.SubjectPermission p) {
        if (p == null) {
            return;
        }
        ObjectNode n = o.putObject(name);
        if (p.allow() != null && !p.allow().isEmpty()) {
            p.allow().forEach(n.putArray("allow")::add);
        }
        if (p.deny() != null && !p.deny().isEmpty()) {
            p.deny().forEach(n.putArray("deny")::add);
        }
    }

    // ---------------------------------------------------------------- views

    /** The registered routes, one per peer server (its first pool connection, else a pinned one). */
    public List<RouteConnection> routes() {
        List<RouteConnection> all = new ArrayList<>();
        for (RoutePeer p : remotes.values()) {
            RouteConnection c = p.primary();
            if (c != null) {
                all.add(c);
            }
        }
        return all;
    }

    /** Every registered route connection: each peer's pool and pinned-account routes. */
    public List<RouteConnection> routeConnections() {
        List<RouteConnection> all = new ArrayList<>();
        for (RoutePeer p : remotes.values()) {
            all.addAll(p.connections());
        }
        return all;
    }

    /** The peer (interest layer link) a registered connection belongs to, or null. */
    public RouteLink peerOf(RouteConnection c) {
        return c.peer();
    }

    /** The peers' client URLs, in no particular order, leaving out peers in lame duck mode. */
    public List<String> peerClientUrls() {
        Set<String> urls = new LinkedHashSet<>();
        for (RoutePeer r : remotes.values()) {
            RouteInfo info = r.info();
            if (info != null && !lameDuckPeers.contains(info.serverId())) {
                urls.addAll(info.connectUrls());
            }
        }
        return List.copyOf(urls);
    }

    public String clusterName() {
        return clusterName;
    }

    boolean clusterDynamic() {
        return clusterDynamic;
    }

    String serverId() {
        return host.serverId();
    }

    String serverName() {
        return host.serverName();
    }

    RouteHandler handler() {
        return handler;
    }

    ServerOptions options() {
        return options;
    }

    ServerClock clock() {
        return clock;
    }

    ScheduledExecutorService timers() {
        return timers;
    }

    ServerStats stats() {
        return stats;
    }

    private void checkWriteDeadlines() {
        long now = clock.nanoTime();
        for (RouteConnection c : connections) {
            c.checkWriteDeadline(now);
        }
    }

    /** Stops listening and dialing and closes every route. */
    @Override
    public void close() {
        closing = true;
        ServerSocket l = listener;
        if (l != null) {
            try {
                l.close();
            } catch (IOException e) {
                LOG.debug("closing route listener: {}", e.toString());
            }
        }
        for (Thread t : dialers) {
            t.interrupt();
        }
        for (RouteConnection c : List.copyOf(connections)) {
            c.close(ClosedReason.SERVER_SHUTDOWN, false);
        }
    }
}
