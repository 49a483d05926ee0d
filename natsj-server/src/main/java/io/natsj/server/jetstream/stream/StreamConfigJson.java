package io.natsj.server.jetstream.stream;

import io.natsj.server.jetstream.stream.StreamConfig.ConsumerLimits;
import io.natsj.server.jetstream.stream.StreamConfig.Discard;
import io.natsj.server.jetstream.stream.StreamConfig.Placement;
import io.natsj.server.jetstream.stream.StreamConfig.RePublish;
import io.natsj.server.jetstream.stream.StreamConfig.Retention;
import io.natsj.server.jetstream.stream.StreamConfig.SubjectTransform;
import io.natsj.server.json.GoStruct;
import io.natsj.server.json.GoStruct.GoJsonException;
import io.natsj.server.routing.Subjects;
import io.natsj.server.store.StorageType;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads and writes {@link StreamConfig} as nats-server's JSON: its field names, its field order, its
 * {@code omitempty} choices, and Go's sorted map keys for {@code metadata}.
 *
 * <p>Threading: stateless.
 */
public final class StreamConfigJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private StreamConfigJson() {
    }

    /** Reads a config as sent by a client (defaults not yet applied). */
    public static StreamConfig read(GoStruct s) {
        return new StreamConfig(
                s.string("name", ""),
                s.string("description", ""),
                Subjects.fromText(s.strings("subjects")),
                retention(s.enumString("retention", "limits", "server.RetentionPolicy")),
                s.intValue("max_consumers", 0),
                s.int64("max_msgs", 0),
                s.int64("max_bytes", 0),
                s.duration("max_age"),
                s.int64("max_msgs_per_subject", 0),
                s.int32("max_msg_size", 0),
                discard(s.enumString("discard", "old", "server.DiscardPolicy")),
                storage(s.enumString("storage", null, "server.StorageType")),
                s.intValue("num_replicas", 0),
                s.bool("no_ack"),
                s.string("template_owner", ""),
                s.duration("duplicate_window"),
                placement(s.struct("placement", "Placement")),
                StreamSource.typeChecked(s, "mirror"),
                StreamSource.typeChecked(s, "sources"),
                compression(s.enumString("compression", "none", "server.StoreCompression")),
                s.uint64("first_seq", 0),
                transform(s.struct("subject_transform", "SubjectTransformConfig")),
                republish(s.struct("republish", "RePublish")),
                s.bool("allow_direct"),
                s.bool("mirror_direct"),
                s.bool("discard_new_per_subject"),
                s.bool("sealed"),
                s.bool("deny_delete"),
                s.bool("deny_purge"),
                s.bool("allow_rollup_hdrs"),
                consumerLimits(s.struct("consumer_limits", "StreamConsumerLimits")),
                s.bool("allow_msg_ttl"),
                s.duration("subject_delete_marker_ttl"),
                s.stringMap("metadata"));
    }

    private static Retention retention(String v) {
        return switch (v) {
            case "limits" -> Retention.LIMITS;
            case "interest" -> Retention.INTEREST;
            case "workqueue" -> Retention.WORKQUEUE;
            default -> throw cannotUnmarshal(v);
        };
    }

    private static Discard discard(String v) {
        return switch (v) {
            case "old" -> Discard.OLD;
            case "new" -> Discard.NEW;
            default -> throw cannotUnmarshal(v);
        };
    }

    private static StorageType storage(String s) {
        if (s == null) {
            return null;
        }
        return switch (s) {
            case "file" -> StorageType.FILE;
            case "memory" -> StorageType.MEMORY;
            default -> throw cannotUnmarshal(s);
        };
    }

    /** nats-server's {@code StoreCompression}: "s2" or "none"; anything else, "" too, is refused. */
    private static String compression(String v) {
        if (!v.equals("none") && !v.equals("s2")) {
            throw new GoJsonException("unknown compression algorithm");
        }
        return v;
    }

    private static GoJsonException cannotUnmarshal(String v) {
        return new GoJsonException("can not unmarshal \"\\\"" + v + "\\\"\"");
    }

    private static Placement placement(GoStruct p) {
        return p == null ? null : new Placement(p.string("cluster", ""), p.strings("tags"), p.string("preferred", ""));
    }

    private static SubjectTransform transform(GoStruct t) {
        return t == null ? null : new SubjectTransform(Subjects.fromText(t.string("src", "")),
                Subjects.fromText(t.string("dest", "")));
    }

    private static RePublish republish(GoStruct r) {
        return r == null ? null : new RePublish(Subjects.fromText(r.string("src", "")),
                Subjects.fromText(r.string("dest", "")), r.bool("headers_only"));
    }

    private static ConsumerLimits consumerLimits(GoStruct c) {
        return c == null ? ConsumerLimits.NONE
                : new ConsumerLimits(c.duration("inactive_threshold"), c.intValue("max_ack_pending", 0));
    }

    /** Writes the config in nats-server's field order. */
    public static ObjectNode write(StreamConfig c) {
        ObjectNode o = NODES.objectNode();
        o.put("name", c.name());
        if (!c.description().isEmpty()) {
            o.put("description", c.description());
        }
        if (c.subjects() != null && !c.subjects().isEmpty()) {
            o.set("subjects", strings(c.subjects().stream().map(Subjects::toText).toList()));
        }
        o.put("retention", c.retention().json);
        o.put("max_consumers", c.maxConsumers());
        o.put("max_msgs", c.maxMsgs());
        o.put("max_bytes", c.maxBytes());
        o.put("max_age", c.maxAge());
        o.put("max_msgs_per_subject", c.maxMsgsPerSubject());
        if (c.maxMsgSize() != 0) {
            o.put("max_msg_size", c.maxMsgSize());
        }
        o.put("discard", c.discard().json);
        o.put("storage", c.storage() == null ? "file" : c.storage().json());
        o.put("num_replicas", c.replicas());
        if (c.noAck()) {
            o.put("no_ack", true);
        }
        if (!c.templateOwner().isEmpty()) {
            o.put("template_owner", c.templateOwner());
        }
        if (c.duplicateWindow() != 0) {
            o.put("duplicate_window", c.duplicateWindow());
        }
        if (c.placement() != null) {
            o.set("placement", placement(c.placement()));
        }
        if (c.mirror() != null) {
            o.set("mirror", c.mirror());
        }
        if (c.sources() != null && !(c.sources().isArray() && c.sources().isEmpty())) {
            o.set("sources", c.sources());
        }
        o.put("compression", c.compression());
        if (c.firstSeq() != 0) {
            o.put("first_seq", c.firstSeq());
        }
        if (c.subjectTransform() != null) {
            ObjectNode t = o.putObject("subject_transform");
            t.put("src", Subjects.toText(c.subjectTransform().src()));
            t.put("dest", Subjects.toText(c.subjectTransform().dest()));
        }
        if (c.republish() != null) {
            ObjectNode r = o.putObject("republish");
            if (!c.republish().src().isEmpty()) {
                r.put("src", Subjects.toText(c.republish().src()));
            }
            r.put("dest", Subjects.toText(c.republish().dest()));
            if (c.republish().headersOnly()) {
                r.put("headers_only", true);
            }
        }
        o.put("allow_direct", c.allowDirect());
        o.put("mirror_direct", c.mirrorDirect());
        if (c.discardNewPerSubject()) {
            o.put("discard_new_per_subject", true);
        }
        o.put("sealed", c.sealed());
        o.put("deny_delete", c.denyDelete());
        o.put("deny_purge", c.denyPurge());
        o.put("allow_rollup_hdrs", c.allowRollup());
        ObjectNode limits = o.putObject("consumer_limits");
        if (c.consumerLimits().inactiveThreshold() != 0) {
            limits.put("inactive_threshold", c.consumerLimits().inactiveThreshold());
        }
        if (c.consumerLimits().maxAckPending() != 0) {
            limits.put("max_ack_pending", c.consumerLimits().maxAckPending());
        }
        o.put("allow_msg_ttl", c.allowMsgTtl());
        if (c.subjectDeleteMarkerTtl() != 0) {
            o.put("subject_delete_marker_ttl", c.subjectDeleteMarkerTtl());
        }
        if (c.metadata() != null && !c.metadata().isEmpty()) {
            ObjectNode m = o.putObject("metadata");
            new TreeMap<>(c.metadata()).forEach(m::put);
        }
        return o;
    }

    private static ObjectNode placement(Placement p) {
        ObjectNode o = NODES.objectNode();
        if (!p.cluster().isEmpty()) {
            o.put("cluster", p.cluster());
        }
        if (p.tags() != null && !p.tags().isEmpty()) {
            o.set("tags", strings(p.tags()));
        }
        if (!p.preferred().isEmpty()) {
            o.put("preferred", p.preferred());
        }
        return o;
    }

    private static ArrayNode strings(List<String> list) {
        ArrayNode a = NODES.arrayNode();
        list.forEach(a::add);
        return a;
    }

    /** The metadata map, or an empty one. */
    static Map<String, String> metadataOf(StreamConfig c) {
        return c.metadata() == null ? Map.of() : c.metadata();
    }
}
