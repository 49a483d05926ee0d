package io.natsj.server.client;

import io.natsj.server.ServerOptions;
import io.natsj.server.account.Account;
import io.natsj.server.auth.AuthResult;
import io.natsj.server.auth.ConnectionPermissions;
import io.natsj.server.auth.Credentials;
import io.natsj.server.protocol.ClientOpHandler;
import io.natsj.server.protocol.ClientParser;
import io.natsj.server.protocol.ConnectOptions;
import io.natsj.server.protocol.MsgEncoder;
import io.natsj.server.protocol.ProtocolError;
import io.natsj.server.protocol.ProtocolException;
import io.natsj.server.protocol.ServerInfo;
import io.natsj.server.protocol.ServerOps;
import io.natsj.server.protocol.StatusHeaders;
import io.natsj.server.routing.DeliveryBatch;
import io.natsj.server.routing.PublishBatch;
import io.natsj.server.routing.Subscriber;
import io.natsj.server.routing.Subscription;
import io.natsj.server.routing.Subjects;
import io.natsj.server.tls.TlsState;
import io.natsj.server.transport.Outbound;
import io.natsj.server.transport.TcpClose;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * One client connection: reads the socket on its own reader thread, parses the protocol, applies each operation
 * (CONNECT, SUB, UNSUB, PUB, PING, ...) and routes published messages through its account; receives messages for
 * its subscriptions into its {@link Outbound} queue, which its own writer thread writes to the socket.
 *
 * <p>Threading: the protocol callbacks run on this connection's reader thread only. {@link #deliver} runs on any
 * publisher's thread and appends under the outbound lock. The ping timer runs on the server's timer thread.
 * {@link #close} may be called from any thread; the first call wins.
 */
public final class ClientConnection implements ClientOpHandler, Subscriber, DeliveryBatch.Flushable {

    private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);
    /** Queue name reserved for the server's own subscriptions. */
    private static final String SYSTEM_QUEUE = "_sys_";
    private static final int MIN_READ = 512;
    /** At the end of a read batch, queues up to this size are written by the reader itself (see Outbound). */
    private static final int INLINE_FLUSH_MAX = 32 * 1024;
    /** Bytes waiting for a client above which its producers wait a little (see {@link #stallWhileBehind}). */
    private static final long STALL_ABOVE = 16L * 1024 * 1024;
    private static final long STALL_MAX_NANOS = 5_000_000;
    private static final int MAX_READ = 64 * 1024;
    /** How long closing a TLS session may wait for the peer to take the close_notify before the TCP close. */
    private static final long TLS_CLOSE_WAIT_MILLIS = 1000;

    private final ServerContext server;
    private final ServerOptions options;
    /** The accepted TCP socket; closing it ends the connection at once, TLS or not. */
    private final Socket rawSocket;
    /** The socket the protocol runs over: {@link #rawSocket}, or the TLS socket layered over it. */
    private volatile Socket socket;
    private volatile TlsState tlsState;
    private final long cid;
    private final String remoteIp;
    private final int remotePort;
    private final Instant start;
    private final long startNanos;
    private final Outbound out = new Outbound();
    private final ClientParser parser;
    private final PublishBatch batch = new PublishBatch();
    private final ConcurrentHashMap<String, Subscription> subs = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final PingTimer pings;
    /** The global account until CONNECT authenticates a user of another account; then that one. */
    private volatile Account account;
    /** Whether {@link #account} is the system account (Raft subjects are open to it); fixed at binding. */
    private volatile boolean systemAccount;

    // Session state: written by the reader thread, read by publishers and monitoring.
    private volatile boolean connectReceived;
    private volatile boolean headers;
    private volatile boolean echo = true;
    private volatile boolean verbose;
    private volatile boolean pedantic;
    private volatile boolean noResponders;
    private volatile ConnectOptions connectOptions;
    private volatile String authorizedUser;
    private volatile AuthResult authResult;
    /** Null when the user's publishing and subscribing are not restricted. */
    private volatile ConnectionPermissions permissions;
    private final boolean authRequired;
    /** The nonce of this connection's INFO, or null when none is sent. */
    private final String nonce;

    // Counters: in* counted by the reader thread and published once per read batch; out* under the outbound lock.
    private long inMsgsCount;
    private long inBytesCount;
    private volatile long inMsgs;
    private volatile long inBytes;
    private long outMsgs;
    private long outBytes;
    private volatile long lastActivityNanos;
    // Monitoring: nats-server's "last activity" (CONNECT, reads carrying messages or SUB/UNSUB, deliveries) and
    // the subscriptions held at close; the round-trip time is the ping timer's.
    private volatile long lastSeenNanos;
    private boolean subOpsInBatch;
    private volatile List<Subscription> closedSubs;
    private final DeliveryBatch.Flushable deliveryFlush = this::deliveryFlushNow;
    private final LongAdder stalls = new LongAdder();
    private volatile ClosedReason closedReason;
    private volatile Instant stop;
    private boolean slowConsumerFlagged;

    /** nats-server's "first PONG sent": a PING after CONNECT was answered; async INFOs may go out from now on. */
    private volatile boolean firstPongSent;
    private volatile ScheduledFuture<?> authTimer;
    private Thread readerThread;
    private volatile Thread writerThread;

    public ClientConnection(ServerContext server, Socket socket, long cid) {
        this.server = server;
        this.options = server.options();
        this.rawSocket = socket;
        this.socket = socket;
        this.cid = cid;
        this.account = server.account();
        this.authRequired = server.authenticator().required();
        this.nonce = server.authenticator().nonceRequired() ? server.authenticator().newNonce() : null;
        InetSocketAddress remote = (InetSocketAddress) socket.getRemoteSocketAddress();
        this.remoteIp = remote == null ? "" : remote.getAddress().getHostAddress();
        this.remotePort = remote == null ? 0 : remote.getPort();
        this.start = server.clock().now();
        this.startNanos = server.clock().nanoTime();
        this.lastActivityNanos = startNanos;
        this.lastSeenNanos = startNanos;
        this.parser = new ClientParser(this, options.maxControlLine(), options.maxPayload());
        this.parser.awaitConnect(authRequired);
        this.pings = new PingTimer(server.timers(), server.clock(), options.pingInterval().toNanos(),
                !options.disableShortFirstPing(), options.pingMax(), new PingTimer.Target() {
                    @Override
                    public void sendPing() {
                        sendFromTimer(ServerOps.PING);
                    }

                    @Override
                    public void stale() {
                        server.stats().staleConnection();
                        sendFromTimer(ServerOps.errLine("Stale Connection"));
                        close(ClosedReason.STALE_CONNECTION, true);
                    }
                });
    }

    /**
     * Starts the connection: sends INFO and starts the reader and writer threads. With TLS the reader thread first
     * negotiates TLS ({@link TlsNegotiation}) and starts the writer once the protocol's socket is known.
     */
    public void start() {
        if (server.tls() == null) {
            byte[] info = server.infoLine(this);
            out.append(info, 0, info.length);
            startSession();
            readerThread = Thread.ofVirtual().name("natsj-r-" + cid).start(() -> readLoop(null));
        } else {
            readerThread = Thread.ofVirtual().name("natsj-r-" + cid).start(this::negotiateTls);
        }
    }

    /** Starts the writer and the auth and ping timers (after TLS, as nats-server arms them after the handshake). */
    private void startSession() {
        writerThread = Thread.ofVirtual().name("natsj-w-" + cid).start(this::writeLoop);
        if (authRequired) {
            authTimer = server.timers().schedule(this::authTimeout, options.authTimeout().toNanos(),
                    TimeUnit.NANOSECONDS);
        }
        pings.start();
        if (closed.get()) {
            cancelTimers(); // closed while starting: close() may have run before the timers existed
        }
        out.flush();
    }

    /** Reader thread, TLS configured: INFO and the handshake in nats-server's order, then the protocol. */
    private void negotiateTls() {
        LOG.debug("{} - Starting TLS client connection handshake", this);
        TlsNegotiation.Result r;
        try {
            r = new TlsNegotiation(server.tls(), options.allowNonTls(), rawSocket, server.timers(), server.clock())
                    .run(this::sendPlainInfo);
        } catch (TlsNegotiation.Failure f) {
            if (!closed.get() || f.timeout()) {
                LOG.error("{} - {}", this, f.timeout() ? f.getMessage() : "TLS handshake error: " + f.getMessage());
            }
            close(ClosedReason.TLS_HANDSHAKE_ERROR, false);
            return;
        } catch (IOException e) {
            if (!closed.get()) {
                LOG.debug("{} read error: {}", this, e.toString());
                close(ClosedReason.CLIENT_CLOSED, false);
            }
            return;
        }
        socket = r.socket();
        tlsState = r.tls();
        if (tlsState != null) {
            LOG.debug("{} - TLS handshake complete", this);
            LOG.debug("{} - TLS version {}, cipher suite {}", this, tlsState.version(), tlsState.cipherSuite());
        }
        if (r.infoStillToSend()) {
            byte[] info = server.infoLine(this, true);
            out.append(info, 0, info.length);
        }
        startSession();
        readLoop(r.pending());
    }

    /** The INFO line in plain text, before any TLS, written directly: the writer does not exist yet. */
    private void sendPlainInfo() throws IOException {
        OutputStream os = rawSocket.getOutputStream();
        os.write(server.infoLine(this));
        os.flush();
    }

    /** Closes at once when the server refuses the connection (max connections). */
    public void refuse(String errText, ClosedReason reason) {
        byte[] info = server.infoLine(this);
        out.append(info, 0, info.length);
        sendErr(errText);
        writerThread = Thread.ofVirtual().name("natsj-w-" + cid).start(this::writeLoop);
        close(reason, true);
    }

    // ---------------------------------------------------------------- reader and writer loops

    /** The reader thread's loop; {@code pending} holds protocol bytes read before it (or null). */
    private void readLoop(byte[] pending) {
        byte[] buf = new byte[MIN_READ];
        try {
            if (pending != null && pending.length > 0) {
                handleInput(pending, pending.length);
            }
            InputStream in = socket.getInputStream();
            while (!closed.get()) {
                int n = in.read(buf);
                if (n < 0) {
                    close(ClosedReason.CLIENT_CLOSED, false);
                    break;
                }
                handleInput(buf, n);
                if (n == buf.length && buf.length < MAX_READ) {
                    buf = new byte[buf.length * 2];
                } else if (n < buf.length / 4 && buf.length > MIN_READ) {
                    buf = new byte[buf.length / 2];
                }
            }
        } catch (IOException e) {
            if (!closed.get()) {
                LOG.debug("{} read error: {}", this, e.toString());
                close(ClosedReason.CLIENT_CLOSED, false);
            }
        } catch (RuntimeException e) {
            LOG.error("{} internal error, closing", this, e);
            close(ClosedReason.PROTOCOL_VIOLATION, false);
        }
    }

    /** One read's worth of bytes: parse (which routes), count, then flush every connection written to. */
    private void handleInput(byte[] buf, int n) {
        long before = inMsgsCount;
        long beforeBytes = inBytesCount;
        lastActivityNanos = server.clock().nanoTime();
        parser.parse(buf, 0, n);
        if (inMsgsCount != before) {
            server.stats().addIn(inMsgsCount - before, inBytesCount - beforeBytes);
            inMsgs = inMsgsCount;
            inBytes = inBytesCount;
        }
        if (inMsgsCount != before || subOpsInBatch) {
            subOpsInBatch = false;
            lastSeenNanos = lastActivityNanos;
            pings.clientActive(lastActivityNanos);
        }
        batch.flushAll();
    }

    private void writeLoop() {
        try {
            out.writeLoop(socket.getOutputStream(), 1, TimeUnit.SECONDS, server.clock()::nanoTime);
        } catch (IOException e) {
            if (!closed.get()) {
                LOG.debug("{} write error: {}", this, e.toString());
                close(ClosedReason.WRITE_ERROR, false);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeSocketGracefully();
        }
    }

    /**
     * Closes the connection as a slow consumer if a socket write has been blocked longer than the write deadline.
     * Called periodically by the server's watchdog.
     */
    public void checkWriteDeadline(long nowNanos) {
        long started = out.writeStartedNanos();
        if (started != 0 && nowNanos - started > options.writeDeadline().toNanos()) {
            server.stats().slowConsumer();
            close(ClosedReason.SLOW_CONSUMER_WRITE_DEADLINE, false);
            closeSocket();
        }
    }

    // ---------------------------------------------------------------- protocol operations (reader thread)

    @Override
    public void onConnect(byte[] buf, int off, int len) {
        ConnectOptions co;
        try {
            co = ConnectOptions.parse(buf, off, len);
        } catch (ProtocolException e) {
            onProtocolError(e.error(), e.getMessage());
            return;
        }
        ProtocolError invalid = co.check(true);
        if (invalid != null) {
            onProtocolError(invalid, co.toString());
            return;
        }
        if (authRequired && !authenticate(co)) {
            authViolation();
            return;
        }
        boolean first = connectOptions == null;
        connectOptions = co;
        lastSeenNanos = server.clock().nanoTime();
        pings.connected(startNanos);
        verbose = co.verbose();
        pedantic = co.pedantic();
        echo = co.echo();
        headers = co.headersEnabled(true);
        noResponders = co.noResponders();
        connectReceived = true;
        parser.headersEnabled(headers);
        parser.awaitConnect(false);
        sendOkIfVerbose();
        if (first) {
            server.clientConnected(this);
        }
    }

    /** Checks the credentials of CONNECT; on success keeps who the client is and what it may do. */
    private boolean authenticate(ConnectOptions co) {
        if (co.account() != null || co.newAccount()) {
            return false;
        }
        AuthResult result = server.authenticator().authenticate(
                new Credentials(co.user(), co.pass(), co.authToken(), co.nkey(), co.sig()), nonce);
        if (result == null) {
            return false;
        }
        Account bound = server.account(result.account());
        if (bound == null) {
            return false;
        }
        account = bound;
        systemAccount = server.isSystemAccount(bound);
        authResult = result;
        authorizedUser = result.user();
        permissions = result.compiled() == null ? null
                : new ConnectionPermissions(result.compiled(), server.clock());
        if (authTimer != null) {
            authTimer.cancel(false);
        }
        return true;
    }

    @Override
    public void onInfo(byte[] buf, int off, int len) {
        // nats-server ignores INFO from clients, but closes on INFO that does not decode
        try {
            ServerInfo.parse(buf, off, len);
        } catch (ProtocolException e) {
            onProtocolError(e.error(), e.getMessage());
        }
    }

    @Override
    public void onPing() {
        pings.clientActive(server.clock().nanoTime());
        enqueue(ServerOps.PONG);
        if (connectReceived) {
            firstPongSent = true;
        }
    }

    @Override
    public void onPong() {
        pings.pong();
    }

    @Override
    public void onSub(String subject, String queue, String sid) {
        subOpsInBatch = true;
        ConnectionPermissions perms = permissions;
        if (SYSTEM_QUEUE.equals(queue) || (perms != null && !perms.maySubscribe(subject, queue))) {
            sendErr(Violations.subscription(subject, queue));
            return;
        }
        if (!Subjects.isValidSubscribeSubject(subject)) {
            sendErr("Invalid Subject");
            return;
        }
        if (options.maxSubscriptions() > 0 && subs.size() >= options.maxSubscriptions()) {
            sendErr("maximum subscriptions exceeded");
            return;
        }
        if (!subs.containsKey(sid)) {
            Subscription sub = new Subscription(this, subject, queue, sid);
            try {
                account.index().insert(sub);
            } catch (IllegalArgumentException e) {
                sendErr("Invalid Subject");
                return;
            }
            subs.put(sid, sub);
        }
        sendOkIfVerbose();
    }

    @Override
    public void onUnsub(String sid, long maxMsgs) {
        subOpsInBatch = true;
        Subscription sub = subs.get(sid);
        if (sub != null) {
            if (maxMsgs > 0 && sub.delivered() < maxMsgs) {
                sub.maxMsgs(maxMsgs);
            } else {
                removeSubscription(sub);
            }
        }
        sendOkIfVerbose();
    }

    @Override
    public void onPub(String subject, String reply, int hdrLen, byte[] buf, int off, int totalLen) {
        inMsgsCount++;
        inBytesCount += totalLen;
        if (pedantic && !Subjects.isValidLiteralSubject(subject)) {
            // nats-server complains but still delivers
            sendErr("Invalid Publish Subject");
        }
        if (refusePublish(subject, reply)) {
            return;
        }
        sendOkIfVerbose();
        int matched = account.publish(this, echo, subject, reply, hdrLen, buf, off, totalLen, batch);
        if (matched == 0 && reply != null && noResponders) {
            sendNoResponders(reply);
        }
    }

    /** Sends nats-server's violation and returns true when the publish must be dropped. */
    private boolean refusePublish(String subject, String reply) {
        ConnectionPermissions perms = permissions;
        if (ReservedSubjects.reservedSubject(subject, systemAccount) || (perms != null && !perms.mayPublish(subject))) {
            sendErr(Violations.publish(subject));
            return true;
        }
        if (reply != null && ReservedSubjects.reservedReply(reply)) {
            sendErr(Violations.reply(reply));
            return true;
        }
        return false;
    }

    @Override
    public void onOk() {
        // nats-server ignores +OK from clients
    }

    @Override
    public void onErr(String text) {
        LOG.debug("{} client sent -ERR {}", this, text);
        parser.stop();
        close(ClosedReason.PARSE_ERROR, true);
    }

    @Override
    public void onProtocolError(ProtocolError error, String detail) {
        LOG.debug("{} protocol error {}: {}", this, error, detail);
        parser.stop();
        if (error.sendsErr()) {
            enqueue(ServerOps.errLine(error));
        }
        close(closedReasonFor(error), true);
    }

    private static ClosedReason closedReasonFor(ProtocolError error) {
        return switch (error) {
            case MAX_CONTROL_LINE_EXCEEDED -> ClosedReason.MAX_CONTROL_LINE_EXCEEDED;
            case MAX_PAYLOAD_VIOLATION -> ClosedReason.MAX_PAYLOAD_EXCEEDED;
            case AUTHORIZATION_VIOLATION -> ClosedReason.AUTHENTICATION_VIOLATION;
            case INVALID_CLIENT_PROTOCOL -> ClosedReason.BAD_CLIENT_PROTOCOL_VERSION;
            case NO_RESPONDERS_REQUIRES_HEADERS -> ClosedReason.NO_RESPONDERS_REQUIRES_HEADERS;
            case PARSE_ERROR, MALFORMED_CONNECT, MALFORMED_INFO -> ClosedReason.PARSE_ERROR;
            default -> ClosedReason.PROTOCOL_VIOLATION;
        };
    }

    private void authViolation() {
        onProtocolError(ProtocolError.AUTHORIZATION_VIOLATION, "credentials refused");
    }

    private void sendNoResponders(String reply) {
        for (Subscription sub : account.index().match(reply).plain()) {
            if (sub.subscriber() == this) {
                byte[] status = StatusHeaders.NO_RESPONDERS;
                deliver(sub, reply, null, status, 0, status.length, status.length, batch);
                return;
            }
        }
    }

    // ---------------------------------------------------------------- timers (timer thread)

    private void authTimeout() {
        if (!connectReceived) {
            sendErr("Authentication Timeout");
            close(ClosedReason.AUTHENTICATION_TIMEOUT, true);
        }
    }

    /**
     * Sends an INFO line after the handshake (lame duck mode, cluster changes) if this client takes them: protocol 1
     * or above and its first PING after CONNECT answered, as nats-server decides; returns whether it was queued.
     * Safe from any thread.
     */
    public boolean sendAsyncInfo(byte[] infoLine) {
        ConnectOptions co = connectOptions;
        if (!firstPongSent || co == null || co.protocol() < 1) {
            return false;
        }
        sendFromTimer(infoLine);
        return true;
    }

    /** Queues bytes from a timer thread (which must not touch the reader's publish batch) and wakes the writer. */
    private void sendFromTimer(byte[] bytes) {
        if (!closed.get() && out.append(bytes, 0, bytes.length)) {
            out.flush();
        }
    }

    // ---------------------------------------------------------------- delivery (any thread)

    @Override
    public boolean deliver(Subscription sub, String subject, String reply, byte[] buf, int off, int hdrLen,
                           int totalLen, DeliveryBatch from) {
        ConnectionPermissions perms = permissions;
        if (perms != null && perms.deliveryDenied(subject)) {
            return false;
        }
        int h = hdrLen;
        int payloadOff = off;
        int size = totalLen;
        if (h > 0 && !headers) {
            payloadOff = off + h;
            size = totalLen - h;
            h = 0;
        }
        String sid = sub.sid();
        int lineLen = h > 0 ? MsgEncoder.hmsgLineLength(subject, sid, reply, h, size)
                : MsgEncoder.msgLineLength(subject, sid, reply, size);
        int need = lineLen + size + 2;
        boolean slow = false;
        out.lock();
        try {
            if (out.isClosing()) {
                return false;
            }
            if (out.pending() + need > options.maxPending()) {
                slow = true;
            } else {
                byte[] dst = out.reserve(need);
                int pos = out.position();
                pos = h > 0 ? MsgEncoder.writeHmsgLine(dst, pos, subject, sid, reply, h, size)
                        : MsgEncoder.writeMsgLine(dst, pos, subject, sid, reply, size);
                System.arraycopy(buf, payloadOff, dst, pos, size);
                pos += size;
                dst[pos++] = '\r';
                dst[pos] = '\n';
                out.advance(need);
                outMsgs++;
                outBytes += size;
            }
        } finally {
            out.unlock();
        }
        if (slow) {
            slowConsumer();
            return false;
        }
        server.stats().addOut(1, size);
        if (perms != null && reply != null && !reply.isEmpty() && perms.tracksResponses()) {
            perms.requestDelivered(reply);
        }
        from.flushLater(deliveryFlush);
        return true;
    }

    @Override
    public void autoUnsubscribed(Subscription sub) {
        removeSubscription(sub);
    }

    @Override
    public void flushNow() {
        out.flushInline(INLINE_FLUSH_MAX);
    }

    /** Flushes after deliveries: counts as activity, as nats-server updates a receiver's last activity. */
    private void deliveryFlushNow() {
        lastSeenNanos = server.clock().nanoTime();
        out.flushInline(INLINE_FLUSH_MAX);
        stallWhileBehind();
    }

    /**
     * Back-pressure on whoever delivered to this connection, once per read batch: when more than
     * {@link #STALL_ABOVE} bytes (or three quarters of {@code max_pending}) wait for this client, the producing thread (a publisher's or a route's reader) waits
     * for the writer to catch up, at most {@link #STALL_MAX_NANOS}. nats-server gets the same effect from writing to a
     * subscriber inline in the producer's read loop, and stalls fast producers on a consumer that falls behind: a
     * producer faster than its subscriber is slowed down (and a route's peer behind it, by TCP) instead of the
     * subscriber being closed as a slow consumer once {@code max_pending} is reached. Counted as the connection's
     * {@code stalls} ({@code /connz}).
     */
    private void stallWhileBehind() {
        if (out.awaitBelow(Math.min(STALL_ABOVE, options.maxPending() / 4 * 3), STALL_MAX_NANOS,
                server.clock()::nanoTime, this::isClosed)) {
            stalls.increment();
        }
    }

    private void slowConsumer() {
        synchronized (this) {
            if (slowConsumerFlagged) {
                return;
            }
            slowConsumerFlagged = true;
        }
        server.stats().slowConsumer();
        LOG.info("{} - Slow Consumer Detected: MaxPending of {} Exceeded", this, options.maxPending());
        close(ClosedReason.SLOW_CONSUMER_PENDING_BYTES, false);
        closeSocket();
    }

    // ---------------------------------------------------------------- output helpers

    private void enqueue(byte[] bytes) {
        if (out.append(bytes, 0, bytes.length)) {
            batch.flushLater(this);
        }
    }

    private void sendOkIfVerbose() {
        if (verbose) {
            enqueue(ServerOps.OK);
        }
    }

    /** Queues {@code -ERR '<text>'}. */
    public void sendErr(String text) {
        enqueue(ServerOps.errLine(text));
        out.flush();
    }

    // ---------------------------------------------------------------- close

    private void removeSubscription(Subscription sub) {
        if (subs.remove(sub.sid(), sub)) {
            sub.close();
            account.index().remove(sub);
        }
    }

    /**
     * Closes the connection; with {@code flushPending} what is queued (e.g. a final -ERR) is written first. Only the
     * first call has effect.
     */
    public void close(ClosedReason reason, boolean flushPending) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closedReason = reason;
        stop = server.clock().now();
        cancelTimers();
        List<Subscription> all = new ArrayList<>(subs.values());
        closedSubs = List.copyOf(all);
        subs.clear();
        for (Subscription sub : all) {
            sub.close();
        }
        account.index().removeAll(all);
        out.close(flushPending);
        if (writerThread == null) {
            closeSocket();
        }
        server.connectionClosed(this);
    }

    private void cancelTimers() {
        pings.stop();
        ScheduledFuture<?> auth = authTimer;
        if (auth != null) {
            auth.cancel(false);
        }
    }

    /**
     * Closes the TCP socket at once (never blocks, even under a TLS socket whose writer is stuck); with input left
     * unread the client gets a reset, as from nats-server ({@link TcpClose}).
     */
    private void closeSocket() {
        try {
            TcpClose.close(rawSocket);
        } catch (IOException e) {
            LOG.trace("{} close: {}", this, e.toString());
        }
    }

    /**
     * The writer's last step: over TLS, closes the session first (close_notify, as nats-server's TLS connection
     * does), bounded by a timer that closes the TCP socket should the peer stop reading; then the TCP socket.
     */
    private void closeSocketGracefully() {
        if (tlsState != null) {
            ScheduledFuture<?> guard = null;
            try {
                guard = server.timers().schedule(this::closeSocket, TLS_CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                closeSocket(); // the server is shutting down: no timer, no wait
            }
            try {
                TcpClose.resetIfUnread(rawSocket);
                socket.close();
            } catch (IOException e) {
                LOG.trace("{} TLS close: {}", this, e.toString());
            } finally {
                if (guard != null) {
                    guard.cancel(false);
                }
            }
        }
        closeSocket();
    }

    // ---------------------------------------------------------------- views for monitoring

    public long cid() { return cid; }
    public String remoteIp() { return remoteIp; }
    public int remotePort() { return remotePort; }
    public Instant startTime() { return start; }
    public Instant stopTime() { return stop; }
    public boolean isClosed() { return closed.get(); }

    /** How often producers waited for this connection's writer to catch up ({@code /connz} {@code stalls}). */
    public long stalls() { return stalls.sum(); }
    public ClosedReason closedReason() { return closedReason; }
    public ConnectOptions connectOptions() { return connectOptions; }
    public String authorizedUser() { return authorizedUser; }

    /**
     * Who the client authenticated as (user, account to bind, permissions); null before CONNECT and on a server
     * without authentication.
     */
    public AuthResult authResult() { return authResult; }

    /** The nonce this connection's INFO carried, or null when none was sent (no NKey users). */
    public String nonce() { return nonce; }
    public long inMsgs() { return inMsgs; }
    public long inBytes() { return inBytes; }
    public long outMsgs() {
        out.lock();
        try {
            return outMsgs;
        } finally {
            out.unlock();
        }
    }

    public long outBytes() {
        out.lock();
        try {
            return outBytes;
        } finally {
            out.unlock();
        }
    }

    public long lastActivityNanos() { return lastActivityNanos; }

    /** The TLS session's figures once the handshake is done; null for a plain-text connection. */
    public TlsState tls() { return tlsState; }

    /**
     * Wall-clock time of the last activity as nats-server counts it for monitoring: CONNECT, a read carrying
     * messages or SUB/UNSUB, or messages delivered to this connection.
     */
    public Instant lastActivity() {
        return start.plusNanos(lastSeenNanos - startNanos);
    }

    /** Round-trip time in nanoseconds: estimated at CONNECT, then measured by each PING/PONG; 0 before CONNECT. */
    public long rttNanos() { return pings.rttNanos(); }

    /** Subscriptions held now, or when closed, those held at close (as /connz?state=closed shows them). */
    public int subscriptionCount() {
        List<Subscription> atClose = closedSubs;
        return atClose != null ? atClose.size() : subs.size();
    }

    public List<Subscription> subscriptions() {
        List<Subscription> atClose = closedSubs;
        return atClose != null ? atClose : new ArrayList<>(subs.values());
    }
    public Account account() { return account; }

    /** Bytes queued for this connection and not yet written. */
    public long pendingBytes() {
        return out.pendingNow();
    }

    @Override
    public String toString() {
        return remoteIp + ":" + remotePort + " - cid:" + cid;
    }
}
