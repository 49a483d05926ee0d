package io.natsj.server.jetstream;

import io.natsj.server.account.Account;
import io.natsj.server.jetstream.api.ApiJson;
import io.natsj.server.jetstream.api.JsErrorCode;
import io.natsj.server.json.GoJson;
import io.natsj.server.routing.DeliveryBatch;
import io.natsj.server.routing.Subscriber;
import io.natsj.server.routing.Subscription;

import java.nio.charset.StandardCharsets;

/**
 * What an account without JetStream hears on a server that runs JetStream: {@code $JS.API.INFO} is answered with
 * nats-server's "JetStream not enabled for account" (503, 10039); every other API subject has no responder.
 *
 * <p>Threading: answers inline on the requester's thread; immutable after construction.
 */
final class JetStreamDisabled implements Subscriber, AutoCloseable {

    private static final byte[] ANSWER = GoJson.COMPACT.writeValueAsString(
                    ApiJson.error("account_info_response", JsErrorCode.NOT_ENABLED_FOR_ACCOUNT.error()))
            .getBytes(StandardCharsets.UTF_8);

    private final Account account;
    private final Subscription sub;

    JetStreamDisabled(Account account) {
        this.account = account;
        this.sub = new Subscription(this, "$JS.API.INFO", null, "js-disabled");
        account.index().insert(sub);
    }

    @Override
    public boolean deliver(Subscription s, String subject, String reply, byte[] buf, int off, int hdrLen,
                           int totalLen, DeliveryBatch batch) {
        if (reply != null && !reply.isEmpty()) {
            account.publishReply(reply, 0, ANSWER, 0, ANSWER.length, batch);
        }
        return true;
    }

    @Override
    public void close() {
        sub.close();
        account.index().remove(sub);
    }
}
