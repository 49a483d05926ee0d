package io.natsj.server.jetstream.api;

import io.natsj.server.jetstream.JetStream;
import io.natsj.server.jetstream.api.JsApiRouter.Request;
import io.natsj.server.jetstream.error.JsErrorCode;
import io.natsj.server.json.GoStruct;
import tools.jackson.databind.node.ObjectNode;

/**
 * The meta leader's requests from the system account, as nats-server's meta leader serves them. {@code
 * $JS.API.META.LEADER.STEPDOWN}: servers that
 * do not lead the meta group (and a server without one) take the request and say nothing; the leader hands over to
 * the server {@code placement.preferred} names, or to another connected one, and answers
 * {@code {"type":"…meta_leader_stepdown_response","success":true}}, or 10005 with the reason.
 *
 * <p>Threading: runs on the router's handler threads.
 */
final class MetaApi {

    private static final String TYPE = "meta_leader_stepdown_response";
    private static final String REMOVE_TYPE = "meta_server_remove_response";

    private final JetStream server;
    private final JsApiRouter router;

    MetaApi(JetStream server, JsApiRouter router) {
        this.server = server;
        this.router = router;
    }

    private static boolean objectOrArray(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return b == '{' || b == '[';
            }
        }
        return false;
    }

    void stepDown(Request r) {
        MetaLeadership meta = server.metaLeadership();
        if (meta == null || !meta.isLeader()) {
            return;
        }
        router.guarded(r, TYPE, () -> {
            String preferred = null;
            if (objectOrArray(r.body())) { // nats-server reads a body only when it starts as one
                GoStruct req = ApiJson.struct(r.body(), "JSApiLeaderStepdownRequest");
                GoStruct placement = req.struct("placement", "Placement");
                String p = placement == null ? "" : placement.string("preferred", "");
                preferred = p.isEmpty() ? null : p;
            }
            String problem = meta.stepDown(preferred);
            if (problem != null) {
                throw JsErrorCode.CLUSTER_NO_PEERS.with("err", problem).exception();
            }
            ObjectNode o = ApiJson.response(TYPE);
            o.put("success", true);
            router.respond(r, o);
        });
    }

    /**
     * {@code SERVER.REMOVE}: the meta leader removes the server named ({@code peer}, or {@code peer_id}, its node hash,
     * which wins) from the meta group and answers once the change is in the log: {@code success}, or 10003 for an
     * empty request, 10044 "server is not a member of the cluster", 10202 "cluster member change is in progress".
     */
    void serverRemove(Request r) {
        MetaLeadership meta = server.metaLeadership();
        if (meta == null || !meta.isLeader()) {
            return;
        }
        router.guarded(r, REMOVE_TYPE, () -> {
            if (ApiJson.isEmptyRequest(r.body())) {
                throw JsErrorCode.BAD_REQUEST.error().exception();
            }
            GoStruct req = ApiJson.struct(r.body(), "JSApiMetaServerRemoveRequest");
            MetaLeadership.RemoveRefusal refusal = meta.removeServer(req.string("peer", ""),
                    req.string("peer_id", "")).join();
            if (refusal == MetaLeadership.RemoveRefusal.NOT_MEMBER) {
                throw JsErrorCode.CLUSTER_SERVER_NOT_MEMBER.error().exception();
            }
            if (refusal == MetaLeadership.RemoveRefusal.CHANGE_IN_PROGRESS) {
                throw JsErrorCode.CLUSTER_SERVER_MEMBER_CHANGE_INFLIGHT.error().exception();
            }
            ObjectNode o = ApiJson.response(REMOVE_TYPE);
            o.put("success", true);
            router.respond(r, o);
        });
    }
}
