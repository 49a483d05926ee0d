package io.natsj.server.jetstream.api;

import io.natsj.server.jetstream.JetStreamService;
import io.natsj.server.jetstream.api.JsApiRouter.Request;
import io.natsj.server.jetstream.error.JsErrorCode;
import io.natsj.server.jetstream.stream.Stream;
import io.natsj.server.jetstream.stream.StreamConfig;
import io.natsj.server.jetstream.stream.StreamConfigCheck;
import io.natsj.server.jetstream.stream.StreamConfigJson;
import io.natsj.server.json.GoStruct;
import io.natsj.server.routing.Subjects;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * The stream family of the JetStream API: {@code STREAM.CREATE, UPDATE, DELETE, INFO, NAMES, LIST, PURGE}, with
 * nats-server's checks, errors and answers.
 *
 * <p>Threading: handlers run concurrently on the router's virtual threads; stream changes go through the service
 * (serialised) and the stream's worker.
 */
final class StreamApi {

    static final int NAMES_LIMIT = 1024;
    static final int LIST_LIMIT = 256;
    static final int SUBJECTS_LIMIT = 100_000;

    private final JetStreamService js;
    private final JsApiRouter router;

    StreamApi(JetStreamService js, JsApiRouter router) {
        this.js = js;
        this.router = router;
    }

    private static String streamName(Request r) {
        return r.tail(2);
    }

    private Stream existing(Request r) {
        Stream s = js.stream(streamName(r));
        if (s == null) {
            throw JsErrorCode.STREAM_NOT_FOUND.error().exception();
        }
        return s;
    }

    void create(Request r) {
        String type = "stream_create_response";
        router.guarded(r, type, () -> {
            router.requireJetStream();
            StreamConfig raw = StreamConfigJson.read(ApiJson.struct(r.body(), "StreamConfigRequest.StreamConfig"));
            if (!streamName(r).equals(raw.name())) {
                throw JsErrorCode.STREAM_MISMATCH.error().exception();
            }
            StreamConfigCheck.checkCreate(raw);
            StreamConfig cfg = StreamConfigCheck.normalize(raw);
            cfg = cfg.withMetadata(StreamConfigCheck.staticMetadata(cfg));
            JetStreamService.Created created = js.create(cfg);
            ObjectNode o = ApiJson.response(type);
            ApiJson.streamInfo(o, js, created.stream(), null, false);
            o.put("did_create", true); // nats-server (not clustered) says so for every successful create
            router.respond(r, o);
        });
    }

    void update(Request r) {
        String type = "stream_update_response";
        router.guarded(r, type, () -> {
            router.requireJetStream();
            StreamConfig raw = StreamConfigJson.read(ApiJson.struct(r.body(), "StreamConfigRequest.StreamConfig"));
            if (!streamName(r).equals(raw.name())) {
                throw JsErrorCode.STREAM_MISMATCH.error().exception();
            }
            Stream s = existing(r);
            StreamConfig updated = StreamConfigCheck.checkUpdate(s.config(), raw);
            js.update(s, updated);
            ObjectNode o = ApiJson.response(type);
            ApiJson.streamInfo(o, js, s, null, false);
            router.respond(r, o);
        });
    }

    void delete(Request r) {
        String type = "stream_delete_response";
        router.guarded(r, type, () -> {
            router.requireJetStream();
            if (!r.emptyBody()) {
                throw JsErrorCode.NOT_EMPTY_REQUEST.error().exception();
            }
            js.delete(existing(r));
            ObjectNode o = ApiJson.response(type);
            o.put("success", true);
            router.respond(r, o);
        });
    }

    void info(Request r) {
        String type = "stream_info_response";
        router.guarded(r, type, ApiJson::pagedError, () -> {
            router.requireJetStream();
            GoStruct req = ApiJson.struct(r.body(), "JSApiStreamInfoRequest");
            boolean deletedDetails = req.bool("deleted_details");
            String filter = Subjects.fromText(req.string("subjects_filter", ""));
            int offset = Math.max(0, req.intValue("offset", 0));
            Stream s = existing(r);
            ObjectNode o = ApiJson.response(type);
            int total = filter.isEmpty() ? 0 : s.store().subjectTotals(filter).size();
            if (total == 0) {
                ApiJson.paged(o, 0, 0, 0);
                ApiJson.streamInfo(o, js, s, null, deletedDetails);
            } else {
                ApiJson.paged(o, total, offset, SUBJECTS_LIMIT);
                ApiJson.streamInfo(o, js, s, null, deletedDetails);
                ApiJson.subjects((ObjectNode) o.get("state"), s, filter, offset, SUBJECTS_LIMIT);
            }
            router.respond(r, o);
        });
    }

    void names(Request r) {
        String type = "stream_names_response";
        router.guarded(r, type, o -> {
            ApiJson.pagedError(o);
            o.putNull("streams");
        }, () -> {
            router.requireJetStream();
            GoStruct req = ApiJson.struct(r.body(), "JSApiStreamNamesRequest");
            List<Stream> all = js.filtered(Subjects.fromText(req.string("subject", "")));
            int offset = Math.min(Math.max(0, req.intValue("offset", 0)), all.size());
            ObjectNode o = ApiJson.response(type);
            ApiJson.paged(o, all.size(), offset, NAMES_LIMIT);
            List<Stream> page = all.subList(offset, Math.min(all.size(), offset + NAMES_LIMIT));
            if (page.isEmpty()) {
                o.putNull("streams");
            } else {
                ArrayNode names = o.putArray("streams");
                page.forEach(s -> names.add(s.name()));
            }
            router.respond(r, o);
        });
    }

    void list(Request r) {
        String type = "stream_list_response";
        router.guarded(r, type, o -> {
            ApiJson.pagedError(o);
            o.putArray("streams"); // nats-server's list answer starts with an empty list (names: with none)
        }, () -> {
            router.requireJetStream();
            GoStruct req = ApiJson.struct(r.body(), "JSApiStreamListRequest");
            List<Stream> all = js.filtered(Subjects.fromText(req.string("subject", "")));
            int offset = Math.min(Math.max(0, req.intValue("offset", 0)), all.size());
            ObjectNode o = ApiJson.response(type);
            ApiJson.paged(o, all.size(), offset, LIST_LIMIT);
            ArrayNode streams = o.putArray("streams");
            for (Stream s : all.subList(offset, Math.min(all.size(), offset + LIST_LIMIT))) {
                ObjectNode info = streams.addObject();
                ApiJson.streamInfo(info, js, s, null, false);
            }
            router.respond(r, o);
        });
    }

    void purge(Request r) {
        String type = "stream_purge_response";
        router.guarded(r, type, o -> o.put("purged", 0), () -> {
            router.requireJetStream();
            GoStruct req = ApiJson.struct(r.body(), "JSApiStreamPurgeRequest");
            long seq = req.uint64("seq", 0);
            String filter = Subjects.fromText(req.string("filter", ""));
            long keep = req.uint64("keep", 0);
            if (seq > 0 && keep > 0) {
                throw JsErrorCode.BAD_REQUEST.error().exception();
            }
            Stream s = existing(r);
            if (s.config().sealed()) {
                throw JsErrorCode.STREAM_SEALED.error().exception();
            }
            if (s.config().denyPurge()) {
                throw JsErrorCode.STREAM_PURGE_FAILED_F.with("err", "stream purge not permitted").exception();
            }
            // nats-server checks no filter: each stored subject is matched against it as it is (an empty token
            // matches nothing, a '>' before the last token matches the rest of the subject there)
            long purged = s.submit(() -> s.store().purge(filter.isEmpty() ? null : filter, seq, keep)).join();
            s.purged();
            ObjectNode o = ApiJson.response(type);
            o.put("success", true);
            o.put("purged", purged);
            router.respond(r, o);
        });
    }
}
