package io.natsj.server.jetstream.consumer;

import io.natsj.server.jetstream.consumer.ConsumerConfig.AckPolicy;
import io.natsj.server.jetstream.consumer.ConsumerConfig.DeliverPolicy;
import io.natsj.server.jetstream.consumer.ConsumerConfig.ReplayPolicy;
import io.natsj.server.json.GoFormats;
import io.natsj.server.json.GoStruct;
import io.natsj.server.json.GoStruct.GoJsonException;
import io.natsj.server.routing.Subjects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Reads and writes {@link ConsumerConfig} as nats-server's JSON (field names, order, {@code omitempty}).
 *
 * <p>Threading: stateless.
 */
public final class ConsumerConfigJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ConsumerConfigJson() {
    }

    /** Reads a config as sent by a client (no defaults applied). */
    public static ConsumerConfig read(GoStruct s) {
        return new ConsumerConfig(
                s.string("durable_name", ""),
                s.string("name", ""),
                s.string("description", ""),
                deliverPolicy(s.enumString("deliver_policy", "all", "server.DeliverPolicy")),
                s.uint64("opt_start_seq", 0),
                time(s, "opt_start_time"),
                ackPolicy(s.enumString("ack_policy", "none", "server.AckPolicy")),
                s.duration("ack_wait"),
                s.intValue("max_deliver", 0),
                durations(s.raw("backoff")),
                Subjects.fromText(s.string("filter_subject", "")),
                Subjects.fromText(s.strings("filter_subjects")),
                replayPolicy(s.enumString("replay_policy", "instant", "server.ReplayPolicy")),
                s.uint64("rate_limit_bps", 0),
                s.string("sample_freq", ""),
                s.intValue("max_waiting", 0),
                s.intValue("max_ack_pending", 0),
                s.bool("flow_control"),
                s.bool("headers_only"),
                s.intValue("max_batch", 0),
                s.duration("max_expires"),
                s.intValue("max_bytes", 0),
                Subjects.fromText(s.string("deliver_subject", "")),
                Subjects.fromText(s.string("deliver_group", "")),
                s.duration("idle_heartbeat"),
                s.duration("inactive_threshold"),
                s.intValue("num_replicas", 0),
                s.bool("mem_storage"),
                s.bool("direct"),
                s.stringMap("metadata"),
                time(s, "pause_until"),
                s.strings("priority_groups"),
                priorityPolicy(s.isNull("priority_policy") ? NullNode.getInstance() : s.raw("priority_policy")),
                s.duration("priority_timeout"));
    }

    /** A time field; the zero time reads as absent. */
    private static Instant time(GoStruct s, String name) {
        Instant t = s.time(name);
        return t == null || t.equals(Instant.parse(GoFormats.ZERO_TIME)) ? null : t;
    }

    private static List<Long> durations(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isArray()) {
            throw new GoJsonException("json: cannot unmarshal " + (n.isObject() ? "object" : "value")
                    + " into Go struct field ConsumerConfig.backoff of type []time.Duration");
        }
        List<Long> out = new ArrayList<>();
        for (JsonNode d : n) {
            if (!d.isIntegralNumber()) {
                throw new GoJsonException("json: cannot unmarshal " + d.getNodeType().name().toLowerCase()
                        + " into Go struct field ConsumerConfig.backoff of type time.Duration");
            }
            out.add(d.longValue());
        }
        return out;
    }

    /**
     * {@code priority_policy} as nats-server 2.11 reads it: {@code none} (kept as ""), {@code overflow} or
     * {@code pinned_client}; anything else (2.12's {@code prioritized} too) is its "unknown priority policy".
     */
    private static String priorityPolicy(JsonNode n) {
        if (n == null) {
            return "";
        }
        String v = n.isString() ? n.asString() : null;
        if ("none".equals(v)) {
            return "";
        }
        if (PriorityConfigCheck.OVERFLOW.equals(v) || PriorityConfigCheck.PINNED_CLIENT.equals(v)) {
            return v;
        }
        throw new GoJsonException("unknown priority policy: " + n);
    }

    private static DeliverPolicy deliverPolicy(String v) {
        for (DeliverPolicy p : DeliverPolicy.values()) {
            if (p.json.equals(v)) {
                return p;
            }
        }
        if (v.equals("undefined")) {
            return DeliverPolicy.ALL;
        }
        throw new GoJsonException("can not unmarshal \"\\\"" + v + "\\\"\"");
    }

    private static AckPolicy ackPolicy(String v) {
        for (AckPolicy p : AckPolicy.values()) {
            if (p.json.equals(v)) {
                return p;
            }
        }
        throw new GoJsonException("can not unmarshal \"\\\"" + v + "\\\"\"");
    }

    private static ReplayPolicy replayPolicy(String v) {
        for (ReplayPolicy p : ReplayPolicy.values()) {
            if (p.json.equals(v)) {
                return p;
            }
        }
        throw new GoJsonException("can not unmarshal \"\\\"" + v + "\\\"\"");
    }

    /** Writes the config in nats-server's field order. */
    public static ObjectNode write(ConsumerConfig c) {
        ObjectNode o = NODES.objectNode();
        putIf(o, "durable_name", c.durableName());
        putIf(o, "name", c.name());
        putIf(o, "description", c.description());
        o.put("deliver_policy", c.deliverPolicy().json);
        if (c.optStartSeq() != 0) {
            o.put("opt_start_seq", c.optStartSeq());
        }
        if (c.optStartTime() != null) {
            o.put("opt_start_time", io.natsj.server.json.GoFormats.rfc3339Nano(c.optStartTime()));
        }
        o.put("ack_policy", c.ackPolicy().json);
        if (c.ackWait() != 0) {
            o.put("ack_wait", c.ackWait());
        }
        if (c.maxDeliver() != 0) {
            o.put("max_deliver", c.maxDeliver());
        }
        if (c.backoff() != null && !c.backoff().isEmpty()) {
            ArrayNode b = o.putArray("backoff");
            c.backoff().forEach(b::add);
        }
        putIf(o, "filter_subject", Subjects.toText(c.filterSubject()));
        if (c.filterSubjects() != null && !c.filterSubjects().isEmpty()) {
            ArrayNode f = o.putArray("filter_subjects");
            c.filterSubjects().forEach(x -> f.add(Subjects.toText(x)));
        }
        o.put("replay_policy", c.replayPolicy().json);
        if (c.rateLimitBps() != 0) {
            o.put("rate_limit_bps", c.rateLimitBps());
        }
        putIf(o, "sample_freq", c.sampleFreq());
        if (c.maxWaiting() != 0) {
            o.put("max_waiting", c.maxWaiting());
        }
        if (c.maxAckPending() != 0) {
            o.put("max_ack_pending", c.maxAckPending());
        }
        if (c.flowControl()) {
            o.put("flow_control", true);
        }
        if (c.headersOnly()) {
            o.put("headers_only", true);
        }
        if (c.maxBatch() != 0) {
            o.put("max_batch", c.maxBatch());
        }
        if (c.maxExpires() != 0) {
            o.put("max_expires", c.maxExpires());
        }
        if (c.maxBytes() != 0) {
            o.put("max_bytes", c.maxBytes());
        }
        putIf(o, "deliver_subject", Subjects.toText(c.deliverSubject()));
        putIf(o, "deliver_group", Subjects.toText(c.deliverGroup()));
        if (c.idleHeartbeat() != 0) {
            o.put("idle_heartbeat", c.idleHeartbeat());
        }
        if (c.inactiveThreshold() != 0) {
            o.put("inactive_threshold", c.inactiveThreshold());
        }
        o.put("num_replicas", c.replicas());
        if (c.memStorage()) {
            o.put("mem_storage", true);
        }
        if (c.direct()) {
            o.put("direct", true);
        }
        if (c.metadata() != null && !c.metadata().isEmpty()) {
            ObjectNode m = o.putObject("metadata");
            new TreeMap<>(c.metadata()).forEach(m::put);
        }
        if (c.pauseUntil() != null) {
            o.put("pause_until", io.natsj.server.json.GoFormats.rfc3339Nano(c.pauseUntil()));
        }
        if (c.priorityGroups() != null && !c.priorityGroups().isEmpty()) {
            ArrayNode g = o.putArray("priority_groups");
            c.priorityGroups().forEach(g::add);
        }
        putIf(o, "priority_policy", c.priorityPolicy());
        if (c.priorityTimeout() != 0) {
            o.put("priority_timeout", c.priorityTimeout());
        }
        return o;
    }

    private static void putIf(ObjectNode o, String key, String value) {
        if (value != null && !value.isEmpty()) {
            o.put(key, value);
        }
    }
}
