package io.natsj.server.cluster;

import io.natsj.server.client.ClosedReason;
import io.natsj.server.protocol.ProtocolError;
import io.natsj.server.protocol.ServerOps;
import io.natsj.server.routing.DeliveryBatch;
import io.natsj.server.routing.PublishBatch;
import io.natsj.server.transport.Outbound;
import io.natsj.server.transport.TcpClose;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One route socket to a peer server: the INFO/CONNECT handshake as nats-server's {@code createRoute},
 * {@code processRouteConnect} and {@code processRouteInfo} do it, PINGs, authorization of an accepted route, and
 * the route protocol in both directions. A peer is one or more of these (a pool, and a connection per pinned
 * account, as nats-server 2.10+): its {@link RoutePeer} is what the interest layer sees. A connection pinned to one
 * account leaves the account out of {@code RS+}/{@code RS-}/{@code RMSG} both ways.
 *
 * <p>Handshake: a dialing server sends CONNECT then INFO; an accepting one INFO. Each side takes the other's INFO:
 * a peer that is this server is dropped ({@code Duplicate Route}); a cluster name that differs is adopted when ours
 * is dynamic, else the route closes; an accepted route whose peer has this server's name closes with
 * {@code Duplicate Server Name}; then the {@link RouteManager} registers the peer (or closes this as a duplicate of a
 * route already up) and the {@link RouteHandler} learns the route is up. A later INFO about another server is a
 * gossiped peer to dial (implicit route).
 *
 * <p>Threading: a virtual reader thread parses and handles input; a virtual writer thread drains the
 * {@link Outbound}, which any thread appends to (publishers call the send methods through {@link RoutePeer}).
 * Timers (PING, authorization timeout) run on the server's timer thread. {@link #close} may be called from any thread; only the
 * first call acts.
 */
public final class RouteConnection implements RouteOpHandler, DeliveryBatch.Flushable {

    /** The longest a publisher waits for a route that fell behind, per message (nats-server: 2–5 ms). */
    private static final long STALL_MAX_NANOS = 5_000_000;
    /** The clients this reader delivered to in the current read, flushed once at its end (as a client's reader). */
    private final PublishBatch deliveries = new PublishBatch();
    /** When the peer last sent anything (the server clock's wall time), for monitoring. */
    private volatile Instant lastActivity;

    private static final Logger LOG = LoggerFactory.getLogger(RouteConnection.class);
    private static final int MIN_READ = 512;
    private static final int MAX_READ = 64 * 1024;
    /** Routes allow 16 times the client's control line (nats-server). */
    static final int CONTROL_LINE_FACTOR = 16;
    private static final int INLINE_FLUSH_MAX = 32 * 1024;

    private final RouteManager manager;
    /** The TCP socket. */
    private final Socket socket;
    /** What the protocol reads and writes: the TCP socket, or the TLS socket over it. */
    private volatile Socket io;
    private final long rid;
    private final boolean solicited;
    private final boolean explicit;
    private final Outbound out = new Outbound();
    private final RouteParser parser;
    private final RoutePinger pings;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Instant start;
    private final String remoteIp;
    private final int remotePort;
    /** The peer's interest that arrived on this connection (dropped with it). */
    private final Set<RemoteSub> remoteSubs = ConcurrentHashMap.newKeySet();
    private final AtomicLong outMsgs = new AtomicLong();
    private final AtomicLong outBytes = new AtomicLong();
    private volatile long inMsgs;
    private volatile long inBytes;

    private volatile URI url;
    /** Where to redial should the route close: the URL dialed, or one taken over from a dropped duplicate. */
    private volatile URI dialUrl;
    private volatile boolean dialExplicit;
    private volatile RouteInfo remote;
    private volatile String remoteId = "";
    private volatile boolean headers;
    private volatile boolean registered;
    /** The account this connection is dedicated to (pinned), or null for a pooled or unpooled one. */
    private volatile String pinnedAccount;
    /** The slot in the peer's pool, -1 until registered (and for pinned connections). */
    private volatile int poolIdx = -1;
    private volatile RoutePeer peer;
    /** Dial the peer's next pool connection once the PING sent on registration is answered (nats-server). */
    private volatile boolean startNewRoute;
    private volatile boolean noReconnect;
    private volatile boolean retry;
    private volatile ClosedReason closedReason;
    private volatile ScheduledFuture<?> authTimer;
    private volatile boolean slowConsumerCounted;
    private volatile Thread writerThread;

    /**
     * @param url      the URL dialed (with user info for authorization), or null for an accepted connection
     * @param explicit whether {@code url} is one of the configured routes (retried forever)
     * @param account  the pinned account of a dialed per-account route, or null
     */
    RouteConnection(RouteManager manager, Socket socket, long rid, URI url, boolean explicit, String account) {
        this.manager = manager;
        this.socket = socket;
        this.io = socket;
        this.rid = rid;
        this.url = url;
        this.solicited = url != null;
        this.explicit = explicit;
        this.dialUrl = url;
        this.dialExplicit = explicit;
        this.start = manager.clock().now();
        this.lastActivity = start;
        InetSocketAddress addr = (InetSocketAddress) socket.getRemoteSocketAddress();
        this.remoteIp = addr == null ? "" : addr.getAddress().getHostAddress();
        this.remotePort = addr == null ? 0 : addr.getPort();
        this.parser = new RouteParser(this, manager.options().maxControlLine() * CONTROL_LINE_FACTOR);
        if (account != null) {
            pinAccount(account);
        }
        this.pings = new RoutePinger(manager.timers(), manager.clock(), manager.options().pingInterval().toNanos(),
                manager.options().pingMax(), new RoutePinger.Target() {
                    @Override
                    public void sendPing() {
                        send(ServerOps.PING);
                    }

                    @Override
                    public void stale() {
                        LOG.debug("{} - Stale Route Connection - Closing", RouteConnection.this);
                        manager.stats().staleConnection();
                        send(ServerOps.errLine("Stale Connection"));
                        close(ClosedReason.STALE_CONNECTION, true);
                    }
                });
    }

    /**
     * Starts the route on its reader thread: the TLS handshake first when the cluster has TLS (before any protocol,
     * as nats-server), then CONNECT (when dialing) and INFO, the writer, the timers and the read loop.
     */
    void start() {
        Thread.ofVirtual().name("natsj-route-r-" + rid).start(() -> {
            if (manager.tls() != null && !handshake()) {
                return;
            }
            startProtocol();
            readLoop();
        });
    }

    /**
     * The TLS handshake, bounded by the TLS {@code timeout}; false (route closed) when it fails. Both ends present
     * and verify certificates (the dialer also checks the peer's name or IP against the URL), as nats-server forces
     * for routes whatever {@code verify} says.
     */
    private boolean handshake() {
        io.natsj.server.tls.ServerTls tls = manager.tls();
        try {
            javax.net.ssl.SSLSocket ssl;
            if (solicited) {
                ssl = (javax.net.ssl.SSLSocket) tls.context().getSocketFactory().createSocket(socket, url.getHost(),
                        url.getPort(), true);
                javax.net.ssl.SSLParameters p = tls.parameters(false);
                p.setEndpointIdentificationAlgorithm("HTTPS");
                ssl.setSSLParameters(p);
                ssl.setUseClientMode(true);
            } else {
                ssl = tls.wrap(socket, new byte[0]);
                ssl.setSSLParameters(tls.parameters(true)); // routes verify the peer's certificate, always
            }
            socket.setSoTimeout((int) Math.max(1, tls.options().timeout().toMillis()));
            ssl.startHandshake();
            socket.setSoTimeout(0);
            io = ssl;
            LOG.debug("{} - TLS handshake complete", this);
            return true;
        } catch (IOException | RuntimeException e) {
            if (!closed.get()) {
                LOG.error("{} - TLS route handshake error: {}", this, e.getMessage());
                close(ClosedReason.TLS_HANDSHAKE_ERROR, false);
            }
            return false;
        }
    }

    private void startProtocol() {
        if (solicited) {
            ClusterAuth auth = ClusterAuth.fromUrl(url);
            enqueue(RouteInfo.connectLine(auth.user(), auth.password(), manager.tls() != null, manager.serverId(),
                    manager.clusterName(), manager.clusterDynamic()));
        } else if (manager.authRequired()) {
            parser.awaitConnect(true);
            authTimer = schedule(this::authTimeout, manager.authTimeout().toNanos());
        }
        if (!solicited || pinnedAccount != null || !manager.pooling()) {
            enqueue(manager.initialInfoLine(pinnedAccount, 0));
        } // else a pooling dialer sends its INFO once it has the peer's (with the slot): RouteManager.register
        writerThread = Thread.ofVirtual().name("natsj-route-w-" + rid).start(this::writeLoop);
        pings.start();
        LOG.info("{} - Route connection created", this);
        if (closed.get()) {
            cancelTimers();
        }
    }

    private ScheduledFuture<?> schedule(Runnable r, long nanos) {
        try {
            return manager.timers().schedule(r, nanos, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return null;
        }
    }

    // ---------------------------------------------------------------- reader and writer

    private void readLoop() {
        byte[] buf = new byte[MIN_READ];
        try {
            InputStream in = io.getInputStream();
            while (!closed.get()) {
                int n = in.read(buf);
                if (n < 0) {
                    close(ClosedReason.CLIENT_CLOSED, false);
                    break;
                }
                lastActivity = manager.clock().now();
                parser.parse(buf, 0, n);
                deliveries.flushAll();
                out.flush();
                if (n == buf.length && buf.length < MAX_READ) {
                    buf = new byte[buf.length * 2];
                }
            }
        } catch (IOException e) {
            if (!closed.get()) {
                LOG.debug("{} read error: {}", this, e.toString());
                close(ClosedReason.READ_ERROR, false);
            }
        } catch (RuntimeException e) {
            LOG.error("{} internal error, closing", this, e);
            close(ClosedReason.PROTOCOL_VIOLATION, false);
        }
    }

    private void writeLoop() {
        try {
            out.writeLoop(io.getOutputStream(), 1, TimeUnit.SECONDS, manager.clock()::nanoTime);
        } catch (IOException e) {
            if (!closed.get()) {
                LOG.error("{} - Error flushing: {}", this, e.toString());
                close(ClosedReason.WRITE_ERROR, false);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeSocket();
        }
    }

    /**
     * A socket write blocked longer than {@code write_deadline}: a slow route. nats-server closes a route whose
     * write made no progress in that time; natsj cannot see partial progress, so it closes then as well.
     */
    void checkWriteDeadline(long nowNanos) {
        long started = out.writeStartedNanos();
        if (started != 0 && nowNanos - started > manager.options().writeDeadline().toNanos()) {
            countSlowConsumer();
            close(ClosedReason.SLOW_CONSUMER_WRITE_DEADLINE, false);
            closeSocket();
        }
    }

    private void countSlowConsumer() {
        if (!slowConsumerCounted) {
            slowConsumerCounted = true;
            manager.stats().slowConsumer();
        }
    }

    // ---------------------------------------------------------------- protocol (reader thread)

    @Override
    public void onConnect(byte[] buf, int off, int len) {
        RouteInfo.Connect c;
        try {
            c = RouteInfo.Connect.parse(buf, off, len);
        } catch (IllegalArgumentException e) {
            LOG.error("{} - Route CONNECT does not decode: {}", this, e.getMessage());
            close(ClosedReason.PROTOCOL_VIOLATION, false);
            return;
        }
        if (!c.lang().isEmpty()) {
            // a client on the route port: clients send "lang", routes do not
            errAndClose("attempted to connect to route port", ClosedReason.WRONG_PORT);
            return;
        }
        if (!c.gateway().isEmpty()) {
            errAndClose("Rejecting connection from gateway \"" + c.gateway() + "\" on the Route port",
                    ClosedReason.WRONG_PORT);
            return;
        }
        if (!solicited && manager.authRequired()) {
            cancelAuthTimer();
            parser.awaitConnect(false);
            if (!manager.authorize(c.user(), c.pass())) {
                LOG.error("{} - Authorization Error", this);
                errAndClose(ProtocolError.AUTHORIZATION_VIOLATION.text(), ClosedReason.AUTHENTICATION_VIOLATION);
                return;
            }
        }
        String conflict = manager.checkClusterName(c.cluster(), c.dynamic(), this);
        if (conflict != null) {
            LOG.error("{} - {}", this, conflict);
            errAndClose(conflict, ClosedReason.CLUSTER_NAME_CONFLICT);
            return;
        }
        if (remoteId.isEmpty()) {
            remoteId = c.name();
        }
        headers = c.headers();
    }

    @Override
    public void onInfo(byte[] buf, int off, int len) {
        RouteInfo info;
        try {
            info = RouteInfo.parse(buf, off, len);
        } catch (IllegalArgumentException e) {
            LOG.error("{} - Route INFO does not decode: {}", this, e.getMessage());
            close(ClosedReason.PROTOCOL_VIOLATION, false);
            return;
        }
        if (info.serverId().equals(manager.serverId())) {
            remoteId = info.serverId();
            LOG.debug("{} - Detected route to self, ignoring", this);
            close(ClosedReason.DUPLICATE_ROUTE, false);
            return;
        }
        if (!info.cluster().isEmpty() && !info.cluster().equals(manager.clusterName())
                && !manager.adoptClusterName(info.cluster(), info.dynamic(), this)) {
            LOG.error("{} - Cluster name conflict: peer is in \"{}\", this server in \"{}\"", this, info.cluster(),
                    manager.clusterName());
            close(ClosedReason.CLUSTER_NAME_CONFLICT, false);
            return;
        }
        RouteInfo known = remote;
        if (known != null) {
            if (!remoteId.isEmpty() && !remoteId.equals(info.serverId())) {
                manager.implicitRoute(info, peer != null && peer.noPool()); // gossip: a peer of our peer
            } else if (info.lameDuck()) {
                manager.peerLameDuck(this);
            }
            return;
        }
        if (!solicited && info.serverName().equals(manager.serverName())) {
            LOG.error("{} - Remote server has a duplicate name: \"{}\"", this, info.serverName());
            close(ClosedReason.DUPLICATE_SERVER_NAME, false);
            return;
        }
        if (!solicited && !info.routeAccount().isEmpty()) {
            pinAccount(info.routeAccount()); // the peer's dedicated route for one account
        }
        remote = info;
        remoteId = info.serverId();
        headers = info.headers();
        if (url == null) {
            url = URI.create("nats-route://" + hostPort(info.host(), info.port()) + "/");
        }
        switch (manager.register(this, info)) {
            case DUPLICATE -> {
                LOG.debug("{} - Detected duplicate remote route \"{}\"", this, info.serverId());
                close(ClosedReason.DUPLICATE_ROUTE, false);
            }
            case ADDED -> {
                if (pinnedAccount != null) {
                    LOG.debug("{} - Registering remote route \"{}\" for account \"{}\"", this, info.serverId(),
                            pinnedAccount);
                } else {
                    LOG.debug("{} - Registering remote route \"{}\"", this, info.serverId());
                }
            }
            default -> {
            }
        }
    }

    static String hostPort(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public void onPing() {
        send(ServerOps.PONG);
    }

    @Override
    public void onPong() {
        pings.pong();
        if (startNewRoute) {
            startNewRoute = false;
            manager.dialNextPooled(dialUrl, dialExplicit);
        }
    }

    @Override
    public void onOk() {
    }

    @Override
    public void onErr(String text) {
        LOG.error("{} - Route Error {}", this, text);
        close(ClosedReason.PARSE_ERROR, false);
    }

    @Override
    public void onSubscribe(String origin, String account, String subject, String queue, int weight) {
        if (!registered) {
            return;
        }
        if (!manager.hasAccount(account)) {
            LOG.error("{} - Unknown account \"{}\" for remote subject \"{}\"", this, account, subject);
            return;
        }
        if (!manager.canExport(subject)) {
            LOG.debug("{} - Can not export \"{}\", ignoring remote subscription request", this, subject);
            return;
        }
        remoteSubs.add(new RemoteSub(account, subject, queue));
        manager.handler().remoteSubscribe(peer, account, subject, queue, weight);
    }

    @Override
    public void onUnsubscribe(String origin, String account, String subject, String queue) {
        if (!registered || !manager.hasAccount(account)) {
            return;
        }
        remoteSubs.remove(new RemoteSub(account, subject, queue));
        manager.handler().remoteUnsubscribe(peer, account, subject, queue);
    }

    @Override
    public void onMessage(String origin, String account, String subject, String reply, List<String> queues,
                          byte[] buf, int off, int hdrLen, int totalLen) {
        inMsgs = inMsgs + 1;
        inBytes = inBytes + totalLen;
        manager.stats().addIn(1, totalLen);
        if (!manager.hasAccount(account)) {
            LOG.debug("{} - Unknown account \"{}\" for routed message on subject: \"{}\"", this, account, subject);
        } else if (registered) {
            manager.handler().remoteMessage(peer, account, subject, reply, queues, buf, off, hdrLen, totalLen,
                    deliveries);
        }
    }

    @Override
    public void onProtocolError(ProtocolError error, String detail) {
        LOG.error("{} - Route protocol error: {}", this, detail);
        ClosedReason reason = switch (error) {
            case MAX_CONTROL_LINE_EXCEEDED -> ClosedReason.MAX_CONTROL_LINE_EXCEEDED;
            case AUTHORIZATION_VIOLATION -> ClosedReason.AUTHENTICATION_VIOLATION;
            default -> ClosedReason.PROTOCOL_VIOLATION;
        };
        if (error.sendsErr()) {
            errAndClose(error.text(), reason);
        } else {
            close(reason, false);
        }
    }

    private void authTimeout() {
        if (!closed.get()) {
            errAndClose("Authentication Timeout", ClosedReason.AUTHENTICATION_TIMEOUT);
        }
    }

    // ---------------------------------------------------------------- sending (any thread, through RoutePeer)

    public String remoteServerId() {
        return remoteId;
    }

    public String remoteServerName() {
        RouteInfo r = remote;
        return r == null || r.serverName().isEmpty() ? remoteId : r.serverName();
    }

    /** {@code RS+}, without the account on a pinned connection. */
    public void sendSubscribe(String account, String subject, String queue, int weight) {
        if (!manager.canImport(subject)) {
            return;
        }
        send(RouteEncoder.subscribe(pinnedAccount == null ? account : null, subject, queue, weight));
    }

    /** {@code RS-}, without the account on a pinned connection. */
    public void sendUnsubscribe(String account, String subject, String queue) {
        if (!manager.canImport(subject)) {
            return;
        }
        send(RouteEncoder.unsubscribe(pinnedAccount == null ? account : null, subject, queue));
    }

    /** {@code RMSG}/{@code HMSG}, without the account on a pinned connection; false when closed or refused. */
    public boolean sendMessage(String account, String subject, String reply, List<String> queues, byte[] buf,
                               int off, int hdrLen, int totalLen, DeliveryBatch batch) {
        int n = RouteEncoder.appendMessage(out, pinnedAccount == null ? account : null, subject, reply, queues, buf, off, hdrLen, totalLen, headers);
        if (n < 0) {
            return false;
        }
        outMsgs.incrementAndGet();
        outBytes.addAndGet(totalLen);
        manager.stats().addOut(1, totalLen); // the server's out_msgs count route deliveries too, as nats-server's
        stallWhileBehind();
        batch.flushLater(this);
        return true;
    }

    public boolean isClosed() {
        return closed.get();
    }

    /**
     * After a publisher's read batch: a quiet route with little queued is written by the publisher's thread (one
     * hand-off less per message, as for clients), else its writer is woken.
     */
    @Override
    public void flushNow() {
        out.flushInline(INLINE_FLUSH_MAX);
    }

    // ---------------------------------------------------------------- output

    private void enqueue(byte[] bytes) {
        out.append(bytes, 0, bytes.length);
    }

    /** Queues protocol bytes and wakes the writer. */
    void send(byte[] bytes) {
        if (out.append(bytes, 0, bytes.length)) {
            out.flush();
        }
    }

    /**
     * Back-pressure from a route that falls behind, as nats-server applies it: a route is never closed for the bytes
     * queued for it (only a write blocked past {@code write_deadline} closes it); instead a publisher whose message
     * finds more than three quarters of {@code max_pending} queued waits until the writer has caught up below that,
     * at most {@link #STALL_MAX_NANOS} per message (nats-server stalls producers 2–5 ms).
     */
    private void stallWhileBehind() {
        out.awaitBelow(manager.options().maxPending() / 4 * 3, STALL_MAX_NANOS, manager.clock()::nanoTime, closed::get);
    }

    private void errAndClose(String text, ClosedReason reason) {
        enqueue(ServerOps.errLine(text));
        close(reason, true);
    }

    // ---------------------------------------------------------------- close

    /** Closes the route (after writing what is queued when {@code flushPending}); only the first call acts. */
    public void close(ClosedReason reason, boolean flushPending) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closedReason = reason;
        cancelTimers();
        parser.stop();
        out.close(flushPending);
        if (writerThread == null) {
            closeSocket();
        }
        if (reason != ClosedReason.SERVER_SHUTDOWN) {
            LOG.info("{} - Router connection closed: {}", this, reason.text());
        }
        manager.closed(this);
    }

    private void cancelTimers() {
        pings.stop();
        cancelAuthTimer();
    }

    private void cancelAuthTimer() {
        ScheduledFuture<?> t = authTimer;
        if (t != null) {
            t.cancel(false);
        }
    }

    private void closeSocket() {
        try {
            TcpClose.close(socket);
        } catch (IOException e) {
            LOG.trace("{} close: {}", this, e.toString());
        }
    }

    // ---------------------------------------------------------------- state for the manager and monitoring

    /** Registered as (part of) {@code peer}: its pool slot {@code idx}, or -1 when pinned. */
    void markRegistered(RoutePeer peer, int idx) {
        this.peer = peer;
        this.poolIdx = idx;
        registered = true;
    }

    private void pinAccount(String account) {
        pinnedAccount = account;
        parser.pinnedAccount(account);
    }

    /** The account this connection is dedicated to, or null. */
    public String pinnedAccount() {
        return pinnedAccount;
    }

    /** The slot in the peer's pool, or -1. */
    int poolIdx() {
        return poolIdx;
    }

    RoutePeer peer() {
        return peer;
    }

    /** Dial the peer's next pool connection when the PING just sent is answered. */
    void startNewRouteOnPong() {
        startNewRoute = true;
        send(ServerOps.PING);
    }

    /** Sends {@code -ERR '<text>'} and closes as a protocol violation (logged as nats-server's sendErrAndErr). */
    void refuse(String text, ClosedReason reason) {
        LOG.error("{} - {}", this, text);
        errAndClose(text, reason);
    }

    void noReconnect(boolean v) {
        noReconnect = v;
    }

    boolean noReconnect() {
        return noReconnect;
    }

    boolean registered() {
        return registered;
    }

    /** Set on the route kept when a duplicate was dropped: it is redialed once should it close. */
    void retry(boolean v) {
        retry = v;
    }

    boolean retry() {
        return retry;
    }

    /** The duplicate of this route that was dropped had been dialed: redial its URL should this route close. */
    void takeOverDial(URI url, boolean explicit) {
        dialUrl = url;
        dialExplicit = explicit;
    }

    URI dialUrl() {
        return dialUrl;
    }

    boolean dialExplicit() {
        return dialExplicit;
    }

    /** Takes the interest that arrived on this connection (when it goes down), leaving none. */
    List<RemoteSub> takeRemoteSubs() {
        List<RemoteSub> all = List.copyOf(remoteSubs);
        remoteSubs.clear();
        return all;
    }

    /** Whether the peer's interest in {@code account}/{@code subject}/{@code queue} arrived on this connection. */
    public boolean carriedInterest(String account, String subject, String queue) {
        return remoteSubs.contains(new RemoteSub(account, subject, queue));
    }

    /** One interest the peer sent on this connection. */
    record RemoteSub(String account, String subject, String queue) {
    }

    public long rid() { return rid; }
    /** Whether this server dialed this very connection. */
    boolean dialed() { return solicited; }
    /** Whether this server dialed the route (or took over a dialed duplicate): {@code did_solicit}. */
    public boolean solicited() { return dialUrl != null; }
    /** Whether the route is one of the configured routes: {@code is_configured}. */
    public boolean explicit() { return dialExplicit; }
    public URI url() { return url; }
    public RouteInfo remoteInfo() { return remote; }
    public String remoteIp() { return remoteIp; }
    public int remotePort() { return remotePort; }
    public Instant startTime() { return start; }
    public Instant lastActivity() { return lastActivity; }
    public ClosedReason closedReason() { return closedReason; }
    public long inMsgs() { return inMsgs; }
    public long inBytes() { return inBytes; }
    public long outMsgs() { return outMsgs.get(); }
    public long outBytes() { return outBytes.get(); }
    public int subscriptionCount() { return remoteSubs.size(); }
    public long rttNanos() { return pings.rttNanos(); }
    public boolean headers() { return headers; }

    public long pendingBytes() {
        return out.pendingNow();
    }

    @Override
    public String toString() {
        return remoteIp + ":" + remotePort + " - rid:" + rid;
    }
}
