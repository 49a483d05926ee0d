package io.natsj.server;

import io.natsj.server.account.Account;
import io.natsj.server.account.Accounts;
import io.natsj.server.cluster.ClusterInterest;
import io.natsj.server.jetstream.JetStream;
import io.natsj.server.jetstream.cluster.JetStreamCluster;
import io.natsj.server.jetstream.cluster.MetaBootstrap;
import io.natsj.server.raft.RaftNode;
import io.natsj.server.raft.host.RaftGroup;
import io.natsj.server.raft.host.RaftHost;
import io.natsj.server.store.io.DiskFileIO;
import io.natsj.server.raft.route.RouteRaftTransport;
import io.natsj.server.jetstream.JetStreamAccountView;
import io.natsj.server.jetstream.JetStreamService;
import io.natsj.server.jetstream.api.MetaLeadership;
import io.natsj.server.jetstream.StreamStores;
import io.natsj.server.json.GoFormats;
import io.natsj.server.auth.ClientAuthenticator;
import io.natsj.server.client.ClientConnection;
import io.natsj.server.client.ClosedReason;
import io.natsj.server.client.ServerContext;
import io.natsj.server.cluster.RouteConnection;
import io.natsj.server.cluster.RouteManager;
import io.natsj.server.cluster.RouteInterest;
import io.natsj.server.monitor.MetaFacts;
import io.natsj.server.monitor.RaftGroupFacts;
import io.natsj.server.monitor.MonitorServer;
import io.natsj.server.monitor.MonitoredServer;
import io.natsj.server.monitor.SystemEvents;
import io.natsj.server.routing.Subscription;
import io.natsj.server.monitor.RouteFacts;
import io.natsj.server.monitor.SystemRequests;
import io.natsj.server.protocol.InfoLineTemplate;
import io.natsj.server.protocol.ServerInfo;
import io.natsj.server.tls.ServerTls;
import io.natsj.server.util.ServerClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The natsj server as a library: build {@link ServerOptions}, {@link #start()} (returns once the server accepts
 * clients), use {@link #port()} / {@link #clientUrl()}, then {@link #close()} to release every thread, socket and file.
 *
 * <pre>{@code
 * try (NatsServer server = NatsServer.start(ServerOptions.builder().port(0).build())) {
 *     Connection nc = Nats.connect(server.clientUrl());
 * }
 * }</pre>
 *
 * <p>Threading: start and close may be called from any thread; the accessors are safe once started. Connections run
 * on virtual threads (one reader, one writer each); timers on one shared platform thread.
 */
public final class NatsServer implements AutoCloseable, MonitoredServer {

    /** nats-server keeps this many closed connections for /connz?state=closed. */
    private static final int MAX_CLOSED = 10_000;
    /** One Raft tick: elections after 1–2 s of silence (10–20 ticks), heartbeats every 200 ms. */
    private static final long RAFT_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** A meta replica heard from within this (the longest election timeout) and caught up is "current". */
    private static final long META_REPLICA_QUIET_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** A meta replica not heard from for this long is shown "offline". */
    private static final long OFFLINE_AFTER_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final ServerOptions options;
    private final ServerClock clock;
    private final String serverId;
    private final String serverName;
    private final Accounts accounts;
    private final ServerStats stats = new ServerStats();
    private final ClientAuthenticator authenticator;
    private final ConcurrentHashMap<Long, ClientConnection> clients = new ConcurrentHashMap<>();
    private final ArrayDeque<ClientConnection> closedClients = new ArrayDeque<>();
    private final AtomicLong nextCid = new AtomicLong();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicBoolean lameDuck = new AtomicBoolean();
    /** The cluster layer's part of lame duck mode: tell the routes (nats-server's INFO with ldm to each route). */
    private final CountDownLatch shutdown = new CountDownLatch(1);
    private final Context context = new Context();
    private volatile Instant startTime;
    private volatile InfoLineTemplate infoTemplate;
    /** The INFO after a "TLS first" handshake: tls_required even with allow_non_tls. */
    private volatile InfoLineTemplate tlsFirstInfoTemplate;
    /** The cluster's client URLs for INFO {@code connect_urls}: null until a peer announced some. */
    private List<String> clientConnectUrls;
    private ServerTls tls;
    private volatile ServerSocket listener;
    private volatile Thread acceptThread;
    private ScheduledThreadPoolExecutor timers;
    private MonitorServer monitor;
    private SystemRequests systemRequests;
    private volatile ClusterInterest clusterInterest;
    private SystemEvents systemEvents;
    private JetStream jetStream;
    private volatile RaftHost raftHost;
    private volatile JetStreamCluster jetStreamCluster;
    private RouteRaftTransport raftTransport;
    private volatile RouteManager routes;

    public NatsServer(ServerOptions options) {
        this(options, ServerClock.SYSTEM);
    }

    public NatsServer(ServerOptions options, ServerClock clock) {
        this.options = options;
        this.clock = clock;
        this.serverId = ServerIds.newServerId();
        this.serverName = options.serverName().isEmpty() ? serverId : options.serverName();
        this.authenticator = new ClientAuthenticator(options);
        this.accounts = Accounts.build(options.accounts(), options.systemAccount(), clock);
    }

    /** Creates and starts a server; returns once it accepts clients. */
    public static NatsServer start(ServerOptions options) throws IOException {
        NatsServer server = new NatsServer(options);
        server.start();
        return server;
    }

    /**
     * Binds the client port now, ahead of the rest of {@link #start()}: from here on the kernel accepts connections
     * into the listen backlog, and they are served as soon as the server is ready (what was not would be refused).
     * Optional, as {@code start()} binds it first thing anyway; does nothing once bound.
     */
    public synchronized void bind() throws IOException {
        if (listener != null) {
            return;
        }
        if (closing.get()) {
            throw new IllegalStateException("closed");
        }
        int port = options.port() == ServerOptions.RANDOM_PORT ? 0 : options.port();
        ServerSocket socket = new ServerSocket();
        try {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(options.host(), port), 1024);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
        listener = socket;
    }

    /**
     * Starts the server: binds the client port first (unless {@link #bind()} did), then everything that may take a
     * while (JetStream restoring its streams, TLS, monitoring), then accepts clients; returns once ready.
     */
    public void start() throws IOException {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("already started");
        }
        try {
            bind(); // first: from here on clients can connect, and wait in the backlog until the server is ready
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        startTime = clock.now();
        Log.LOG.info("Starting nats-server");
        Log.LOG.info("  Version:  {} (natsj {})", Versions.natsApiVersion(), Versions.natsjVersion());
        Log.LOG.info("  Java:     {}", Runtime.version());
        Log.LOG.info("  ID:       {}", serverId);
        if (options.configFile() != null) {
            Log.LOG.info("Using configuration file: {}", options.configFile());
        }
        timers = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "natsj-timer");
            t.setDaemon(true);
            return t;
        });
        timers.setRemoveOnCancelPolicy(true);
        try {
            checkMonitoringPorts();
            checkLameDuckTimes();
            checkJetStreamCluster();
            if (options.cluster() != null) {
                clusterInterest = new ClusterInterest(accounts); // before any internal subscription
            }
            if (options.tls() != null) {
                tls = ServerTls.create(options.tls());
            }
            if (options.jetStream().enabled()) {
                jetStream = startJetStream();
            }
            if (options.jetStream().enabled() && options.cluster() != null) {
                startRaft();
            }
            systemRequests = new SystemRequests(this);
            systemRequests.startHeartbeat(timers);
            systemEvents = new SystemEvents(this);
            if (options.httpPort() != 0 || options.httpsPort() != 0) {
                monitor = new MonitorServer(this);
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        infoTemplate = InfoLineTemplate.of(buildInfo());
        tlsFirstInfoTemplate = InfoLineTemplate.of(buildInfo().tlsRequired(tls != null));
        Log.LOG.info("Listening for client connections on {}:{}", options.host(), listener.getLocalPort());
        if (tls != null) {
            Log.LOG.info("TLS required for client connections");
            if (options.tls().handshakeFirst() && options.tls().handshakeFirstFallback().isZero()) {
                Log.LOG.warn("Clients that are not using \"TLS Handshake First\" option will fail to connect");
            }
        }
        if (options.cluster() != null) {
            try {
                startRoutes();
                if (raftHost != null) {
                    startJetStreamCluster();
                }
            } catch (IOException | RuntimeException e) {
                close();
                throw e;
            }
            refreshClientInfo();
        }
        long watch = Math.max(50, Math.min(1000, options.writeDeadline().toMillis() / 2));
        timers.scheduleAtFixedRate(this::checkWriteDeadlines, watch, watch, TimeUnit.MILLISECONDS);
        acceptThread = Thread.ofPlatform().name("natsj-accept").daemon(true).start(this::acceptLoop);
        Log.LOG.info("Server is ready");
    }

    /**
     * The Raft host of a clustered JetStream server: every replicated group of this server on one thread, its
     * traffic on {@code $NRG.} subjects over the routes (issue 12).
     */
    private void startRaft() {
        RouteRaftTransport transport = new RouteRaftTransport(accounts.system(), options.serverName());
        RaftHost host = new RaftHost(options.serverName(), transport, clock, RAFT_TICK_NANOS, new SplittableRandom());
        transport.attach(host);
        raftTransport = transport;
        raftHost = host.start();
    }

    /** The meta group of clustered JetStream, formed with the servers the configured routes name (ADR 0009). */
    private void startJetStreamCluster() throws IOException {
        int expected = MetaBootstrap.expectedServers(options.cluster(), clusterPort());
        JetStreamCluster jsc = new JetStreamCluster(raftHost, DiskFileIO.INSTANCE,
                storeDir().resolve("jetstream").resolve("$SYS").resolve("_js_"), options.serverName(), expected,
                this::routedJetStreamServers, timers);
        jetStreamCluster = jsc;
        jsc.start();
        jetStream.metaLeadership(new MetaLeadership() {
            @Override
            public boolean isLeader() {
                return jsc.isMetaLeader();
            }

            @Override
            public String stepDown(String preferred) {
                return jsc.stepDown(preferred);
            }

            @Override
            public CompletableFuture<RemoveRefusal> removeServer(String name, String peerId) {
                return jsc.removeServer(name, peerId).thenApply(r -> switch (r) {
                    case REMOVED -> null;
                    case NOT_MEMBER -> RemoveRefusal.NOT_MEMBER;
                    case CHANGE_IN_PROGRESS -> RemoveRefusal.CHANGE_IN_PROGRESS;
                });
            }
        });
    }

    /** The names of the JetStream servers this one has a route to. */
    private List<String> routedJetStreamServers() {
        return routes().stream().filter(r -> r.remoteInfo() != null && r.remoteInfo().jetStream())
                .map(RouteConnection::remoteServerName).distinct().toList();
    }

    private void startRoutes() throws IOException {
        RouteManager manager = new RouteManager(new RouteHost(), options, clusterInterest, clock, timers,
                nextCid::incrementAndGet, stats);
        routes = manager;
        manager.start();
    }

    /** nats-server refuses both monitoring ports at once, and HTTPS without the TLS certificate. */
    private void checkMonitoringPorts() {
        if (options.httpPort() != 0 && options.httpsPort() != 0) {
            throw new IllegalStateException("can't specify both HTTP (" + options.httpPort() + ") and HTTPs ("
                    + options.httpsPort() + ") ports");
        }
        if (options.httpsPort() != 0 && options.tls() == null) {
            throw new IllegalStateException("TLS cert and key required for HTTPS");
        }
    }

    /** nats-server's check: the grace period must end before the lame duck duration does. */
    private void checkLameDuckTimes() {
        if (options.lameDuckDuration().isPositive()
                && options.lameDuckGracePeriod().compareTo(options.lameDuckDuration()) >= 0) {
            throw new IllegalStateException("lame duck grace period (" + GoFormats.goDuration(
                    options.lameDuckGracePeriod()) + ") should be strictly lower than lame duck duration ("
                    + GoFormats.goDuration(options.lameDuckDuration()) + ")");
        }
    }

    /** nats-server's requirements for JetStream in a cluster: a server name and a cluster name. */
    private void checkJetStreamCluster() {
        if (!options.jetStream().enabled() || options.cluster() == null) {
            return;
        }
        if (options.serverName().isEmpty()) {
            throw new IllegalStateException("jetstream cluster requires `server_name` to be set");
        }
        if (options.cluster().name().isEmpty()) {
            throw new IllegalStateException("jetstream cluster requires `cluster.name` to be set");
        }
        Log.LOG.warn("JetStream is not replicated in a natsj cluster yet: this server keeps its own streams and "
                + "answers the JetStream API for the whole cluster; enable JetStream on one server only");
    }

    private ServerInfo buildInfo() {
        ServerInfo info = new ServerInfo()
                .serverId(serverId)
                .serverName(serverName)
                .version(Versions.natsApiVersion())
                .proto(1)
                .go(Versions.runtimeDescription())
                .host(options.host())
                .port(listener.getLocalPort())
                .headers(true)
                .authRequired(authenticator.required())
                .tlsRequired(tls != null && !options.allowNonTls())
                .tlsVerify(tls != null && options.tls().verifyClients())
                .tlsAvailable(tls != null && options.allowNonTls())
                .maxPayload(options.maxPayload())
                .jetStream(jetStream != null);
        if (jetStream != null && options.jetStream().domain() != null) {
            info.domain(options.jetStream().domain());
        }
        RouteManager r = routes;
        if (r != null) {
            info.cluster(r.clusterName()).connectUrls(clientConnectUrls);
        }
        return info;
    }

    private void acceptLoop() {
        while (!closing.get()) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (SocketException e) {
                if (closing.get() || lameDuck.get()) {
                    return;
                }
                Log.LOG.error("Error accepting client connection: {}", e.toString());
                continue;
            } catch (IOException e) {
                Log.LOG.error("Error accepting client connection: {}", e.toString());
                continue;
            }
            accept(socket);
        }
    }

    private void accept(Socket socket) {
        try {
            socket.setTcpNoDelay(true);
        } catch (SocketException e) {
            Log.LOG.debug("setTcpNoDelay: {}", e.toString());
        }
        long cid = nextCid.incrementAndGet();
        ClientConnection conn = new ClientConnection(context, socket, cid);
        stats.connectionAccepted();
        if (clients.size() >= options.maxConnections()) {
            conn.refuse("maximum connections exceeded", ClosedReason.MAX_CONNECTIONS_EXCEEDED);
            return;
        }
        clients.put(cid, conn);
        if (closing.get()) {
            conn.close(ClosedReason.SERVER_SHUTDOWN, false);
            return;
        }
        conn.start();
    }

    private void checkWriteDeadlines() {
        long now = clock.nanoTime();
        for (ClientConnection c : clients.values()) {
            c.checkWriteDeadline(now);
        }
    }

    /** JetStream's store directory: {@code store_dir}, or {@code <tmp>/nats} (files under its {@code jetstream}). */
    private Path storeDir() {
        Path dir = options.jetStream().storeDir();
        return dir != null ? dir : Path.of(System.getProperty("java.io.tmpdir"), "nats");
    }

    private JetStream startJetStream() throws IOException {
        Path storeDir = storeDir();
        if (options.jetStream().storeDir() == null) {
            Log.LOG.warn("Temporary storage directory used, data could be lost on system reboot");
        }
        JetStream js = new JetStream(options.jetStream(), storeDir, clock, timers, Versions.natsApiVersion(),
                serverName, StreamStores.factory(clock, options.jetStream()));
        try {
            js.start(accounts);
        } catch (IOException | RuntimeException e) {
            js.close();
            throw e;
        }
        return js;
    }

    /** The global account's JetStream, or null when JetStream is off or the global account does not have it. */
    public JetStreamService jetStream() {
        return jetStream == null ? null : jetStream.account(Account.GLOBAL);
    }

    @Override
    public List<RaftGroupFacts> raftGroups() {
        RaftHost host = raftHost;
        if (host == null) {
            return List.of();
        }
        List<RaftGroupFacts> out = new ArrayList<>();
        for (RaftGroup g : host.groups()) {
            out.add(new RaftGroupFacts(g.name(), g.term(), g.leader(), g.isLeader(), g.commitIndex(), g.appliedIndex(),
                    g.lastIndex(), g.leaderChanges(), g.recovering()));
        }
        return out;
    }

    @Override
    public MetaFacts metaFacts() {
        JetStreamCluster jsc = jetStreamCluster;
        if (jsc == null) {
            return null;
        }
        RaftGroup meta = jsc.meta();
        if (meta == null) {
            return new MetaFacts(false, clusterName(), null, jsc.expectedServers(), false, List.of());
        }
        List<MetaFacts.Replica> replicas = new ArrayList<>();
        long last = meta.lastIndex();
        long quiet = META_REPLICA_QUIET_NANOS;
        for (RaftNode.Replica r : meta.replicas()) {
            long since = r.ticksSinceContact() * meta.tickNanos();
            replicas.add(new MetaFacts.Replica(r.peer(), r.match() >= meta.commitIndex() && since <= quiet,
                    since > OFFLINE_AFTER_NANOS, since, Math.max(0, last - r.match())));
        }
        return new MetaFacts(true, clusterName(), meta.leader(), meta.voters().size(), meta.recovering(), replicas);
    }

    /** Clustered JetStream (the meta group), or null without JetStream or a cluster. */
    public JetStreamCluster jetStreamCluster() {
        return jetStreamCluster;
    }

    /** The Raft host of a clustered JetStream server, or null without JetStream or a cluster. */
    public RaftHost raftHost() {
        return raftHost;
    }

    /** JetStream of the whole server (every account's), or null when it is not enabled. */
    @Override
    public JetStream jetStreamServer() {
        return jetStream;
    }

    /** The cluster's interest layer, which route connections report to; null when this server runs alone. */
    public ClusterInterest clusterInterest() {
        return clusterInterest;
    }

    /** The server's accounts. */
    @Override
    public Accounts accounts() {
        return accounts;
    }

    /**
     * The JetStream view of every account with JetStream, sorted by account name (empty when JetStream is off):
     * what monitoring reports per account.
     */
    @Override
    public List<JetStreamAccountView> jetStreamAccounts() {
        JetStream js = jetStream;
        return js == null ? List.of() : js.accounts().stream().map(JetStreamService::accountView)
                .sorted(java.util.Comparator.comparing(JetStreamAccountView::accountName)).toList();
    }

    /** The options this server runs with. */
    @Override
    public ServerOptions options() {
        return options;
    }

    /** The bound client port (the real one when options asked for 0 or -1). */
    @Override
    public int port() {
        return listener.getLocalPort();
    }

    /** The bound cluster (route) port, or 0 when clustering is off. */
    @Override
    public int clusterPort() {
        RouteManager r = routes;
        return r == null ? 0 : r.port();
    }

    /** The routes to peer servers, one per peer (empty when clustering is off). */
    public List<RouteConnection> routes() {
        RouteManager r = routes;
        return r == null ? List.of() : r.routes();
    }

    @Override
    public List<RouteFacts> routeFacts() {
        ClusterInterest interest = clusterInterest;
        List<RouteFacts> facts = new ArrayList<>();
        RouteManager manager = routes;
        for (RouteConnection r : manager == null ? List.<RouteConnection>of() : manager.routeConnections()) {
            List<RouteFacts.AccountSubscription> subs = new ArrayList<>();
            var peer = manager.peerOf(r);
            if (interest != null && peer != null) {
                for (Subscription s : interest.remoteSubscriptions(peer)) {
                    String account = ((RouteInterest) s.subscriber()).account();
                    if (r.carriedInterest(account, s.subject(), s.queue())) {
                        subs.add(new RouteFacts.AccountSubscription(account, s));
                    }
                }
            }
            long rtt = r.rttNanos();
            facts.add(new RouteFacts(r.rid(), r.remoteServerId(), r.remoteServerName(), r.solicited(), r.explicit(),
                    r.remoteIp(), r.remotePort(), r.startTime(), r.lastActivity(),
                    rtt > 0 ? Duration.ofNanos(rtt) : null, r.pendingBytes(), r.inMsgs(), r.outMsgs(), r.inBytes(),
                    r.outBytes(), subs, r.pinnedAccount(), "off"));
        }
        return facts;
    }

    /** The cluster's name (possibly agreed with the peers), or null when clustering is off. */
    @Override
    public String clusterName() {
        RouteManager r = routes;
        return r == null ? null : r.clusterName();
    }

    /** Tells the cluster this server entered lame duck mode: the peers drop its client URLs from their clients'. */
    public void announceLameDuckToRoutes() {
        RouteManager r = routes;
        if (r != null) {
            r.announceLameDuck();
        }
    }

    /** The bound monitoring port, or 0 when HTTP monitoring is off. */
    @Override
    public int httpPort() {
        return monitor == null || monitor.secure() ? 0 : monitor.port();
    }

    /** The bound HTTPS monitoring port, or 0 when HTTPS monitoring is off. */
    @Override
    public int httpsPort() {
        return monitor != null && monitor.secure() ? monitor.port() : 0;
    }

    /** TLS on the client port, or null when off. */
    @Override
    public ServerTls tls() {
        return tls;
    }

    /** A URL clients can connect to, e.g. {@code nats://127.0.0.1:4222} ({@code tls://} with TLS, as nats-server). */
    public String clientUrl() {
        String host = options.host();
        if (host.equals("0.0.0.0") || host.equals("::") || host.isEmpty()) {
            host = "127.0.0.1";
        }
        return (tls != null ? "tls://" : "nats://") + (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
    }

    /** The server id, as in INFO {@code server_id}. */
    @Override
    public String serverId() {
        return serverId;
    }

    @Override
    public String serverName() {
        return serverName;
    }

    @Override
    public Instant startTime() {
        return startTime;
    }

    @Override
    public ServerClock clock() {
        return clock;
    }

    @Override
    public ServerStats stats() {
        return stats;
    }

    /** The global account ({@code $G}). */
    public Account globalAccount() {
        return accounts.global();
    }

    /** The open client connections (a snapshot view). */
    @Override
    public Collection<ClientConnection> connections() {
        return List.copyOf(clients.values());
    }

    /** Recently closed connections, oldest first (at most 10,000, as nats-server keeps). */
    @Override
    public List<ClientConnection> closedConnections() {
        synchronized (closedClients) {
            return new ArrayList<>(closedClients);
        }
    }

    /**
     * Enters lame duck mode (nats-server's {@code --signal ldm}, SIGUSR2): stops accepting clients, sends the connected
     * ones an INFO with {@code "ldm":true}, waits {@link ServerOptions#lameDuckGracePeriod()}, closes them spread
     * over {@link ServerOptions#lameDuckDuration()}, then shuts down ({@link #awaitShutdown()} returns). Returns at
     * once; does nothing when the server is not running or already in lame duck mode. See {@link LameDuckMode}.
     */
    public void lameDuckMode() {
        synchronized (this) {
            if (acceptThread == null || closing.get() || !lameDuck.compareAndSet(false, true)) {
                return;
            }
        }
        SystemEvents events = systemEvents;
        if (events != null) {
            events.lameDuck();
        }
        LameDuckMode ldm = new LameDuckMode(new LameDuckTarget(), options.lameDuckDuration(),
                options.lameDuckGracePeriod());
        Thread.ofPlatform().name("natsj-lame-duck").daemon(true).start(ldm::run);
    }

    /** Whether lame duck mode has started. */
    public boolean isLameDuckMode() {
        return lameDuck.get();
    }

    /** Blocks until the server has shut down. */
    public void awaitShutdown() throws InterruptedException {
        shutdown.await();
    }

    /** Stops accepting, closes every connection and releases all resources; idempotent. */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        Log.LOG.info("Initiating Shutdown...");
        try {
            ServerSocket bound;
            synchronized (this) {
                bound = listener;
            }
            if (bound != null) {
                bound.close();
            }
        } catch (IOException e) {
            Log.LOG.debug("closing listener: {}", e.toString());
        }
        RouteManager r = routes;
        if (r != null) {
            r.close();
        }
        for (ClientConnection c : clients.values()) {
            c.close(ClosedReason.SERVER_SHUTDOWN, false);
        }
        if (jetStreamCluster != null) {
            jetStreamCluster.close();
        }
        if (raftHost != null) {
            raftHost.close();
            raftTransport.close();
        }
        if (jetStream != null) {
            jetStream.close();
        }
        if (monitor != null) {
            monitor.close();
        }
        if (systemRequests != null) {
            systemRequests.close();
        }
        if (timers != null) {
            timers.shutdownNow();
        }
        if (acceptThread != null) {
            try {
                acceptThread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Log.LOG.info("Server Exiting..");
        shutdown.countDown();
    }

    /** The server as lame duck mode drives it. */
    private final class LameDuckTarget implements LameDuckMode.Server {
        @Override
        public void stopAccepting() {
            try {
                listener.close();
            } catch (IOException e) {
                Log.LOG.debug("closing listener: {}", e.toString());
            }
            try {
                acceptThread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public List<ClientConnection> clients() {
            return List.copyOf(clients.values());
        }

        @Override
        public void announce() {
            announceLameDuckToRoutes();
            InfoLineTemplate info = InfoLineTemplate.of(buildInfo().lameDuckMode(true));
            for (ClientConnection c : clients.values()) {
                c.sendAsyncInfo(info.encode(c.cid(), c.remoteIp(), null));
            }
        }

        @Override
        public boolean shutDownWithin(long nanos) throws InterruptedException {
            return shutdown.await(nanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public void shutdown() {
            close();
        }
    }

    /**
     * This server's client URLs ({@code host:port}) as nats-server advertises them: {@code client_advertise} when
     * set, else the listen host, or every non-loopback address of this machine when listening on all interfaces.
     */
    List<String> ownClientConnectUrls() {
        String adv = options.clientAdvertise();
        if (adv != null && !adv.isEmpty()) {
            return List.of(adv.contains(":") && !adv.startsWith("[") && adv.indexOf(':') == adv.lastIndexOf(':')
                    ? adv : adv + ":" + port());
        }
        String host = options.host();
        if (!host.equals("0.0.0.0") && !host.equals("::") && !host.isEmpty()) {
            return List.of((host.contains(":") ? "[" + host + "]" : host) + ":" + port());
        }
        List<String> urls = new ArrayList<>();
        try {
            for (java.net.NetworkInterface ni : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
                for (java.net.InetAddress a : java.util.Collections.list(ni.getInetAddresses())) {
                    if (!a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                        String ip = a.getHostAddress();
                        int zone = ip.indexOf('%');
                        ip = zone >= 0 ? ip.substring(0, zone) : ip;
                        urls.add((ip.contains(":") ? "[" + ip + "]" : ip) + ":" + port());
                    }
                }
            }
        } catch (SocketException e) {
            Log.LOG.debug("listing interfaces: {}", e.toString());
        }
        return urls;
    }

    /**
     * Rebuilds the client INFO with the cluster's name and client URLs (this server's first, then the peers', as
     * nats-server lists them; none with {@code no_advertise}); true when {@code connect_urls} changed.
     */
    private synchronized boolean refreshClientInfo() {
        RouteManager r = routes;
        List<String> urls = clientConnectUrls;
        if (r != null && !options.cluster().noAdvertise()) {
            java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>(ownClientConnectUrls());
            all.addAll(r.peerClientUrls());
            urls = clientConnectUrls == null && all.size() == ownClientConnectUrls().size() ? null : List.copyOf(all);
        }
        boolean changed = !java.util.Objects.equals(urls, clientConnectUrls);
        clientConnectUrls = urls;
        infoTemplate = InfoLineTemplate.of(buildInfo());
        tlsFirstInfoTemplate = InfoLineTemplate.of(buildInfo().tlsRequired(tls != null));
        return changed;
    }

    /** The server as the route layer sees it. */
    private final class RouteHost implements RouteManager.Host {
        @Override
        public String serverId() {
            return serverId;
        }

        @Override
        public String serverName() {
            return serverName;
        }

        @Override
        public String version() {
            return Versions.natsApiVersion();
        }

        @Override
        public int maxPayload() {
            return options.maxPayload();
        }

        @Override
        public boolean jetStream() {
            return jetStream != null;
        }

        @Override
        public List<String> clientConnectUrls() {
            return ownClientConnectUrls();
        }

        @Override
        public boolean hasAccount(String name) {
            return accounts.get(name) != null;
        }

        @Override
        public void peersChanged() {
            // a server shutting down closes its routes too, which must not tell its clients to forget the other
            // servers just before they need them to reconnect (nats-server sends no INFO then either)
            if (closing.get()) {
                return;
            }
            if (refreshClientInfo()) {
                for (ClientConnection c : clients.values()) {
                    c.sendAsyncInfo(context.infoLine(c));
                }
            }
        }
    }

    /** The server as seen by its connections. */
    private final class Context implements ServerContext {
        @Override
        public ServerOptions options() {
            return options;
        }

        @Override
        public ServerClock clock() {
            return clock;
        }

        @Override
        public Account account() {
            return accounts.global();
        }

        @Override
        public boolean isSystemAccount(Account account) {
            return account == accounts.system();
        }

        @Override
        public Account account(String name) {
            return name == null ? accounts.global() : accounts.get(name);
        }

        @Override
        public ServerStats stats() {
            return stats;
        }

        @Override
        public ClientAuthenticator authenticator() {
            return authenticator;
        }

        @Override
        public ScheduledExecutorService timers() {
            return timers;
        }

        @Override
        public byte[] infoLine(ClientConnection connection) {
            return infoTemplate.encode(connection.cid(), connection.remoteIp(), connection.nonce());
        }

        @Override
        public byte[] infoLine(ClientConnection connection, boolean afterTlsFirst) {
            return (afterTlsFirst ? tlsFirstInfoTemplate : infoTemplate).encode(connection.cid(),
                    connection.remoteIp(), connection.nonce());
        }

        @Override
        public ServerTls tls() {
            return tls;
        }

        @Override
        public void clientConnected(ClientConnection connection) {
            SystemEvents events = systemEvents;
            if (events != null) {
                events.connected(connection);
            }
        }

        @Override
        public void connectionClosed(ClientConnection connection) {
            SystemEvents events = systemEvents;
            if (events != null) {
                events.disconnected(connection);
            }
            if (clients.remove(connection.cid(), connection) || connection.closedReason() != null) {
                synchronized (closedClients) {
                    if (closedClients.size() >= MAX_CLOSED) {
                        closedClients.removeFirst();
                    }
                    closedClients.addLast(connection);
                }
            }
        }
    }

    /**
     * The logger, made on first use: the first logger starts Logback, which the command-line server sets up only
     * once the client port is bound ({@link #bind()} comes first).
     */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(NatsServer.class);
    }
}
