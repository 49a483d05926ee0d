package io.natsj.server.jetstream.stream;

import io.natsj.server.jetstream.JetStreamContext;
import io.natsj.server.jetstream.consumer.Consumer;
import io.natsj.server.jetstream.consumer.ConsumerConfig;
import io.natsj.server.jetstream.consumer.ConsumerFiles;
import io.natsj.server.jetstream.error.JsApiError;
import io.natsj.server.jetstream.error.JsApiException;
import io.natsj.server.jetstream.error.JsErrorCode;
import io.natsj.server.jetstream.stream.StreamConfig.Discard;
import io.natsj.server.jetstream.AccountUsage;
import io.natsj.server.jetstream.stream.StreamConfig.Retention;
import io.natsj.server.json.GoFormats;
import io.natsj.server.routing.DeliveryBatch;
import io.natsj.server.routing.PublishBatch;
import io.natsj.server.routing.SubjectTransform;
import io.natsj.server.routing.Subscriber;
import io.natsj.server.routing.Subscription;
import io.natsj.server.store.StoreException;
import io.natsj.server.store.StoreLimits;
import io.natsj.server.store.StoredMessage;
import io.natsj.server.store.StreamStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One stream: it subscribes to its subjects, and its own worker thread (a virtual thread) stores what arrives,
 * applying nats-server's publish rules (expected headers, de-duplication, roll-ups, TTLs, discard policy), then
 * answers with a PubAck. The worker is the stream's single writer: API requests that change the stream (update,
 * purge, delete a message, expire) run on it as commands through the same queue, in order with the messages.
 *
 * <p>Threading: {@link #deliver} is called on publishers' threads and only enqueues a copy; reads
 * ({@link #config()}, {@link #store()}) are safe from any thread; changes go through {@link #submit}.
 */
public final class Stream implements Subscriber {

    private static final Logger LOG = LoggerFactory.getLogger(Stream.class);
    private static final int MAX_BATCH = 4096;
    private static final Object STOP = new Object();

    /** A message as the stream received it, copied out of the publisher's buffer. */
    private record Inbound(String subject, String reply, byte[] headers, byte[] data) {
    }

    /** A change to run on the worker. */
    private record Command<T>(Callable<T> action, CompletableFuture<T> done) {
    }

    private final JetStreamContext ctx;
    private final StreamStore store;
    private final Instant created;
    private final LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    private final DedupWindow dedup = new DedupWindow();
    private final PublishBatch acks = new PublishBatch();
    private final List<Subscription> subscriptions = new ArrayList<>();
    private final java.util.Map<String, Consumer> consumers = new java.util.concurrent.ConcurrentHashMap<>();
    private java.nio.file.Path consumersDir;   // null: consumers are not kept on disk
    private boolean syncAlways;
    private volatile StreamConfig config;
    private SubjectTransform inputTransform;
    private SubjectTransform republish;
    private volatile boolean closed;
    private volatile boolean stopping;
    private Thread worker;
    private String lastMsgId = "";
    private boolean dedupLoaded;
    private ScheduledFuture<?> expiryTimer;
    private long expiryAt;

    public Stream(JetStreamContext ctx, StreamConfig config, StreamStore store, Instant created) {
        this.ctx = ctx;
        this.config = config;
        this.store = store;
        this.created = created;
        compileTransforms(config);
    }

    private void compileTransforms(StreamConfig cfg) {
        var t = cfg.subjectTransform();
        inputTransform = t == null ? null : SubjectTransform.compile(t.src(), t.dest());
        var r = cfg.republish();
        republish = r == null ? null : SubjectTransform.compile(r.src(), r.dest());
    }

    // ---- mirrors and sources -------------------------------------------------------------------------------------

    private java.util.function.Function<String, Stream> origins = name -> null;
    private final java.util.Map<String, long[]> sourced = new java.util.concurrent.ConcurrentHashMap<>();
    private ScheduledFuture<?> sourceTimer;
    private final java.util.concurrent.atomic.AtomicBoolean sourcePullQueued =
            new java.util.concurrent.atomic.AtomicBoolean();

    /** How the stream finds the streams it mirrors or sources from (the service's lookup). */
    public void origins(java.util.function.Function<String, Stream> lookup) {
        this.origins = lookup;
    }

    private List<StreamSource> sourcesOf(StreamConfig cfg) {
        List<StreamSource> out = new ArrayList<>();
        if (cfg.mirror() != null) {
            out.add(StreamSource.read(cfg.mirror(), true));
        }
        out.addAll(StreamSource.readAll(cfg.sources()));
        return out;
    }

    /** The sourcing state for STREAM.INFO: per origin, {last origin sequence copied, epoch nanos of last copy}. */
    public java.util.Map<String, long[]> sourcedState() {
        return sourced;
    }

    private void startSourcing() {
        if (sourcesOf(config).isEmpty()) {
            return;
        }
        resumeSourcing();
        sourceTimer = ctx.timers().scheduleAtFixedRate(() -> {
            if (!closed && sourcePullQueued.compareAndSet(false, true)) {
                submit(() -> {
                    sourcePullQueued.set(false);
                    pullSources();
                    return null;
                });
            }
        }, 50, 50, TimeUnit.MILLISECONDS);
    }

    /** After a restart: where each origin left off (a mirror keeps the origin's sequences). */
    private void resumeSourcing() {
        StreamConfig cfg = config;
        if (cfg.mirror() != null) {
            String origin = StreamSource.read(cfg.mirror(), true).name();
            sourced.put(origin, new long[]{store.state().lastSeq(), 0});
            return;
        }
        for (StreamSource src : sourcesOf(cfg)) {
            sourced.put(src.name(), new long[]{0, 0});
        }
        int left = sourced.size();
        for (StoredMessage m = store.loadLast(null); m != null && left > 0; m = m.seq() > 1
                ? store.loadPrevious(null, m.seq() - 1) : null) {
            String h = m.hasHeaders() ? HeaderBlock.get(m.headers(), "Nats-Stream-Source") : null;
            if (h == null) {
                continue;
            }
            String[] parts = h.split(" ");
            long[] state = parts.length >= 2 ? sourced.get(parts[0]) : null;
            if (state != null && state[0] == 0) {
                state[0] = Long.parseLong(parts[1]);
                left--;
            }
        }
    }

    /** Copies what the origins stored since the last pull (on the worker). */
    private void pullSources() {
        StreamConfig cfg = config;
        boolean mirror = cfg.mirror() != null;
        for (StreamSource src : sourcesOf(cfg)) {
            Stream origin = origins.apply(src.name());
            if (origin == null) {
                continue;
            }
            long[] state = sourced.computeIfAbsent(src.name(), k -> new long[2]);
            StreamStore os = origin.store();
            long from = state[0] + 1;
            if (state[0] == 0) {
                if (src.optStartSeq() > 0) {
                    from = src.optStartSeq();
                } else if (src.optStartTime() != null) {
                    Instant t = src.optStartTime();
                    from = os.sequenceAtOrAfter(t.getEpochSecond() * 1_000_000_000L + t.getNano());
                }
            }
            int copied = 0;
            for (StoredMessage m = os.loadNext(null, from); m != null && copied < 1000;
                 m = os.loadNext(null, m.seq() + 1)) {
                state[0] = m.seq();
                copied++;
                if (!src.accepts(m.subject())) {
                    continue;
                }
                StoredMessage stored;
                if (mirror) {
                    if (m.seq() > store.state().lastSeq() + 1) {
                        store.skipTo(m.seq());
                    }
                    stored = store.store(src.map(m.subject()), m.headers(), m.data(), m.ttlNanos());
                } else {
                    byte[] headers = new HeaderBlock.Builder().addAll(m.headers())
                            .add("Nats-Stream-Source", src.name() + " " + m.seq()).build();
                    stored = store.store(src.map(m.subject()), headers, m.data(), m.ttlNanos());
                }
                for (Consumer c : consumers.values()) {
                    c.stored(stored.seq(), stored.subject());
                }
            }
            if (copied > 0) {
                state[1] = ctx.clock().epochNanos();
            }
        }
    }

    /** Subscribes and starts the worker. */
    public void start() {
        startSourcing();
        subscribe(config.subjects());
        worker = Thread.ofVirtual().name("natsj-stream-" + config.name()).start(this::run);
        expireNow();
    }

    public StreamConfig config() {
        return config;
    }

    public StreamStore store() {
        return store;
    }

    public Instant created() {
        return created;
    }

    /** The JetStream of the stream's account. */
    public JetStreamContext context() {
        return ctx;
    }

    public String name() {
        return config.name();
    }

    // ---- the worker ----------------------------------------------------------------------------------------------

    @Override
    public boolean deliver(Subscription sub, String subject, String reply, byte[] buf, int off, int hdrLen,
                           int totalLen, DeliveryBatch batch) {
        if (closed) {
            return false;
        }
        byte[] headers = hdrLen > 0 ? copy(buf, off, hdrLen) : StoredMessage.NO_BYTES;
        byte[] data = copy(buf, off + hdrLen, totalLen - hdrLen);
        inbox.add(new Inbound(subject, reply, headers, data));
        return true;
    }

    private static byte[] copy(byte[] buf, int off, int len) {
        byte[] b = new byte[len];
        System.arraycopy(buf, off, b, 0, len);
        return b;
    }

    /** Runs {@code action} on the worker, in order with the messages before it; completes with its result. */
    public <T> CompletableFuture<T> submit(Callable<T> action) {
        CompletableFuture<T> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(JsErrorCode.STREAM_NOT_FOUND.error().exception());
            return done;
        }
        inbox.add(new Command<>(action, done));
        return done;
    }

    private void run() {
        List<Object> batch = new ArrayList<>(256);
        while (!closed) {
            try {
                batch.add(inbox.take());
            } catch (InterruptedException e) {
                break;
            }
            inbox.drainTo(batch, MAX_BATCH - 1);
            for (Object item : batch) {
                if (item instanceof Inbound m) {
                    processSafely(m);
                } else if (item instanceof Command<?> c) {
                    runCommand(c);
                }
            }
            batch.clear();
            acks.flushAll();
        }
    }

    private <T> void runCommand(Command<T> c) {
        try {
            c.done().complete(c.action().call());
        } catch (Throwable t) {
            c.done().completeExceptionally(t);
        }
    }

    private void processSafely(Inbound m) {
        try {
            process(m);
        } catch (JsApiException e) {
            respondError(m.reply(), e.error());
        } catch (StoreException e) {
            LOG.error("JetStream failed to store a msg on stream '{} > {}': {}", ctx.account().name(), name(),
                    e.getMessage());
            respondError(m.reply(), JsErrorCode.STREAM_STORE_FAILED_F.with("err", String.valueOf(e.getMessage())));
        } catch (RuntimeException e) {
            LOG.error("JetStream failed to process a msg on stream '{} > {}'", ctx.account().name(), name(), e);
            respondError(m.reply(), JsErrorCode.STREAM_STORE_FAILED_F.with("err", String.valueOf(e.getMessage())));
        }
    }

    // ---- the publish rules ---------------------------------------------------------------------------------------

    private void process(Inbound in) {
        Inbound m = in;
        if (inputTransform != null) {
            String mapped = inputTransform.apply(in.subject());
            if (mapped != null) {
                m = new Inbound(mapped, in.reply(), in.headers(), in.data());
            }
        }
        StreamConfig cfg = config;
        if (cfg.sealed()) {
            throw JsErrorCode.STREAM_SEALED.error().exception();
        }
        PublishHeaders h = PublishHeaders.parse(m.headers());
        if (h.expectedStream() != null && !h.expectedStream().equals(cfg.name())) {
            throw JsErrorCode.STREAM_NOT_MATCH.error().exception();
        }
        if (!cfg.allowMsgTtl() && h.hasTtl()) {
            throw JsErrorCode.MESSAGE_TTL_DISABLED.error().exception();
        }
        long now = ctx.clock().epochNanos();
        if (!dedupLoaded && (h.msgId() != null || h.expectedLastMsgId() != null)) {
            rebuildDedup(); // after a restart, the window comes back from the stored messages, when first needed
        }
        if (h.msgId() != null) {
            long dup = dedup.lookup(h.msgId(), now, cfg.duplicateWindow());
            if (dup > 0) {
                respond(m.reply(), pubAck(dup, true));
                return;
            }
        }
        checkExpectations(m, h);
        boolean rollupSub = false;
        boolean rollupAll = false;
        if (h.rollup() != null) {
            if (!cfg.allowRollup() || cfg.denyPurge()) {
                throw JsErrorCode.STREAM_ROLLUP_FAILED_F.with("err", "rollup not permitted").exception();
            }
            switch (h.rollup()) {
                case "sub" -> rollupSub = true;
                case "all" -> rollupAll = true;
                default -> throw JsErrorCode.STREAM_ROLLUP_FAILED_F
                        .with("err", "rollup value invalid: \"" + h.rollup() + "\"").exception();
            }
        }
        int size = m.headers().length + m.data().length;
        if (cfg.maxMsgSize() >= 0 && size > cfg.maxMsgSize()) {
            throw JsErrorCode.STREAM_MESSAGE_EXCEEDS_MAXIMUM.error().exception();
        }
        if (m.headers().length > 65535) {
            throw JsErrorCode.STREAM_HEADER_EXCEEDS_MAXIMUM.error().exception();
        }
        AccountUsage usage = ctx.usage();
        if (usage != AccountUsage.UNLIMITED && usage.wouldExceed(store.type(),
                StreamStore.messageSize(store.type(), m.subject(), m.headers(), m.data()))) {
            throw JsErrorCode.ACCOUNT_RESOURCES_EXCEEDED.error().exception();
        }
        long ttl = h.ttlNanos();
        long markerTtl = DeleteMarker.ttlNanos(cfg.subjectDeleteMarkerTtl());
        if (ttl > 0 && ttl < markerTtl && cfg.maxMsgsPerSubject() != 1) {
            // a message lives at least as long as the marker that may stand for its subject (nats-server 2.11.3 on)
            ttl = markerTtl;
            m = new Inbound(m.subject(), m.reply(), HeaderBlock.replace(m.headers(), PublishHeaders.TTL,
                    Long.toString(markerTtl / 1_000_000_000L)), m.data());
        }
        if (cfg.retention() == Retention.INTEREST && !hasInterest(m.subject())) {
            // no consumer wants it: the sequence moves on, nothing is kept (nats-server's behaviour)
            long seq = store.state().lastSeq() + 1;
            store.skipTo(seq + 1);
            rememberId(h.msgId(), seq, now);
            respond(m.reply(), pubAck(seq, false));
            return;
        }
        checkDiscardNew(cfg, m, h);
        long lastForSubject = 0;
        if (republish != null) {
            StoredMessage previous = store.loadLast(m.subject());
            lastForSubject = previous == null ? 0 : previous.seq();
        }
        StoredMessage stored = store.store(m.subject(), m.headers(), m.data(), ttl);
        rememberId(h.msgId(), stored.seq(), stored.timestamp());
        if (rollupSub) {
            store.purge(m.subject(), 0, 1);
        } else if (rollupAll) {
            store.purge(null, 0, 1);
        }
        respond(m.reply(), pubAck(stored.seq(), false));
        announce(cfg, stored, lastForSubject);
        scheduleExpiryFor(stored, cfg.maxAge());
    }

    /** Tells the consumers of a newly stored message, and republishes it when configured. */
    private void announce(StreamConfig cfg, StoredMessage stored, long lastForSubject) {
        for (Consumer c : consumers.values()) {
            c.stored(stored.seq(), stored.subject());
        }
        if (republish != null) {
            republish(cfg, stored, lastForSubject);
        }
    }

    private void rememberId(String msgId, long seq, long timestamp) {
        lastMsgId = msgId == null ? "" : msgId;
        if (msgId != null) {
            dedup.record(msgId, seq, timestamp);
        }
    }

    private void checkExpectations(Inbound m, PublishHeaders h) {
        if (h.expectedLastSubjectSeq() >= 0) {
            String subject = h.expectedLastSubjectSeqSubject() != null ? h.expectedLastSubjectSeqSubject()
                    : m.subject();
            StoredMessage last = store.loadLast(subject);
            long fseq = last == null ? 0 : last.seq();
            if (fseq != h.expectedLastSubjectSeq()) {
                throw JsErrorCode.STREAM_WRONG_LAST_SEQUENCE.with("seq", Long.toString(fseq)).exception();
            }
        }
        if (h.expectedLastSeq() >= 0) {
            long last = store.state().lastSeq();
            if (last != h.expectedLastSeq()) {
                throw JsErrorCode.STREAM_WRONG_LAST_SEQUENCE.with("seq", Long.toString(last)).exception();
            }
        }
        if (h.expectedLastMsgId() != null && !h.expectedLastMsgId().equals(lastMsgId)) {
            throw JsErrorCode.STREAM_WRONG_LAST_MSG_ID.with("id", lastMsgId).exception();
        }
    }

    private void checkDiscardNew(StreamConfig cfg, Inbound m, PublishHeaders h) {
        if (cfg.discard() != Discard.NEW) {
            return;
        }
        var state = store.state();
        if (cfg.maxMsgs() > 0 && state.msgs() >= cfg.maxMsgs()) {
            throw JsErrorCode.STREAM_STORE_FAILED_F.with("err", "maximum messages exceeded").exception();
        }
        long size = StreamStore.messageSize(store.type(), m.subject(), m.headers(), m.data());
        if (cfg.maxBytes() > 0 && state.bytes() + size > cfg.maxBytes()) {
            throw JsErrorCode.STREAM_STORE_FAILED_F.with("err", "maximum bytes exceeded").exception();
        }
        if (cfg.discardNewPerSubject() && cfg.maxMsgsPerSubject() > 0
                && store.filteredState(0, m.subject()).msgs() >= cfg.maxMsgsPerSubject()) {
            throw JsErrorCode.STREAM_STORE_FAILED_F.with("err", "maximum messages per subject exceeded")
                    .exception();
        }
    }

    /**
     * Publishes a stored message again to the republish destination, with {@code Nats-Stream}, {@code Nats-Subject},
     * {@code Nats-Sequence}, {@code Nats-Time-Stamp} and {@code Nats-Last-Sequence} (and only {@code Nats-Msg-Size}
     * instead of the payload for {@code headers_only}).
     */
    private void republish(StreamConfig cfg, StoredMessage m, long lastForSubject) {
        String target = republish.apply(m.subject());
        if (target == null) {
            return;
        }
        boolean headersOnly = cfg.republish().headersOnly();
        HeaderBlock.Builder h = new HeaderBlock.Builder().addAll(m.headers())
                .add("Nats-Stream", name())
                .addWire("Nats-Subject", m.subject())
                .add("Nats-Sequence", Long.toString(m.seq()))
                .add("Nats-Time-Stamp", GoFormats.time(m.timestamp()))
                .add("Nats-Last-Sequence", Long.toString(lastForSubject));
        if (headersOnly) {
            h.add("Nats-Msg-Size", Integer.toString(m.data().length));
        }
        byte[] headers = h.build();
        byte[] data = headersOnly ? StoredMessage.NO_BYTES : m.data();
        byte[] buf = new byte[headers.length + data.length];
        System.arraycopy(headers, 0, buf, 0, headers.length);
        System.arraycopy(data, 0, buf, headers.length, data.length);
        ctx.account().publishAs(null, true, target, target, "", headers.length, buf, 0, buf.length, acks);
    }

    // ---- answers -------------------------------------------------------------------------------------------------

    private byte[] ackPrefix;

    private byte[] pubAck(long seq, boolean duplicate) {
        if (!duplicate) {
            if (ackPrefix == null) {
                String prefix = "{\"stream\":\"" + name() + "\"" + (ctx.domain() != null && !ctx.domain().isEmpty()
                        ? ",\"domain\":\"" + ctx.domain() + "\"" : "") + ",\"seq\":";
                ackPrefix = prefix.getBytes(StandardCharsets.UTF_8);
            }
            return withNumber(ackPrefix, seq);
        }
        StringBuilder sb = new StringBuilder(64).append("{\"stream\":\"").append(name()).append('"');
        if (ctx.domain() != null && !ctx.domain().isEmpty() && !duplicate) {
            sb.append(",\"domain\":\"").append(ctx.domain()).append('"');
        }
        sb.append(",\"seq\":").append(seq);
        if (duplicate) {
            if (ctx.domain() != null && !ctx.domain().isEmpty()) {
                sb.append(",\"domain\":\"").append(ctx.domain()).append('"');
            }
            sb.append(",\"duplicate\":true");
        }
        return sb.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {@code prefix}, then {@code n} in decimal, then a closing brace. */
    private static byte[] withNumber(byte[] prefix, long n) {
        int digits = 1;
        for (long v = n; v >= 10; v /= 10) {
            digits++;
        }
        byte[] out = new byte[prefix.length + digits + 1];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        long v = n;
        for (int i = prefix.length + digits - 1; i >= prefix.length; i--) {
            out[i] = (byte) ('0' + (v % 10));
            v /= 10;
        }
        out[out.length - 1] = '}';
        return out;
    }

    private void respondError(String reply, JsApiError e) {
        if (reply == null || reply.isEmpty()) {
            return;
        }
        String json = "{\"error\":{\"code\":" + e.code() + ",\"err_code\":" + e.errCode() + ",\"description\":"
                + jsonString(e.description()) + "},\"stream\":\"" + name() + "\",\"seq\":0}";
        respond(reply, json.getBytes(StandardCharsets.UTF_8));
    }

    private static String jsonString(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '<' -> sb.append("\\u003c");
                case '>' -> sb.append("\\u003e");
                case '&' -> sb.append("\\u0026");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    private void respond(String reply, byte[] body) {
        if (reply == null || reply.isEmpty() || config.noAck()) {
            return;
        }
        ctx.account().publishReply(reply, "", 0, body, 0, body.length, acks);
    }

    // ---- expiry --------------------------------------------------------------------------------------------------

    private void scheduleExpiry(long atEpochNanos) {
        if (expiryTimer != null) {
            expiryTimer.cancel(false);
            expiryTimer = null;
        }
        expiryAt = atEpochNanos;
        if (atEpochNanos <= 0 || closed) {
            return;
        }
        long delay = Math.max(0, atEpochNanos - ctx.clock().epochNanos());
        expiryTimer = ctx.timers().schedule(() -> submit(() -> {
            expiryAt = 0;
            scheduleExpiry(expire());
            return null;
        }), delay, TimeUnit.NANOSECONDS);
    }

    /** Runs expiry now, on the worker; for tests and after limit changes. */
    public CompletableFuture<Void> expireNow() {
        return submit(() -> {
            scheduleExpiry(expire());
            return null;
        });
    }

    /**
     * Expires by age and TTL. With {@code subject_delete_marker_ttl}, a subject whose last message expired gets a
     * {@link DeleteMarker} in its place, stored and announced as a published message would be, unless that message
     * was a marker itself (nats-server 2.11.17).
     */
    private long expire() {
        long markerTtl = config.subjectDeleteMarkerTtl();
        if (markerTtl <= 0) {
            return store.expire();
        }
        List<StoredMessage> lastOfSubject = new ArrayList<>();
        long next = store.expire(lastOfSubject::add);
        for (StoredMessage gone : lastOfSubject) {
            if (DeleteMarker.isMarker(gone.headers())) {
                continue;
            }
            StoredMessage marker = store.store(gone.subject(), DeleteMarker.headers(markerTtl), StoredMessage.NO_BYTES,
                    DeleteMarker.ttlNanos(markerTtl));
            rememberId(null, marker.seq(), marker.timestamp());
            announce(config, marker, gone.seq());
            long at = expiresAt(marker, config.maxAge());
            next = next == 0 ? at : Math.min(next, at);
        }
        return next;
    }

    /** Moves the expiry timer earlier when {@code stored} expires before it fires. */
    private void scheduleExpiryFor(StoredMessage stored, long maxAge) {
        long at = expiresAt(stored, maxAge);
        if (at > 0 && (expiryAt == 0 || at < expiryAt)) {
            scheduleExpiry(at);
        }
    }

    /** When a message expires: the sooner of its own TTL and max age (a TTL of never escapes both); 0 for never. */
    private static long expiresAt(StoredMessage m, long maxAge) {
        long ttl = m.ttlNanos();
        if (ttl < 0) {
            return 0;
        }
        long byAge = maxAge > 0 ? m.timestamp() + maxAge : 0;
        long byTtl = ttl > 0 ? m.timestamp() + ttl : 0;
        return byAge == 0 ? byTtl : byTtl == 0 ? byAge : Math.min(byAge, byTtl);
    }

    // ---- changes from the API (call through submit) --------------------------------------------------------------

    /** Applies an updated config: limits at once, subjects re-subscribed. Runs on the worker. */
    public void applyUpdate(StreamConfig updated) {
        StreamConfig old = config;
        config = updated;
        compileTransforms(updated);
        store.updateLimits(limitsOf(updated));
        if (!old.subjects().equals(updated.subjects())) {
            unsubscribe();
            subscribe(updated.subjects());
        }
        scheduleExpiry(expire());
    }

    /** The limits the store enforces for {@code cfg} (discard-old only; discard-new is the stream's check). */
    public static StoreLimits limitsOf(StreamConfig cfg) {
        boolean discardOld = cfg.discard() == Discard.OLD;
        return new StoreLimits(discardOld ? cfg.maxMsgs() : -1, discardOld ? cfg.maxBytes() : -1, cfg.maxAge(),
                discardOld || !cfg.discardNewPerSubject() ? cfg.maxMsgsPerSubject() : -1);
    }

    // ---- consumers -----------------------------------------------------------------------------------------------

    private boolean hasInterest(String subject) {
        for (Consumer c : consumers.values()) {
            if (c.matches(subject)) {
                return true;
            }
        }
        return false;
    }

    /** Where durable consumers keep their files ({@code <stream dir>/obs}), or null for memory streams. */
    public void consumersDirectory(java.nio.file.Path dir, boolean syncAlways) {
        this.consumersDir = dir;
        this.syncAlways = syncAlways;
    }

    /** The consumers, by name. */
    public java.util.Map<String, Consumer> consumers() {
        return consumers;
    }

    /** Creates and starts a consumer (durable ones on file streams are written to disk first). */
    public Consumer addConsumer(String consumerName, ConsumerConfig cfg, Instant createdAt) throws java.io.IOException {
        ConsumerFiles files = files(consumerName, cfg);
        if (files != null) {
            files.writeMeta(cfg, createdAt);
        }
        Consumer c = new Consumer(ctx, this, consumerName, cfg, createdAt, null, files);
        consumers.put(consumerName, c);
        c.start();
        ctx.advisories().consumer(name(), consumerName, "create");
        return c;
    }

    private ConsumerFiles files(String consumerName, ConsumerConfig cfg) {
        if (consumersDir == null || !cfg.isDurable() || cfg.memStorage()) {
            return null;
        }
        return new ConsumerFiles(consumersDir.resolve(consumerName), syncAlways);
    }

    /** Restores the durable consumers kept on disk. */
    public void restoreConsumers() {
        if (consumersDir == null || !java.nio.file.Files.isDirectory(consumersDir)) {
            return;
        }
        try (var dirs = java.nio.file.Files.list(consumersDir)) {
            for (java.nio.file.Path d : dirs.sorted().toList()) {
                ConsumerFiles.Loaded l = ConsumerFiles.read(d);
                if (l == null) {
                    continue;
                }
                Consumer c = new Consumer(ctx, this, l.name(), l.config(), l.created(), l.state(),
                        new ConsumerFiles(d, syncAlways));
                consumers.put(l.name(), c);
                c.start();
            }
        } catch (java.io.IOException e) {
            LOG.warn("could not list consumers of stream '{} > {}': {}", ctx.account().name(), name(),
                    e.toString());
        }
    }

    /** Stops and forgets a consumer, deleting its files; what only it held is released. */
    public void deleteConsumer(Consumer c) {
        if (!consumers.remove(c.name(), c)) {
            return;
        }
        c.stop(true);
        ctx.advisories().consumer(name(), c.name(), "delete");
        // its files, if it has any: an update of mem_storage does not move a consumer's state
        if (consumersDir != null && java.nio.file.Files.isDirectory(consumersDir.resolve(c.name()))) {
            new ConsumerFiles(consumersDir.resolve(c.name()), syncAlways).delete();
        }
        consumerUpdated();
    }

    /** A consumer left or changed its filters: an interest stream drops what no consumer wants now. */
    public void consumerUpdated() {
        if (config.retention() == Retention.INTEREST) {
            submit(() -> {
                releaseUnwanted();
                return null;
            });
        }
    }

    /** A consumer acknowledged {@code seq}: interest and work-queue streams may drop it now. */
    public void consumerAcked(Consumer c, long seq) {
        if (config.retention() == Retention.LIMITS) {
            return;
        }
        submit(() -> {
            StoredMessage m = stopping ? null : store.load(seq);
            if (m != null && noLongerWanted(m)) {
                store.remove(seq);
            }
            return null;
        });
    }

    private boolean noLongerWanted(StoredMessage m) {
        for (Consumer c : consumers.values()) {
            if (c.matches(m.subject()) && !c.isAcked(m.seq())) {
                return false;
            }
        }
        return true;
    }

    private void releaseUnwanted() {
        if (stopping) {
            return;
        }
        for (StoredMessage m = store.loadNext(null, 0); m != null; m = store.loadNext(null, m.seq() + 1)) {
            if (config.retention() == Retention.INTEREST && noLongerWanted(m)) {
                store.remove(m.seq());
            }
        }
    }

    /** Tells the consumers the stream was purged. */
    public void purged() {
        long first = store.state().firstSeq();
        for (Consumer c : consumers.values()) {
            c.submit(() -> {
                c.streamPurged(first);
                return null;
            });
        }
    }

    /** Tells the consumers a message was deleted. */
    public void messageRemoved(long seq) {
        for (Consumer c : consumers.values()) {
            c.submit(() -> {
                c.messageRemoved(seq);
                return null;
            });
        }
    }

    /** An ephemeral consumer went unused for its inactive threshold. */
    public void consumerInactive(Consumer c) {
        Thread.ofVirtual().name("natsj-consumer-cleanup").start(() -> deleteConsumer(c));
    }

    // ---- subscriptions and lifecycle -----------------------------------------------------------------------------

    private void subscribe(List<String> subjects) {
        for (String subject : subjects) {
            Subscription sub = new Subscription(this, subject, null, "js-" + name());
            ctx.account().index().insert(sub);
            subscriptions.add(sub);
        }
    }

    private void unsubscribe() {
        for (Subscription sub : subscriptions) {
            sub.close();
            ctx.account().index().remove(sub);
        }
        subscriptions.clear();
    }

    private void rebuildDedup() {
        dedupLoaded = true;
        long window = config.duplicateWindow();
        if (window <= 0) {
            return;
        }
        long from = store.sequenceAtOrAfter(ctx.clock().epochNanos() - window);
        for (StoredMessage m = store.loadNext(null, from); m != null; m = store.loadNext(null, m.seq() + 1)) {
            String id = m.hasHeaders() ? HeaderBlock.get(m.headers(), PublishHeaders.MSG_ID) : null;
            if (id != null) {
                dedup.record(id, m.seq(), m.timestamp());
            }
            lastMsgId = id == null ? "" : id;
        }
    }

    /**
     * Retention checks still queued, or running, must not judge a message against a stream whose consumers are
     * being stopped: the flag is set on the worker, so a check already past its test finishes before any consumer
     * goes away.
     */
    private void haltRetentionChecks() {
        if (worker == null || Thread.currentThread() == worker || closed) {
            stopping = true;
            return;
        }
        try {
            submit(() -> stopping = true).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            stopping = true;
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Stops receiving, stops the consumers and the worker, and closes (or deletes) the store. */
    public void stop(boolean deleteData) {
        haltRetentionChecks();
        for (Consumer c : consumers.values()) {
            c.stop(deleteData);
        }
        consumers.clear();
        closed = true;
        unsubscribe();
        if (sourceTimer != null) {
            sourceTimer.cancel(false);
        }
        if (expiryTimer != null) {
            expiryTimer.cancel(false);
        }
        if (worker != null) {
            inbox.add(STOP); // never interrupt: an interrupted thread closes the store's file channels
            try {
                worker.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Object item;
        while ((item = inbox.poll()) != null) {
            if (item instanceof Command<?> c) {
                c.done().completeExceptionally(JsErrorCode.STREAM_NOT_FOUND.error().exception());
            }
        }
        if (deleteData) {
            store.delete();
        } else {
            store.close();
        }
    }
}
