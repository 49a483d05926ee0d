package io.natsj.server.jetstream.api;

import io.natsj.server.jetstream.api.JsApiRouter.Request;
import io.natsj.server.jetstream.error.JsErrorCode;

import java.util.List;

/**
 * The API subjects of clustered JetStream, answered as a nats-server that runs alone answers them: the stream and
 * consumer leader step-downs and the stream peer removal fail at once with "JetStream clustering support required"
 * (503, 10010), before the stream, the consumer or the request body is looked at; the requests that only a
 * cluster's meta leader or the system account may make ({@link #UNANSWERED}) are taken and left unanswered, so
 * the requester waits for its timeout rather than hearing "no responders".
 *
 * <p>Threading: stateless; runs on the router's handler threads.
 */
final class ClusterApi {

    /**
     * Served by a cluster's meta leader ({@code ACCOUNT.PURGE} also by a single server, to the system account only,
     * see {@link AccountPurgeApi}): in an account's API nats-server takes them, and whatever else lies under
     * {@code ACCOUNT.}, and answers nothing.
     */
    static final List<String> UNANSWERED = List.of("META.LEADER.STEPDOWN", "SERVER.REMOVE", "ACCOUNT.>");

    private final JsApiRouter router;

    ClusterApi(JsApiRouter router) {
        this.router = router;
    }

    void streamLeaderStepDown(Request r) {
        router.respondError(r, "stream_leader_stepdown_response", JsErrorCode.CLUSTER_REQUIRED.error());
    }

    void consumerLeaderStepDown(Request r) {
        router.respondError(r, "consumer_leader_stepdown_response", JsErrorCode.CLUSTER_REQUIRED.error());
    }

    void streamPeerRemove(Request r) {
        router.respondError(r, "stream_remove_peer_response", JsErrorCode.CLUSTER_REQUIRED.error());
    }
}
