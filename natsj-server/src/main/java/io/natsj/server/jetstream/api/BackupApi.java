package io.natsj.server.jetstream.api;

import io.natsj.server.jetstream.JetStreamService;
import io.natsj.server.jetstream.api.JsApiRouter.Request;
import io.natsj.server.jetstream.error.JsErrorCode;
import io.natsj.server.jetstream.stream.StreamConfigCheck;
import io.natsj.server.jetstream.stream.StreamConfigJson;
import io.natsj.server.json.GoStruct;
import io.natsj.server.routing.Subjects;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code STREAM.SNAPSHOT.<stream>} and {@code STREAM.RESTORE.<stream>}: the request is checked in nats-server's
 * order and with its errors (empty request, missing stream, JSON, deliver subject; for a restore the stream config
 * and a stream of that name already there); a request that passes every check is then refused with nats-server's
 * "snapshot failed" (500, 10064) or "restore failed" (500, 10062), as natsj does not make or read snapshots yet.
 *
 * <p>Threading: concurrent handlers; reads only.
 */
final class BackupApi {

    static final String NOT_SUPPORTED = "stream snapshots are not supported by natsj yet";
    static final String RESTORE_NOT_SUPPORTED = "stream restores are not supported by natsj yet";

    private final JetStreamService js;
    private final JsApiRouter router;

    BackupApi(JetStreamService js, JsApiRouter router) {
        this.js = js;
        this.router = router;
    }

    void snapshot(Request r) {
        router.guarded(r, "stream_snapshot_response", () -> {
            router.requireJetStream();
            if (r.emptyBody()) {
                throw JsErrorCode.BAD_REQUEST.error().exception();
            }
            if (js.stream(r.tail(2)) == null) {
                throw JsErrorCode.STREAM_NOT_FOUND.error().exception();
            }
            GoStruct req = ApiJson.struct(r.body(), "JSApiStreamSnapshotRequest");
            String deliver = req.string("deliver_subject", "");
            req.bool("no_consumers");
            req.intValue("chunk_size", 0);
            req.bool("jsck");
            if (!Subjects.isValidSubject(deliver)) {
                throw JsErrorCode.SNAPSHOT_DELIVER_SUBJECT_INVALID.error().exception();
            }
            throw JsErrorCode.STREAM_SNAPSHOT.with("err", NOT_SUPPORTED).exception();
        });
    }

    void restore(Request r) {
        router.guarded(r, "stream_restore_response", o -> o.put("deliver_subject", ""), () -> {
            router.requireJetStream();
            if (r.emptyBody()) {
                throw JsErrorCode.BAD_REQUEST.error().exception();
            }
            GoStruct req = ApiJson.struct(r.body(), "JSApiStreamRestoreRequest");
            req.struct("config", "StreamConfig"); // type checks first, as Go decodes the whole request
            req.struct("state", "StreamState");
            String name = r.tail(2);
            ObjectNode config = req.has("config") ? ((ObjectNode) req.raw("config")).deepCopy()
                    : ApiJson.NODES.objectNode();
            if (!config.hasNonNull("name") || config.get("name").asString("x").isEmpty()) {
                config.put("name", name); // the stream's name comes from the subject unless the config has one
            }
            StreamConfigCheck.normalize(StreamConfigJson.read(GoStruct.of(config, "StreamConfig.config")));
            if (js.stream(name) != null) {
                throw JsErrorCode.STREAM_NAME_EXIST_RESTORE_FAILED.error().exception();
            }
            throw JsErrorCode.STREAM_RESTORE.with("err", RESTORE_NOT_SUPPORTED).exception();
        });
    }
}
