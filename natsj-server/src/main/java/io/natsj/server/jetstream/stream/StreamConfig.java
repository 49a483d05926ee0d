package io.natsj.server.jetstream.stream;

import io.natsj.server.store.StorageType;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/**
 * A stream's configuration, field for field nats-server's {@code StreamConfig} (2.11); durations in nanoseconds.
 * {@link StreamConfigJson} reads and writes its JSON; {@link StreamConfigCheck} applies defaults and validates.
 * Limits use -1 for "unlimited" once defaults are applied (0 as sent by clients means "default").
 *
 * <p>Threading: immutable.
 */
public record StreamConfig(
        String name,
        String description,
        List<String> subjects,
        Retention retention,
        int maxConsumers,
        long maxMsgs,
        long maxBytes,
        long maxAge,
        long maxMsgsPerSubject,
        int maxMsgSize,
        Discard discard,
        StorageType storage,
        int replicas,
        boolean noAck,
        String templateOwner,
        long duplicateWindow,
        Placement placement,
        JsonNode mirror,
        JsonNode sources,
        String compression,
        long firstSeq,
        SubjectTransform subjectTransform,
        RePublish republish,
        boolean allowDirect,
        boolean mirrorDirect,
        boolean discardNewPerSubject,
        boolean sealed,
        boolean denyDelete,
        boolean denyPurge,
        boolean allowRollup,
        ConsumerLimits consumerLimits,
        boolean allowMsgTtl,
        long subjectDeleteMarkerTtl,
        Map<String, String> metadata) {

    /** Retention policy; JSON names are nats-server's. */
    public enum Retention {
        LIMITS("limits"), INTEREST("interest"), WORKQUEUE("workqueue");

        public final String json;

        Retention(String json) {
            this.json = json;
        }
    }

    /** Discard policy. */
    public enum Discard {
        OLD("old"), NEW("new");

        public final String json;

        Discard(String json) {
            this.json = json;
        }
    }

    /** {@code placement}. */
    public record Placement(String cluster, List<String> tags, String preferred) {
    }

    /** {@code subject_transform}. */
    public record SubjectTransform(String src, String dest) {
    }

    /** {@code republish}. */
    public record RePublish(String src, String dest, boolean headersOnly) {
    }

    /** {@code consumer_limits}. */
    public record ConsumerLimits(long inactiveThreshold, int maxAckPending) {
        public static final ConsumerLimits NONE = new ConsumerLimits(0, 0);
    }

    /** A copy with other subjects. */
    public StreamConfig withSubjects(List<String> s) {
        return new Builder(this).subjects(s).build();
    }

    /** A copy with other metadata. */
    public StreamConfig withMetadata(Map<String, String> m) {
        return new Builder(this).metadata(m).build();
    }

    /** A builder starting from this config. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Mutable copy-and-change helper for the normalising checks. Not thread-safe. */
    public static final class Builder {
        String name;
        String description;
        List<String> subjects;
        Retention retention;
        int maxConsumers;
        long maxMsgs;
        long maxBytes;
        long maxAge;
        long maxMsgsPerSubject;
        int maxMsgSize;
        Discard discard;
        StorageType storage;
        int replicas;
        boolean noAck;
        String templateOwner;
        long duplicateWindow;
        Placement placement;
        JsonNode mirror;
        JsonNode sources;
        String compression;
        long firstSeq;
        SubjectTransform subjectTransform;
        RePublish republish;
        boolean allowDirect;
        boolean mirrorDirect;
        boolean discardNewPerSubject;
        boolean sealed;
        boolean denyDelete;
        boolean denyPurge;
        boolean allowRollup;
        ConsumerLimits consumerLimits;
        boolean allowMsgTtl;
        long subjectDeleteMarkerTtl;
        Map<String, String> metadata;

        Builder(StreamConfig c) {
            name = c.name;
            description = c.description;
            subjects = c.subjects;
            retention = c.retention;
            maxConsumers = c.maxConsumers;
            maxMsgs = c.maxMsgs;
            maxBytes = c.maxBytes;
            maxAge = c.maxAge;
            maxMsgsPerSubject = c.maxMsgsPerSubject;
            maxMsgSize = c.maxMsgSize;
            discard = c.discard;
            storage = c.storage;
            replicas = c.replicas;
            noAck = c.noAck;
            templateOwner = c.templateOwner;
            duplicateWindow = c.duplicateWindow;
            placement = c.placement;
            mirror = c.mirror;
            sources = c.sources;
            compression = c.compression;
            firstSeq = c.firstSeq;
            subjectTransform = c.subjectTransform;
            republish = c.republish;
            allowDirect = c.allowDirect;
            mirrorDirect = c.mirrorDirect;
            discardNewPerSubject = c.discardNewPerSubject;
            sealed = c.sealed;
            denyDelete = c.denyDelete;
            denyPurge = c.denyPurge;
            allowRollup = c.allowRollup;
            consumerLimits = c.consumerLimits;
            allowMsgTtl = c.allowMsgTtl;
            subjectDeleteMarkerTtl = c.subjectDeleteMarkerTtl;
            metadata = c.metadata;
        }

        Builder subjects(List<String> s) {
            subjects = s;
            return this;
        }

        Builder metadata(Map<String, String> m) {
            metadata = m;
            return this;
        }

        public StreamConfig build() {
            return new StreamConfig(name, description, subjects, retention, maxConsumers, maxMsgs, maxBytes, maxAge,
                    maxMsgsPerSubject, maxMsgSize, discard, storage, replicas, noAck, templateOwner, duplicateWindow,
                    placement, mirror, sources, compression, firstSeq, subjectTransform, republish, allowDirect,
                    mirrorDirect, discardNewPerSubject, sealed, denyDelete, denyPurge, allowRollup, consumerLimits,
                    allowMsgTtl, subjectDeleteMarkerTtl, metadata);
        }
    }
}
