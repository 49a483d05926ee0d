package io.natsj.server.jetstream.api;

import io.natsj.server.jetstream.JetStreamService;
import io.natsj.server.jetstream.error.JsApiError;
import io.natsj.server.jetstream.stream.Stream;
import io.natsj.server.jetstream.stream.StreamConfig;
import io.natsj.server.jetstream.stream.StreamConfigCheck;
import io.natsj.server.jetstream.stream.StreamConfigJson;
import io.natsj.server.json.GoFormats;
import io.natsj.server.json.GoJsonReader;
import io.natsj.server.json.GoJsonSyntax;
import io.natsj.server.json.GoStruct;
import io.natsj.server.routing.Subjects;
import io.natsj.server.store.StreamState;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON shapes of JetStream API answers, in nats-server's field order: the response envelope
 * ({@code type}, {@code error}), stream info and stream state; and request bodies read as nats-server reads them
 * ({@link GoJsonReader} underneath).
 *
 * <p>Threading: stateless.
 */
public final class ApiJson {

    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String TYPE_PREFIX = "io.nats.jetstream.api.v1.";

    private ApiJson() {
    }

    /** {@code {"type":"io.nats.jetstream.api.v1.<type>"}}. */
    public static ObjectNode response(String type) {
        ObjectNode o = NODES.objectNode();
        o.put("type", TYPE_PREFIX + type);
        return o;
    }

    /** An error answer. */
    public static ObjectNode error(String type, JsApiError e) {
        ObjectNode o = response(type);
        ObjectNode err = o.putObject("error");
        err.put("code", e.code());
        err.put("err_code", e.errCode());
        err.put("description", e.description());
        return o;
    }

    /** The fields a paged answer carries even when it is an error (Go's structs always write them). */
    public static void pagedError(ObjectNode o) {
        paged(o, 0, 0, 0);
    }

    /**
     * A request body as a Go struct, decoded as nats-server decodes requests: a body of white space only is an
     * empty struct.
     */
    public static GoStruct struct(byte[] body, String structName) {
        return GoStruct.of(GoJsonReader.isBlank(body) ? null : GoJsonReader.parse(body), structName);
    }

    /** nats-server's "empty request": no bytes, or a JSON object without fields. */
    public static boolean isEmptyRequest(byte[] body) {
        if (body.length == 0) {
            return true;
        }
        if (GoJsonSyntax.check(body) != null) {
            return false;
        }
        JsonNode n = GoJsonReader.parse(body);
        return n != null && n.isObject() && n.isEmpty();
    }

    /** The stream config as answers show it: with the server's version and API level in its metadata. */
    public static ObjectNode config(StreamConfig cfg, String serverVersion) {
        return StreamConfigJson.write(cfg.withMetadata(StreamConfigCheck.dynamicMetadata(cfg, serverVersion)));
    }

    /**
     * Adds a stream's info ({@code config, created, state, domain, ts}) to {@code o}.
     *
     * @param subjectsFilter when not null, the per-subject counts for it go into {@code state.subjects}
     * @param deletedDetails whether {@code state.deleted} lists the gaps
     */
    public static void streamInfo(ObjectNode o, JetStreamService js, Stream s, String subjectsFilter,
                                  boolean deletedDetails) {
        o.set("config", config(s.config(), js.context().serverVersion()));
        o.put("created", GoFormats.time(toNanos(s.created())));
        o.set("state", state(s, subjectsFilter, deletedDetails));
        sources(o, js, s);
        String domain = js.context().domain();
        if (domain != null && !domain.isEmpty()) {
            o.put("domain", domain);
        }
        o.put("ts", GoFormats.time(toNanos(js.context().clock().now())));
    }

    private static long toNanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    /**
     * {@code mirror} and {@code sources}: per origin, its name, how far behind the copy is, when it last copied, its
     * filter or its subject transforms as configured; nothing for a stream that copies from none. ({@code external}
     * is never configured in natsj; {@code error} is not reported.)
     */
    public static void sources(ObjectNode o, JetStreamService js, Stream s) {
        StreamConfig cfg = s.config();
        if (cfg.mirror() == null && (cfg.sources() == null || cfg.sources().isEmpty())) {
            return;
        }
        long now = js.context().clock().epochNanos();
        java.util.function.Function<JsonNode, ObjectNode> info = n -> {
            String name = n.get("name").asString();
            long[] st = s.sourcedState().getOrDefault(name, new long[2]);
            Stream origin = js.stream(name);
            ObjectNode i = NODES.objectNode();
            i.put("name", name);
            long last = origin == null ? st[0] : origin.store().state().lastSeq();
            i.put("lag", Math.max(0, last - st[0]));
            i.put("active", st[1] == 0 ? -1 : now - st[1]);
            String filter = text(n.get("filter_subject"));
            if (!filter.isEmpty()) {
                i.put("filter_subject", filter);
            }
            JsonNode transforms = n.get("subject_transforms");
            if (transforms != null && transforms.isArray() && !transforms.isEmpty()) {
                ArrayNode arr = i.putArray("subject_transforms");
                for (JsonNode t : transforms) {
                    arr.addObject().put("src", text(t.get("src"))).put("dest", text(t.get("dest")));
                }
            }
            return i;
        };
        if (cfg.mirror() != null) {
            o.set("mirror", info.apply(cfg.mirror()));
        } else {
            ArrayNode arr = o.putArray("sources");
            cfg.sources().forEach(n -> arr.add(info.apply(n)));
        }
    }

    /** A JSON string's text; "" for a missing field or null. */
    private static String text(JsonNode n) {
        return n == null || n.isNull() ? "" : n.asString();
    }

    /** A stream's {@code state} object. */
    public static ObjectNode state(Stream s, String subjectsFilter, boolean deletedDetails) {
        StreamState st = s.store().state();
        ObjectNode o = NODES.objectNode();
        o.put("messages", st.msgs());
        o.put("bytes", st.bytes());
        o.put("first_seq", st.firstSeq());
        o.put("first_ts", GoFormats.time(st.msgs() == 0 ? 0 : st.firstTime()));
        o.put("last_seq", st.lastSeq());
        o.put("last_ts", GoFormats.time(st.lastTime()));
        if (st.numSubjects() > 0) {
            o.put("num_subjects", st.numSubjects());
        }
        if (subjectsFilter != null) {
            Map<String, Long> totals = new TreeMap<>(s.store().subjectTotals(subjectsFilter));
            if (!totals.isEmpty()) {
                ObjectNode subjects = o.putObject("subjects");
                totals.forEach((subject, n) -> subjects.put(Subjects.toText(subject), n));
            }
        }
        if (st.numDeleted() > 0) {
            o.put("num_deleted", st.numDeleted());
        }
        if (deletedDetails && st.numDeleted() > 0) {
            ArrayNode deleted = o.putArray("deleted");
            List<Long> gaps = s.store().deleted();
            gaps.forEach(deleted::add);
        }
        if (st.lostMsgs() > 0) {
            ObjectNode lost = o.putObject("lost");
            lost.putArray("msgs");
            lost.put("bytes", st.lostBytes());
        }
        o.put("consumer_count", s.consumers().size());
        return o;
    }

    /** Puts the per-subject counts for {@code filter} into {@code state.subjects}: sorted, from offset, at most limit. */
    public static void subjects(ObjectNode state, Stream s, String filter, int offset, int limit) {
        Map<String, Long> totals = new TreeMap<>(s.store().subjectTotals(filter));
        ObjectNode subjects = NODES.objectNode();
        totals.entrySet().stream().skip(offset).limit(limit)
                .forEach(e -> subjects.put(Subjects.toText(e.getKey()), e.getValue()));
        if (subjects.isEmpty()) {
            return;
        }
        // nats-server's state writes subjects after num_subjects: rebuild the tail in its order
        ObjectNode copy = state.deepCopy();
        state.removeAll();
        copy.properties().forEach(e -> {
            state.set(e.getKey(), e.getValue());
            if (e.getKey().equals("num_subjects")) {
                state.set("subjects", subjects);
            }
        });
        if (!state.has("subjects")) {
            state.set("subjects", subjects);
        }
    }

    /** {@code total, offset, limit}. */
    public static void paged(ObjectNode o, int total, int offset, int limit) {
        o.put("total", total);
        o.put("offset", offset);
        o.put("limit", limit);
    }
}
