package io.natsj.server.jetstream.consumer;

import io.natsj.server.json.GoStruct;

/**
 * The priority-group fields of a JSON pull request (nats-server's {@code PriorityGroup}, inlined in
 * {@code JSApiConsumerGetNextRequest}): {@code group}, {@code min_pending}, {@code min_ack_pending} and the pinned
 * client's {@code id}. A request with a JSON body always has one (its fields may all be empty); a request whose
 * body is empty or a plain number has none. {@code priority} (nats-server 2.12's {@code prioritized} policy) is not
 * read: 2.11 ignores it.
 *
 * <p>Threading: immutable.
 */
record PriorityRequest(String group, long minPending, long minAckPending, String id) {

    static PriorityRequest read(GoStruct s) {
        return new PriorityRequest(s.string("group", ""), s.int64("min_pending", 0), s.int64("min_ack_pending", 0),
                s.string("id", ""));
    }

    boolean hasId() {
        return !id.isEmpty();
    }
}
