package io.natsj.server.jetstream;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * natsj answers the JetStream stream API and JetStream publishes like nats-server: each case sends the same raw
 * requests (JSON bodies, publishes with headers, direct gets) to a fresh nats-server 2.9.10 ({@code -js}) and a fresh
 * natsj, and every reply must be equal field by field, once the fields that differ by nature are removed (times) and
 * the fields nats-server added after 2.9.10 that natsj, targeting 2.11.0, sends ({@link #ADDED_AFTER_2_9}). Memory
 * storage throughout, so byte counts must match exactly. Skipped when nats-server is not installed.
 *
 * <p>Differences allowed, each for a reason checked in nats-server's sources (2.9.10 vs 2.11.0):
 * <ul>
 *   <li>times: {@code created, ts, first_ts, last_ts}, a message's {@code time}, a direct get's
 *       {@code Nats-Time-Stamp};</li>
 *   <li>fields added after 2.9.10 ({@link #ADDED_AFTER_2_9}): {@code config.compression, consumer_limits,
 *       allow_msg_ttl, subject_delete_marker_ttl, metadata, first_seq, subject_transform}, account info
 *       {@code reserved_memory, reserved_storage, api.level};</li>
 *   <li>per case ({@link Case#allowed()}): error texts 2.11 changed (invalid JSON now carries Go's parse error,
 *       retention updates name workqueue, the JS API capture rule names no-ack); {@code state.num_subjects} after a
 *       compaction and {@code state.deleted} after deleting the last message, wrong in 2.9.10's memory store;
 *       {@code api.total} in the account info case, a natsj race shown by its own disabled test.</li>
 * </ul>
 * Cases where 2.9.10 and 2.11 behave differently altogether (2.11 refuses {@code >} without no_ack, allows
 * limits/interest retention changes, answers an invalid roll-up value) are left to {@code StreamApiIT} and
 * {@code PublishIT}, which assert 2.11.0's behaviour. Every other difference is a {@code BUG} test here: the
 * ones natsj has fixed run as regression tests, the open ones are disabled.
 */
@Timeout(300)
class StreamDifferentialIT {

    static final Duration REPLY_WAIT = Duration.ofSeconds(3);

    /** The key under which {@link #strip} looks up the top level of an account info answer. */
    static final String ACCOUNT_INFO = "io.nats.jetstream.api.v1.account_info_response";

    /** Keys removed wherever they appear: times, which differ by nature. */
    static final Set<String> TIMES = Set.of("created", "ts", "first_ts", "last_ts", "time");

    /**
     * Fields of nats-server 2.11.0 that 2.9.10 lacks, removed from both answers: in a stream config (create, update,
     * info, list), and in account info.
     */
    static final Map<String, Set<String>> ADDED_AFTER_2_9 = Map.of(
            "config", Set.of("compression", "consumer_limits", "allow_msg_ttl", "subject_delete_marker_ttl",
                    "metadata", "first_seq", "subject_transform"),
            "api", Set.of("level"),
            ACCOUNT_INFO, Set.of("reserved_memory", "reserved_storage"));


    /** nats-server 2.9.10's memory store forgets to update its per-subject counts on a compaction (fixed by 2.11). */
    static final String COMPACT_BUG_2_9 = "nats-server 2.9.10's memory store does not update num_subjects when it "
            + "compacts (purge by seq, rollup all); 2.11.0 does, as natsj";
    /** Texts nats-server changed after 2.9.10; natsj has 2.11.0's. */
    static final String TEXT_CHANGED_2_11 = "error text changed after 2.9.10; natsj has 2.11.0's (asserted in "
            + "StreamApiIT)";

    /** One request: to a subject, with optional headers, a body, and how to read the reply. */
    record Step(String subject, List<String> headers, String body, boolean direct) {
        @Override
        public String toString() {
            return subject + (headers.isEmpty() ? "" : " " + headers) + " " + body;
        }
    }

    /**
     * A named sequence of requests, and the differences allowed in its replies: path (as {@link #diff} prints it) to
     * the reason.
     */
    record Case(String name, List<Step> steps, Map<String, String> allowed) {
        @Override
        public String toString() {
            return name;
        }

        Case allow(String path, String reason) {
            Map<String, String> m = new TreeMap<>(allowed);
            m.put(path, reason);
            return new Case(name, steps, m);
        }
    }

    static Step api(String tail, String body) {
        return new Step("$JS.API." + tail, List.of(), body, false);
    }

    static Step pub(String subject, String body, String... headers) {
        return new Step(subject, List.of(headers), body, false);
    }

    static Step direct(String tail, String body) {
        return new Step("$JS.API.DIRECT.GET." + tail, List.of(), body, true);
    }

    static Case c(String name, Step... steps) {
        return new Case(name, List.of(steps), Map.of());
    }

    static Step create(String name, String extra) {
        return api("STREAM.CREATE." + name, "{\"name\":\"" + name + "\",\"storage\":\"memory\""
                + (extra.isEmpty() ? "" : "," + extra) + "}");
    }

    static Step update(String name, String extra) {
        return api("STREAM.UPDATE." + name, "{\"name\":\"" + name + "\",\"storage\":\"memory\""
                + (extra.isEmpty() ? "" : "," + extra) + "}");
    }

    static Step info(String name, String body) {
        return api("STREAM.INFO." + name, body);
    }

    static final String S = "\"subjects\":[\"s.>\"]";

    static final List<Case> CASES = List.of(
            // ---- create ----
            c("create", create("S", S), info("S", "")),
            c("create with defaults", create("D", "")),
            c("create with many fields", create("F", S + ",\"description\":\"d\",\"max_msgs\":10,\"max_bytes\":4096,"
                    + "\"max_age\":3600000000000,\"max_msgs_per_subject\":3,\"max_msg_size\":512,\"discard\":\"new\","
                    + "\"discard_new_per_subject\":true,\"duplicate_window\":60000000000,\"allow_rollup_hdrs\":true,"
                    + "\"deny_delete\":true,\"allow_direct\":true,"
                    + "\"republish\":{\"src\":\"s.>\",\"dest\":\"rep.>\",\"headers_only\":true}")),
            c("create with no_ack and deny_purge", create("N", S + ",\"no_ack\":true,\"deny_purge\":true")),
            c("create with interest retention", create("I", S + ",\"retention\":\"interest\"")),
            c("create with workqueue retention", create("W", S + ",\"retention\":\"workqueue\"")),
            c("create with a different config", create("S", S), create("S", S + ",\"max_msgs\":5")),
            c("create with a name mismatch", api("STREAM.CREATE.A", "{\"name\":\"B\",\"storage\":\"memory\"}")),
            c("create with a dotted name", api("STREAM.CREATE.x", "{\"name\":\"a.b\",\"storage\":\"memory\"}")),
            c("create with a wildcard name", create("a*", ""), create("a>", "")),
            c("create with a path separator", create("a/b", "")),
            c("create overlapping another stream", create("A", "\"subjects\":[\"o.*\"]"),
                    create("B", "\"subjects\":[\"o.new\"]")),
            c("create with 3 replicas", create("R", "\"num_replicas\":3")),
            c("create with malformed JSON", api("STREAM.CREATE.E", "{x}"))
                    .allow(".error.description", TEXT_CHANGED_2_11),
            c("create with truncated JSON", api("STREAM.CREATE.E", "{\"name\":"))
                    .allow(".error.description", TEXT_CHANGED_2_11),
            c("create with overlapping own subjects", create("O", "\"subjects\":[\"o.*\",\"o.a\"]")),
            c("create with an invalid subject", create("O", "\"subjects\":[\"o..a\"]")),
            c("create with a duplicate window above max age", create("O", "\"max_age\":1000000000,"
                    + "\"duplicate_window\":2000000000")),
            c("create with max age below 100ms", create("O", "\"max_age\":1000")),
            c("create with discard new per subject without discard new", create("O", "\"max_msgs_per_subject\":1,"
                    + "\"discard_new_per_subject\":true")),
            c("create sealed", create("O", "\"sealed\":true")),
            c("create with roll-ups and deny purge", create("O", "\"allow_rollup_hdrs\":true,\"deny_purge\":true")),
            // ---- update ----
            c("update limits and subjects", create("U", S), pub("s.a", "1"), pub("s.a", "2"), pub("s.a", "3"),
                    update("U", "\"subjects\":[\"s.>\",\"t\"],\"max_msgs\":2"), pub("t", "4"), info("U", "")),
            c("update storage", create("U", S), api("STREAM.UPDATE.U", "{\"name\":\"U\",\"storage\":\"file\","
                    + S + "}")),
            c("update max_consumers", create("U", S), update("U", S + ",\"max_consumers\":5")),
            c("update retention to workqueue", create("U", S), update("U", S + ",\"retention\":\"workqueue\""))
                    .allow(".error.description", TEXT_CHANGED_2_11),
            c("update retention from workqueue", create("U", S + ",\"retention\":\"workqueue\""),
                    update("U", S + ",\"retention\":\"interest\"")).allow(".error.description", TEXT_CHANGED_2_11),
            c("update seal and unseal", create("U", S), pub("s.a", "1"), update("U", S + ",\"sealed\":true"),
                    update("U", S), pub("s.a", "2"), api("STREAM.MSG.DELETE.U", "{\"seq\":1}")),
            c("update cancel deny_delete", create("U", S + ",\"deny_delete\":true"), update("U", S)),
            c("update cancel deny_purge", create("U", S + ",\"deny_purge\":true"), update("U", S)),
            c("update a missing stream", update("U", S)),
            c("update with a name mismatch", create("U", S), api("STREAM.UPDATE.U", "{\"name\":\"V\"}")),
            // ---- delete, info, names, list ----
            c("delete", create("X", S), pub("s.a", "1"), api("STREAM.DELETE.X", ""), api("STREAM.NAMES", ""),
                    api("STREAM.DELETE.X", "")),
            c("info with messages", create("I", S), pub("s.a", "one"), pub("s.b", "two"), pub("s.b", "three"),
                    info("I", ""), info("I", "{\"subjects_filter\":\">\"}"),
                    info("I", "{\"subjects_filter\":\"s.b\"}")),
            c("info with deleted details", create("I", S), pub("s.a", "1"), pub("s.a", "2"), pub("s.a", "3"),
                    pub("s.a", "4"), api("STREAM.MSG.DELETE.I", "{\"seq\":2}"),
                    api("STREAM.MSG.DELETE.I", "{\"seq\":3,\"no_erase\":true}"), info("I", ""),
                    info("I", "{\"deleted_details\":true}")),
            c("names and list", create("A", "\"subjects\":[\"a.>\"]"), create("B", "\"subjects\":[\"b.*\"]"),
                    create("C", "\"subjects\":[\"c\",\"b.x.y\"]"), api("STREAM.NAMES", ""),
                    api("STREAM.NAMES", "{\"subject\":\"b.>\"}"), api("STREAM.NAMES", "{\"offset\":1}"),
                    api("STREAM.NAMES", "{\"subject\":\"zzz\"}"), api("STREAM.LIST", ""),
                    api("STREAM.LIST", "{\"subject\":\"b.x\"}"), api("STREAM.LIST", "{\"offset\":2}")),
            c("names and list without streams", api("STREAM.NAMES", ""), api("STREAM.LIST", "")),
            // ---- purge ----
            c("purge all", create("P", S), pub("s.a", "1"), pub("s.b", "2"), api("STREAM.PURGE.P", ""), info("P", ""),
                    pub("s.a", "3")),
            c("purge by subject, keep and seq", create("P", S), pub("s.a", "1"), pub("s.b", "2"), pub("s.a", "3"),
                    pub("s.c", "4"), pub("s.a", "5"), pub("s.b", "6"),
                    api("STREAM.PURGE.P", "{\"filter\":\"s.b\"}"),
                    api("STREAM.PURGE.P", "{\"filter\":\"s.a\",\"keep\":1}"),
                    info("P", "{\"subjects_filter\":\">\"}"), api("STREAM.PURGE.P", "{\"seq\":5}"), info("P", ""),
                    api("STREAM.PURGE.P", "{\"keep\":5}")).allow(".state.num_subjects", COMPACT_BUG_2_9),
            // ---- messages ----
            c("msg get", create("M", S), pub("s.a", "1"), pub("s.b", "2", "X-H", "v"), pub("s.a", "3"),
                    api("STREAM.MSG.GET.M", "{\"seq\":2}"), api("STREAM.MSG.GET.M", "{\"last_by_subj\":\"s.a\"}"),
                    api("STREAM.MSG.GET.M", "{\"last_by_subj\":\"s.*\"}"),
                    api("STREAM.MSG.GET.M", "{\"seq\":2,\"next_by_subj\":\"s.a\"}"),
                    api("STREAM.MSG.GET.M", "{\"seq\":9}"), api("STREAM.MSG.GET.M", "{\"last_by_subj\":\"s.z\"}"),
                    api("STREAM.MSG.GET.M", "{}"), api("STREAM.MSG.GET.M", "{\"seq\":1,\"last_by_subj\":\"s.a\"}"),
                    api("STREAM.MSG.GET.NOPE", "{\"seq\":1}")),
            c("msg delete", create("M", S), pub("s.a", "1"), pub("s.b", "2"), pub("s.c", "3"),
                    api("STREAM.MSG.DELETE.M", "{\"seq\":1}"),
                    api("STREAM.MSG.DELETE.M", "{\"seq\":2,\"no_erase\":true}"),
                    api("STREAM.MSG.DELETE.M", "{\"seq\":1}"), api("STREAM.MSG.DELETE.M", "{\"seq\":99}"),
                    info("M", "")),
            c("msg delete with deny_delete", create("M", S + ",\"deny_delete\":true"), pub("s.a", "1"),
                    api("STREAM.MSG.DELETE.M", "{\"seq\":1}")),
            // ---- account ----
            c("account info", api("INFO", ""), create("A", S + ",\"max_bytes\":10000"), pub("s.a", "hello"),
                    api("STREAM.MSG.GET.NOPE", "{\"seq\":1}"), api("INFO", ""))
                    .allow(".api.total", "BUG (a race), see the disabled test accountInfoDoesNotCountItself"),
            // ---- publish ----
            c("publish acks", create("S", S), pub("s.a", "1"), pub("s.b", "2"), pub("nobody", "3"), info("S", "")),
            c("publish duplicates", create("S", S), pub("s.a", "1", "Nats-Msg-Id", "a"),
                    pub("s.a", "2", "Nats-Msg-Id", "a"), pub("s.a", "3", "Nats-Msg-Id", "b"), info("S", "")),
            c("publish expected stream", create("S", S), pub("s.a", "1", "Nats-Expected-Stream", "T"),
                    pub("s.a", "2", "Nats-Expected-Stream", "S")),
            c("publish expected last sequence", create("S", S), pub("s.a", "1"), pub("s.b", "2"),
                    pub("s.a", "x", "Nats-Expected-Last-Sequence", "1"),
                    pub("s.a", "3", "Nats-Expected-Last-Sequence", "2")),
            c("publish expected last msg id", create("S", S), pub("s.a", "1", "Nats-Msg-Id", "first"),
                    pub("s.a", "x", "Nats-Expected-Last-Msg-Id", "other"),
                    pub("s.a", "2", "Nats-Expected-Last-Msg-Id", "first")),
            c("publish expected last subject sequence", create("S", S),
                    pub("s.a", "1", "Nats-Expected-Last-Subject-Sequence", "0"), pub("s.b", "2"),
                    pub("s.a", "x", "Nats-Expected-Last-Subject-Sequence", "0"),
                    pub("s.a", "3", "Nats-Expected-Last-Subject-Sequence", "1")),
            c("publish rollups", create("R", S + ",\"allow_rollup_hdrs\":true"), pub("s.a", "1"), pub("s.a", "2"),
                    pub("s.b", "3"), pub("s.a", "4", "Nats-Rollup", "sub"), info("R", "{\"subjects_filter\":\">\"}"),
                    pub("s.c", "5", "Nats-Rollup", "all"), info("R", ""))
                    .allow(".state.num_subjects", COMPACT_BUG_2_9),
            c("publish rollup not permitted", create("R", S), pub("s.a", "1", "Nats-Rollup", "sub")),
            c("publish max_msgs discard old", create("L", S + ",\"max_msgs\":2"), pub("s.a", "1"), pub("s.a", "2"),
                    pub("s.a", "3"), info("L", "")),
            c("publish max_msgs discard new", create("L", S + ",\"max_msgs\":2,\"discard\":\"new\""), pub("s.a", "1"),
                    pub("s.a", "2"), pub("s.a", "3"), info("L", "")),
            c("publish max_bytes discard new", create("L", S + ",\"max_bytes\":200,\"discard\":\"new\""),
                    pub("s.a", "x".repeat(100)), pub("s.a", "x".repeat(100)), info("L", "")),
            c("publish max_bytes discard old", create("L", S + ",\"max_bytes\":200"),
                    pub("s.a", "x".repeat(100)), pub("s.a", "y".repeat(100)), info("L", "")),
            c("publish max_msgs_per_subject", create("L", S + ",\"max_msgs_per_subject\":2"), pub("s.a", "1"),
                    pub("s.a", "2"), pub("s.b", "3"), pub("s.a", "4"), info("L", "{\"subjects_filter\":\">\"}")),
            c("publish discard new per subject", create("L", S + ",\"max_msgs_per_subject\":1,\"discard\":\"new\","
                    + "\"discard_new_per_subject\":true"), pub("s.a", "1"), pub("s.a", "2"), pub("s.b", "3")),
            c("publish max_msg_size", create("L", S + ",\"max_msg_size\":8"), pub("s.a", "12345678"),
                    pub("s.a", "123456789"), pub("s.a", "1234", "X-Long", "header")),
            c("publish to a sealed stream", create("L", S), pub("s.a", "1"), update("L", S + ",\"sealed\":true"),
                    pub("s.a", "2")),
            c("publish with interest retention", create("I", S + ",\"retention\":\"interest\""), pub("s.a", "1"),
                    pub("s.a", "2"), info("I", "")),
            c("publish with workqueue retention", create("W", S + ",\"retention\":\"workqueue\""), pub("s.a", "1"),
                    pub("s.a", "2"), info("W", "")),
            // ---- direct get ----
            c("direct get", create("D", S + ",\"allow_direct\":true"), pub("s.a", "1"), pub("s.b", "2", "X-H", "v"),
                    pub("s.a", "3"), direct("D", "{\"seq\":2}"), direct("D", "{\"last_by_subj\":\"s.a\"}"),
                    direct("D", "{\"seq\":2,\"next_by_subj\":\"s.a\"}"), direct("D.s.b", ""),
                    direct("D", "{\"seq\":9}"), direct("D.s.z", ""), direct("D", ""),
                    direct("D", "{\"seq\":1,\"last_by_subj\":\"s.a\"}"), direct("D", "not json")),
            // ---- edges ----
            c("edge: create with max_age and no duplicate window", create("E", "\"max_age\":30000000000"),
                    create("F", "\"max_age\":300000000000")),
            c("edge: create with zeros and an empty subject list", create("E", "\"subjects\":[],\"max_msgs\":0,"
                    + "\"max_bytes\":0,\"max_msg_size\":0,\"max_msgs_per_subject\":0,\"num_replicas\":0")),
            c("edge: update description and duplicate window", create("U", S + ",\"description\":\"a\""),
                    update("U", S + ",\"description\":\"b\",\"duplicate_window\":1000000000"), info("U", "")),
            c("edge: create with discard new and max_bytes below a message", create("E", S + ",\"max_bytes\":10,"
                    + "\"discard\":\"new\""), pub("s.a", "0123456789abcdef")),
            c("edge: discard new with max_msgs_per_subject only", create("E", S + ",\"max_msgs_per_subject\":1,"
                    + "\"discard\":\"new\""), pub("s.a", "1"), pub("s.a", "2"), info("E", "")),
            c("edge: update lowering per-subject and byte limits", create("U", S + ",\"max_msgs_per_subject\":5"),
                    pub("s.a", "1"), pub("s.a", "2"), pub("s.b", "3"), pub("s.b", "4"),
                    update("U", S + ",\"max_msgs_per_subject\":1"),
                    update("U", S + ",\"max_msgs_per_subject\":1,\"max_bytes\":20"), info("U", "")),
            c("edge: create with an unknown field", create("E", S + ",\"no_such_field\":1")),
            c("edge: create with duplicate subjects", create("E", "\"subjects\":[\"a\",\"a\"]")),
            c("edge: create capturing the JS API", create("E", "\"subjects\":[\"$JS.API.>\"]"))
                    .allow(".error.description", TEXT_CHANGED_2_11),
            c("edge: create with negative max age", create("E", "\"max_age\":-1")),
            c("edge: create with negative duplicate window", create("E", "\"duplicate_window\":-1")),
            c("edge: create with a long description", create("E", "\"description\":\"" + "d".repeat(5000) + "\"")),
            c("edge: create with a republish cycle", create("E", S + ",\"republish\":{\"src\":\">\","
                    + "\"dest\":\"s.x\"}")),
            c("edge: create with unknown retention", create("E", "\"retention\":\"forever\""))
                    .allow(".error.description", TEXT_CHANGED_2_11),
            c("edge: create with a string for a number", create("E", "\"max_msgs\":\"5\""))
                    .allow(".error.description", TEXT_CHANGED_2_11),
            c("edge: update onto another stream's subjects", create("A", "\"subjects\":[\"a\"]"), create("B", S),
                    update("B", "\"subjects\":[\"a\"]")),
            c("edge: names beyond the end", create("A", S), api("STREAM.NAMES", "{\"offset\":10}"),
                    api("STREAM.LIST", "{\"offset\":10}")),
            c("edge: purge with a wildcard and a non-matching filter", create("P", S), pub("s.a", "1"),
                    pub("s.b", "2"), pub("t.c", "nothing"), api("STREAM.PURGE.P", "{\"filter\":\"s.*\",\"keep\":1}"),
                    api("STREAM.PURGE.P", "{\"filter\":\"zzz\"}"),
                    info("P", "")),
            c("edge: msg get next without seq and empty bodies", create("M", S), pub("s.a", "1"), pub("s.b", ""),
                    api("STREAM.MSG.GET.M", "{\"next_by_subj\":\"s.b\"}"), api("STREAM.MSG.GET.M", "{\"seq\":2}"),
                    api("STREAM.MSG.GET.M", ""), api("STREAM.MSG.GET.M", "{\"seq\":0}")),
            c("edge: msg delete seq 0 and twice", create("M", S), pub("s.a", "1"), pub("s.a", "2"),
                    api("STREAM.MSG.DELETE.M", "{\"seq\":2}"),
                    api("STREAM.MSG.DELETE.M", "{\"seq\":2,\"no_erase\":true}"),
                    info("M", "{\"deleted_details\":true}"))
                    .allow(".state.deleted", "nats-server 2.9.10's memory store leaves the last sequence out of"
                            + " deleted; 2.11.0 lists it, as natsj"),
            c("edge: publish with empty headers", create("S", S), pub("s.a", "1", "Nats-Msg-Id", "x"),
                    pub("s.a", "2", "Nats-Expected-Last-Msg-Id", ""), pub("s.a", "3", "Nats-Msg-Id", ""),
                    pub("s.a", "4", "Nats-Expected-Last-Sequence", ""), pub("s.a", "5", "Nats-Expected-Stream", ""),
                    pub("s.a", "6", "Nats-Msg-Id", "")),
            c("edge: publish to a no_ack stream", create("N", S + ",\"no_ack\":true"), pub("s.a", "1"), info("N", "")),
            c("edge: publish a duplicate after purge", create("S", S), pub("s.a", "1", "Nats-Msg-Id", "x"),
                    api("STREAM.PURGE.S", ""), pub("s.a", "2", "Nats-Msg-Id", "x"), info("S", "")),
            c("edge: publish with a duplicate and an expectation", create("S", S), pub("s.a", "1", "Nats-Msg-Id", "x"),
                    pub("s.a", "2", "Nats-Msg-Id", "x", "Nats-Expected-Last-Sequence", "7")),
            c("edge: publish headers only", create("S", S), pub("s.a", "", "A", "b"),
                    api("STREAM.MSG.GET.S", "{\"seq\":1}"), info("S", "")),
            c("edge: direct get with odd bodies", create("D", S + ",\"allow_direct\":true"), pub("s.a", "1"),
                    direct("D.s.a", "x"), direct("D", "{\"seq\":1,\"next_by_subj\":\"s.*\"}"),
                    direct("D", "{\"last_by_subj\":\"s.a\",\"next_by_subj\":\"s.a\"}")),
            c("direct get without allow_direct", create("D", S), pub("s.a", "1"), direct("D", "{\"seq\":1}")));

    // ---- differences natsj had: regression tests once fixed, disabled while open ------------------------------

    @Test
    void recreateAnswersDidCreate() throws Exception {
        run(c("create twice with the same config", create("S", S), create("S", S)));
    }

    @Test
    void infoErrorsCarryThePagingFields() throws Exception {
        run(c("info of a missing stream", info("NOPE", ""), info("NOPE", "{\"subjects_filter\":\">\"}")));
    }

    @Test
    void infoWithASubjectsFilterMatchingNothing() throws Exception {
        run(c("info with a subjects filter matching nothing", create("I", S), pub("s.a", "1"),
                info("I", "{\"subjects_filter\":\"zzz\"}")));
    }

    @Test
    void infoListsSubjectsFromTheOffset() throws Exception {
        run(c("info with a subjects filter and an offset", create("I", S), pub("s.a", "1"), pub("s.b", "2"),
                pub("s.c", "3"), info("I", "{\"subjects_filter\":\">\",\"offset\":1}")));
    }

    @Test
    void namesAndInfoErrorsCarryThePagingFields() throws Exception {
        run(c("names and info with bad bodies", create("I", S), api("STREAM.NAMES", "{x"), info("I", "[1]"))
                .allow(".error.description", TEXT_CHANGED_2_11));
    }

    @Test
    void updateToThreeReplicas() throws Exception {
        run(c("update to 3 replicas", create("U", S), update("U", S + ",\"num_replicas\":3")));
    }

    @Test
    void deleteWithAnEmptyObject() throws Exception {
        run(c("delete with {}", create("X", S), api("STREAM.DELETE.X", "{}")));
    }

    @Test
    void msgDeleteWithAnEmptyRequest() throws Exception {
        run(c("msg delete with empty requests", create("M", S), pub("s.a", "1"), api("STREAM.MSG.DELETE.M", ""),
                api("STREAM.MSG.DELETE.M", "{}")));
    }

    @Test
    void purgeWithAnInvalidFilter() throws Exception {
        run(c("purge with an invalid filter", create("P", S), pub("s.a", "1"),
                api("STREAM.PURGE.P", "{\"filter\":\"a..b\"}"), info("P", "")));
        // a '>' before the last token matches the rest of the subject there (nats-server 2.11 subjectIsSubsetMatch
        // and its subject tree read it so too); white space is no wildcard
        run(c("purge with a '>' inside the filter", create("P", S), pub("s.a.x", "1"), pub("s.b", "2"),
                pub("s.a.y.z", "3"), api("STREAM.PURGE.P", "{\"filter\":\"s.a b\"}"),
                api("STREAM.PURGE.P", "{\"filter\":\"s.>.x\",\"keep\":1}"), info("P", ""),
                api("STREAM.PURGE.P", "{\"filter\":\"s.>.x\"}"), info("P", "")));
    }

    @Test
    void publishExpectationsThatDoNotParse() throws Exception {
        run(c("publish expectations that do not parse", create("S", S), pub("s.a", "1"),
                pub("s.a", "2", "Nats-Expected-Last-Sequence", "abc"),
                pub("s.a", "3", "Nats-Expected-Last-Subject-Sequence", "-1"), info("S", "")));
    }

    @Test
    void directGetWithAWhiteSpaceBody() throws Exception {
        run(c("direct get of a space", create("D", S + ",\"allow_direct\":true"), pub("s.a", "1"), direct("D", " ")));
    }

    @Test
    void republishAsNatsServer() throws Exception {
        List<JsonNode> expected;
        List<JsonNode> actual;
        try (JsFixture ref = JsFixture.natsServer()) {
            expected = republished(ref.connect());
        }
        try (JsFixture natsj = JsFixture.natsj()) {
            actual = republished(natsj.connect());
        }
        assertThat(actual).isEqualTo(expected);
    }

    /** Creates a republishing stream, publishes two messages and returns what arrived on the destination. */
    private static List<JsonNode> republished(Connection nc) throws Exception {
        io.nats.client.Subscription sub = nc.subscribe("rep.>");
        nc.flush(REPLY_WAIT);
        reply(nc, create("R", S + ",\"republish\":{\"src\":\"s.>\",\"dest\":\"rep.>\"}"));
        reply(nc, pub("s.a", "one", "X-H", "v"));
        reply(nc, pub("s.a", "two"));
        List<JsonNode> out = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Message m = sub.nextMessage(REPLY_WAIT);
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            if (m == null) {
                o.put("no_message", true);
            } else {
                o.put("subject", m.getSubject());
                o.put("data", new String(m.getData(), StandardCharsets.UTF_8));
                ObjectNode headers = o.putObject("headers");
                if (m.getHeaders() != null) {
                    new TreeSet<>(m.getHeaders().keySet()).forEach(k -> headers.put(k, String.join(",",
                            m.getHeaders().get(k))));
                }
                headers.remove("Nats-Time-Stamp");
            }
            out.add(o);
        }
        return out;
    }

    @Test
    void msgDeleteOfSequenceZero() throws Exception {
        run(c("msg delete of seq 0", create("M", S), pub("s.a", "1"), api("STREAM.MSG.DELETE.M", "{\"seq\":0}"),
                api("STREAM.MSG.DELETE.M", "{\"no_erase\":true}"), api("STREAM.MSG.DELETE.NOPE", "{\"seq\":0}")));
    }

    /** nats-server fixed this after 2.11 (memstore UpdateConfig checks {@code maxp <= 0}); natsj has the fix. */
    @Test
    @Disabled("Intended difference: natsj enforces a max_msgs_per_subject set by an update on a stream that had none"
            + " at once, as later nats-server releases do; 2.9.10 and 2.11.0 keep the extra messages (their bug)")
    void updateSettingAPerSubjectLimitWhereThereWasNone() throws Exception {
        run(c("update setting max_msgs_per_subject", create("U", S), pub("s.a", "1"), pub("s.a", "2"),
                update("U", S + ",\"max_msgs_per_subject\":1"), info("U", "")));
    }

    @Test
    void purgeErrorsCarryPurged() throws Exception {
        run(c("purge errors", create("P", S + ",\"deny_purge\":true"), create("Q", "\"subjects\":[\"q\"]"),
                pub("s.a", "1"), api("STREAM.PURGE.P", ""), api("STREAM.PURGE.Q", "{\"seq\":2,\"keep\":1}"),
                api("STREAM.PURGE.NOPE", ""), update("Q", "\"subjects\":[\"q\"],\"sealed\":true"),
                api("STREAM.PURGE.Q", "")));
    }

    @Test
    void accountInfoDoesNotCountItself() throws Exception {
        run(c("account info totals", api("INFO", ""), create("A", S), api("INFO", "")));
    }

    @Test
    void directGetOfAnEmptyObject() throws Exception {
        run(c("direct get of {}", create("D", S + ",\"allow_direct\":true"), pub("s.a", "1"), direct("D", "{}")));
    }

    static Stream<Case> cases() {
        return CASES.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void natsjAnswersAsNatsServer(Case c) throws Exception {
        run(c);
    }

    static void run(Case c) throws Exception {
        List<JsonNode> expected;
        List<JsonNode> actual;
        try (JsFixture ref = JsFixture.natsServer()) {
            expected = replies(ref.connect(), c);
        }
        try (JsFixture natsj = JsFixture.natsj()) {
            actual = replies(natsj.connect(), c);
        }
        List<String> differences = new ArrayList<>();
        for (int i = 0; i < c.steps().size(); i++) {
            JsonNode e = normalize(expected.get(i));
            JsonNode a = normalize(actual.get(i));
            List<String> d = new ArrayList<>();
            diff("", e, a, d);
            d.removeIf(line -> c.allowed().containsKey(line.substring(0, line.indexOf(": nats-server="))));
            if (!d.isEmpty()) {
                differences.add("step " + (i + 1) + " [" + c.steps().get(i) + "]:\n      " + String.join("\n      ", d)
                        + "\n    nats-server: " + e + "\n    natsj:       " + a);
            }
        }
        assertThat(differences).as("differences from nats-server in case '%s'", c.name()).isEmpty();
    }

    private static List<JsonNode> replies(Connection nc, Case c) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (Step s : c.steps()) {
            out.add(reply(nc, s));
        }
        return out;
    }

    private static JsonNode reply(Connection nc, Step s) throws Exception {
        Headers h = new Headers();
        for (int i = 0; i < s.headers().size(); i += 2) {
            h.add(s.headers().get(i), s.headers().get(i + 1));
        }
        Message m;
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        try {
            m = nc.request(NatsMessage.builder().subject(s.subject()).headers(h.isEmpty() ? null : h)
                    .data(s.body().getBytes(StandardCharsets.UTF_8)).build(), REPLY_WAIT);
        } catch (Exception e) {
            o.put("no_reply", e.getClass().getSimpleName());
            return o;
        }
        if (m == null) {
            o.put("no_reply", "timeout");
            return o;
        }
        if (m.isStatusMessage()) {
            o.put("status", m.getStatus().getCode());
            o.put("description", m.getStatus().getMessage());
            return o;
        }
        if (s.direct()) {
            ObjectNode headers = o.putObject("headers");
            if (m.getHeaders() != null) {
                new TreeSet<>(m.getHeaders().keySet()).forEach(k -> headers.put(k, String.join(",",
                        m.getHeaders().get(k))));
            }
            headers.remove("Nats-Time-Stamp");
            o.put("data", new String(m.getData(), StandardCharsets.UTF_8));
            return o;
        }
        return JsFixture.JSON.readTree(m.getData());
    }

    /** A copy without the times and the fields added after 2.9.10. */
    static JsonNode normalize(JsonNode n) {
        JsonNode copy = n.deepCopy();
        strip(copy, copy.path("type").asString(""));
        return copy;
    }

    private static void strip(JsonNode n, String key) {
        if (n instanceof ObjectNode o) {
            TIMES.forEach(o::remove);
            Set<String> added = key == null ? null : ADDED_AFTER_2_9.get(key);
            if (added != null) {
                added.forEach(o::remove);
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = o.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                strip(e.getValue(), e.getKey());
            }
        } else if (n != null && n.isArray()) {
            for (JsonNode child : n) {
                strip(child, key);
            }
        }
    }

    /** Appends each difference between {@code e} (nats-server) and {@code a} (natsj) as "path: e vs a". */
    static void diff(String path, JsonNode e, JsonNode a, List<String> out) {
        if (e != null && a != null && e.isObject() && a.isObject()) {
            Map<String, JsonNode> keys = new TreeMap<>();
            e.properties().forEach(p -> keys.put(p.getKey(), p.getValue()));
            a.properties().forEach(p -> keys.putIfAbsent(p.getKey(), p.getValue()));
            for (String k : keys.keySet()) {
                diff(path + "." + k, e.get(k), a.get(k), out);
            }
            return;
        }
        if (e != null && a != null && e.isArray() && a.isArray() && e.size() == a.size()) {
            for (int i = 0; i < e.size(); i++) {
                diff(path + "[" + i + "]", e.get(i), a.get(i), out);
            }
            return;
        }
        if (e == null ? a != null : !e.equals(a)) {
            out.add((path.isEmpty() ? "." : path) + ": nats-server=" + e + " natsj=" + a);
        }
    }
}
