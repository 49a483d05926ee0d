package io.natsj.server.jetstream.api;

import io.natsj.server.jetstream.JetStreamService;
import io.natsj.server.jetstream.api.JsApiRouter.Request;
import io.natsj.server.jetstream.consumer.Consumer;
import io.natsj.server.jetstream.consumer.ConsumerConfig;
import io.natsj.server.jetstream.consumer.ConsumerConfigCheck;
import io.natsj.server.jetstream.consumer.ConsumerConfigJson;
import io.natsj.server.jetstream.consumer.PriorityConfigCheck;
import io.natsj.server.jetstream.error.JsErrorCode;
import io.natsj.server.jetstream.stream.Stream;
import io.natsj.server.jetstream.stream.StreamConfig;
import io.natsj.server.jetstream.stream.StreamConfigCheck;
import io.natsj.server.json.GoFormats;
import io.natsj.server.json.GoJsonReader;
import io.natsj.server.json.GoStruct;
import io.natsj.server.json.GoStruct.GoJsonException;
import io.natsj.server.routing.Subjects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The consumer family of the JetStream API: {@code CONSUMER.CREATE} (with and without a name and filter in the
 * subject, and the legacy {@code CONSUMER.DURABLE.CREATE}), {@code DELETE}, {@code INFO}, {@code NAMES},
 * {@code LIST}, {@code PAUSE} and {@code UNPIN}, with nats-server's checks and errors. {@code MSG.NEXT} is served by each
 * consumer itself.
 *
 * <p>Threading: handlers run concurrently; creates and deletes of one stream's consumers are serialised on the
 * stream object.
 */
final class ConsumerApi {

    static final int NAMES_LIMIT = 1024;
    static final int LIST_LIMIT = 256;
    private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final JetStreamService js;
    private final JsApiRouter router;

    ConsumerApi(JetStreamService js, JsApiRouter router) {
        this.js = js;
        this.router = router;
    }

    private Stream stream(String name) {
        Stream s = js.stream(name);
        if (s == null) {
            throw JsErrorCode.STREAM_NOT_FOUND.error().exception();
        }
        return s;
    }

    private static String randomName() {
        StringBuilder sb = new StringBuilder(8);
        for (int i = 0; i < 8; i++) {
            sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }

    /** {@code CONSUMER.CREATE.<stream>[.<consumer>[.<filter>]]} and {@code CONSUMER.DURABLE.CREATE.<s>.<d>}. */
    void create(Request r) {
        String type = "consumer_create_response";
        router.guarded(r, type, () -> {
            String[] t = r.tokens();
            boolean legacyDurable = t[1].equals("DURABLE");
            String streamName = legacyDurable ? t[3] : t[2];
            String nameInSubject = legacyDurable ? t[4] : t.length > 3 ? t[3] : null;
            String filterInSubject = !legacyDurable && t.length > 4 ? r.tail(4) : null;
            GoStruct req = ApiJson.struct(r.body(), "CreateConsumerRequest");
            String reqStream = req.string("stream_name", "");
            String action = action(req);
            ConsumerConfig cfg = req.has("config") ? ConsumerConfigJson.read(req.struct("config", "ConsumerConfig"))
                    : null;
            router.requireJetStream(); // after the whole body is read, as nats-server decodes it first
            if (cfg == null) {
                throw JsErrorCode.CONSUMER_CONFIG_REQUIRED.error().exception();
            }
            if (!streamName.equals(reqStream)) {
                throw JsErrorCode.STREAM_MISMATCH.error().exception();
            }
            String name = resolveName(cfg, legacyDurable, nameInSubject, filterInSubject);
            if (name.contains("/") || name.contains("\\")) {
                throw JsErrorCode.CONSUMER_NAME_CONTAINS_PATH_SEPARATORS.error().exception();
            }
            if (name.length() > StreamConfigCheck.MAX_NAME_LEN) {
                throw JsErrorCode.CONSUMER_NAME_TOO_LONG.with("max",
                        Integer.toString(StreamConfigCheck.MAX_NAME_LEN)).exception();
            }
            Stream s = stream(streamName);
            int accountMaxAckPending = js.accountLimits().maxAckPending();
            ConsumerConfig full = ConsumerConfigCheck.withDefaults(cfg.withNames(cfg.durableName(), name),
                    s.config(), accountMaxAckPending);
            ConsumerConfigCheck.check(full, s.config(), accountMaxAckPending);
            // nats-server stamps an ephemeral's 5 s inactive_threshold default only into the consumer it creates,
            // so a "create" that left it out never equals the existing consumer's config (10148)
            boolean stampedDefault = !cfg.isDurable() && cfg.inactiveThreshold() == 0
                    && s.config().consumerLimits().inactiveThreshold() == 0;
            Consumer c = createOrUpdate(s, name, full, action, stampedDefault);
            ObjectNode o = ApiJson.response(type);
            consumerInfo(o, c);
            router.respond(r, o);
        });
    }

    /**
     * The request's {@code action} as nats-server's {@code ConsumerAction} reads it: {@code "create"},
     * {@code "update"} or {@code ""} (create or update); anything else, {@code null} too, is refused with the JSON
     * it got.
     */
    private static String action(GoStruct req) {
        if (req.isNull("action")) {
            throw new GoJsonException("unknown consumer action: null");
        }
        JsonNode v = req.raw("action");
        if (v == null) {
            return "";
        }
        if (v.isString() && List.of("create", "update", "").contains(v.asString())) {
            return v.asString();
        }
        throw new GoJsonException("unknown consumer action: " + v);
    }

    private static String resolveName(ConsumerConfig cfg, boolean legacyDurable, String nameInSubject,
                                      String filterInSubject) {
        if (legacyDurable) {
            if (!cfg.isDurable()) {
                throw JsErrorCode.CONSUMER_DURABLE_NAME_NOT_SET.error().exception();
            }
            if (!cfg.durableName().equals(nameInSubject)) {
                throw JsErrorCode.CONSUMER_DURABLE_NAME_NOT_MATCH_SUBJECT.error().exception();
            }
            if (!StreamConfigCheck.isValidName(nameInSubject)) {
                throw JsErrorCode.CONSUMER_BAD_DURABLE_NAME.error().exception();
            }
            return nameInSubject;
        }
        if (cfg.isDurable() && !cfg.name().isEmpty() && !cfg.durableName().equals(cfg.name())) {
            throw JsErrorCode.CONSUMER_CREATE_DURABLE_AND_NAME_MISMATCH.error().exception();
        }
        if (nameInSubject != null) {
            String own = !cfg.name().isEmpty() ? cfg.name() : cfg.durableName();
            if (!own.isEmpty() && !own.equals(nameInSubject)) {
                throw JsErrorCode.CONSUMER_DURABLE_NAME_NOT_MATCH_SUBJECT.error().exception();
            }
            if (filterInSubject != null && cfg.filterSubjects() != null && !cfg.filterSubjects().isEmpty()) {
                throw JsErrorCode.CONSUMER_MULTIPLE_FILTERS_NOT_ALLOWED.error().exception();
            }
            if (filterInSubject != null && !filterInSubject.equals(cfg.filterSubject())) {
                throw JsErrorCode.CONSUMER_CREATE_FILTER_SUBJECT_MISMATCH.error().exception();
            }
            if (!StreamConfigCheck.isValidName(nameInSubject)) {
                throw JsErrorCode.CONSUMER_BAD_DURABLE_NAME.error().exception();
            }
            return nameInSubject;
        }
        if (cfg.isDurable()) {
            if (!StreamConfigCheck.isValidName(cfg.durableName())) {
                throw JsErrorCode.CONSUMER_BAD_DURABLE_NAME.error().exception();
            }
            return cfg.durableName();
        }
        if (!cfg.name().isEmpty()) {
            if (!StreamConfigCheck.isValidName(cfg.name())) {
                throw JsErrorCode.CONSUMER_BAD_DURABLE_NAME.error().exception();
            }
            return cfg.name();
        }
        return randomName();
    }

    private Consumer createOrUpdate(Stream s, String name, ConsumerConfig cfg, String action,
                                    boolean stampedDefault) {
        synchronized (s) {
            Consumer existing = s.consumers().get(name);
            if (existing != null) {
                boolean create = action.equals("create");
                if (sameConfig(existing.config(), cfg) && !(create && stampedDefault)) {
                    return existing;
                }
                if (create) {
                    throw JsErrorCode.CONSUMER_ALREADY_EXISTS.error().exception();
                }
                if (s.config().retention() == StreamConfig.Retention.WORKQUEUE) {
                    ConsumerConfigCheck.checkWorkQueueUpdate(name, cfg, s.consumers());
                }
                ConsumerConfigCheck.checkUpdate(existing.config(), cfg, js.context().account().index()::hasInterest);
                existing.submit(() -> {
                    existing.applyUpdate(cfg);
                    return null;
                }).join();
                existing.signal();
                return existing;
            }
            if (action.equals("update")) {
                throw JsErrorCode.CONSUMER_DOES_NOT_EXIST.error().exception();
            }
            StreamConfig sc = s.config();
            int maxConsumers = sc.maxConsumers();
            int accountMax = js.accountLimits().maxConsumers();
            if (maxConsumers <= 0 || (accountMax > 0 && accountMax < maxConsumers)) {
                maxConsumers = accountMax;
            }
            if (maxConsumers > 0 && s.consumers().size() >= maxConsumers) {
                throw JsErrorCode.MAXIMUM_CONSUMERS_LIMIT.error().exception();
            }
            if (sc.retention() == StreamConfig.Retention.WORKQUEUE) {
                checkWorkQueue(s, cfg);
            }
            try {
                return s.addConsumer(name, cfg, js.context().clock().now());
            } catch (IOException e) {
                throw JsErrorCode.CONSUMER_STORE_FAILED.with("err", e.toString()).exception();
            }
        }
    }

    private static boolean sameConfig(ConsumerConfig a, ConsumerConfig b) {
        return a.withPauseUntil(null).equals(b.withPauseUntil(null)) && Objects.equals(a.pauseUntil(), b.pauseUntil());
    }

    private static void checkWorkQueue(Stream s, ConsumerConfig cfg) {
        for (Consumer other : s.consumers().values()) {
            List<String> a = cfg.filters();
            List<String> b = other.config().filters();
            if (a.isEmpty() || b.isEmpty()) {
                throw JsErrorCode.CONSUMER_WQ_MULTIPLE_UNFILTERED.error().exception();
            }
            for (String x : a) {
                for (String y : b) {
                    if (Subjects.subjectsCollide(x, y)) {
                        throw JsErrorCode.CONSUMER_WQ_CONSUMER_NOT_UNIQUE.error().exception();
                    }
                }
            }
        }
    }

    private Consumer consumer(Request r, int streamToken) {
        String[] t = r.tokens();
        Stream s = stream(t[streamToken]);
        Consumer c = t.length > streamToken + 1 ? s.consumers().get(t[streamToken + 1]) : null;
        if (c == null) {
            throw JsErrorCode.CONSUMER_NOT_FOUND.error().exception();
        }
        return c;
    }

    /** nats-server answers INFO and DELETE only to an empty request (no bytes, or a JSON object without fields). */
    private static void requireEmpty(Request r) {
        if (!r.emptyBody()) {
            throw JsErrorCode.NOT_EMPTY_REQUEST.error().exception();
        }
    }

    void delete(Request r) {
        String type = "consumer_delete_response";
        router.guarded(r, type, () -> {
            router.requireJetStream();
            requireEmpty(r);
            Consumer c = consumer(r, 2);
            c.stream().deleteConsumer(c);
            ObjectNode o = ApiJson.response(type);
            o.put("success", true);
            router.respond(r, o);
        });
    }

    void info(Request r) {
        String type = "consumer_info_response";
        router.guarded(r, type, () -> {
            requireEmpty(r);
            router.requireJetStream();
            Consumer c = consumer(r, 2);
            ObjectNode o = ApiJson.response(type);
            consumerInfo(o, c);
            router.respond(r, o);
        });
    }

    void pause(Request r) {
        String type = "consumer_pause_response";
        router.guarded(r, type, () -> {
            GoStruct req = ApiJson.struct(r.body(), "JSApiConsumerPauseRequest");
            Instant at = req.time("pause_until");
            router.requireJetStream();
            Consumer c = consumer(r, 2);
            Instant now = js.context().clock().now();
            if (at != null && !at.isAfter(now)) {
                at = null;
            }
            Instant pauseUntil = at;
            c.submit(() -> {
                c.pause(pauseUntil);
                return null;
            }).join();
            ObjectNode o = ApiJson.response(type);
            o.put("paused", pauseUntil != null);
            o.put("pause_until", pauseUntil == null ? GoFormats.ZERO_TIME : io.natsj.server.json.GoFormats
                    .rfc3339Nano(pauseUntil));
            if (pauseUntil != null) {
                o.put("pause_remaining", java.time.Duration.between(now, pauseUntil).toNanos());
            }
            router.respond(r, o);
        });
    }

    /**
     * {@code CONSUMER.UNPIN.<stream>.<consumer>} with {@code {"group":…}}: releases the group's pinned client, in
     * nats-server 2.11's order of checks (JSON, group given, group name valid, stream, consumer, group of the
     * consumer).
     */
    void unpin(Request r) {
        String type = "consumer_unpin_response";
        router.guarded(r, type, () -> {
            GoStruct req = GoStruct.of(GoJsonReader.parse(r.body()), "JSApiConsumerUnpinRequest");
            String group = req.string("group", "");
            if (group.isEmpty()) {
                throw JsErrorCode.INVALID_JSON.with("err", "consumer group not specified").exception();
            }
            if (!PriorityConfigCheck.isValidGroupName(group)) {
                throw JsErrorCode.CONSUMER_INVALID_GROUP_NAME.error().exception();
            }
            router.requireJetStream();
            Consumer c = consumer(r, 2);
            List<String> groups = c.config().priorityGroups();
            if (groups == null || !groups.contains(group)) {
                throw JsErrorCode.CONSUMER_INVALID_PRIORITY_GROUP.error().exception();
            }
            c.unpin(group).join();
            router.respond(r, ApiJson.response(type));
        });
    }

    private List<Consumer> sorted(Stream s) {
        List<Consumer> all = new ArrayList<>(s.consumers().values());
        all.sort(Comparator.comparing(Consumer::name));
        return all;
    }

    void names(Request r) {
        page(r, "consumer_names_response", NAMES_LIMIT, (arr, c) -> arr.add(c.name()));
    }

    void list(Request r) {
        page(r, "consumer_list_response", LIST_LIMIT, (arr, c) -> consumerInfo(arr.addObject(), c));
    }

    /** A paged answer over a stream's consumers, sorted by name, from the request's offset. */
    private void page(Request r, String type, int limit, java.util.function.BiConsumer<ArrayNode, Consumer> item) {
        router.guarded(r, type, o -> {
            ApiJson.pagedError(o);
            o.putArray("consumers"); // nats-server's consumer names and list answers start with an empty list
        }, () -> {
            router.requireJetStream();
            GoStruct req = ApiJson.struct(r.body(), "JSApiConsumersRequest");
            Stream s = stream(r.tokens()[2]);
            List<Consumer> all = sorted(s);
            int offset = Math.min(Math.max(0, req.intValue("offset", 0)), all.size());
            ObjectNode o = ApiJson.response(type);
            ApiJson.paged(o, all.size(), offset, limit);
            ArrayNode arr = o.putArray("consumers");
            for (Consumer c : all.subList(offset, Math.min(all.size(), offset + limit))) {
                item.accept(arr, c);
            }
            router.respond(r, o);
        });
    }

    private void consumerInfo(ObjectNode o, Consumer c) {
        ConsumerInfoJson.write(o, c, ConsumerInfoJson.read(c), js.context(),
                ConsumerInfoJson.ConfigShape.WITH_SERVER_METADATA);
    }
}
