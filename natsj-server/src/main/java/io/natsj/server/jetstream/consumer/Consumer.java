package io.natsj.server.jetstream.consumer;

import io.natsj.server.jetstream.JetStreamContext;
import io.natsj.server.jetstream.consumer.ConsumerConfig.AckPolicy;
import io.natsj.server.jetstream.consumer.ConsumerConfig.DeliverPolicy;
import io.natsj.server.jetstream.stream.HeaderBlock;
import io.natsj.server.jetstream.stream.Stream;
import io.natsj.server.json.GoFormats;
import io.natsj.server.json.GoJsonReader;
import io.natsj.server.routing.DeliveryBatch;
import io.natsj.server.routing.PublishBatch;
import io.natsj.server.routing.Subscriber;
import io.natsj.server.routing.Subscription;
import io.natsj.server.store.StoredMessage;
import io.natsj.server.store.StreamStore;
import io.natsj.server.util.GoDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One consumer of a stream: a stateful cursor that delivers stored messages (to a deliver subject, or to waiting
 * pull requests), tracks each delivery until it is acknowledged, and redelivers after {@code ack_wait} or the
 * {@code backoff} schedule, at most {@code max_deliver} times.
 *
 * <p>Its worker (a virtual thread) is the only writer of its state. Everything reaches it as an event on its
 * queue: "new messages" signals from the stream, acknowledgements ({@code $JS.ACK.<stream>.<consumer>.>}), pull
 * requests ({@code CONSUMER.MSG.NEXT}), timer ticks and API commands. Deliveries go through the account's routing,
 * showing each message's own subject, with the ack subject
 * {@code $JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<timestamp>.<pending>} as reply.
 *
 * <p>Threading: {@link #deliver}, {@link #signal} and {@link #submit} are safe from any thread; the volatile
 * snapshots ({@link #ackFloorStream()}, {@link #isAcked}) may be read by the stream's worker.
 */
public final class Consumer implements Subscriber {

    private static final Logger LOG = LoggerFactory.getLogger(Consumer.class);
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long DEFAULT_EPHEMERAL_INACTIVE = 5_000_000_000L;
    private static final Object TICK = new Object();
    private static final Object SIGNAL = new Object();
    private static final Object STOP = new Object();

    /** One delivery waiting for its ack. */
    static final class Pending {
        long cseq;
        long deliveredAt;   // epoch nanos of the last delivery
        long redeliverAt;   // epoch nanos when a NAK with delay asked for it, 0 otherwise
        int count;          // deliveries so far

        Pending(long cseq, long deliveredAt, int count) {
            this.cseq = cseq;
            this.deliveredAt = deliveredAt;
            this.count = count;
        }
    }

    private record Ack(String subject, String reply, byte[] body) {
    }

    private record Next(String reply, byte[] body) {
    }

    private record FlowControlReply(String subject) {
    }

    private record Command<T>(Callable<T> action, CompletableFuture<T> done) {
    }

    private final JetStreamContext ctx;
    private final Stream stream;
    private final String name;
    private final Instant created;
    private final LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    private final AtomicBoolean signalQueued = new AtomicBoolean();
    private final AtomicBoolean tickQueued = new AtomicBoolean();
    private final PublishBatch out = new PublishBatch();
    private final List<Subscription> subscriptions = new ArrayList<>();
    private final ConcurrentSkipListMap<Long, Pending> pending = new ConcurrentSkipListMap<>();
    private final TreeSet<Long> redeliver = new TreeSet<>();
    private final ArrayDeque<Long> lastPerSubject = new ArrayDeque<>();
    private final WaitQueue waiting = new WaitQueue();
    private final java.util.concurrent.ConcurrentHashMap<Long, Integer> exhausted =
            new java.util.concurrent.ConcurrentHashMap<>();
    private volatile ConsumerConfig config;
    private volatile boolean closed;
    private Thread worker;
    private ScheduledFuture<?> ticker;
    private final ConsumerState.Listener stateListener;
    private final PriorityGroups priority;

    // worker-owned cursor and counters (volatile where the API or the stream reads them)
    private volatile long sseq;                 // next stream sequence to consider
    private volatile long dseq;                 // last consumer sequence used
    private volatile long deliveredStream;      // stream sequence of the last delivery
    private volatile long ackFloorStream;
    private volatile long ackFloorConsumer;
    private volatile long lastDeliveredAt;      // epoch nanos
    private volatile long lastAckAt;            // epoch nanos
    private volatile long lastActiveAt;         // epoch nanos: a request, an ack, interest
    private long lastHeartbeatAt;
    private long fcCounter;
    private static final long FC_LIMIT = 32L << 20;  // nats-server's most bytes a flow-controlled consumer may owe
    private long fcWindow = FC_LIMIT / 16;           // the current window: starts small, doubles per answer
    private long fcBytes;              // bytes delivered and not yet covered by a flow-control reply
    private long fcBytesAtRequest;     // fcBytes when the outstanding request was sent
    private String fcReply;            // the outstanding flow-control request's reply subject, or null
    private long replayStartNanos;     // wall clock when original-speed replay began
    private long replayFirstTimestamp; // timestamp of the first message replayed
    private long rateWindowStart;      // start of the current one-second rate window
    private long rateWindowBits;       // bits sent in it

    public Consumer(JetStreamContext ctx, Stream stream, String name, ConsumerConfig config, Instant created,
                    ConsumerState restored, ConsumerState.Listener stateListener) {
        this.ctx = ctx;
        this.stream = stream;
        this.name = name;
        this.config = config;
        this.created = created;
        this.stateListener = stateListener;
        this.priority = new PriorityGroups(ctx, stream.name(), name, task -> submit(() -> {
            task.run();
            return null;
        }));
        long now = ctx.clock().epochNanos();
        this.lastActiveAt = now;
        if (restored != null) {
            restore(restored);
        } else {
            initialPosition();
        }
    }

    // ---- identity and snapshots ----------------------------------------------------------------------------------

    public String name() {
        return name;
    }

    public ConsumerConfig config() {
        return config;
    }

    public Instant created() {
        return created;
    }

    public Stream stream() {
        return stream;
    }

    public long ackFloorStream() {
        return ackFloorStream;
    }

    /** Whether this consumer no longer needs {@code seq} (acknowledged, or never going to be delivered to it). */
    public boolean isAcked(long seq) {
        if (config.ackPolicy() == AckPolicy.NONE) {
            return seq < sseq;
        }
        return seq <= ackFloorStream || (seq < sseq && !pending.containsKey(seq));
    }

    /** Whether {@code subject} is one this consumer delivers. */
    public boolean matches(String subject) {
        List<String> filters = config.filters();
        if (filters.isEmpty()) {
            return true;
        }
        for (String f : filters) {
            if (io.natsj.server.routing.Subjects.matches(f, subject)) {
                return true;
            }
        }
        return false;
    }

    // ---- lifecycle -----------------------------------------------------------------------------------------------

    private String ackPrefix() {
        return "$JS.ACK." + stream.name() + "." + name + ".";
    }

    /** Subscribes its ack and pull subjects and starts the worker. */
    public void start() {
        sub(ackPrefix() + ">");
        if (config.flowControl()) {
            sub("$JS.FC." + stream.name() + "." + name + ".*");
        }
        sub("$JS.API.CONSUMER.MSG.NEXT." + stream.name() + "." + name);
        if (ctx.domain() != null && !ctx.domain().isEmpty()) {
            sub("$JS." + ctx.domain() + ".API.CONSUMER.MSG.NEXT." + stream.name() + "." + name);
        }
        recountPending();
        worker = Thread.ofVirtual().name("natsj-consumer-" + stream.name() + "-" + name).start(this::run);
        signal();
    }

    private void sub(String subject) {
        Subscription s = new Subscription(this, subject, null, "js-consumer");
        ctx.account().index().insert(s);
        subscriptions.add(s);
    }

    /** Stops the worker; waiting pull requests are told the consumer is gone when {@code deleted}. */
    public void stop(boolean deleted) {
        if (closed) {
            return;
        }
        if (deleted) {
            submit(() -> {
                for (PullRequest r : waiting) {
                    status(r.reply, "409 Consumer Deleted", null);
                }
                waiting.clear();
                out.flushAll();
                return null;
            });
        }
        closed = true;
        if (ticker != null) {
            ticker.cancel(false);
        }
        for (Subscription s : subscriptions) {
            s.close();
            ctx.account().index().remove(s);
        }
        subscriptions.clear();
        inbox.add(STOP);
        if (worker != null && Thread.currentThread() != worker) {
            try {
                worker.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!deleted) {
            persist();
        }
    }

    /** Runs {@code action} on the worker. */
    public <T> CompletableFuture<T> submit(Callable<T> action) {
        CompletableFuture<T> done = new CompletableFuture<>();
        inbox.add(new Command<>(action, done));
        return done;
    }

    /** The stream stored something: look for work. */
    public void signal() {
        if (signalQueued.compareAndSet(false, true)) {
            inbox.add(SIGNAL);
        }
    }

    @Override
    public boolean deliver(Subscription sub, String subject, String reply, byte[] buf, int off, int hdrLen,
                           int totalLen, DeliveryBatch batch) {
        if (closed) {
            return false;
        }
        byte[] body = new byte[totalLen - hdrLen];
        System.arraycopy(buf, off + hdrLen, body, 0, body.length);
        if (subject.startsWith("$JS.FC.")) {
            inbox.add(new FlowControlReply(subject));
        } else if (subject.startsWith("$JS.ACK.")) {
            inbox.add(new Ack(subject, reply, body));
        } else if (reply != null && !reply.isEmpty()) {
            inbox.add(new Next(reply, body));
        }
        return true;
    }

    private void run() {
        List<Object> batch = new ArrayList<>(64);
        while (true) {
            try {
                batch.add(inbox.take());
            } catch (InterruptedException e) {
                return;
            }
            inbox.drainTo(batch, 1023);
            boolean stop = false;
            for (Object item : batch) {
                try {
                    if (item == STOP) {
                        stop = true;
                    } else if (item == SIGNAL) {
                        signalQueued.set(false);
                    } else if (item == TICK) {
                        tickQueued.set(false);
                        tick();
                    } else if (item instanceof Ack a) {
                        onAck(a);
                    } else if (item instanceof Next n) {
                        onNext(n);
                    } else if (item instanceof FlowControlReply f) {
                        if (f.subject().equals(fcReply)) {
                            fcBytes = Math.max(0, fcBytes - fcBytesAtRequest);
                            fcReply = null;
                            fcWindow = Math.min(FC_LIMIT, fcWindow * 2); // slow start, as nats-server
                        }
                    } else if (item instanceof Command<?> c) {
                        runCommand(c);
                    }
                } catch (RuntimeException e) {
                    LOG.error("consumer '{} > {}' failed on an event", stream.name(), name, e);
                }
            }
            batch.clear();
            if (stop) {
                out.flushAll();
                priority.close();
                return;
            }
            try {
                deliverAvailable();
            } catch (RuntimeException e) {
                LOG.error("consumer '{} > {}' failed to deliver", stream.name(), name, e);
            }
            out.flushAll();
            adjustTicker();
        }
    }

    /**
     * Keeps the timer only as busy as the consumer needs: every 50 ms while acks, pull requests, heartbeats or held
     * messages are waiting, every second for an inactivity or pause check, not at all for an idle durable consumer
     * (so that thousands of idle consumers cost no CPU).
     */
    private void adjustTicker() {
        ConsumerConfig c = config;
        long period;
        boolean waitingForSubscriber = c.isPush() && (pendingCount.get() > 0 || !redeliver.isEmpty()
                || !lastPerSubject.isEmpty()) && !ctx.account().hasInterest(c.deliverSubject());
        if (!pending.isEmpty() || !waiting.isEmpty() || c.idleHeartbeat() > 0 || held || waitingForSubscriber) {
            period = TICK_NANOS;
        } else if (c.inactiveThreshold() > 0 || !c.isDurable() || c.pauseUntil() != null || dirty) {
            period = 1_000_000_000L;
        } else {
            period = 0;
        }
        if (period == tickPeriod || closed) {
            return;
        }
        if (ticker != null) {
            ticker.cancel(false);
            ticker = null;
        }
        tickPeriod = period;
        if (period > 0) {
            ticker = ctx.timers().scheduleAtFixedRate(() -> {
                if (tickQueued.compareAndSet(false, true)) {
                    inbox.add(TICK);
                }
            }, period, period, TimeUnit.NANOSECONDS);
        }
    }

    private long tickPeriod;
    private boolean held;

    private <T> void runCommand(Command<T> c) {
        try {
            c.done().complete(c.action().call());
        } catch (Throwable t) {
            c.done().completeExceptionally(t);
        }
    }

    // ---- position ------------------------------------------------------------------------------------------------

    private void initialPosition() {
        StreamStore store = stream.store();
        var state = store.state();
        long first = Math.max(1, state.firstSeq());
        ConsumerConfig c = config;
        switch (c.deliverPolicy()) {
            case ALL -> sseq = first;
            case NEW -> sseq = state.lastSeq() + 1;
            case LAST -> {
                StoredMessage last = lastMatching(Long.MAX_VALUE);
                sseq = last == null ? state.lastSeq() + 1 : last.seq();
            }
            case BY_START_SEQUENCE -> sseq = Math.max(c.optStartSeq(), first);
            case BY_START_TIME -> {
                Instant t = c.optStartTime();
                sseq = store.sequenceAtOrAfter(t.getEpochSecond() * 1_000_000_000L + t.getNano());
            }
            case LAST_PER_SUBJECT -> {
                TreeSet<Long> seqs = new TreeSet<>();
                for (String f : c.filters()) {
                    for (String subject : store.subjectTotals(f).keySet()) {
                        StoredMessage m = store.loadLast(subject);
                        if (m != null) {
                            seqs.add(m.seq());
                        }
                    }
                }
                lastPerSubject.addAll(seqs);
                sseq = state.lastSeq() + 1;
                long start = seqs.isEmpty() ? sseq : seqs.first();
                deliveredStream = Math.max(0, start - 1);
                ackFloorStream = deliveredStream;
                return;
            }
        }
        deliveredStream = Math.max(0, sseq - 1);
        ackFloorStream = deliveredStream;
    }

    private StoredMessage lastMatching(long upTo) {
        StreamStore store = stream.store();
        List<String> filters = config.filters();
        if (filters.isEmpty()) {
            return store.loadPrevious(null, upTo);
        }
        StoredMessage best = null;
        for (String f : filters) {
            StoredMessage m = store.loadPrevious(f, upTo);
            if (m != null && (best == null || m.seq() > best.seq())) {
                best = m;
            }
        }
        return best;
    }

    private StoredMessage nextMatching(long from) {
        StreamStore store = stream.store();
        List<String> filters = config.filters();
        if (filters.isEmpty()) {
            return store.loadNext(null, from);
        }
        StoredMessage best = null;
        for (String f : filters) {
            StoredMessage m = store.loadNext(f, from);
            if (m != null && (best == null || m.seq() < best.seq())) {
                best = m;
            }
        }
        return best;
    }

    /**
     * The stream stored {@code seq} on {@code subject}: counts it as pending when this consumer will deliver it,
     * then looks for work. Called on the stream's worker.
     */
    public void stored(long seq, String subject) {
        if (matches(subject)) {
            pendingCount.incrementAndGet();
        }
        signal();
    }

    /** The running count of messages still to deliver; exact after {@link #recountPending()}. */
    private final java.util.concurrent.atomic.AtomicLong pendingCount = new java.util.concurrent.atomic.AtomicLong();

    /** Counts the messages still to deliver from the store (after removals the running count may be off). */
    private long recountPending() {
        long n = numPending();
        pendingCount.set(Math.max(0, n - lastPerSubject.size()));
        return n;
    }

    /** Messages still to deliver (not counting redeliveries): nats-server's {@code num_pending}, counted. */
    public long numPending() {
        StreamStore store = stream.store();
        List<String> filters = config.filters();
        long from = sseq;
        long n = 0;
        if (filters.isEmpty()) {
            n = store.filteredState(from, null).msgs();
        } else {
            for (String f : filters) {
                n += store.filteredState(from, f).msgs();
            }
        }
        return n + lastPerSubject.size();
    }

    // ---- delivery ------------------------------------------------------------------------------------------------

    private boolean paused() {
        Instant until = config.pauseUntil();
        if (until != null && !until.isAfter(ctx.clock().now())) {
            config = config.withPauseUntil(null); // the pause is over
            return false;
        }
        return until != null;
    }

    /**
     * Delivers what it can: to the deliver subject, or to the waiting pull requests in turn ({@link #nextWaiting}).
     * Then, as nats-server does each time its delivery loop runs dry, looks over the waiting requests
     * ({@link #processWaiting}): a {@code no_wait} request that got something ends unless the loop stopped at
     * {@code max_ack_pending} or a held message.
     */
    private void deliverAvailable() {
        ConsumerConfig c = config;
        boolean endOfStream = true;
        boolean paused = paused();
        while (!paused) {
            if (c.ackPolicy() != AckPolicy.NONE && c.maxAckPending() > 0 && pending.size() >= c.maxAckPending()
                    && redeliver.isEmpty()) {
                endOfStream = false;
                break;
            }
            if (c.isPush()) {
                if (!ctx.account().hasInterest(c.deliverSubject())) {
                    break;
                }
                if (c.flowControl() && fcBytes > fcWindow) {
                    break; // stalled until the client answers the flow-control request
                }
            } else if (waiting.isEmpty()) {
                break;
            }
            StoredMessage m = nextMessage();
            if (m == null) {
                break;
            }
            if (!dueNow(c, m)) {
                putBack(m);
                held = true;
                endOfStream = false;
                break; // replay speed or rate limit: a later tick delivers it
            }
            held = false;
            String ackReply = ackReplyFor(m);
            if (c.isPush()) {
                send(c.deliverSubject(), m, ackReply);
                continue;
            }
            long now = ctx.clock().epochNanos();
            // as nats-server counts: subject, ack reply, headers and payload
            long size = m.headers().length + m.data().length + m.subject().length() + ackReply.length();
            PullRequest request = nextWaiting(c, size, now);
            if (request == null) {
                putBack(m);
                break;
            }
            send(request.reply, m, ackReply);
            if (request.remaining > 0) {
                if (request.heartbeat > 0) {
                    request.nextHeartbeat = now + request.heartbeat; // a delivery is a sign of life
                }
            } else if (request.remainingBytes > 0) {
                status(request.reply, "409 Batch Completed", request);
            }
        }
        if (!c.isPush()) {
            processWaiting(endOfStream, ctx.clock().epochNanos());
        }
    }

    /**
     * The waiting request that gets a message of {@code size} bytes, taken from the queue's head in turn: a request
     * whose requester went away leaves silently, one that expired with {@code 408 Request Timeout}, one the priority
     * policy holds back waits at the back, one too small for the message leaves with {@code 409 Message Size Exceeds
     * MaxBytes}.
     */
    private PullRequest nextWaiting(ConsumerConfig c, long size, long now) {
        boolean prioritized = PriorityGroups.active(c);
        // nats-server compares min_pending with the pending count before the message at hand was taken (a
        // redelivery, which it never took from that count, counts one more)
        long pendingBefore = pendingCount.get() + lastPerSubject.size() + 1;
        return waiting.next(size, r -> {
            if (!ctx.account().hasInterest(r.reply)) {
                return WaitQueue.Verdict.DROP; // the requester went away
            }
            if (r.expired(now)) {
                status(r.reply, "408 Request Timeout", r);
                return WaitQueue.Verdict.DROP;
            }
            if (prioritized) {
                WaitQueue.Verdict v = priority.admit(c, r, pendingBefore, pending.size(),
                        (reply, line) -> status(reply, line, null), now);
                if (v != WaitQueue.Verdict.TAKE) {
                    return v;
                }
            }
            if (!r.fits(size)) {
                priority.dropped(r);
                status(r.reply, "409 Message Size Exceeds MaxBytes", r);
                return WaitQueue.Verdict.DROP;
            }
            return WaitQueue.Verdict.TAKE;
        });
    }

    /**
     * Replay at the original speed, and the rate limit, hold a message back until its time (the rate window is
     * charged when the message is sent).
     */
    private boolean dueNow(ConsumerConfig c, StoredMessage m) {
        long now = ctx.clock().epochNanos();
        if (c.replayPolicy() == ConsumerConfig.ReplayPolicy.ORIGINAL && !pending.containsKey(m.seq())) {
            if (replayStartNanos == 0) {
                replayStartNanos = now;
                replayFirstTimestamp = m.timestamp();
            } else if (m.timestamp() - replayFirstTimestamp > now - replayStartNanos) {
                return false;
            }
        }
        if (c.rateLimitBps() > 0) {
            if (now - rateWindowStart >= 1_000_000_000L) {
                rateWindowStart = now;
                rateWindowBits = 0;
            }
            if (rateWindowBits > 0 && rateWindowBits + rateBits(m) > c.rateLimitBps()) {
                return false;
            }
        }
        return true;
    }

    private static long rateBits(StoredMessage m) {
        return 8L * (m.headers().length + m.data().length + m.subject().length());
    }

    /** The next message to deliver: a due redelivery, a last-per-subject start, or the next new one. */
    private StoredMessage nextMessage() {
        StreamStore store = stream.store();
        while (!redeliver.isEmpty()) {
            long seq = redeliver.pollFirst();
            StoredMessage m = store.load(seq);
            if (m != null && pending.containsKey(seq)) {
                return m;
            }
            pending.remove(seq);
        }
        while (!lastPerSubject.isEmpty()) {
            StoredMessage m = store.load(lastPerSubject.pollFirst());
            if (m != null) {
                return m;
            }
        }
        StoredMessage m = nextMatching(sseq);
        if (m == null) {
            // the stream stores concurrently: only what was stored before looking again may be skipped
            long last = store.state().lastSeq();
            m = nextMatching(sseq);
            if (m == null) {
                sseq = Math.max(sseq, last + 1);
            }
        }
        if (m != null) {
            sseq = m.seq() + 1;
            if (pendingCount.decrementAndGet() < 0) {
                pendingCount.set(0);
            }
        }
        return m;
    }

    private void putBack(StoredMessage m) {
        if (pending.containsKey(m.seq())) {
            redeliver.add(m.seq());
        } else {
            sseq = Math.min(sseq, m.seq());
            pendingCount.incrementAndGet();
        }
    }

    /** Delivers {@code m} with the ack reply {@link #ackReplyFor} gave for it. */
    private void send(String target, StoredMessage m, String ackReply) {
        ConsumerConfig c = config;
        long now = ctx.clock().epochNanos();
        long cseq = ++dseq;
        Pending p = pending.get(m.seq());
        if (c.ackPolicy() != AckPolicy.NONE) {
            if (p == null) {
                pending.put(m.seq(), new Pending(cseq, now, 1));
            } else {
                p.count++;
                p.deliveredAt = now;
                p.redeliverAt = 0;
            }
        }
        if (m.seq() > deliveredStream) {
            deliveredStream = m.seq();
        }
        lastDeliveredAt = now;
        lastHeartbeatAt = now;
        if (c.rateLimitBps() > 0) {
            rateWindowBits += rateBits(m);
        }
        byte[] headers = m.headers();
        byte[] data = m.data();
        if (c.headersOnly()) {
            headers = new HeaderBlock.Builder().addAll(m.headers())
                    .add("Nats-Msg-Size", Integer.toString(m.data().length)).build();
            data = StoredMessage.NO_BYTES;
        }
        headers = priority.withPinHeader(c, headers);
        byte[] buf = new byte[headers.length + data.length];
        System.arraycopy(headers, 0, buf, 0, headers.length);
        System.arraycopy(data, 0, buf, headers.length, data.length);
        ctx.account().publishAs(null, true, target, m.subject(), ackReply, headers.length, buf, 0, buf.length, out);
        if (c.ackPolicy() == AckPolicy.NONE) {
            ackFloorStream = m.seq();
            ackFloorConsumer = cseq;
            stream.consumerAcked(this, m.seq());
        }
        if (c.flowControl()) {
            fcBytes += buf.length;
            if (fcReply == null && fcBytes > fcWindow / 2) {
                fcReply = "$JS.FC." + stream.name() + "." + name + "." + (++fcCounter);
                fcBytesAtRequest = fcBytes;
                byte[] fc = new HeaderBlock.Builder("100 FlowControl Request").build();
                ctx.account().publish(null, true, target, fcReply, fc.length, fc, 0, fc.length, out);
            }
        }
        markDirty();
    }

    private String ackReply(StoredMessage m, int count, long cseq) {
        long left = pendingCount.get() + lastPerSubject.size();
        return ackPrefix() + count + "." + m.seq() + "." + cseq + "." + m.timestamp() + "." + left;
    }

    /** The ack reply for delivering {@code m} next (its delivery count and consumer sequence), changing nothing. */
    private String ackReplyFor(StoredMessage m) {
        Pending p = pending.get(m.seq());
        int count = config.ackPolicy() == AckPolicy.NONE || p == null ? 1 : p.count + 1;
        return ackReply(m, count, dseq + 1);
    }

    private void status(String reply, String status, PullRequest r) {
        HeaderBlock.Builder b = new HeaderBlock.Builder(status);
        if (r != null) {
            b.add("Nats-Pending-Messages", Integer.toString(r.remaining))
                    .add("Nats-Pending-Bytes", Long.toString(r.remainingBytes));
        }
        byte[] h = b.build();
        ctx.account().publishAs(null, true, reply, reply, "", h.length, h, 0, h.length, out);
    }

    private void heartbeat(String target) {
        HeaderBlock.Builder b = new HeaderBlock.Builder("100 Idle Heartbeat")
                .add("Nats-Last-Consumer", Long.toString(dseq))
                .add("Nats-Last-Stream", Long.toString(deliveredStream));
        if (fcReply != null && fcBytes > fcWindow) {
            b.add("Nats-Consumer-Stalled", fcReply);
        }
        byte[] h = b.build();
        ctx.account().publishAs(null, true, target, target, "", h.length, h, 0, h.length, out);
    }

    // ---- pull requests -------------------------------------------------------------------------------------------

    private void onNext(Next n) {
        ConsumerConfig c = config;
        long now = ctx.clock().epochNanos();
        lastActiveAt = now;
        if (c.isPush()) {
            status(n.reply(), "409 Consumer is push based", null);
            return;
        }
        PullRequest.Settings s;
        try {
            s = PullRequest.parse(n.body());
        } catch (IllegalArgumentException e) {
            status(n.reply(), "400 Bad Request - " + e.getMessage(), null);
            return;
        }
        if (c.maxBatch() > 0 && s.batch() > c.maxBatch()) {
            status(n.reply(), "409 Exceeded MaxRequestBatch of " + c.maxBatch(), null);
            return;
        }
        if (c.maxExpires() > 0 && s.expires() > c.maxExpires()) {
            status(n.reply(), "409 Exceeded MaxRequestExpires of "
                    + GoFormats.goDuration(Duration.ofNanos(c.maxExpires())), null);
            return;
        }
        if (s.maxBytes() > 0 && c.maxBytes() > 0 && s.maxBytes() > c.maxBytes()) {
            status(n.reply(), "409 Exceeded MaxRequestMaxBytes of " + c.maxBytes(), null);
            return;
        }
        String refusal = priority.refuse(c, s.priority(), now);
        if (refusal != null) {
            status(n.reply(), refusal, null);
            return;
        }
        if (waiting.isFull(c.maxWaiting())) {
            processWaiting(false, now); // room, perhaps, after expiry
        }
        if (s.noWait()) {
            long available = pendingCount.get() + lastPerSubject.size() + redeliver.size();
            if (available == 0 && s.expires() == 0) {
                status(n.reply(), "404 No Messages", null);
                return;
            }
            // the requests already waiting want more than there is: this one would get nothing
            if (available > 0 && available < processWaiting(false, now)) {
                status(n.reply(), "408 Requests Pending", null);
                return;
            }
        }
        if (!waiting.add(PullRequest.of(n.reply(), s, now), c.maxWaiting())) {
            status(n.reply(), "409 Exceeded MaxWaiting", null);
        }
    }

    /**
     * Looks over the waiting requests (nats-server's {@code processWaiting}): a request that expired, or a
     * {@code no_wait} one that got something when {@code endOfStream}, leaves with {@code 408 Request Timeout}; one
     * whose requester went away leaves silently; the others get their idle heartbeat when it is due.
     *
     * @return the messages the remaining requests still want
     */
    private long processWaiting(boolean endOfStream, long now) {
        long wanted = 0;
        Iterator<PullRequest> it = waiting.iterator();
        while (it.hasNext()) {
            PullRequest r = it.next();
            if ((endOfStream && r.noWait && r.delivered > 0) || r.expired(now)) {
                it.remove();
                status(r.reply, "408 Request Timeout", r);
            } else if (!ctx.account().hasInterest(r.reply)) {
                it.remove();
            } else {
                wanted += r.remaining;
                if (r.heartbeat > 0 && now >= r.nextHeartbeat) {
                    heartbeat(r.reply);
                    r.nextHeartbeat = now + r.heartbeat;
                }
            }
        }
        return wanted;
    }

    public int numWaiting() {
        return waiting.size();
    }

    // ---- acks ----------------------------------------------------------------------------------------------------

    private void onAck(Ack a) {
        String[] t = a.subject().split("\\.");
        if (t.length < 9) {
            return;
        }
        long seq;
        long cseq;
        try {
            seq = Long.parseLong(t[t.length - 4]);
            cseq = Long.parseLong(t[t.length - 3]);
        } catch (NumberFormatException e) {
            return;
        }
        long now = ctx.clock().epochNanos();
        lastAckAt = now;
        lastActiveAt = now;
        String body = new String(a.body(), StandardCharsets.UTF_8).trim();
        String verb = body.length() >= 4 ? body.substring(0, 4) : body;
        switch (verb) {
            case "", "+ACK", "+OK" -> ack(seq, cseq);
            case "-NAK" -> {
                Pending p = pending.get(seq);
                nak(seq, body.substring(4).trim());
                if (p != null) {
                    ctx.advisories().delivery(stream.name(), name, false, cseq, seq, p.count, null);
                }
            }
            case "+WPI" -> {
                Pending p = pending.get(seq);
                if (p != null) {
                    p.deliveredAt = now;
                }
            }
            case "+NXT" -> {
                ack(seq, cseq);
                if (a.reply() != null && !a.reply().isEmpty()) {
                    onNext(new Next(a.reply(), body.substring(4).trim().getBytes(StandardCharsets.UTF_8)));
                    return;
                }
            }
            case "+TER" -> {
                Pending p = pending.get(seq);
                ack(seq, cseq);
                String reason = body.length() > 5 ? body.substring(5).trim() : "";
                ctx.advisories().delivery(stream.name(), name, true, cseq, seq, p == null ? 1 : p.count, reason);
            }
            default -> {
                if (body.startsWith("+ACK")) {
                    ack(seq, cseq);
                }
            }
        }
        if (a.reply() != null && !a.reply().isEmpty()) {
            persistNow();
            ctx.account().publishAs(null, true, a.reply(), a.reply(), "", 0, new byte[0], 0, 0, out); // confirmed
        }
    }

    private void ack(long seq, long cseq) {
        ConsumerConfig c = config;
        if (c.ackPolicy() == AckPolicy.NONE) {
            return;
        }
        List<Long> acked = new ArrayList<>();
        if (c.ackPolicy() == AckPolicy.ALL) {
            var head = pending.headMap(seq, true);
            acked.addAll(head.keySet());
            head.clear();
        } else if (pending.remove(seq) != null) {
            acked.add(seq);
        }
        for (Long s : acked) {
            redeliver.remove(s);
        }
        if (acked.isEmpty()) {
            return;
        }
        updateAckFloor();
        for (Long s : acked) {
            stream.consumerAcked(this, s);
        }
        sampleAck(seq, cseq);
        markDirty();
    }

    /** With {@code sample_freq}, a share of acks publishes {@code $JS.EVENT.METRIC.CONSUMER.ACK.<s>.<c>}. */
    private void sampleAck(long seq, long cseq) {
        String freq = config.sampleFreq();
        if (freq == null || freq.isEmpty()) {
            return;
        }
        int percent;
        try {
            percent = Integer.parseInt(freq.endsWith("%") ? freq.substring(0, freq.length() - 1) : freq);
        } catch (NumberFormatException e) {
            return;
        }
        if (percent <= 0 || java.util.concurrent.ThreadLocalRandom.current().nextInt(100) >= percent) {
            return;
        }
        String subject = "$JS.EVENT.METRIC.CONSUMER.ACK." + stream.name() + "." + name;
        if (!ctx.account().index().hasInterest(subject)) {
            return;
        }
        Pending p = pending.get(seq);
        String json = "{\"type\":\"io.nats.jetstream.metric.v1.consumer_ack\",\"id\":\"" + java.util.UUID.randomUUID()
                .toString().replace("-", "").substring(0, 22) + "\",\"timestamp\":\""
                + GoFormats.rfc3339Nano(ctx.clock().now()) + "\",\"stream\":\"" + stream.name()
                + "\",\"consumer\":\"" + name + "\",\"consumer_seq\":" + cseq + ",\"stream_seq\":" + seq
                + ",\"ack_time\":" + (p == null ? 0 : ctx.clock().epochNanos() - p.deliveredAt)
                + ",\"deliveries\":" + (p == null ? 1 : p.count) + "}";
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        ctx.account().publish(null, true, subject, null, 0, body, 0, body.length, out);
    }

    private void updateAckFloor() {
        Map.Entry<Long, Pending> first = pending.firstEntry();
        if (first == null) {
            ackFloorStream = deliveredStream;
            ackFloorConsumer = dseq;
        } else {
            ackFloorStream = first.getKey() - 1;
            ackFloorConsumer = first.getValue().cseq - 1;
        }
    }

    private void nak(long seq, String arg) {
        Pending p = pending.get(seq);
        if (p == null) {
            return;
        }
        if (config.maxDeliver() > 0 && p.count >= config.maxDeliver()) {
            dropAtMaxDeliver(seq);
            return;
        }
        long delay = 0;
        if (!arg.isEmpty()) {
            try {
                if (arg.startsWith("{")) {
                    var s = io.natsj.server.json.GoStruct.of(GoJsonReader.parse(
                            arg.getBytes(StandardCharsets.UTF_8)), "ConsumerNakOptions");
                    delay = s.duration("delay");
                } else {
                    delay = GoDuration.parse(arg).toNanos();
                }
            } catch (RuntimeException e) {
                delay = 0;
            }
        }
        if (delay > 0) {
            p.redeliverAt = ctx.clock().epochNanos() + delay;
        } else {
            redeliver.add(seq);
        }
    }

    // ---- timers --------------------------------------------------------------------------------------------------

    private void tick() {
        long now = ctx.clock().epochNanos();
        ConsumerConfig c = config;
        List<Long> exceeded = new ArrayList<>();
        if (c.ackPolicy() != AckPolicy.NONE) {
            for (Map.Entry<Long, Pending> e : pending.entrySet()) {
                Pending p = e.getValue();
                long due = p.redeliverAt > 0 ? p.redeliverAt : p.deliveredAt + ackWait(c, p.count);
                if (now < due || redeliver.contains(e.getKey())) {
                    continue;
                }
                if (c.maxDeliver() > 0 && p.count >= c.maxDeliver()) {
                    exceeded.add(e.getKey());
                    continue;
                }
                redeliver.add(e.getKey());
            }
        }
        for (Long seq : exceeded) {
            dropAtMaxDeliver(seq);
        }
        if (c.isPush() && c.idleHeartbeat() > 0 && now - lastHeartbeatAt >= c.idleHeartbeat()) {
            if (ctx.account().hasInterest(c.deliverSubject())) {
                heartbeat(c.deliverSubject());
            }
            lastHeartbeatAt = now;
        }
        if (c.isPush() && ctx.account().hasInterest(c.deliverSubject())) {
            lastActiveAt = now;
        }
        if (!waiting.isEmpty()) {
            lastActiveAt = now;
        }
        long inactive = c.inactiveThreshold() > 0 ? c.inactiveThreshold()
                : c.isDurable() ? 0 : DEFAULT_EPHEMERAL_INACTIVE;
        if (inactive > 0 && now - lastActiveAt >= inactive) {
            LOG.debug("consumer '{} > {}' inactive, deleting", stream.name(), name);
            stream.consumerInactive(this);
        }
        if (dirty && now - lastPersistAt >= 1_000_000_000L) {
            persist();
        }
    }

    /** A message delivered {@code max_deliver} times leaves pending for good (nats-server), with an advisory. */
    private void dropAtMaxDeliver(long seq) {
        Pending p = pending.remove(seq);
        if (p == null) {
            return;
        }
        if (p.count > 1) {
            exhausted.put(seq, p.count); // still counted in num_redelivered, as nats-server keeps its count
        }
        redeliver.remove(seq);
        updateAckFloor();
        ctx.advisories().maxDeliveries(stream.name(), name, seq, p.count);
        markDirty();
    }

    /** The stream removed {@code seq} (message delete): it is no longer pending. Runs on the worker. */
    public void messageRemoved(long seq) {
        exhausted.remove(seq);
        if (pending.remove(seq) != null) {
            redeliver.remove(seq);
            updateAckFloor();
            markDirty();
        }
        recountPending();
    }

    /**
     * The stream was purged: deliveries of purged messages leave pending, the cursor and ack floor move to the new
     * first sequence. Runs on the worker.
     */
    public void streamPurged(long firstSeq) {
        StreamStore store = stream.store();
        exhausted.keySet().removeIf(seq -> seq < firstSeq || store.load(seq) == null);
        for (Long seq : new ArrayList<>(pending.keySet())) {
            if (seq < firstSeq || store.load(seq) == null) {
                pending.remove(seq);
                redeliver.remove(seq);
            }
        }
        if (sseq < firstSeq) {
            sseq = firstSeq;
        }
        if (deliveredStream < firstSeq - 1) {
            deliveredStream = firstSeq - 1;
        }
        lastPerSubject.removeIf(seq -> store.load(seq) == null);
        updateAckFloor();
        if (ackFloorStream < firstSeq - 1) {
            ackFloorStream = firstSeq - 1;
        }
        recountPending();
        markDirty();
    }

    private static long ackWait(ConsumerConfig c, int count) {
        List<Long> backoff = c.backoff();
        if (backoff != null && !backoff.isEmpty()) {
            return backoff.get(Math.min(count, backoff.size()) - 1);
        }
        return c.ackWait() > 0 ? c.ackWait() : ConsumerConfigCheck.DEFAULT_ACK_WAIT;
    }

    // ---- state ---------------------------------------------------------------------------------------------------

    private boolean dirty;
    private long lastPersistAt;

    private void markDirty() {
        dirty = true;
        if (stateListener != null && stateListener.syncAlways()) {
            persist();
        }
    }

    private void persistNow() {
        if (dirty) {
            persist();
        }
    }

    private synchronized void persist() {
        if (stateListener == null) {
            return;
        }
        dirty = false;
        lastPersistAt = ctx.clock().epochNanos();
        stateListener.save(snapshotState());
    }

    /** The durable state: cursor, ack floor and what is pending. */
    public ConsumerState snapshotState() {
        List<ConsumerState.PendingEntry> entries = new ArrayList<>();
        pending.forEach((seq, p) -> entries.add(new ConsumerState.PendingEntry(seq, p.cseq, p.deliveredAt,
                p.count)));
        return new ConsumerState(dseq, deliveredStream, ackFloorConsumer, ackFloorStream, sseq, entries);
    }

    private void restore(ConsumerState s) {
        dseq = s.deliveredConsumer();
        deliveredStream = s.deliveredStream();
        ackFloorConsumer = s.ackFloorConsumer();
        ackFloorStream = s.ackFloorStream();
        sseq = s.nextStreamSeq();
        for (ConsumerState.PendingEntry e : s.pending()) {
            pending.put(e.streamSeq(), new Pending(e.consumerSeq(), e.deliveredAt(), e.count()));
        }
    }

    /** The info counters, read on the worker for a consistent view. */
    public record Info(long deliveredConsumer, long deliveredStream, long lastDelivered, long ackFloorConsumer,
                       long ackFloorStream, long lastAck, int numAckPending, int numRedelivered, int numWaiting,
                       long numPending, boolean pushBound) {
    }

    public Info info() {
        ConsumerConfig c = config;
        int redelivered = exhausted.size();
        for (Pending p : pending.values()) {
            if (p.count > 1) {
                redelivered++;
            }
        }
        boolean bound = c.isPush() && ctx.account().hasInterest(c.deliverSubject());
        return new Info(dseq, deliveredStream, lastDeliveredAt, ackFloorConsumer, ackFloorStream, lastAckAt,
                pending.size(), redelivered, waiting.size(), recountPending(), bound);
    }

    /**
     * Applies an updated config (on the worker). Most fields are read as they are used; as nats-server does, a new
     * deliver subject gets every unacknowledged message again, and new filters recount what is pending and let an
     * interest stream drop what no consumer wants any more.
     */
    public void applyUpdate(ConsumerConfig updated) {
        ConsumerConfig old = config;
        config = updated;
        priority.configChanged(updated);
        if (!java.util.Objects.equals(old.deliverSubject(), updated.deliverSubject())) {
            redeliver.addAll(pending.keySet());
        }
        if (!old.filters().equals(updated.filters())) {
            recountPending();
            stream.consumerUpdated();
        }
        if (stateListener != null) {
            stateListener.saveConfig(updated, created);
        }
        markDirty();
    }

    /** The priority groups' pin, for info. */
    public PriorityGroups.Pin pin() {
        return priority.pin();
    }

    /** {@code CONSUMER.UNPIN}: releases the pin on the worker; waiting requests may then take it. */
    public CompletableFuture<Void> unpin(String group) {
        return submit(() -> {
            priority.unpin(group);
            return null;
        });
    }

    /** Pauses or resumes; a durable consumer keeps its pause across a restart. */
    public void pause(Instant until) {
        config = config.withPauseUntil(until);
        if (stateListener != null) {
            stateListener.saveConfig(config, created);
        }
        signal();
    }
}
