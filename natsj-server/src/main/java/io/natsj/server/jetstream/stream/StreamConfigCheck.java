package io.natsj.server.jetstream.stream;

import io.natsj.server.jetstream.error.JsApiException;
import io.natsj.server.jetstream.error.JsErrorCode;
import io.natsj.server.jetstream.stream.StreamConfig.Discard;
import io.natsj.server.jetstream.stream.StreamConfig.Retention;
import io.natsj.server.routing.SubjectTransform;
import io.natsj.server.routing.Subjects;
import io.natsj.server.store.StorageType;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * nats-server's rules for stream configurations: the defaults a create fills in, the checks that reject a config,
 * and the changes an update may not make. Each failure is the catalogued error nats-server returns, mostly
 * {@code 10052} with nats-server's text.
 *
 * <p>Threading: stateless.
 */
public final class StreamConfigCheck {

    /** Longest stream name. */
    public static final int MAX_NAME_LEN = 255;
    private static final int MAX_DESCRIPTION_LEN = 4 * 1024;
    private static final int MAX_METADATA_LEN = 128 * 1024;
    private static final long MS_100 = 100_000_000L;
    private static final long DEFAULT_DUPLICATE_WINDOW = 120_000_000_000L;
    private static final int MAX_REPLICAS = 5;

    /** The required-API-level metadata key a create stores. */
    public static final String REQUIRED_LEVEL_KEY = "_nats.req.level";
    /** The metadata keys added to responses only. */
    public static final String VERSION_KEY = "_nats.ver";
    public static final String LEVEL_KEY = "_nats.level";

    private StreamConfigCheck() {
    }

    private static JsApiException invalid(String text) {
        return JsErrorCode.STREAM_INVALID_CONFIG_F.with("err", text).exception();
    }

    /** Whether {@code name} is a valid stream (or consumer) name: non-empty, no white space, no {@code . * >}. */
    public static boolean isValidName(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '.' || c == '*' || c == '>' || c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f') {
                return false;
            }
        }
        return true;
    }

    /** Fills in nats-server's defaults and validates; the result is what the stream stores. */
    public static StreamConfig normalize(StreamConfig in) {
        if (!isValidName(in.name())) {
            throw invalid("stream name is required and can not contain '.', '*', '>'");
        }
        if (in.name().length() > MAX_NAME_LEN) {
            throw invalid("stream name is too long, maximum allowed is " + MAX_NAME_LEN);
        }
        if (in.description().length() > MAX_DESCRIPTION_LEN) {
            throw invalid("stream description is too long, maximum allowed is " + MAX_DESCRIPTION_LEN);
        }
        int metadataLen = 0;
        for (Map.Entry<String, String> e : StreamConfigJson.metadataOf(in).entrySet()) {
            metadataLen += e.getKey().length() + e.getValue().length();
        }
        if (metadataLen > MAX_METADATA_LEN) {
            throw invalid("stream metadata exceeds maximum size of " + MAX_METADATA_LEN + " bytes");
        }
        StreamConfig.Builder b = in.toBuilder();
        if (b.storage == null) {
            b.storage = StorageType.FILE;
        }
        if (b.replicas == 0) {
            b.replicas = 1;
        }
        if (b.replicas > MAX_REPLICAS) {
            throw invalid("maximum replicas is " + MAX_REPLICAS);
        }
        if (b.replicas < 0) {
            throw JsErrorCode.REPLICAS_COUNT_CANNOT_BE_NEGATIVE.error().exception();
        }
        b.maxMsgs = b.maxMsgs == 0 ? -1 : b.maxMsgs;
        b.maxMsgsPerSubject = b.maxMsgsPerSubject == 0 ? -1 : b.maxMsgsPerSubject;
        b.maxBytes = b.maxBytes == 0 ? -1 : b.maxBytes;
        b.maxMsgSize = b.maxMsgSize == 0 ? -1 : b.maxMsgSize;
        b.maxConsumers = b.maxConsumers == 0 ? -1 : b.maxConsumers;
        if (b.duplicateWindow == 0 && b.mirror == null) {
            b.duplicateWindow = b.maxAge != 0 && b.maxAge < DEFAULT_DUPLICATE_WINDOW ? b.maxAge
                    : DEFAULT_DUPLICATE_WINDOW;
        }
        checkDurations(b);
        if (b.denyPurge && b.allowRollup) {
            throw invalid("roll-ups require the purge permission");
        }
        if (b.discardNewPerSubject) {
            checkDiscardNewPerSubject(b);
        }
        if (b.subjectDeleteMarkerTtl > 0) {
            if (!b.allowMsgTtl) {
                throw invalid("subject marker delete cannot be set if message TTLs are disabled");
            }
            if (b.subjectDeleteMarkerTtl < 1_000_000_000L) {
                throw invalid("subject marker delete TTL must be at least 1 second");
            }
        } else if (b.subjectDeleteMarkerTtl < 0) {
            throw invalid("subject marker delete TTL must not be negative");
        }
        boolean hasSources = b.sources != null && b.sources.isArray() && !b.sources.isEmpty();
        if (b.mirror != null) {
            if (b.firstSeq > 0) {
                throw JsErrorCode.MIRROR_WITH_FIRST_SEQ.error().exception();
            }
            if (b.subjects != null && !b.subjects.isEmpty()) {
                throw JsErrorCode.MIRROR_WITH_SUBJECTS.error().exception();
            }
            if (hasSources) {
                throw JsErrorCode.MIRROR_WITH_SOURCES.error().exception();
            }
            if (b.subjectDeleteMarkerTtl > 0) {
                throw invalid("subject delete markers forbidden on mirrors");
            }
            StreamSource.read(b.mirror, true);
        }
        StreamSource.readAll(b.sources);
        boolean noSubjects = b.subjects == null || b.subjects.isEmpty();
        // a mirror, or a stream of sources without subjects of its own, captures nothing itself
        b.subjects = noSubjects && (b.mirror != null || hasSources) ? List.of() : checkSubjects(b);
        checkRepublish(b);
        checkTransform(b);
        if (b.placement != null && !b.placement.preferred().isEmpty()) {
            throw invalid("preferred server not permitted in placement");
        }
        return b.build();
    }

    private static void checkDurations(StreamConfig.Builder b) {
        if (b.maxAge > 0 && b.maxAge < MS_100) {
            throw invalid("max age needs to be >= 100ms");
        }
        if (b.duplicateWindow < 0) {
            throw invalid("duplicates window can not be negative");
        }
        if (b.maxAge != 0 && b.duplicateWindow > b.maxAge) {
            throw invalid("duplicates window can not be larger then max age");
        }
        if (b.duplicateWindow > 0 && b.duplicateWindow < MS_100) {
            throw invalid("duplicates window needs to be >= 100ms");
        }
    }

    private static void checkDiscardNewPerSubject(StreamConfig.Builder b) {
        if (b.discard != Discard.NEW) {
            throw invalid("discard new per subject requires discard new policy to be set");
        }
        if (b.maxMsgsPerSubject <= 0) {
            throw invalid("discard new per subject requires max msgs per subject > 0");
        }
    }

    private static List<String> checkSubjects(StreamConfig.Builder b) {
        if (b.subjects == null || b.subjects.isEmpty()) {
            return List.of(b.name);
        }
        Set<String> seen = new HashSet<>();
        for (String subject : b.subjects) {
            if (!Subjects.isValidSubject(subject)) {
                throw invalid("invalid subject");
            }
            if (!seen.add(subject)) {
                throw invalid("duplicate subjects detected");
            }
            if (subject.equals(">")) {
                if (!b.noAck) {
                    throw invalid("capturing all subjects requires no-ack to be true");
                }
                if (b.replicas != 1) {
                    throw invalid("capturing all subjects requires replicas of 1");
                }
            }
            if (!b.noAck && (Subjects.subjectIsSubsetMatch(subject, "$JS.>")
                    || Subjects.subjectIsSubsetMatch(subject, "$JSC.>"))
                    && !Subjects.subjectIsSubsetMatch(subject, "$JS.EVENT.>")) {
                throw invalid("subjects that overlap with jetstream api require no-ack to be true");
            }
            if (!b.noAck && Subjects.subjectIsSubsetMatch(subject, "$SYS.>")
                    && !Subjects.subjectIsSubsetMatch(subject, "$SYS.ACCOUNT.>")) {
                throw invalid("subjects that overlap with system api require no-ack to be true");
            }
        }
        for (String a : b.subjects) {
            for (String other : b.subjects) {
                if (!other.equals(a) && Subjects.subjectsCollide(other, a)) {
                    throw invalid("subject \"" + Subjects.toText(a) + "\" overlaps with \"" + Subjects.toText(other)
                            + "\"");
                }
            }
        }
        return List.copyOf(b.subjects);
    }

    private static void checkRepublish(StreamConfig.Builder b) {
        if (b.republish == null) {
            return;
        }
        String src = b.republish.src().isEmpty() ? ">" : b.republish.src();
        String dest = b.republish.dest();
        for (String subject : b.subjects) {
            if (Subjects.subjectsCollide(dest, subject)) {
                throw invalid("stream configuration for republish destination forms a cycle");
            }
        }
        try {
            SubjectTransform.compile(src, dest);
        } catch (IllegalArgumentException e) {
            throw invalid("stream configuration for republish with transform from '" + Subjects.toText(src) + "' to '"
                    + Subjects.toText(dest) + "' not valid");
        }
        b.republish = new StreamConfig.RePublish(src, dest, b.republish.headersOnly());
    }

    private static void checkTransform(StreamConfig.Builder b) {
        if (b.subjectTransform == null) {
            return;
        }
        String src = b.subjectTransform.src();
        if (!src.isEmpty() && !Subjects.isValidSubject(src)) {
            throw JsErrorCode.STREAM_TRANSFORM_INVALID_SOURCE.with("err", "invalid subject " + Subjects.toText(src))
                    .exception();
        }
        try {
            SubjectTransform.compile(src, b.subjectTransform.dest());
        } catch (IllegalArgumentException e) {
            throw JsErrorCode.STREAM_TRANSFORM_INVALID_DESTINATION.with("err", e.getMessage()).exception();
        }
    }

    /** The checks a create makes beyond {@link #normalize}, before it. */
    public static void checkCreate(StreamConfig in) {
        if (in.name().contains("/") || in.name().contains("\\")) {
            throw JsErrorCode.STREAM_NAME_CONTAINS_PATH_SEPARATORS.error().exception();
        }
        if (in.sealed()) {
            throw invalid("stream configuration for create can not be sealed");
        }
        if (in.mirrorDirect() && in.mirror() == null) {
            throw invalid("stream has no mirror but does have mirror direct");
        }
    }

    /** Validates an update of {@code old} (stored) to {@code requested}; returns the config to store. */
    public static StreamConfig checkUpdate(StreamConfig old, StreamConfig requested) {
        StreamConfig cfg = normalize(requested);
        if (!cfg.name().equals(old.name())) {
            throw invalid("stream configuration name must match original");
        }
        if (cfg.maxConsumers() != old.maxConsumers()) {
            throw invalid("stream configuration update can not change MaxConsumers");
        }
        if (cfg.storage() != old.storage()) {
            throw invalid("stream configuration update can not change storage type");
        }
        if (cfg.retention() != old.retention()
                && (old.retention() == Retention.WORKQUEUE || cfg.retention() == Retention.WORKQUEUE)) {
            throw invalid("stream configuration update can not change retention policy to/from workqueue");
        }
        if (!java.util.Objects.equals(cfg.mirror(), old.mirror())) {
            throw JsErrorCode.STREAM_MIRROR_NOT_UPDATABLE.error().exception();
        }
        if (!cfg.sealed() && old.sealed()) {
            throw invalid("stream configuration update can not unseal a sealed stream");
        }
        if (!cfg.denyDelete() && old.denyDelete()) {
            throw invalid("stream configuration update can not cancel deny message deletes");
        }
        if (!cfg.denyPurge() && old.denyPurge()) {
            throw invalid("stream configuration update can not cancel deny purge");
        }
        if (cfg.allowMsgTtl() != old.allowMsgTtl()) {
            throw invalid("message TTL status can not be changed after stream creation");
        }
        StreamConfig.Builder b = cfg.toBuilder();
        if (b.sealed) {
            b.maxAge = 0;
            b.discard = Discard.NEW;
            b.denyDelete = true;
            b.denyPurge = true;
            b.allowRollup = false;
        }
        b.metadata = withStaticMetadata(b.metadata, old.metadata());
        return b.build();
    }

    /**
     * The metadata a create stores: the client's, without the response-only keys, plus the API level the config
     * requires (1 when it uses per-message TTLs, else 0).
     */
    public static Map<String, String> staticMetadata(StreamConfig cfg) {
        Map<String, String> m = new LinkedHashMap<>(StreamConfigJson.metadataOf(cfg));
        m.remove(VERSION_KEY);
        m.remove(LEVEL_KEY);
        m.put(REQUIRED_LEVEL_KEY, cfg.allowMsgTtl() || cfg.subjectDeleteMarkerTtl() > 0 ? "1" : "0");
        return m;
    }

    /** An update keeps the required level the stream was created with. */
    private static Map<String, String> withStaticMetadata(Map<String, String> requested, Map<String, String> old) {
        Map<String, String> m = new LinkedHashMap<>(requested == null ? Map.of() : requested);
        m.remove(VERSION_KEY);
        m.remove(LEVEL_KEY);
        if (old != null && old.containsKey(REQUIRED_LEVEL_KEY)) {
            m.put(REQUIRED_LEVEL_KEY, old.get(REQUIRED_LEVEL_KEY));
        } else {
            m.remove(REQUIRED_LEVEL_KEY);
        }
        return m.isEmpty() ? null : m;
    }

    /** The metadata shown in responses: the stored keys plus the server's version and API level. */
    public static Map<String, String> dynamicMetadata(StreamConfig cfg, String serverVersion) {
        Map<String, String> m = new LinkedHashMap<>(StreamConfigJson.metadataOf(cfg));
        m.put(VERSION_KEY, serverVersion);
        m.put(LEVEL_KEY, "1");
        return m;
    }

    /** Subjects of {@code cfg} that collide with any of {@code others}. */
    public static List<String> overlaps(List<String> subjects, List<String> others) {
        List<String> out = new ArrayList<>();
        for (String a : subjects) {
            for (String b : others) {
                if (Subjects.subjectsCollide(a, b)) {
                    out.add(a);
                }
            }
        }
        return out;
    }
}
