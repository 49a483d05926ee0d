package io.natsj.server.monitor;

import io.natsj.server.ServerStats;
import io.natsj.server.account.Account;
import io.natsj.server.jetstream.JetStreamAccountView;
import io.natsj.server.json.GoFormats;
import io.natsj.server.json.GoJson;
import io.natsj.server.routing.DeliveryBatch;
import io.natsj.server.routing.Subscriber;
import io.natsj.server.routing.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * The monitoring data over NATS, for users of the system account, as nats-server serves it:
 * {@code $SYS.REQ.SERVER.PING} and {@code $SYS.REQ.SERVER.PING.<KIND>} (every server answers),
 * {@code $SYS.REQ.SERVER.<server id>.<KIND>} (this server) with KIND one of IDZ, STATSZ, VARZ, CONNZ, ROUTEZ, SUBSZ,
 * ACCOUNTZ, JSZ, HEALTHZ; and {@code $SYS.REQ.ACCOUNT.<account>.<KIND>} with KIND one of CONNZ, SUBSZ, JSZ, INFO.
 * A request's JSON body holds the endpoint's options under nats-server's JSON names; the answer is
 * {@code {"server": {...}, "data": {...}}}, or {@code "error": {code, description}} instead of data.
 *
 * <p>Also sends nats-server's STATSZ heartbeat ({@link #startHeartbeat}).
 *
 * <p>Threading: {@link #deliver} copies the request on the publisher's thread; answers and heartbeats are built on
 * virtual threads (the timer thread only hands them over).
 */
public final class SystemRequests implements Subscriber, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SystemRequests.class);
    private static final String SERVER_PREFIX = "$SYS.REQ.SERVER.";
    private static final String ACCOUNT_PREFIX = "$SYS.REQ.ACCOUNT.";
    /** nats-server's JSON option names mapped to the HTTP query parameters the views read. */
    private static final Map<String, String> OPTION_NAMES = Map.ofEntries(
            Map.entry("subscriptions", "subs"), Map.entry("subscriptions_detail", "subs-detail"),
            Map.entry("account", "acc"), Map.entry("consumer", "consumers"), Map.entry("leader_only", "leader-only"));

    private static final Duration FIRST_HEARTBEAT = Duration.ofMillis(250);
    private static final Duration MAX_HEARTBEAT = Duration.ofSeconds(10);

    private final MonitoredServer server;
    private final Account system;
    private final List<Subscription> subs = new ArrayList<>();
    private final ExecutorService workers = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("natsj-sys-req-", 0).factory());
    private final SystemServerInfo info;
    private volatile ScheduledExecutorService timers;
    private volatile ScheduledFuture<?> heartbeat;
    private volatile boolean closed;

    public SystemRequests(MonitoredServer server) {
        this.server = server;
        this.system = server.accounts().system();
        this.info = new SystemServerInfo(server);
        for (String subject : List.of(SERVER_PREFIX + "PING", SERVER_PREFIX + "PING.*",
                SERVER_PREFIX + server.serverId() + ".*", ACCOUNT_PREFIX + "*.*")) {
            Subscription sub = new Subscription(this, subject, null, "sys-req");
            subs.add(sub);
            system.index().insert(sub);
        }
    }

    @Override
    public boolean deliver(Subscription sub, String subject, String reply, byte[] buf, int off, int hdrLen,
                           int totalLen, DeliveryBatch batch) {
        if (reply == null || reply.isEmpty()) {
            return true;
        }
        byte[] body = new byte[totalLen - hdrLen];
        System.arraycopy(buf, off + hdrLen, body, 0, body.length);
        workers.execute(() -> {
            try {
                Map<String, Object> response = answer(subject, body);
                if (response == null) {
                    return; // the request's filter leaves this server out
                }
                byte[] answer = GoJson.COMPACT.writeValueAsBytes(response);
                system.publishReply(reply, 0, answer, 0, answer.length, DeliveryBatch.IMMEDIATE);
            } catch (RuntimeException e) {
                LOG.warn("system request on {} failed", subject, e);
            }
        });
        return true;
    }

    /** The answer to one request, or null when its filter leaves this server out. */
    Map<String, Object> answer(String subject, byte[] body) {
        JsonNode request = null;
        JacksonException badJson = null;
        if (body.length > 0) {
            try {
                request = Json.MAPPER.readTree(body);
            } catch (JacksonException e) {
                badJson = e; // not filtered: it gets its 400 answer
            }
        }
        if (request != null && filteredOut(request)) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("server", info.next());
        String kind;
        String account = null;
        if (subject.startsWith(ACCOUNT_PREFIX)) {
            String rest = subject.substring(ACCOUNT_PREFIX.length());
            account = rest.substring(0, rest.indexOf('.'));
            kind = rest.substring(rest.indexOf('.') + 1);
        } else {
            kind = subject.equals(SERVER_PREFIX + "PING") ? "STATSZ" : subject.substring(subject.lastIndexOf('.') + 1);
        }
        if (kind.equals("STATSZ") && account == null) {
            out.put("statsz", statsz());
            return out;
        }
        Function<QueryParams, Object> view = account == null ? serverView(kind) : accountView(kind, account);
        if (view == null) {
            out.put("error", error(404, "unknown request " + kind));
            return out;
        }
        if (badJson != null) {
            out.put("error", error(400, badJson.getOriginalMessage()));
            return out;
        }
        try {
            out.put("data", view.apply(new QueryParams(options(request, account))));
        } catch (QueryParams.BadRequest | IllegalStateException e) {
            out.put("error", error(500, e.getMessage()));
        }
        return out;
    }

    private Function<QueryParams, Object> serverView(String kind) {
        return switch (kind) {
            case "IDZ" -> q -> Map.of("name", server.serverName(), "host", server.options().host(),
                    "id", server.serverId());
            case "VARZ" -> q -> VarzView.build(server, server.httpPort(), server.httpsPort(), Map.of());
            case "CONNZ" -> q -> ConnzView.build(server, q, () -> { });
            case "SUBSZ" -> q -> SubszView.build(server, q);
            case "ROUTEZ" -> q -> RoutezView.build(server, q);
            case "ACCOUNTZ" -> q -> AccountzView.build(server, q);
            case "JSZ" -> q -> JszView.build(server, q);
            case "HEALTHZ" -> q -> HealthzView.build(server, q).body();
            default -> null;
        };
    }

    private Function<QueryParams, Object> accountView(String kind, String name) {
        Account account = server.accounts().get(name);
        if (account == null) {
            return q -> {
                throw new IllegalStateException("Account " + name + " does not exist");
            };
        }
        return switch (kind) {
            case "CONNZ" -> q -> ConnzView.build(server, q, () -> { });
            case "SUBSZ" -> q -> SubszView.build(server, q);
            case "INFO" -> q -> AccountzView.detail(server, account);
            case "JSZ" -> q -> {
                for (JetStreamAccountView a : server.jetStreamAccounts()) {
                    if (a.accountName().equals(name)) {
                        return JszDetails.account(server, a, JszView.Options.decode(q));
                    }
                }
                throw new IllegalStateException("account \"" + name + "\" not found");
            };
            default -> null;
        };
    }

    /**
     * nats-server's event filter: {@code server_name} and {@code host} must be contained in this server's, a
     * {@code cluster} or {@code tags} cannot match a server without them, {@code domain} must equal the JetStream
     * domain.
     */
    private boolean filteredOut(JsonNode f) {
        if (!f.isObject()) {
            return false;
        }
        String name = f.path("server_name").asString("");
        String host = f.path("host").asString("");
        String domain = f.path("domain").asString("");
        String ownDomain = server.options().jetStream().domain();
        return (!name.isEmpty() && !server.serverName().contains(name))
                || (!host.isEmpty() && !server.options().host().contains(host))
                || !f.path("cluster").asString("").isEmpty()
                || (f.path("tags").isArray() && !f.path("tags").isEmpty())
                || (!domain.isEmpty() && !domain.equals(ownDomain == null ? "" : ownDomain));
    }

    /** The request's JSON options as query parameters; an account request is scoped to its account. */
    private static Map<String, String> options(JsonNode request, String account) {
        Map<String, String> q = new LinkedHashMap<>();
        if (request != null) {
            for (Map.Entry<String, JsonNode> e : request.properties()) {
                String name = OPTION_NAMES.getOrDefault(e.getKey(), e.getKey());
                if (e.getKey().equals("subscriptions_detail") && e.getValue().asBoolean()) {
                    q.put("subs", "detail");
                } else if (e.getValue().isValueNode()) {
                    q.putIfAbsent(name, e.getValue().asString());
                }
            }
        }
        if (account != null) {
            q.put("acc", account);
        }
        return q;
    }

    private Map<String, Object> statsz() {
        ServerStats st = server.stats();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("start", GoFormats.rfc3339Nano(server.startTime()));
        m.put("mem", VarzView.residentMemory());
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("connections", server.connections().size());
        m.put("total_connections", st.totalConnections());
        m.put("active_accounts", server.connections().stream().map(c -> c.account().name()).distinct().count());
        m.put("subscriptions", server.accounts().all().stream().mapToInt(a -> a.index().count()).sum());
        m.put("sent", Map.of("msgs", st.outMsgs(), "bytes", st.outBytes()));
        m.put("received", Map.of("msgs", st.inMsgs(), "bytes", st.inBytes()));
        m.put("slow_consumers", st.slowConsumers());
        return m;
    }

    private static Map<String, Object> error(int code, String description) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("code", code);
        m.put("description", description);
        return m;
    }

    /**
     * Starts nats-server's STATSZ heartbeat: {@code $SYS.SERVER.<id>.STATSZ} a quarter second after start, then at
     * doubling intervals up to every 10 seconds, sent only while someone in the system account listens.
     */
    public void startHeartbeat(ScheduledExecutorService timers) {
        this.timers = timers;
        scheduleHeartbeat(FIRST_HEARTBEAT);
    }

    private void scheduleHeartbeat(Duration delay) {
        if (closed) {
            return;
        }
        try {
            heartbeat = timers.schedule(() -> workers.execute(() -> {
                sendHeartbeat();
                Duration next = delay.multipliedBy(2);
                scheduleHeartbeat(next.compareTo(MAX_HEARTBEAT) > 0 ? MAX_HEARTBEAT : next);
            }), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the server is shutting down
        }
    }

    private void sendHeartbeat() {
        String subject = "$SYS.SERVER." + server.serverId() + ".STATSZ";
        if (!system.index().hasInterest(subject)) {
            return;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("server", info.next());
        m.put("statsz", statsz());
        byte[] body = GoJson.COMPACT.writeValueAsBytes(m);
        system.publish(null, true, subject, null, 0, body, 0, body.length, DeliveryBatch.IMMEDIATE);
    }

    @Override
    public void close() {
        closed = true;
        ScheduledFuture<?> h = heartbeat;
        if (h != null) {
            h.cancel(false);
        }
        for (Subscription sub : subs) {
            sub.close();
            system.index().remove(sub);
        }
        workers.shutdownNow();
    }

    /** Made on the first request: creating a mapper takes a moment, and the server starts without one. */
    private static final class Json {
        static final JsonMapper MAPPER = JsonMapper.builder().build();
    }
}
