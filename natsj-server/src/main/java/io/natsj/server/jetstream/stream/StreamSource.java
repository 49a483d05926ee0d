package io.natsj.server.jetstream.stream;

import io.natsj.server.jetstream.error.JsErrorCode;
import io.natsj.server.json.GoStruct;
import io.natsj.server.routing.SubjectTransform;
import io.natsj.server.routing.Subjects;
import tools.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One {@code mirror} or {@code sources[]} entry of a stream config: the origin stream, where to start, which
 * subjects, and how to map them. natsj sources from streams on the same server; {@code external} (another domain
 * or account) is refused.
 *
 * @param name          origin stream
 * @param optStartSeq   first origin sequence to copy (0: from the start)
 * @param optStartTime  first origin time to copy, or null
 * @param filterSubject only these subjects ("" for all)
 * @param transforms    subject transforms ({@code subject_transforms}: src to dest pairs)
 */
public record StreamSource(String name, long optStartSeq, Instant optStartTime, String filterSubject,
                           List<SubjectTransform> transforms, List<String> transformSources) {

    /** Reads one entry; errors are nats-server's for mirrors ({@code mirror}) or sources. */
    static StreamSource read(JsonNode node, boolean mirror) {
        GoStruct s = GoStruct.of(node, "StreamSource");
        String name = s.string("name", "");
        if (!StreamConfigCheck.isValidName(name)) {
            throw (mirror ? JsErrorCode.MIRROR_INVALID_STREAM_NAME : JsErrorCode.SOURCE_INVALID_STREAM_NAME)
                    .error().exception();
        }
        if (s.has("external")) {
            throw JsErrorCode.STREAM_INVALID_CONFIG_F.with("err",
                    "external mirrors and sources are not supported by natsj yet").exception();
        }
        Instant startTime = s.time("opt_start_time");
        long startSeq = s.uint64("opt_start_seq", 0);
        if (mirror && startSeq > 0 && startTime != null) {
            throw JsErrorCode.MIRROR_WITH_START_SEQ_AND_TIME.error().exception();
        }
        String filterText = s.string("filter_subject", "");
        String filter = Subjects.fromText(filterText);
        List<SubjectTransform> transforms = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        JsonNode trs = s.raw("subject_transforms");
        if (trs != null && trs.isArray()) {
            if (!filter.isEmpty() && !trs.isEmpty()) {
                throw (mirror ? JsErrorCode.MIRROR_MULTIPLE_FILTERS_NOT_ALLOWED
                        : JsErrorCode.SOURCE_MULTIPLE_FILTERS_NOT_ALLOWED).error().exception();
            }
            for (JsonNode t : trs) {
                GoStruct ts = GoStruct.of(t, "SubjectTransformConfig");
                String srcText = ts.string("src", "");
                String src = Subjects.fromText(srcText);
                String dest = Subjects.fromText(ts.string("dest", ""));
                if (!src.isEmpty() && !Subjects.isValidSubject(src)) {
                    throw (mirror ? JsErrorCode.MIRROR_INVALID_SUBJECT_FILTER
                            : JsErrorCode.SOURCE_INVALID_SUBJECT_FILTER).with("err", "invalid subject " + srcText)
                            .exception();
                }
                for (String other : sources) {
                    if (Subjects.subjectsCollide(other, src.isEmpty() ? ">" : src)) {
                        throw (mirror ? JsErrorCode.MIRROR_OVERLAPPING_SUBJECT_FILTERS
                                : JsErrorCode.SOURCE_OVERLAPPING_SUBJECT_FILTERS).error().exception();
                    }
                }
                sources.add(src.isEmpty() ? ">" : src);
                try {
                    transforms.add(dest.isEmpty() ? null : SubjectTransform.compile(src, dest));
                } catch (IllegalArgumentException e) {
                    throw (mirror ? JsErrorCode.MIRROR_INVALID_TRANSFORM_DESTINATION
                            : JsErrorCode.SOURCE_INVALID_TRANSFORM_DESTINATION).with("err", e.getMessage())
                            .exception();
                }
            }
        }
        if (!filter.isEmpty() && !Subjects.isValidSubject(filter)) {
            throw (mirror ? JsErrorCode.MIRROR_INVALID_SUBJECT_FILTER : JsErrorCode.SOURCE_INVALID_SUBJECT_FILTER)
                    .with("err", "invalid subject " + filterText).exception();
        }
        return new StreamSource(name, startSeq, startTime, filter, transforms, sources);
    }

    /**
     * The raw {@code mirror} or {@code sources} of a config, after the type checks Go makes while it decodes the
     * request (so a wrong type or a bad time there is an "invalid JSON" answer before any other check).
     */
    static JsonNode typeChecked(GoStruct config, String field) {
        if (field.equals("mirror")) {
            GoStruct m = config.struct(field, "StreamSource");
            if (m != null) {
                checkTypes(m);
            }
        } else {
            List<GoStruct> all = config.structs(field, "StreamSource");
            if (all != null) {
                all.forEach(StreamSource::checkTypes);
            }
        }
        return config.raw(field);
    }

    private static void checkTypes(GoStruct s) {
        s.string("name", "");
        s.uint64("opt_start_seq", 0);
        s.time("opt_start_time");
        s.string("filter_subject", "");
        List<GoStruct> transforms = s.structs("subject_transforms", "SubjectTransformConfig");
        if (transforms != null) {
            for (GoStruct t : transforms) {
                t.string("src", "");
                t.string("dest", "");
            }
        }
        GoStruct external = s.struct("external", "ExternalStream");
        if (external != null) {
            external.string("api", "");
            external.string("deliver", "");
        }
    }

    /** The entries of {@code sources}, checked for duplicates. */
    static List<StreamSource> readAll(JsonNode sources) {
        List<StreamSource> out = new ArrayList<>();
        if (sources == null || !sources.isArray()) {
            return out;
        }
        Set<String> seen = new HashSet<>();
        for (JsonNode n : sources) {
            StreamSource s = read(n, false);
            if (!seen.add(s.name() + " " + s.filterSubject() + " " + s.transformSources())) {
                throw JsErrorCode.SOURCE_DUPLICATE_DETECTED.error().exception();
            }
            out.add(s);
        }
        return out;
    }

    /** Whether {@code subject} is one to copy. */
    boolean accepts(String subject) {
        if (!transformSources.isEmpty()) {
            for (String src : transformSources) {
                if (Subjects.matches(src, subject)) {
                    return true;
                }
            }
            return false;
        }
        return filterSubject.isEmpty() || Subjects.matches(filterSubject, subject);
    }

    /** The subject to store {@code subject} under. */
    String map(String subject) {
        for (int i = 0; i < transforms.size(); i++) {
            SubjectTransform t = transforms.get(i);
            if (t != null) {
                String mapped = t.apply(subject);
                if (mapped != null) {
                    return mapped;
                }
            }
        }
        return subject;
    }
}
