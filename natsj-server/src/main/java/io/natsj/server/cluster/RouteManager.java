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
 * keeps one registered route per peer server, tells the other peers about a new one (gossip), redials a dialed route
 * that drops, and knows the peers' client URLs for the clients' {@code connect_urls}.
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

    private final Map<String, RouteConnection> remotes = new ConcurrentHashMap<>();
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
            startConnection(s, null, false);
        }
    }

    private void startConnection(Socket s, URI url, boolean explicit) {
        try {
            s.setTcpNoDelay(true);
        } catch (SocketException e) {
            LOG.debug("setTcpNoDelay: {}", e.toString());
        }
        RouteConnection c = new RouteConnection(this, s, ids.getAsLong(), url, explicit);
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
        dialAfter(url, explicit, 0);
    }

    private void dialAfter(URI url, boolean explicit, long delayMillis) {
        String key = url.getHost() + ":" + url.getPort();
        if (!dialing.add(key)) {
            return;
        }
        Thread t = Thread.ofVirtual().name("natsj-route-dial").unstarted(() -> {
            try {
                if (delayMillis > 0) {
                    Thread.sleep(delayMillis);
                }
                dialLoop(url, explicit);
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

    private void dialLoop(URI url, boolean explicit) throws InterruptedException {
        int attempts = 0;
        while (!closing) {
            Socket s = new Socket();
            try {
                LOG.debug("Trying to connect to route on {}", url.getHost() + ":" + url.getPort());
                s.connect(new InetSocketAddress(url.getHost(), url.getPort()), ROUTE_DIAL_TIMEOUT_MILLIS);
                startConnection(s, url, explicit);
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

    /** A peer told us about a server it is routed to: dial it unless it is us, known, configured or being dialed. */
    void implicitRoute(RouteInfo info) {
        if (closing || info.serverId().equals(host.serverId()) || remotes.containsKey(info.serverId())
                || isConfigured(info.host(), info.port()) || info.ip().isEmpty()) {
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
        dial(url, false);
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

    /** A route's INFO arrived: registers it as the peer's route unless the peer has one already. */
    Registration register(RouteConnection c, RouteInfo info) {
        boolean sendInfo;
        RouteConnection existing;
        synchronized (this) {
            if (closing || c.isClosed()) {
                return Registration.REFUSED;
            }
            existing = remotes.putIfAbsent(info.serverId(), c);
            if (existing == null) {
                c.markRegistered();
                sendInfo = remotes.size() > 1;
            } else {
                sendInfo = false;
                if (c.solicited()) {
                    existing.takeOverDial(c.dialUrl(), c.dialExplicit());
                }
                existing.retry(true); // both ends may keep opposite connections: redial once should it close
            }
        }
        if (existing != null) {
            return Registration.DUPLICATE;
        }
        c.announceUp(handler);
        if (sendInfo) {
            byte[] gossip = info.gossipLine(info.ip().isEmpty()
                    ? "nats-route://" + RouteConnection.hostPort(c.remoteIp(), info.port()) + "/" : info.ip());
            for (RouteConnection r : remotes.values()) {
                if (r != c) {
                    r.send(gossip);
                }
            }
        }
        if (!cluster.noAdvertise() && !info.connectUrls().isEmpty()) {
            host.peersChanged();
        }
        return Registration.ADDED;
    }

    /** A route closed: unregisters it, drops its interest, and redials it when it was dialed. */
    void closed(RouteConnection c) {
        boolean wasRegistered;
        synchronized (this) {
            connections.remove(c);
            wasRegistered = c.registered() && remotes.remove(c.remoteServerId(), c);
        }
        if (wasRegistered) {
            c.announceDown(handler);
            c.clearRemoteSubs();
            boolean hadUrls = c.remoteInfo() != null && !c.remoteInfo().connectUrls().isEmpty();
            lameDuckPeers.remove(c.remoteServerId());
            if (hadUrls && !cluster.noAdvertise()) {
                host.peersChanged();
            }
        }
        URI url = c.dialUrl();
        String rid = c.remoteServerId();
        if (closing || url == null || c.closedReason() == ClosedReason.SERVER_SHUTDOWN
                || rid.equals(host.serverId()) || !rid.isEmpty() && remotes.containsKey(rid)) {
            return;
        }
        if (c.dialExplicit() || c.retry()) {
            long delay = ThreadLocalRandom.current().nextLong(100) + (c.dialExplicit() ? ROUTE_CONNECT_DELAY_MILLIS : 0);
            dialAfter(url, c.dialExplicit(), delay);
        }
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
        for (RouteConnection r : remotes.values()) {
            r.send(info);
        }
    }

    /** The route INFO line this server sends on a new route: with a fresh nonce, as nats-server's (not signed). */
    byte[] initialInfoLine() {
        byte[] raw = new byte[11];
        ThreadLocalRandom.current().nextBytes(raw);
        return infoLine(java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(raw));
    }

    /** The route INFO line without a nonce (updates to established routes). */
    byte[] infoLine() {
        return infoLine(null);
    }

    private byte[] infoLine(String nonce) {
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

    /** The registered routes, one per peer server. */
    public List<RouteConnection> routes() {
        return List.copyOf(remotes.values());
    }

    /** The peers' client URLs, in no particular order, leaving out peers in lame duck mode. */
    public List<String> peerClientUrls() {
        Set<String> urls = new LinkedHashSet<>();
        for (RouteConnection r : remotes.values()) {
            RouteInfo info = r.remoteInfo();
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
