package io.natsj.server.jetstream.api;

import io.natsj.server.jetstream.JetStream;
import io.natsj.server.jetstream.api.JsApiRouter.Request;
import io.natsj.server.jetstream.error.JsErrorCode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;

/**
 * {@code $JS.API.ACCOUNT.PURGE.<account>} from the system account, as a single nats-server 2.11.10 serves it: every
 * stream and consumer of the named account is deleted and its JetStream directory removed
 * ({@link JetStream#purgeAccount}), and the answer is {@code {"type":"…account_purge_response","initiated":true}}
 * (for any name: an unknown account or one without JetStream has nothing to delete). A request carrying headers is
 * left unanswered, as nats-server cannot read who sent it. From other accounts the subject is never answered: their
 * API leaves the whole {@code ACCOUNT.>} unanswered.
 *
 * <p>Threading: runs on the router's handler threads; the purge itself is serialised by each account's service.
 */
final class AccountPurgeApi {

    private static final String TYPE = "account_purge_response";

    private final JetStream server;
    private final JsApiRouter router;

    AccountPurgeApi(JetStream server, JsApiRouter router) {
        this.server = server;
        this.router = router;
    }

    void purge(Request r) {
        if (r.headers().length > 0) {
            return;
        }
        try {
            server.purgeAccount(r.tail(2));
        } catch (IOException e) {
            router.respondError(r, TYPE, JsErrorCode.STREAM_GENERAL_ERROR_F.with("err", e.toString()));
            return;
        }
        ObjectNode o = ApiJson.response(TYPE);
        o.put("initiated", true);
        router.respond(r, o);
    }
}
