package io.natsj.server.jetstream;

import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.PurgeOptions;
import io.nats.client.api.AccountStatistics;
import io.nats.client.api.CompressionOption;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.MessageGetRequest;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.PurgeResponse;
import io.nats.client.api.Republish;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import io.nats.client.api.StreamInfoOptions;
import io.nats.client.api.StreamState;
import io.nats.client.api.SubjectTransform;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static io.natsj.server.jetstream.JsFixture.apiError;
import static io.natsj.server.jetstream.JsFixture.assertApiError;
import static io.natsj.server.jetstream.JsFixture.bytes;
import static io.natsj.server.jetstream.JsFixture.file;
import static io.natsj.server.jetstream.JsFixture.memory;
import static io.natsj.server.jetstream.JsFixture.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The stream API of an embedded natsj server, as a jnats {@code JetStreamManagement} user (and, where jnats hides
 * the wire, raw JSON requests) sees it, with nats-server 2.11.0's answers: create with the defaults filled in,
 * idempotent re-create, every create error (10052, 10056, 10058, 10065, 10074, 10128), updates and the changes an
 * update may not make, delete, info with subject counts and deleted details, names and list with paging and subject
 * filters, purge in all its forms and its refusals, message get and delete, account info, and the round trip of
 * every stream config field.
 */
@Timeout(120)
class StreamApiIT {

    private JsFixture f;
    private JetStreamManagement jsm;
    private JetStream js;

    @BeforeEach
    void start() throws Exception {
        f = JsFixture.natsj();
        jsm = f.jsm();
        js = f.js();
    }

    @AfterEach
    void stop() throws Exception {
        f.close();
    }

    private JsonNode raw(String subject, String body) throws Exception {
        return request(f.nc(), subject, body);
    }

    private static void assertRawError(JsonNode reply, int code, int errCode, String description) {
        assertThat(reply.path("error").path("err_code").asInt()).as("err_code of %s", reply).isEqualTo(errCode);
        assertThat(reply.path("error").path("code").asInt()).as("code of %s", reply).isEqualTo(code);
        assertThat(reply.path("error").path("description").asString()).isEqualTo(description);
    }

    // ---- create --------------------------------------------------------------------------------------------------

    @Test
    void createFillsInNatsServerDefaults() throws Exception {
        JsonNode reply = raw("$JS.API.STREAM.CREATE.D", "{\"name\":\"D\"}");

        assertThat(reply.path("type").asString()).isEqualTo("io.nats.jetstream.api.v1.stream_create_response");
        assertThat(reply.has("error")).as("error in %s", reply).isFalse();
        assertThat(reply.path("did_create").asBoolean()).isTrue();
        JsonNode c = reply.path("config");
        assertThat(c.path("name").asString()).isEqualTo("D");
        assertThat(c.path("subjects").toString()).isEqualTo("[\"D\"]");
        assertThat(c.path("retention").asString()).isEqualTo("limits");
        assertThat(c.path("max_consumers").asLong()).isEqualTo(-1);
        assertThat(c.path("max_msgs").asLong()).isEqualTo(-1);
        assertThat(c.path("max_bytes").asLong()).isEqualTo(-1);
        assertThat(c.path("max_age").asLong()).isZero();
        assertThat(c.path("max_msgs_per_subject").asLong()).isEqualTo(-1);
        assertThat(c.path("max_msg_size").asLong()).isEqualTo(-1);
        assertThat(c.path("discard").asString()).isEqualTo("old");
        assertThat(c.path("storage").asString()).isEqualTo("file");
        assertThat(c.path("num_replicas").asInt()).isEqualTo(1);
        assertThat(c.path("duplicate_window").asLong()).isEqualTo(120_000_000_000L);
        assertThat(c.path("sealed").asBoolean()).isFalse();
        assertThat(c.path("deny_delete").asBoolean()).isFalse();
        assertThat(c.path("deny_purge").asBoolean()).isFalse();
        assertThat(c.path("allow_rollup_hdrs").asBoolean()).isFalse();
        assertThat(c.path("allow_direct").asBoolean()).isFalse();
        JsonNode state = reply.path("state");
        assertThat(state.path("messages").asLong()).isZero();
        assertThat(state.path("bytes").asLong()).isZero();
        assertThat(state.path("first_seq").asLong()).isZero();
        assertThat(state.path("last_seq").asLong()).isZero();
        assertThat(state.path("consumer_count").asLong()).isZero();

        StreamConfiguration info = jsm.getStreamInfo("D").getConfiguration();
        assertThat(info.getSubjects()).containsExactly("D");
        assertThat(info.getStorageType()).isEqualTo(StorageType.File);
        assertThat(info.getMaxMsgs()).isEqualTo(-1);
        assertThat(info.getDuplicateWindow()).isEqualTo(Duration.ofMinutes(2));
        assertThat(info.getReplicas()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(value = StorageType.class, names = {"File", "Memory"})
    void createWithJnatsKeepsTheStorageAndSubjects(StorageType storage) throws Exception {
        StreamInfo created = jsm.addStream(StreamConfiguration.builder().name("ORDERS").subjects("orders.>")
                .storageType(storage).build());

        assertThat(created.getConfiguration().getStorageType()).isEqualTo(storage);
        assertThat(created.getConfiguration().getSubjects()).containsExactly("orders.>");
        StreamInfo info = jsm.getStreamInfo("ORDERS");
        assertThat(info.getConfiguration().getStorageType()).isEqualTo(storage);
        assertThat(info.getCreateTime()).isEqualTo(created.getCreateTime());
        assertThat(js.publish("orders.1", bytes("x")).getSeqno()).isEqualTo(1);
        assertThat(jsm.getStreamInfo("ORDERS").getStreamState().getMsgCount()).isEqualTo(1);
    }

    @Test
    void recreateWithTheSameConfigIsIdempotent() throws Exception {
        StreamConfiguration cfg = memory("S", "s.>").maxMessages(10).build();
        StreamInfo first = jsm.addStream(cfg);
        js.publish("s.1", bytes("kept"));

        StreamInfo again = jsm.addStream(cfg);

        assertThat(again.getCreateTime()).isEqualTo(first.getCreateTime());
        assertThat(again.getStreamState().getMsgCount()).isEqualTo(1);
        assertThat(jsm.getStreamNames()).containsExactly("S");
    }

    /** nats-server (not clustered) sets {@code did_create} on every successful create, even an idempotent one. */
    @Test
    void recreateWithTheSameConfigAnswersDidCreate() throws Exception {
        String body = "{\"name\":\"S\",\"subjects\":[\"s.>\"],\"storage\":\"memory\"}";
        assertThat(raw("$JS.API.STREAM.CREATE.S", body).path("did_create").asBoolean()).isTrue();

        JsonNode again = raw("$JS.API.STREAM.CREATE.S", body);

        assertThat(again.has("error")).isFalse();
        assertThat(again.path("did_create").asBoolean(false)).as("did_create in %s", again).isTrue();
    }

    @Test
    void recreateWithADifferentConfigFails() throws Exception {
        jsm.addStream(memory("S", "s.>").build());

        JetStreamApiException e = apiError(() -> jsm.addStream(memory("S", "s.>").maxMessages(5).build()));

        assertApiError(e, 400, 10058, "stream name already in use with a different configuration");
    }

    @Test
    void nameInTheSubjectMustMatchTheConfig() throws Exception {
        JsonNode reply = raw("$JS.API.STREAM.CREATE.A", "{\"name\":\"B\",\"storage\":\"memory\"}");

        assertRawError(reply, 400, 10056, "stream name in subject does not match request");
        assertThat(jsm.getStreamNames()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a*", "a>", "x*y"})
    void namesWithWildcardCharactersAreInvalid(String name) throws Exception {
        JsonNode reply = raw("$JS.API.STREAM.CREATE." + name, "{\"name\":\"" + name + "\",\"storage\":\"memory\"}");

        assertRawError(reply, 500, 10052, "stream name is required and can not contain '.', '*', '>'");
    }

    /** A name with a dot, white space or nothing can not be the subject's last token: the name check fails first. */
    @ParameterizedTest
    @ValueSource(strings = {"a.b", "a b", ""})
    void namesThatCanNotBeASubjectTokenFailTheNameMatch(String name) throws Exception {
        JsonNode reply = raw("$JS.API.STREAM.CREATE.x", "{\"name\":\"" + name + "\",\"storage\":\"memory\"}");

        assertRawError(reply, 400, 10056, "stream name in subject does not match request");
    }

    @Test
    void namesWithPathSeparatorsAreRefused() throws Exception {
        JsonNode reply = raw("$JS.API.STREAM.CREATE.a/b", "{\"name\":\"a/b\",\"storage\":\"memory\"}");

        assertRawError(reply, 400, 10128, "Stream name can not contain path separators");
    }

    /** nats-server 2.11 decodes an empty body as an empty config, whose name then does not match the subject. */
    @Test
    void createWithAnEmptyBodyIsANameMismatch() throws Exception {
        assertRawError(raw("$JS.API.STREAM.CREATE.E", ""), 400, 10056, "stream name in subject does not match request");
    }

    @Test
    void createWithTruncatedJsonIsInvalidJson() throws Exception {
        assertRawError(raw("$JS.API.STREAM.CREATE.E", "{\"name\":"), 400, 10025,
                "invalid JSON: unexpected end of JSON input");
    }

    /**
     * Type errors carry Go's text; the released 2.11.0 is built with Go 1.24, whose field path includes the embedded
     * struct ({@code StreamConfigRequest.StreamConfig}).
     */
    @Test
    void createWithWrongTypesHasGoTexts() throws Exception {
        assertRawError(raw("$JS.API.STREAM.CREATE.E", "{\"name\":\"E\",\"retention\":\"forever\"}"), 400, 10025,
                "invalid JSON: can not unmarshal \"\\\"forever\\\"\"");
        assertRawError(raw("$JS.API.STREAM.CREATE.E", "{\"name\":\"E\",\"max_msgs\":\"5\"}"), 400, 10025,
                "invalid JSON: json: cannot unmarshal string into Go struct field"
                        + " StreamConfigRequest.StreamConfig.max_msgs of type int64");
    }

    @Test
    void createWithMalformedJsonHasGoTexts() throws Exception {
        assertRawError(raw("$JS.API.STREAM.CREATE.E", "{x}"), 400, 10025,
                "invalid JSON: invalid character 'x' looking for beginning of object key string");
    }

    /** Since 2.10 capturing {@code >} or the JetStream API needs no_ack. */
    @Test
    void capturingEverythingOrTheApiNeedsNoAck() throws Exception {
        assertApiError(apiError(() -> jsm.addStream(memory("ALL", ">").build())), 500, 10052,
                "capturing all subjects requires no-ack to be true");
        assertApiError(apiError(() -> jsm.addStream(memory("API", "$JS.API.>").build())), 500, 10052,
                "subjects that overlap with jetstream api require no-ack to be true");
        assertThat(jsm.addStream(memory("ALL", ">").noAck(true).build()).getConfiguration().getSubjects())
                .containsExactly(">");
    }

    @Test
    void subjectsOverlappingAnotherStreamAreRefused() throws Exception {
        jsm.addStream(memory("A", "orders.*").build());

        JetStreamApiException e = apiError(() -> jsm.addStream(memory("B", "orders.new").build()));

        assertApiError(e, 400, 10065, "subjects overlap with an existing stream");
    }

    @Test
    void threeReplicasAreRefusedWithoutACluster() throws Exception {
        JetStreamApiException e = apiError(() -> jsm.addStream(memory("R3", "r3").replicas(3).build()));

        assertApiError(e, 500, 10074, "replicas > 1 not supported in non-clustered mode");
    }

    // ---- update --------------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(value = StorageType.class, names = {"File", "Memory"})
    void updateChangesLimitsAndSubjects(StorageType storage) throws Exception {
        StreamConfiguration cfg = StreamConfiguration.builder().name("U").subjects("a").storageType(storage).build();
        jsm.addStream(cfg);
        for (int i = 0; i < 5; i++) {
            js.publish("a", bytes("m" + i));
        }

        StreamInfo updated = jsm.updateStream(StreamConfiguration.builder(cfg).maxMessages(3).subjects("a", "b")
                .build());

        assertThat(updated.getConfiguration().getMaxMsgs()).isEqualTo(3);
        assertThat(updated.getConfiguration().getSubjects()).containsExactly("a", "b");
        assertThat(updated.getStreamState().getMsgCount()).as("max_msgs applied at once").isEqualTo(3);
        assertThat(updated.getStreamState().getFirstSequence()).isEqualTo(3);
        assertThat(js.publish("b", bytes("new subject")).getSeqno()).isEqualTo(6);
        StreamState state = jsm.getStreamInfo("U").getStreamState();
        assertThat(state.getMsgCount()).isEqualTo(3);
        assertThat(state.getLastSequence()).isEqualTo(6);
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> forbiddenUpdates() {
        return Stream.of(
                arguments("storage", memory("F", "f").build(), file("F", "f").build(),
                        "stream configuration update can not change storage type"),
                arguments("max_consumers", memory("F", "f").build(), memory("F", "f").maxConsumers(5).build(),
                        "stream configuration update can not change MaxConsumers"),
                arguments("retention to workqueue", memory("F", "f").build(),
                        memory("F", "f").retentionPolicy(RetentionPolicy.WorkQueue).build(),
                        "stream configuration update can not change retention policy to/from workqueue"),
                arguments("retention from workqueue", memory("F", "f").retentionPolicy(RetentionPolicy.WorkQueue)
                                .build(), memory("F", "f").retentionPolicy(RetentionPolicy.Interest).build(),
                        "stream configuration update can not change retention policy to/from workqueue"),
                arguments("cancel deny_delete", memory("F", "f").denyDelete(true).build(), memory("F", "f").build(),
                        "stream configuration update can not cancel deny message deletes"),
                arguments("cancel deny_purge", memory("F", "f").denyPurge(true).build(), memory("F", "f").build(),
                        "stream configuration update can not cancel deny purge"),
                arguments("disable allow_msg_ttl", memory("F", "f").allowMessageTtl().build(),
                        memory("F", "f").build(), "message TTL status can not be changed after stream creation"),
                arguments("enable allow_msg_ttl", memory("F", "f").build(),
                        memory("F", "f").allowMessageTtl().build(),
                        "message TTL status can not be changed after stream creation"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forbiddenUpdates")
    void forbiddenUpdatesAreRefused(String what, StreamConfiguration created, StreamConfiguration update,
                                    String text) throws Exception {
        jsm.addStream(created);

        JetStreamApiException e = apiError(() -> jsm.updateStream(update));

        assertApiError(e, 500, 10052, text);
        assertThat(jsm.getStreamInfo("F").getConfiguration().getStorageType()).isEqualTo(created.getStorageType());
    }

    /** Since 2.10 retention may change between limits and interest. */
    @Test
    void updateBetweenLimitsAndInterestIsAllowed() throws Exception {
        StreamConfiguration cfg = memory("F", "f").build();
        jsm.addStream(cfg);

        StreamInfo interest = jsm.updateStream(StreamConfiguration.builder(cfg)
                .retentionPolicy(RetentionPolicy.Interest).build());
        StreamInfo limits = jsm.updateStream(cfg);

        assertThat(interest.getConfiguration().getRetentionPolicy()).isEqualTo(RetentionPolicy.Interest);
        assertThat(limits.getConfiguration().getRetentionPolicy()).isEqualTo(RetentionPolicy.Limits);
    }

    @Test
    void aSealedStreamCanNotBeUnsealed() throws Exception {
        StreamConfiguration cfg = memory("F", "f").build();
        jsm.addStream(cfg);
        StreamInfo sealed = jsm.updateStream(StreamConfiguration.builder(cfg).seal().build());
        assertThat(sealed.getConfiguration().getSealed()).isTrue();
        assertThat(sealed.getConfiguration().getDenyDelete()).isTrue();
        assertThat(sealed.getConfiguration().getDenyPurge()).isTrue();
        assertThat(sealed.getConfiguration().getDiscardPolicy()).isEqualTo(DiscardPolicy.New);

        JetStreamApiException e = apiError(() -> jsm.updateStream(StreamConfiguration.builder(cfg).denyDelete(true)
                .denyPurge(true).discardPolicy(DiscardPolicy.New).build()));

        assertApiError(e, 500, 10052, "stream configuration update can not unseal a sealed stream");
    }

    @Test
    void updateToThreeReplicasIsAcceptedWithoutACluster() throws Exception {
        StreamConfiguration cfg = memory("F", "f").build();
        jsm.addStream(cfg);

        StreamInfo updated = jsm.updateStream(StreamConfiguration.builder(cfg).replicas(3).build());

        assertThat(updated.getConfiguration().getReplicas()).isEqualTo(3);
    }

    @Test
    void updateOfAMissingStreamFails() throws Exception {
        JetStreamApiException e = apiError(() -> jsm.updateStream(memory("NOPE", "n").build()));

        assertApiError(e, 404, 10059, "stream not found");
    }

    // ---- delete and info -----------------------------------------------------------------------------------------

    @Test
    void deleteRemovesTheStreamAndItsMessages() throws Exception {
        jsm.addStream(memory("DEL", "del").build());
        js.publish("del", bytes("x"));

        assertThat(jsm.deleteStream("DEL")).isTrue();

        assertThat(jsm.getStreamNames()).isEmpty();
        assertApiError(apiError(() -> jsm.getStreamInfo("DEL")), 404, 10059, "stream not found");
        jsm.addStream(memory("DEL", "del").build());
        assertThat(jsm.getStreamInfo("DEL").getStreamState().getMsgCount()).as("a new, empty stream").isZero();
    }

    @Test
    void deleteWithAnEmptyObjectBody() throws Exception {
        jsm.addStream(memory("DEL", "del").build());

        JsonNode reply = raw("$JS.API.STREAM.DELETE.DEL", "{}");

        assertThat(reply.has("error")).as("error in %s", reply).isFalse();
        assertThat(reply.path("success").asBoolean(false)).isTrue();
    }

    /** Stream configs on disk come back after a restart (messages depend on the file store, not yet merged). */
    @Test
    void fileStreamsComeBackAfterARestartMemoryStreamsDoNot() throws Exception {
        jsm.addStream(file("F", "f.>").maxMessages(7).description("kept").build());
        jsm.addStream(memory("M", "m.>").build());
        java.time.ZonedDateTime created = jsm.getStreamInfo("F").getCreateTime();

        f.restartNatsj();
        JetStreamManagement again = f.jsm();

        assertThat(again.getStreamNames()).containsExactly("F");
        StreamInfo info = again.getStreamInfo("F");
        assertThat(info.getConfiguration().getMaxMsgs()).isEqualTo(7);
        assertThat(info.getConfiguration().getDescription()).isEqualTo("kept");
        assertThat(info.getCreateTime()).isEqualTo(created);
        assertThat(f.js().publish("f.x", bytes("after")).getStream()).isEqualTo("F");
    }

    @Test
    void deleteOfAMissingStreamFails() throws Exception {
        assertApiError(apiError(() -> jsm.deleteStream("NOPE")), 404, 10059, "stream not found");
    }

    @ParameterizedTest
    @EnumSource(value = StorageType.class, names = {"File", "Memory"})
    void infoCountsWhatWasPublished(StorageType storage) throws Exception {
        jsm.addStream(StreamConfiguration.builder().name("I").subjects("i.>").storageType(storage).build());
        js.publish("i.a", bytes("one"));
        js.publish("i.b", bytes("two"));
        js.publish("i.b", bytes("three"));

        StreamState state = jsm.getStreamInfo("I").getStreamState();

        assertThat(state.getMsgCount()).isEqualTo(3);
        assertThat(state.getFirstSequence()).isEqualTo(1);
        assertThat(state.getLastSequence()).isEqualTo(3);
        assertThat(state.getSubjectCount()).isEqualTo(2);
        assertThat(state.getByteCount()).isPositive();
        assertThat(state.getFirstTime()).isNotNull();
        assertThat(state.getLastTime()).isAfterOrEqualTo(state.getFirstTime());
        assertThat(state.getDeletedCount()).isZero();
        assertThat(state.getSubjects()).as("no subjects without a filter").isNullOrEmpty();
    }

    @Test
    void infoWithASubjectsFilterCountsPerSubject() throws Exception {
        jsm.addStream(memory("I", "i.>").build());
        js.publish("i.a", bytes("1"));
        js.publish("i.b", bytes("2"));
        js.publish("i.b", bytes("3"));
        js.publish("i.c.d", bytes("4"));

        StreamState all = jsm.getStreamInfo("I", StreamInfoOptions.allSubjects()).getStreamState();
        StreamState some = jsm.getStreamInfo("I", StreamInfoOptions.filterSubjects("i.*")).getStreamState();

        assertThat(all.getSubjectMap()).isEqualTo(Map.of("i.a", 1L, "i.b", 2L, "i.c.d", 1L));
        assertThat(some.getSubjectMap()).isEqualTo(Map.of("i.a", 1L, "i.b", 2L));
        JsonNode raw = raw("$JS.API.STREAM.INFO.I", "{\"subjects_filter\":\"i.b\"}");
        assertThat(raw.path("state").path("subjects").toString()).isEqualTo("{\"i.b\":2}");
        assertThat(raw.path("total").asInt()).isEqualTo(1);
        assertThat(raw.path("offset").asInt()).isZero();
    }

    @Test
    void infoWithASubjectsFilterPagesFromTheOffset() throws Exception {
        jsm.addStream(memory("I", "i.>").build());
        js.publish("i.a", bytes("1"));
        js.publish("i.b", bytes("2"));
        js.publish("i.c", bytes("3"));

        JsonNode page = raw("$JS.API.STREAM.INFO.I", "{\"subjects_filter\":\">\",\"offset\":1}");
        JsonNode beyond = raw("$JS.API.STREAM.INFO.I", "{\"subjects_filter\":\">\",\"offset\":5}");

        assertThat(page.path("state").path("subjects").toString()).isEqualTo("{\"i.b\":1,\"i.c\":1}");
        assertThat(page.path("total").asInt()).isEqualTo(3);
        assertThat(page.path("offset").asInt()).isEqualTo(1);
        assertThat(beyond.path("state").has("subjects")).isFalse();
        assertThat(beyond.path("offset").asInt()).isEqualTo(5);
    }

    @Test
    void infoWithASubjectsFilterMatchingNothingIsNotPaged() throws Exception {
        jsm.addStream(memory("I", "i.>").build());
        js.publish("i.a", bytes("1"));

        JsonNode reply = raw("$JS.API.STREAM.INFO.I", "{\"subjects_filter\":\"zzz\"}");

        assertThat(reply.path("state").has("subjects")).isFalse();
        assertThat(reply.path("total").asInt()).isZero();
        assertThat(reply.path("offset").asInt()).isZero();
        assertThat(reply.path("limit").asInt()).isZero();
    }

    @Test
    void infoErrorsCarryThePagingFields() throws Exception {
        JsonNode reply = raw("$JS.API.STREAM.INFO.NOPE", "");

        assertRawError(reply, 404, 10059, "stream not found");
        assertThat(reply.has("total")).isTrue();
        assertThat(reply.has("offset")).isTrue();
        assertThat(reply.has("limit")).isTrue();
    }

    @Test
    void infoWithDeletedDetailsListsTheGaps() throws Exception {
        jsm.addStream(memory("I", "i").build());
        for (int i = 0; i < 5; i++) {
            js.publish("i", bytes("m" + i));
        }
        jsm.deleteMessage("I", 2);
        jsm.deleteMessage("I", 4, false);

        StreamState plain = jsm.getStreamInfo("I").getStreamState();
        StreamState detailed = jsm.getStreamInfo("I", StreamInfoOptions.deletedDetails()).getStreamState();

        assertThat(plain.getDeletedCount()).isEqualTo(2);
        assertThat(plain.getDeleted()).isNullOrEmpty();
        assertThat(detailed.getDeleted()).containsExactly(2L, 4L);
        assertThat(detailed.getMsgCount()).isEqualTo(3);
    }

    // ---- names and list ------------------------------------------------------------------------------------------

    @Test
    void namesAndListFilterBySubject() throws Exception {
        jsm.addStream(memory("A", "a.>").build());
        jsm.addStream(memory("B", "b.*").build());
        jsm.addStream(file("C", "c", "b.x.y").build());

        assertThat(jsm.getStreamNames()).containsExactlyInAnyOrder("A", "B", "C");
        assertThat(jsm.getStreamNames("b.>")).containsExactlyInAnyOrder("B", "C");
        assertThat(jsm.getStreamNames("a.1")).containsExactly("A");
        assertThat(jsm.getStreamNames("zzz")).isEmpty();
        assertThat(jsm.getStreams("b.x")).extracting(si -> si.getConfiguration().getName()).containsExactly("B");

        JsonNode names = raw("$JS.API.STREAM.NAMES", "{\"offset\":1}");
        assertThat(names.path("total").asInt()).isEqualTo(3);
        assertThat(names.path("offset").asInt()).isEqualTo(1);
        assertThat(names.path("limit").asInt()).isEqualTo(1024);
        assertThat(names.path("streams").toString()).isEqualTo("[\"B\",\"C\"]");
        JsonNode none = raw("$JS.API.STREAM.NAMES", "{\"subject\":\"zzz\"}");
        assertThat(none.path("total").asInt()).isZero();
    }

    @Test
    void listPagesBy256() throws Exception {
        int n = 260;
        for (int i = 0; i < n; i++) {
            jsm.addStream(memory(String.format("S%03d", i), "s." + i).build());
        }

        JsonNode first = raw("$JS.API.STREAM.LIST", "");
        JsonNode second = raw("$JS.API.STREAM.LIST", "{\"offset\":256}");
        List<StreamInfo> all = jsm.getStreams();

        assertThat(first.path("total").asInt()).isEqualTo(n);
        assertThat(first.path("offset").asInt()).isZero();
        assertThat(first.path("limit").asInt()).isEqualTo(256);
        assertThat(first.path("streams").size()).isEqualTo(256);
        assertThat(second.path("offset").asInt()).isEqualTo(256);
        assertThat(second.path("streams").size()).isEqualTo(4);
        assertThat(all).hasSize(n);
        assertThat(jsm.getStreamNames()).hasSize(n);
    }

    // ---- purge ---------------------------------------------------------------------------------------------------

    private void fill(String stream, String... subjects) throws Exception {
        fill(StorageType.Memory, stream, subjects);
    }

    private void fill(StorageType storage, String stream, String... subjects) throws Exception {
        jsm.addStream(StreamConfiguration.builder().name(stream).subjects("p.>").storageType(storage).build());
        for (String s : subjects) {
            js.publish(s, bytes(s));
        }
    }

    @Test
    void purgeRemovesEverything() throws Exception {
        fill("P", "p.a", "p.b", "p.a", "p.c");

        PurgeResponse r = jsm.purgeStream("P");

        assertThat(r.isSuccess()).isTrue();
        assertThat(r.getPurged()).isEqualTo(4);
        StreamState st = jsm.getStreamInfo("P").getStreamState();
        assertThat(st.getMsgCount()).isZero();
        assertThat(st.getFirstSequence()).isEqualTo(5);
        assertThat(st.getLastSequence()).isEqualTo(4);
        assertThat(js.publish("p.a", bytes("after")).getSeqno()).isEqualTo(5);
    }

    @ParameterizedTest
    @EnumSource(value = StorageType.class, names = {"File", "Memory"})
    void purgeBySubjectKeepAndSequence(StorageType storage) throws Exception {
        fill(storage, "P", "p.a", "p.b", "p.a", "p.c", "p.a", "p.b");

        assertThat(jsm.purgeStream("P", PurgeOptions.subject("p.b")).getPurged()).isEqualTo(2);
        assertThat(jsm.purgeStream("P", PurgeOptions.builder().subject("p.a").keep(1).build()).getPurged())
                .isEqualTo(2);
        StreamState st = jsm.getStreamInfo("P", StreamInfoOptions.allSubjects()).getStreamState();
        assertThat(st.getSubjectMap()).isEqualTo(Map.of("p.a", 1L, "p.c", 1L));
        assertThat(jsm.purgeStream("P", PurgeOptions.builder().sequence(5).build()).getPurged())
                .as("below seq 5: p.c at 4").isEqualTo(1);
        assertThat(jsm.getStreamInfo("P").getStreamState().getFirstSequence()).isEqualTo(5);
        assertThat(jsm.purgeStream("P", PurgeOptions.builder().keep(5).build()).getPurged()).isZero();
    }

    @Test
    void purgeWithBothSeqAndKeepIsABadRequest() throws Exception {
        fill("P", "p.a");

        JsonNode reply = raw("$JS.API.STREAM.PURGE.P", "{\"seq\":2,\"keep\":1}");

        assertRawError(reply, 400, 10003, "bad request");
        assertThat(jsm.getStreamInfo("P").getStreamState().getMsgCount()).isEqualTo(1);
    }

    @Test
    void purgeOfADenyPurgeStreamIsRefused() throws Exception {
        jsm.addStream(memory("P", "p").denyPurge(true).build());
        js.publish("p", bytes("x"));

        assertApiError(apiError(() -> jsm.purgeStream("P")), 500, 10110, "stream purge not permitted");
        assertThat(jsm.getStreamInfo("P").getStreamState().getMsgCount()).isEqualTo(1);
    }

    @Test
    void purgeOfASealedStreamIsRefused() throws Exception {
        StreamConfiguration cfg = memory("P", "p").build();
        jsm.addStream(cfg);
        js.publish("p", bytes("x"));
        jsm.updateStream(StreamConfiguration.builder(cfg).seal().build());

        assertApiError(apiError(() -> jsm.purgeStream("P")), 400, 10109, "invalid operation on sealed stream");
        assertApiError(apiError(() -> jsm.deleteMessage("P", 1)), 400, 10109, "invalid operation on sealed stream");
    }

    @Test
    void purgeErrorsCarryPurged() throws Exception {
        JsonNode reply = raw("$JS.API.STREAM.PURGE.NOPE", "");

        assertRawError(reply, 404, 10059, "stream not found");
        assertThat(reply.path("purged").isNumber()).as("purged in %s", reply).isTrue();
    }

    @Test
    void purgeWithAnInvalidFilterPurgesNothing() throws Exception {
        fill("P", "p.a");

        JsonNode r = raw("$JS.API.STREAM.PURGE.P", "{\"filter\":\"p..a\"}");

        assertThat(r.has("error")).as("error in %s", r).isFalse();
        assertThat(r.path("success").asBoolean(false)).isTrue();
        assertThat(r.path("purged").asLong(-1)).isZero();
        assertThat(jsm.getStreamInfo("P").getStreamState().getMsgCount()).isEqualTo(1);
    }

    @Test
    void purgeOfAMissingStreamFails() throws Exception {
        assertApiError(apiError(() -> jsm.purgeStream("NOPE")), 404, 10059, "stream not found");
    }

    // ---- messages ------------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(value = StorageType.class, names = {"File", "Memory"})
    void getMessageBySequenceLastAndNextBySubject(StorageType storage) throws Exception {
        fill(storage, "M", "p.a", "p.b", "p.a", "p.b", "p.c");

        MessageInfo bySeq = jsm.getMessage("M", 2);
        MessageInfo last = jsm.getLastMessage("M", "p.a");
        MessageInfo next = jsm.getNextMessage("M", 3, "p.b");
        MessageInfo lastWildcard = jsm.getMessage("M", MessageGetRequest.lastForSubject("p.*"));

        assertThat(bySeq.getSeq()).isEqualTo(2);
        assertThat(bySeq.getSubject()).isEqualTo("p.b");
        assertThat(bySeq.getData()).asString().isEqualTo("p.b");
        assertThat(bySeq.getTime()).isNotNull();
        assertThat(bySeq.getStream()).isEqualTo("M");
        assertThat(last.getSeq()).isEqualTo(3);
        assertThat(next.getSeq()).isEqualTo(4);
        assertThat(lastWildcard.getSeq()).isEqualTo(5);
    }

    @Test
    void getMessageKeepsHeaders() throws Exception {
        jsm.addStream(memory("M", "m").build());
        io.nats.client.impl.Headers h = new io.nats.client.impl.Headers().add("X-Test", "yes");
        js.publish(io.nats.client.impl.NatsMessage.builder().subject("m").headers(h).data(bytes("body")).build());

        MessageInfo m = jsm.getMessage("M", 1);

        assertThat(m.getHeaders().getFirst("X-Test")).isEqualTo("yes");
        assertThat(m.getData()).asString().isEqualTo("body");
    }

    @Test
    void getOfAMissingMessageFails() throws Exception {
        fill("M", "p.a");

        assertApiError(apiError(() -> jsm.getMessage("M", 7)), 404, 10037, "no message found");
        assertApiError(apiError(() -> jsm.getLastMessage("M", "p.zzz")), 404, 10037, "no message found");
        assertApiError(apiError(() -> jsm.getNextMessage("M", 2, "p.a")), 404, 10037, "no message found");
        assertApiError(apiError(() -> jsm.getMessage("NOPE", 1)), 404, 10059, "stream not found");
    }

    @ParameterizedTest
    @EnumSource(value = StorageType.class, names = {"File", "Memory"})
    void deleteMessageWithAndWithoutErase(StorageType storage) throws Exception {
        fill(storage, "M", "p.a", "p.b", "p.c");

        assertThat(jsm.deleteMessage("M", 1)).isTrue();
        assertThat(jsm.deleteMessage("M", 2, false)).isTrue();

        StreamState st = jsm.getStreamInfo("M").getStreamState();
        assertThat(st.getMsgCount()).isEqualTo(1);
        assertThat(st.getFirstSequence()).isEqualTo(3);
        assertApiError(apiError(() -> jsm.getMessage("M", 1)), 404, 10037, "no message found");
        assertApiError(apiError(() -> jsm.deleteMessage("M", 1)), 400, 10043, "sequence 1 not found");
        assertApiError(apiError(() -> jsm.deleteMessage("M", 99)), 400, 10043, "sequence 99 not found");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{}"})
    void deleteMessageWithAnEmptyRequestIsABadRequest(String body) throws Exception {
        fill("M", "p.a");

        assertRawError(raw("$JS.API.STREAM.MSG.DELETE.M", body), 400, 10003, "bad request");
    }

    @Test
    void deleteMessageZeroIsNotFound() throws Exception {
        fill("M", "p.a");

        assertRawError(raw("$JS.API.STREAM.MSG.DELETE.M", "{\"seq\":0}"), 400, 10043, "sequence 0 not found");
        assertRawError(raw("$JS.API.STREAM.MSG.DELETE.M", "{\"no_erase\":true}"), 400, 10043,
                "sequence 0 not found");
        assertRawError(raw("$JS.API.STREAM.MSG.DELETE.NOPE", "{\"seq\":0}"), 404, 10059, "stream not found");
    }

    @Test
    void deleteMessageOfADenyDeleteStreamIsRefused() throws Exception {
        jsm.addStream(memory("M", "m").denyDelete(true).build());
        js.publish("m", bytes("x"));

        assertApiError(apiError(() -> jsm.deleteMessage("M", 1)), 500, 10057, "message delete not permitted");
        assertThat(jsm.getStreamInfo("M").getStreamState().getMsgCount()).isEqualTo(1);
    }

    // ---- account -------------------------------------------------------------------------------------------------

    @Test
    void accountInfoCountsStreamsStorageAndApiCalls() throws Exception {
        AccountStatistics empty = jsm.getAccountStatistics();
        jsm.addStream(memory("MEM", "mem").maxBytes(10_000).build());
        jsm.addStream(file("FILE", "file").build());
        js.publish("mem", bytes("hello"));
        apiError(() -> jsm.getStreamInfo("NOPE"));

        AccountStatistics stats = jsm.getAccountStatistics();

        assertThat(empty.getStreams()).isZero();
        assertThat(stats.getStreams()).isEqualTo(2);
        assertThat(stats.getConsumers()).isZero();
        assertThat(stats.getMemory()).isPositive();
        assertThat(stats.getStorage()).isZero();
        assertThat(stats.getReservedMemory()).isEqualTo(10_000);
        assertThat(stats.getLimits().getMaxStreams()).isEqualTo(-1);
        assertThat(stats.getApi().getLevel()).isEqualTo(1);
        assertThat(stats.getApi().getTotalApiRequests() - empty.getApi().getTotalApiRequests())
                .as("info, create, create, info; the last may come late (accountInfoCountsEveryAnsweredRequest)")
                .isGreaterThanOrEqualTo(3);
        assertThat(stats.getApi().getErrorCount() - empty.getApi().getErrorCount()).isEqualTo(1);
    }

    @Test
    void accountInfoDoesNotCountItself() throws Exception {
        assertThat(jsm.getAccountStatistics().getApi().getTotalApiRequests()).as("the first request").isZero();
    }

    /** A request is counted before its answer is sent: the next INFO always includes it. */
    @Test
    void accountInfoCountsEveryAnsweredRequest() throws Exception {
        for (int i = 0; i < 200; i++) {
            jsm.getStreamNames();
            assertThat(jsm.getAccountStatistics().getApi().getTotalApiRequests()).as("round %d", i)
                    .isEqualTo(2L * i + 1);
        }
    }

    // ---- every field ---------------------------------------------------------------------------------------------

    @Test
    void everyConfigFieldRoundTrips() throws Exception {
        StreamConfiguration cfg = file("ALL", "all.>")
                .description("every field")
                .metadata(Map.of("owner", "tests", "team", "js"))
                .maxMsgSize(4096)
                .maxAge(Duration.ofHours(1))
                .duplicateWindow(Duration.ofMinutes(1))
                .maxMessages(1000)
                .maxBytes(1_000_000)
                .maxMessagesPerSubject(10)
                .discardPolicy(DiscardPolicy.New)
                .discardNewPerSubject(true)
                .allowRollup(true)
                .allowDirect(true)
                .denyDelete(true)
                .firstSequence(100)
                .subjectTransform(new SubjectTransform("all.>", "moved.>"))
                .republish(new Republish("all.>", "rep.>", true))
                .compressionOption(CompressionOption.S2)
                .allowMessageTtl()
                .subjectDeleteMarkerTtl(Duration.ofSeconds(5))
                .build();

        StreamConfiguration got = jsm.addStream(cfg).getConfiguration();
        StreamConfiguration again = jsm.getStreamInfo("ALL").getConfiguration();

        for (StreamConfiguration c : List.of(got, again)) {
            assertThat(c.getDescription()).isEqualTo("every field");
            assertThat(c.getMetadata()).containsEntry("owner", "tests").containsEntry("team", "js")
                    .containsEntry("_nats.req.level", "1").containsKeys("_nats.ver", "_nats.level");
            assertThat(c.getMaxMsgSize()).isEqualTo(4096);
            assertThat(c.getMaxAge()).isEqualTo(Duration.ofHours(1));
            assertThat(c.getDuplicateWindow()).isEqualTo(Duration.ofMinutes(1));
            assertThat(c.getMaxMsgs()).isEqualTo(1000);
            assertThat(c.getMaxBytes()).isEqualTo(1_000_000);
            assertThat(c.getMaxMsgsPerSubject()).isEqualTo(10);
            assertThat(c.getDiscardPolicy()).isEqualTo(DiscardPolicy.New);
            assertThat(c.isDiscardNewPerSubject()).isTrue();
            assertThat(c.getAllowRollup()).isTrue();
            assertThat(c.getAllowDirect()).isTrue();
            assertThat(c.getDenyDelete()).isTrue();
            assertThat(c.getDenyPurge()).isFalse();
            assertThat(c.getFirstSequence()).isEqualTo(100);
            assertThat(c.getSubjectTransform().getSource()).isEqualTo("all.>");
            assertThat(c.getSubjectTransform().getDestination()).isEqualTo("moved.>");
            assertThat(c.getRepublish().getSource()).isEqualTo("all.>");
            assertThat(c.getRepublish().getDestination()).isEqualTo("rep.>");
            assertThat(c.getRepublish().isHeadersOnly()).isTrue();
            assertThat(c.getCompressionOption()).isEqualTo(CompressionOption.S2);
            assertThat(c.isAllowMessageTtl()).isTrue();
            assertThat(c.getSubjectDeleteMarkerTtl()).isEqualTo(Duration.ofSeconds(5));
            assertThat(c.getStorageType()).isEqualTo(StorageType.File);
        }
    }

    @Test
    void noAckAndDenyPurgeRoundTripAndNoAckSuppressesThePubAck() throws Exception {
        StreamConfiguration got = jsm.addStream(memory("NA", "na").noAck(true).denyPurge(true).build())
                .getConfiguration();

        assertThat(got.getNoAck()).isTrue();
        assertThat(got.getDenyPurge()).isTrue();
        assertThat(got.getAllowRollup()).isFalse();
        io.nats.client.Message reply = f.nc().request("na", bytes("x"), Duration.ofMillis(500));
        assertThat(reply).as("no PubAck from a no_ack stream").isNull();
        assertThat(jsm.getStreamInfo("NA").getStreamState().getMsgCount()).isEqualTo(1);
    }

    @Test
    void firstSeqStartsTheSequence() throws Exception {
        jsm.addStream(memory("FS", "fs").firstSequence(100).build());

        assertThat(js.publish("fs", bytes("x")).getSeqno()).isEqualTo(100);
        assertThat(jsm.getStreamInfo("FS").getStreamState().getFirstSequence()).isEqualTo(100);
    }

    @Test
    void manyStreamsInParallelAreAllCreated() throws Exception {
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        IntStream.range(0, 8).forEach(t -> threads.add(Thread.ofVirtual().start(() -> {
            try {
                JetStreamManagement m = f.connect().jetStreamManagement();
                for (int i = 0; i < 10; i++) {
                    m.addStream(memory("T" + t + "_" + i, "t." + t + "." + i).build());
                }
            } catch (Throwable e) {
                failures.add(e);
            }
        })));
        for (Thread t : threads) {
            t.join(Duration.ofSeconds(60));
        }

        assertThat(failures).isEmpty();
        assertThat(jsm.getStreamNames()).hasSize(80);
    }
}
