package io.natsj.server.jetstream.api;

import io.natsj.server.jetstream.JetStream;
import io.natsj.server.jetstream.JetStreamContext;
import io.natsj.server.jetstream.JetStreamService;
import io.natsj.server.jetstream.error.JsApiError;
import io.natsj.server.jetstream.error.JsApiException;
import io.natsj.server.jetstream.error.JsErrorCode;
import io.natsj.server.jetstream.stream.Stream;
import io.natsj.server.json.GoJson;
import io.natsj.server.json.GoStruct.GoJsonException;
import io.natsj.server.routing.DeliveryBatch;
import io.natsj.server.routing.Subjects;
import io.natsj.server.routing.Subscriber;
import io.natsj.server.routing.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Serves the JetStream API of one account: subscribes {@code $JS.API.>} (and {@code $JS.<domain>.API.>} when a
 * domain is set), as nats-server reaches its API through one service import of {@code $JS.API.>} per account, finds
 * the handler of each request's subject, hands the request to a virtual thread, and publishes the handler's JSON
 * answer to the request's reply subject. The subjects of clustered operation are answered as a single nats-server
 * answers them ({@link ClusterApi}). As in nats-server, a subject without a handler is taken and left unanswered
 * (the requester times out), except {@code $JS.API.DIRECT.GET…} and {@code $JS.API.CONSUMER.MSG.NEXT…}, which
 * nats-server keeps out of the import: only a stream's direct get or a consumer answers those, and without one the
 * requester hears "no responders".
 *
 * <p>An account without JetStream gets a router without a {@link JetStreamService}: each handler then answers
 * "JetStream not enabled for account" (503, 10039) at the point nats-server's handler checks it (after the checks
 * that come first there, such as the body of a consumer create or the clustering of a leader step-down).
 *
 * <p>At most {@value #MAX_PENDING} requests wait at a time; beyond that requests are dropped, as nats-server does.
 *
 * <p>Threading: {@link #deliver} runs on publishers' threads and only copies the request; handlers run on virtual
 * threads and must be safe to run concurrently.
 */
public final class JsApiRouter implements Subscriber, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JsApiRouter.class);
    static final int MAX_PENDING = 10_000;
    /** The JetStream API level natsj implements (nats-server 2.11's), reported in {@code api.level}. */
    public static final int API_LEVEL = 1;
    static final String PREFIX = "$JS.API.";

    /** One API request: the subject in its {@code $JS.API.} form, the reply subject and the payload. */
    public record Request(String subject, String reply, byte[] headers, byte[] body) {

        /** The tokens after {@code $JS.API.}. */
        public String[] tokens() {
            return subject.substring(PREFIX.length()).split("\\.", -1);
        }

        /** The subject's remainder after {@code n} tokens of the API part, joined with dots. */
        public String tail(int n) {
            String rest = subject.substring(PREFIX.length());
            int idx = 0;
            for (int i = 0; i < n; i++) {
                idx = rest.indexOf('.', idx) + 1;
                if (idx == 0) {
                    return "";
                }
            }
            return rest.substring(idx);
        }

        /** nats-server's "empty request": no bytes, or {@code {}}. */
        public boolean emptyBody() {
            return ApiJson.isEmptyRequest(body);
        }
    }

    /** Answers one request. */
    @FunctionalInterface
    public interface Handler {
        void handle(Request request);
    }

    /** A handler for the subjects matching {@code pattern}; {@code withoutReply}: also for requests without one. */
    private record Route(String pattern, Handler handler, boolean withoutReply) {
        Route(String pattern, Handler handler) {
            this(pattern, handler, false);
        }
    }

    /** Prefixes of the subjects nats-server keeps out of the API import ({@code processServiceImport}). */
    private static final List<String> OUTSIDE_IMPORT = List.of(PREFIX + "DIRECT.GET", PREFIX + "CONSUMER.MSG.NEXT");

    /** Takes a request and answers nothing ({@link ClusterApi#UNANSWERED}). */
    private static final Handler IGNORED = r -> { };
    /** A subject without a handler: taken and left unanswered, as nats-server's API dispatch does. */
    private static final Route UNKNOWN = new Route(">", IGNORED);

    private final JetStreamContext ctx;
    private final JetStreamService js;
    private final List<Route> routes = new ArrayList<>();
    private final List<Subscription> apiSubs = new ArrayList<>();
    private final Map<Subscription, Route> bySubscription = new ConcurrentHashMap<>();
    private final Map<String, List<Subscription>> directGets = new ConcurrentHashMap<>();
    private final ExecutorService workers = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("natsj-js-api-", 0).factory());
    private final Semaphore pending = new Semaphore(MAX_PENDING);
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final MessageApi messages;
    /** For the subjects without a route: left unanswered, or (system account) 10039 in a system_response. */
    private final Route unknown;
    /** Whether direct gets and pull requests are left to streams and consumers (an account's API import). */
    private final boolean throughImport;

    /**
     * @param js the account's JetStream, or null for an account without JetStream (every handler answers 10039
     *           where nats-server does)
     */
    public JsApiRouter(JetStreamContext ctx, JetStreamService js) {
        this(ctx, js, false);
        StreamApi streams = new StreamApi(js, this);
        AccountApi account = new AccountApi(js, this);
        ConsumerApi consumers = new ConsumerApi(js, this);
        routes.add(new Route("INFO", account::info));
        routes.add(new Route("STREAM.CREATE.*", streams::create));
        routes.add(new Route("STREAM.UPDATE.*", streams::update));
        routes.add(new Route("STREAM.DELETE.*", streams::delete));
        routes.add(new Route("STREAM.INFO.*", streams::info));
        routes.add(new Route("STREAM.NAMES", streams::names));
        routes.add(new Route("STREAM.LIST", streams::list));
        routes.add(new Route("STREAM.PURGE.*", streams::purge));
        routes.add(new Route("STREAM.MSG.GET.*", messages::get));
        routes.add(new Route("STREAM.MSG.DELETE.*", messages::delete));
        routes.add(new Route("CONSUMER.CREATE.*", consumers::create));
        routes.add(new Route("CONSUMER.CREATE.*.*", consumers::create));
        routes.add(new Route("CONSUMER.CREATE.*.*.>", consumers::create));
        routes.add(new Route("CONSUMER.DURABLE.CREATE.*.*", consumers::create));
        routes.add(new Route("CONSUMER.DELETE.*.*", consumers::delete));
        routes.add(new Route("CONSUMER.INFO.*.*", consumers::info));
        routes.add(new Route("CONSUMER.NAMES.*", consumers::names));
        routes.add(new Route("CONSUMER.LIST.*", consumers::list));
        routes.add(new Route("CONSUMER.PAUSE.*.*", consumers::pause));
        routes.add(new Route("CONSUMER.UNPIN.*.*", consumers::unpin));
        BackupApi backup = new BackupApi(js, this);
        routes.add(new Route("STREAM.SNAPSHOT.*", backup::snapshot));
        routes.add(new Route("STREAM.RESTORE.*", backup::restore));
        ClusterApi cluster = new ClusterApi(this);
        routes.add(new Route("STREAM.LEADER.STEPDOWN.*", cluster::streamLeaderStepDown));
        routes.add(new Route("CONSUMER.LEADER.STEPDOWN.*.*", cluster::consumerLeaderStepDown));
        routes.add(new Route("STREAM.PEER.REMOVE.*", cluster::streamPeerRemove));
        for (String unanswered : ClusterApi.UNANSWERED) {
            routes.add(new Route(unanswered, IGNORED));
        }
        if (js == null) {
            // stream templates: natsj has none, but an account without JetStream hears what nats-server 2.11 says
            routes.add(new Route("STREAM.TEMPLATE.CREATE.*", r -> notEnabled(r, "stream_template_create_response")));
            routes.add(new Route("STREAM.TEMPLATE.NAMES", r -> notEnabled(r, "stream_template_names_response", o -> {
                ApiJson.pagedError(o);
                o.putNull("streams");
            })));
            routes.add(new Route("STREAM.TEMPLATE.INFO.*", r -> notEnabled(r, "stream_template_info_response")));
            routes.add(new Route("STREAM.TEMPLATE.DELETE.*", r -> notEnabled(r, "stream_template_delete_response")));
        }
    }

    private JsApiRouter(JetStreamContext ctx, JetStreamService js, boolean systemAccount) {
        this.ctx = ctx;
        this.js = js;
        this.messages = new MessageApi(js, this);
        this.unknown = systemAccount ? new Route(">", r -> respondError(r, "system_response",
                JsErrorCode.NOT_ENABLED_FOR_ACCOUNT.error())) : UNKNOWN;
        this.throughImport = !systemAccount;
    }

    /**
     * The JetStream API as the system account's own clients reach it on a single nats-server 2.11 (they are not
     * behind the API import, so nothing is left to streams or consumers): {@code ACCOUNT.PURGE.<account>} purges
     * that account ({@link AccountPurgeApi}); {@code INFO} is "JetStream not enabled for account" (503, 10039);
     * {@code META.LEADER.STEPDOWN} and {@code SERVER.REMOVE} are the meta leader's ({@link MetaApi}; others say
     * nothing); the rest of {@code ACCOUNT.>} is left unanswered; every other subject gets
     * 10039 in a {@code system_response}.
     */
    public static JsApiRouter systemAccount(JetStreamContext ctx, JetStream server) {
        JsApiRouter r = new JsApiRouter(ctx, null, true);
        AccountPurgeApi purge = new AccountPurgeApi(server, r);
        r.routes.add(new Route("ACCOUNT.PURGE.*", purge::purge, true)); // purges even when nobody listens
        r.routes.add(new Route("INFO", req -> {
            if (req.headers().length == 0) { // nats-server cannot read who asks from a header block of a client
                r.notEnabled(req, "account_info_response");
            }
        }));
        MetaApi meta = new MetaApi(server, r);
        r.routes.add(new Route("META.LEADER.STEPDOWN", meta::stepDown, true)); // as nats-server: acts without a reply
        r.routes.add(new Route("SERVER.REMOVE", meta::serverRemove, true));
        r.routes.add(new Route("ACCOUNT.>", IGNORED));
        return r;
    }

    private void notEnabled(Request r, String type) {
        notEnabled(r, type, o -> { });
    }

    private void notEnabled(Request r, String type, java.util.function.Consumer<ObjectNode> errorFields) {
        guarded(r, type, errorFields, this::requireJetStream);
    }

    /**
     * Throws nats-server's "JetStream not enabled for account" (503, 10039) when this router serves an account
     * without JetStream; handlers call it where nats-server's handler checks the account.
     */
    void requireJetStream() {
        if (js == null) {
            throw JsErrorCode.NOT_ENABLED_FOR_ACCOUNT.error().exception();
        }
    }

    /** The API subjects served, as {@code $JS.API.} patterns (direct gets, served per stream, not included). */
    public List<String> subjects() {
        return routes.stream().map(r -> PREFIX + r.pattern()).toList();
    }

    /** Whether requests on {@code subject} (a {@code $JS.API.} subject) are taken and left unanswered. */
    public boolean unanswered(String subject) {
        if (outsideImport(subject)) {
            return false;
        }
        return route(subject).handler() == IGNORED;
    }

    private boolean outsideImport(String apiSubject) {
        return throughImport && OUTSIDE_IMPORT.stream().anyMatch(apiSubject::startsWith);
    }

    /** The route whose pattern matches {@code apiSubject} (a {@code $JS.API.} subject), else {@link #unknown}. */
    private Route route(String apiSubject) {
        for (Route r : routes) {
            if (Subjects.matches(PREFIX + r.pattern(), apiSubject)) {
                return r;
            }
        }
        return unknown;
    }

    /** Subscribes the API and the direct-get subjects of the streams that allow it. */
    public void start() {
        for (String prefix : prefixes()) {
            Subscription sub = new Subscription(this, prefix + ">", null, "js-api");
            apiSubs.add(sub);
            ctx.account().index().insert(sub);
        }
        if (js != null) {
            for (Stream s : js.streams()) {
                streamAdded(s);
            }
        }
    }

    private List<String> prefixes() {
        List<String> p = new ArrayList<>(List.of(PREFIX));
        if (ctx.domain() != null && !ctx.domain().isEmpty()) {
            p.add("$JS." + ctx.domain() + ".API.");
        }
        return p;
    }

    /** Serves {@code DIRECT.GET} for a stream with {@code allow_direct} (queue group {@code _sys_}). */
    public void streamAdded(Stream stream) {
        if (!stream.config().allowDirect()) {
            return;
        }
        List<Subscription> subs = new ArrayList<>();
        Route route = new Route("DIRECT.GET", messages::directGet);
        for (String prefix : prefixes()) {
            for (String suffix : List.of("", ".>")) {
                Subscription sub = new Subscription(this, prefix + "DIRECT.GET." + stream.name() + suffix, "_sys_",
                        "js-direct");
                bySubscription.put(sub, route);
                ctx.account().index().insert(sub);
                subs.add(sub);
            }
        }
        directGets.put(stream.name(), subs);
    }

    /** Stops serving a stream's direct gets. */
    public void streamRemoved(Stream stream) {
        List<Subscription> subs = directGets.remove(stream.name());
        if (subs != null) {
            for (Subscription sub : subs) {
                sub.close();
                bySubscription.remove(sub);
                ctx.account().index().remove(sub);
            }
        }
    }

    /** A direct get or pull request that no stream or consumer serves gets "no responders" (see {@link #deliver}). */
    @Override
    public boolean declineIsNoResponder() {
        return true;
    }

    @Override
    public boolean deliver(Subscription sub, String subject, String reply, byte[] buf, int off, int hdrLen,
                           int totalLen, DeliveryBatch batch) {
        Route direct = bySubscription.get(sub);
        String apiSubject = normalize(subject);
        if (direct == null && outsideImport(apiSubject)) {
            return false; // not taken: "no responders" unless a stream or a consumer serves it
        }
        Route route = direct != null ? direct : route(apiSubject);
        boolean withoutReply = reply == null || reply.isEmpty();
        if (route.handler() == IGNORED || (withoutReply && !route.withoutReply())) {
            return true; // taken and left unanswered; so are requests without a reply
        }
        if (!pending.tryAcquire()) {
            LOG.warn("JetStream API queue limit reached, dropping request on {}", subject);
            return true;
        }
        byte[] headers = new byte[hdrLen];
        System.arraycopy(buf, off, headers, 0, hdrLen);
        byte[] body = new byte[totalLen - hdrLen];
        System.arraycopy(buf, off + hdrLen, body, 0, body.length);
        Request request = new Request(apiSubject, reply, headers, body);
        workers.execute(() -> {
            try {
                route.handler().handle(request);
            } catch (RuntimeException | StackOverflowError e) {
                LOG.error("JetStream API handler failed on {}", subject, e); // a natsj bug: every request is answered
            } finally {
                pending.release();
            }
        });
        return true;
    }

    private String normalize(String subject) {
        if (subject.startsWith(PREFIX)) {
            return subject;
        }
        int api = subject.indexOf(".API.");
        return PREFIX + subject.substring(api + 5);
    }

    // ---- answering -----------------------------------------------------------------------------------------------

    /** Publishes a JSON answer; counts it as an error when it has an {@code error}. */
    public void respond(Request request, ObjectNode answer) {
        if (answer.has("error")) {
            errors.incrementAndGet();
        }
        String json = GoJson.COMPACT.writeValueAsString(answer);
        total.incrementAndGet(); // counted before the answer leaves, after INFO read its own figures
        if (request.reply() != null && !request.reply().isEmpty()) {
            publish(request.reply(), null, json.getBytes(StandardCharsets.UTF_8));
        }
        ctx.advisories().apiAudit(request.subject(), request.body(), json);
    }

    /** Answers with {@code error} under {@code type}. */
    public void respondError(Request request, String type, JsApiError error) {
        respond(request, ApiJson.error(type, error));
    }

    /**
     * Runs {@code body}, turning the catalogued and JSON errors it throws into an error answer of {@code type}.
     */
    public void guarded(Request request, String type, Runnable body) {
        guarded(request, type, o -> { }, body);
    }

    /**
     * As {@link #guarded(Request, String, Runnable)}; {@code errorFields} adds the fields the answer's Go struct
     * always writes, even beside an error (paging counters, {@code purged}, ...).
     */
    public void guarded(Request request, String type, java.util.function.Consumer<ObjectNode> errorFields,
                        Runnable body) {
        JsApiError error;
        try {
            body.run();
            return;
        } catch (JsApiException e) {
            error = e.error();
        } catch (GoJsonException e) {
            error = JsErrorCode.INVALID_JSON.with("err", e.getMessage());
        } catch (java.util.concurrent.CompletionException e) {
            if (!(e.getCause() instanceof JsApiException api)) {
                throw e;
            }
            error = api.error();
        }
        ObjectNode answer = ApiJson.error(type, error);
        errorFields.accept(answer);
        respond(request, answer);
    }

    /** Publishes a raw message (direct get), with an optional header block, as a stream sends it. */
    public void publishFromStream(String subject, byte[] headers, byte[] data) {
        int hdrLen = headers == null ? 0 : headers.length;
        byte[] buf = new byte[hdrLen + data.length];
        if (hdrLen > 0) {
            System.arraycopy(headers, 0, buf, 0, hdrLen);
        }
        System.arraycopy(data, 0, buf, hdrLen, data.length);
        ctx.account().publishReply(subject, "", hdrLen, buf, 0, buf.length, DeliveryBatch.IMMEDIATE);
    }

    /** Publishes an API answer. */
    public void publish(String subject, byte[] headers, byte[] data) {
        int hdrLen = headers == null ? 0 : headers.length;
        byte[] buf = new byte[hdrLen + data.length];
        if (hdrLen > 0) {
            System.arraycopy(headers, 0, buf, 0, hdrLen);
        }
        System.arraycopy(data, 0, buf, hdrLen, data.length);
        ctx.account().publishReply(subject, hdrLen, buf, 0, buf.length, DeliveryBatch.IMMEDIATE);
    }

    public long total() {
        return total.get();
    }

    public long errors() {
        return errors.get();
    }

    /** Requests accepted and not yet handled (waiting for or running on a handler thread). */
    public long inflight() {
        return MAX_PENDING - pending.availablePermits();
    }

    @Override
    public void close() {
        for (Subscription sub : apiSubs) {
            sub.close();
            ctx.account().index().remove(sub);
        }
        apiSubs.clear();
        for (Subscription sub : bySubscription.keySet()) {
            sub.close();
            ctx.account().index().remove(sub);
        }
        bySubscription.clear();
        directGets.clear();
        workers.shutdownNow();
    }
}
