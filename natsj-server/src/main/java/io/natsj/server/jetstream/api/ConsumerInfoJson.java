package io.natsj.server.jetstream.api;

import io.natsj.server.jetstream.JetStreamContext;
import io.natsj.server.jetstream.consumer.Consumer;
import io.natsj.server.jetstream.consumer.ConsumerConfig;
import io.natsj.server.jetstream.consumer.ConsumerConfigJson;
import io.natsj.server.jetstream.consumer.PriorityGroups;
import io.natsj.server.jetstream.stream.StreamConfigCheck;
import io.natsj.server.json.GoFormats;
import tools.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A consumer's info as nats-server's {@code ConsumerInfo} writes it, for the API ({@code CONSUMER.INFO},
 * {@code CONSUMER.LIST}, create answers) and for {@code /jsz}'s {@code consumer_detail}.
 *
 * <p>Threading: {@link #read} waits for the consumer's worker; both methods may run on any thread.
 */
public final class ConsumerInfoJson {

    /** How the consumer's {@code config} appears. */
    public enum ConfigShape {
        /** No {@code config} (as {@code /jsz} without {@code config=true}). */
        NONE,
        /** The stored config (as {@code /jsz} with {@code config=true}). */
        STORED,
        /** The config with the server's version and API level added to its metadata (as API answers show it). */
        WITH_SERVER_METADATA
    }

    private ConsumerInfoJson() {
    }

    /** The consumer's counters, read on its worker for a consistent view (directly when it is stopping). */
    public static Consumer.Info read(Consumer c) {
        try {
            return c.submit(c::info).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return c.info(); // the consumer is stopping: read without its worker
        }
    }

    /** Writes the info of {@code c} with the counters {@code i} into {@code o}. */
    public static void write(ObjectNode o, Consumer c, Consumer.Info i, JetStreamContext ctx, ConfigShape shape) {
        ConsumerConfig cfg = c.config();
        o.put("stream_name", c.stream().name());
        o.put("name", c.name());
        o.put("created", GoFormats.time(nanos(c.created())));
        if (shape != ConfigShape.NONE) {
            o.set("config", config(cfg, ctx, shape));
        }
        ObjectNode delivered = o.putObject("delivered");
        delivered.put("consumer_seq", i.deliveredConsumer());
        delivered.put("stream_seq", i.deliveredStream());
        if (i.lastDelivered() > 0) {
            delivered.put("last_active", GoFormats.time(i.lastDelivered()));
        }
        ObjectNode floor = o.putObject("ack_floor");
        floor.put("consumer_seq", i.ackFloorConsumer());
        floor.put("stream_seq", i.ackFloorStream());
        if (i.lastAck() > 0) {
            floor.put("last_active", GoFormats.time(i.lastAck()));
        }
        o.put("num_ack_pending", i.numAckPending());
        o.put("num_redelivered", i.numRedelivered());
        o.put("num_waiting", i.numWaiting());
        o.put("num_pending", i.numPending());
        if (i.pushBound()) {
            o.put("push_bound", true);
        }
        Instant until = cfg.pauseUntil();
        Instant now = ctx.clock().now();
        if (until != null && until.isAfter(now)) {
            o.put("paused", true);
            o.put("pause_remaining", Duration.between(now, until).toNanos());
        }
        o.put("ts", GoFormats.time(nanos(now)));
        priorityGroups(o, c, cfg);
    }

    /** {@code priority_groups}: as nats-server 2.11, one entry for the first group, with the consumer's pin. */
    private static void priorityGroups(ObjectNode o, Consumer c, ConsumerConfig cfg) {
        List<String> groups = cfg.priorityGroups();
        if (groups == null || groups.isEmpty()) {
            return;
        }
        ObjectNode g = o.putArray("priority_groups").addObject();
        g.put("group", groups.get(0));
        PriorityGroups.Pin pin = c.pin();
        if (!pin.id().isEmpty()) {
            g.put("pinned_client_id", pin.id());
        }
        g.put("pinned_ts", GoFormats.time(pin.pinnedAt())); // Go writes a zero time.Time too
    }

    private static ObjectNode config(ConsumerConfig cfg, JetStreamContext ctx, ConfigShape shape) {
        ObjectNode config = ConsumerConfigJson.write(cfg);
        if (shape == ConfigShape.WITH_SERVER_METADATA) {
            Map<String, String> meta = new LinkedHashMap<>(cfg.metadata() == null ? Map.of() : cfg.metadata());
            meta.put(StreamConfigCheck.VERSION_KEY, ctx.serverVersion());
            meta.put(StreamConfigCheck.LEVEL_KEY, Integer.toString(JsApiRouter.API_LEVEL));
            ObjectNode m = config.putObject("metadata");
            new TreeMap<>(meta).forEach(m::put);
        }
        return config;
    }

    private static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }
}
