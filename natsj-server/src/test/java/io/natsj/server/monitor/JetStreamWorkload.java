package io.natsj.server.monitor;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Test helper: the known JetStream workload the monitoring tests run through jnats on natsj or nats-server, and
 * what it leaves behind.
 *
 * <ul>
 *   <li>{@value #ORDERS}: file storage, {@code orders.>}, {@code max_bytes} {@value #ORDERS_MAX_BYTES}; 10 messages
 *       of 100 bytes on {@code orders.a} (4), {@code orders.b} (3), {@code orders.c} (3); durable pull consumer
 *       {@value #WORKER} (explicit ack) that fetched 4 and acked the first 2.</li>
 *   <li>{@value #CACHE}: memory storage, {@code cache.*}, {@code max_bytes} {@value #CACHE_MAX_BYTES}; 3 messages
 *       on {@code cache.x}, 2 on {@code cache.y}, 50 bytes each; durable pull consumer {@value #READER} filtered on
 *       {@code cache.x}, never pulled.</li>
 *   <li>one API request that fails: {@code STREAM.INFO} of a stream that does not exist.</li>
 * </ul>
 */
final class JetStreamWorkload {

    static final String ORDERS = "ORDERS";
    static final String CACHE = "CACHE";
    static final String WORKER = "worker";
    static final String READER = "reader";
    static final long ORDERS_MAX_BYTES = 1024 * 1024;
    static final long CACHE_MAX_BYTES = 64 * 1024;
    static final Duration WAIT = Duration.ofSeconds(10);

    private JetStreamWorkload() {
    }

    static void run(Connection nc) throws Exception {
        JetStreamManagement jsm = nc.jetStreamManagement();
        jsm.addStream(StreamConfiguration.builder().name(ORDERS).subjects("orders.>").storageType(StorageType.File)
                .maxBytes(ORDERS_MAX_BYTES).build());
        jsm.addStream(StreamConfiguration.builder().name(CACHE).subjects("cache.*").storageType(StorageType.Memory)
                .maxBytes(CACHE_MAX_BYTES).build());
        JetStream js = nc.jetStream();
        for (String subject : List.of("orders.a", "orders.b", "orders.c", "orders.a", "orders.b", "orders.c",
                "orders.a", "orders.b", "orders.c", "orders.a")) {
            js.publish(subject, new byte[100]);
        }
        for (String subject : List.of("cache.x", "cache.y", "cache.x", "cache.y", "cache.x")) {
            js.publish(subject, new byte[50]);
        }
        jsm.addOrUpdateConsumer(ORDERS, ConsumerConfiguration.builder().durable(WORKER)
                .ackPolicy(AckPolicy.Explicit).ackWait(Duration.ofMinutes(5)).build());
        jsm.addOrUpdateConsumer(CACHE, ConsumerConfiguration.builder().durable(READER).filterSubject("cache.x")
                .ackPolicy(AckPolicy.Explicit).build());
        JetStreamSubscription sub = js.subscribe(null, PullSubscribeOptions.bind(ORDERS, WORKER));
        List<Message> fetched = sub.fetch(4, WAIT);
        assertThat(fetched).hasSize(4);
        fetched.get(0).ackSync(WAIT);
        fetched.get(1).ackSync(WAIT);
        failedApiRequest(nc);
    }

    /** One JetStream API request answered with an error (stream not found); returns the answer. */
    static String failedApiRequest(Connection nc) throws Exception {
        Message reply = nc.request("$JS.API.STREAM.INFO.NOPE", new byte[0], WAIT);
        String body = new String(reply.getData(), StandardCharsets.UTF_8);
        assertThat(body).contains("\"err_code\":10059");
        return body;
    }
}
