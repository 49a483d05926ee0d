package io.natsj.server.jetstream;

import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.PublishOptions;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.MessageGetRequest;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.PublishAck;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamState;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.Map;

import static io.natsj.server.jetstream.JsFixture.WAIT;
import static io.natsj.server.jetstream.JsFixture.apiError;
import static io.natsj.server.jetstream.JsFixture.assertApiError;
import static io.natsj.server.jetstream.JsFixture.bytes;
import static io.natsj.server.jetstream.JsFixture.memory;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * Publishing into natsj's streams as a jnats {@code JetStream} user sees it, with nats-server 2.11.0's rules:
 * PubAcks, plain publishes without a reply, de-duplication by {@code Nats-Msg-Id}, every {@code Nats-Expected-*}
 * header, roll-ups, per-message TTLs, the limits with both discard policies (and their errors), expiry by
 * {@code max_age} without further traffic, sealed streams, no-responders for subjects no stream captures, interest
 * and work-queue retention without consumers, and direct gets ({@code allow_direct}).
 */
@Timeout(120)
class PublishIT {

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

    private StreamState state(String stream) throws Exception {
        return jsm.getStreamInfo(stream).getStreamState();
    }

    private static PublishOptions.Builder opts() {
        return PublishOptions.builder();
    }

    // ---- acks ----------------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(value = StorageType.class, names = {"File", "Memory"})
    void pubAckNamesTheStreamAndSequence(StorageType storage) throws Exception {
        jsm.addStream(StreamConfiguration.builder().name("S").subjects("s.>").storageType(storage).build());

        PublishAck first = js.publish("s.a", bytes("1"));
        PublishAck second = js.publish("s.b", bytes("2"));

        assertThat(first.getStream()).isEqualTo("S");
        assertThat(first.getSeqno()).isEqualTo(1);
        assertThat(first.isDuplicate()).isFalse();
        assertThat(first.getDomain()).isNull();
        assertThat(second.getSeqno()).isEqualTo(2);
        JsonNode raw = JsFixture.request(f.nc(), "s.c", null, "3");
        assertThat(raw.toString()).isEqualTo("{\"stream\":\"S\",\"seq\":3}");
    }

    @Test
    void aPublishWithoutAReplyIsStored() throws Exception {
        jsm.addStream(memory("S", "s").build());

        f.nc().publish("s", bytes("fire and forget"));
        f.nc().flush(WAIT);

        await().atMost(WAIT).until(() -> state("S").getMsgCount() == 1);
        assertThat(jsm.getMessage("S", 1).getData()).asString().isEqualTo("fire and forget");
    }

    @Test
    void anErrorAnswerNamesTheStreamWithSeqZero() throws Exception {
        jsm.addStream(memory("S", "s").build());
        Headers h = new Headers().add("Nats-Expected-Stream", "OTHER");

        JsonNode raw = JsFixture.request(f.nc(), "s", h, "x");

        assertThat(raw.toString()).isEqualTo("{\"error\":{\"code\":400,\"err_code\":10060,"
                + "\"description\":\"expected stream does not match\"},\"stream\":\"S\",\"seq\":0}");
    }

    // ---- de-duplication and expectations -------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(value = StorageType.class, names = {"File", "Memory"})
    void aRepeatedMsgIdIsADuplicate(StorageType storage) throws Exception {
        jsm.addStream(StreamConfiguration.builder().name("S").subjects("s").storageType(storage).build());

        PublishAck first = js.publish("s", bytes("a"), opts().messageId("id-1").build());
        PublishAck again = js.publish("s", bytes("b"), opts().messageId("id-1").build());
        PublishAck other = js.publish("s", bytes("c"), opts().messageId("id-2").build());

        assertThat(first.isDuplicate()).isFalse();
        assertThat(again.isDuplicate()).isTrue();
        assertThat(again.getSeqno()).isEqualTo(first.getSeqno());
        assertThat(other.getSeqno()).isEqualTo(2);
        assertThat(state("S").getMsgCount()).isEqualTo(2);
        assertThat(jsm.getMessage("S", 1).getData()).asString().isEqualTo("a");
        Headers h = new Headers().add("Nats-Msg-Id", "id-1");
        assertThat(JsFixture.request(f.nc(), "s", h, "d").toString())
                .isEqualTo("{\"stream\":\"S\",\"seq\":1,\"duplicate\":true}");
    }

    @Test
    void aMsgIdIsForgottenAfterTheDuplicateWindow() throws Exception {
        jsm.addStream(memory("S", "s").duplicateWindow(Duration.ofSeconds(1)).build());
        js.publish("s", bytes("a"), opts().messageId("id-1").build());
        assertThat(js.publish("s", bytes("b"), opts().messageId("id-1").build()).isDuplicate()).isTrue();

        await().atMost(WAIT).until(() -> !js.publish("s", bytes("c"), opts().messageId("id-1").build())
                .isDuplicate());

        assertThat(state("S").getMsgCount()).isEqualTo(2);
    }

    @Test
    void expectedStreamMustMatch() throws Exception {
        jsm.addStream(memory("S", "s").build());

        JetStreamApiException e = apiError(() -> js.publish("s", bytes("x"), opts().expectedStream("T").build()));

        assertApiError(e, 400, 10060, "expected stream does not match");
        assertThat(js.publish("s", bytes("x"), opts().expectedStream("S").build()).getSeqno()).isEqualTo(1);
    }

    @Test
    void expectedLastSequenceMustMatch() throws Exception {
        jsm.addStream(memory("S", "s.>").build());
        js.publish("s.a", bytes("1"));
        js.publish("s.b", bytes("2"));

        JetStreamApiException e = apiError(() -> js.publish("s.a", bytes("x"),
                opts().expectedLastSequence(1).build()));

        assertApiError(e, 400, 10071, "wrong last sequence: 2");
        assertThat(js.publish("s.a", bytes("x"), opts().expectedLastSequence(2).build()).getSeqno()).isEqualTo(3);
        assertThat(state("S").getMsgCount()).isEqualTo(3);
    }

    @Test
    void expectedSequencesThatAreNotNumbersNeverMatch() throws Exception {
        jsm.addStream(memory("S", "s.>").build());
        js.publish("s.a", bytes("1"));

        JetStreamApiException last = apiError(() -> js.publish(msg("s.a", "x", "Nats-Expected-Last-Sequence",
                "abc")));
        JetStreamApiException subject = apiError(() -> js.publish(msg("s.a", "x",
                "Nats-Expected-Last-Subject-Sequence", "-1")));

        assertApiError(last, 400, 10071, "wrong last sequence: 1");
        assertApiError(subject, 400, 10071, "wrong last sequence: 1");
        assertThat(state("S").getMsgCount()).isEqualTo(1);
    }

    @Test
    void expectedLastMsgIdMustMatch() throws Exception {
        jsm.addStream(memory("S", "s").build());
        js.publish("s", bytes("1"), opts().messageId("first").build());

        JetStreamApiException e = apiError(() -> js.publish("s", bytes("x"),
                opts().expectedLastMsgId("other").build()));

        assertApiError(e, 400, 10070, "wrong last msg ID: first");
        assertThat(js.publish("s", bytes("2"), opts().expectedLastMsgId("first").messageId("second").build())
                .getSeqno()).isEqualTo(2);
    }

    @Test
    void expectedLastSubjectSequenceIsPerSubject() throws Exception {
        jsm.addStream(memory("S", "s.>").build());

        assertThat(js.publish("s.a", bytes("1"), opts().expectedLastSubjectSequence(0).build()).getSeqno())
                .as("0: no message on the subject yet").isEqualTo(1);
        js.publish("s.b", bytes("2"));
        JetStreamApiException e = apiError(() -> js.publish("s.a", bytes("x"),
                opts().expectedLastSubjectSequence(0).build()));
        assertApiError(e, 400, 10071, "wrong last sequence: 1");
        assertThat(js.publish("s.a", bytes("3"), opts().expectedLastSubjectSequence(1).build()).getSeqno())
                .isEqualTo(3);
        assertThat(state("S").getMsgCount()).isEqualTo(3);
    }

    @Test
    void expectedLastSubjectSequenceCanNameAnotherSubject() throws Exception {
        jsm.addStream(memory("S", "s.>").build());
        js.publish("s.a", bytes("1"));
        js.publish("s.b", bytes("2"));
        js.publish("s.x.y", bytes("3"));

        JetStreamApiException e = apiError(() -> js.publish("s.c", bytes("x"), opts()
                .expectedLastSubjectSequence(1).expectedLastSubjectSequenceSubject("s.*").build()));
        assertApiError(e, 400, 10071, "wrong last sequence: 2");

        PublishAck ok = js.publish("s.c", bytes("4"), opts().expectedLastSubjectSequence(2)
                .expectedLastSubjectSequenceSubject("s.*").build());
        assertThat(ok.getSeqno()).isEqualTo(4);
    }

    // ---- roll-ups and TTLs ---------------------------------------------------------------------------------------

    private static NatsMessage msg(String subject, String data, String... headers) {
        Headers h = new Headers();
        for (int i = 0; i < headers.length; i += 2) {
            h.add(headers[i], headers[i + 1]);
        }
        return NatsMessage.builder().subject(subject).headers(h).data(bytes(data)).build();
    }

    @Test
    void rollupSubKeepsOnlyTheLatestOfTheSubject() throws Exception {
        jsm.addStream(memory("R", "r.>").allowRollup(true).build());
        js.publish("r.a", bytes("1"));
        js.publish("r.a", bytes("2"));
        js.publish("r.b", bytes("3"));

        PublishAck ack = js.publish(msg("r.a", "latest", "Nats-Rollup", "sub"));

        assertThat(ack.getSeqno()).isEqualTo(4);
        StreamState st = jsm.getStreamInfo("R", io.nats.client.api.StreamInfoOptions.allSubjects())
                .getStreamState();
        assertThat(st.getSubjectMap()).isEqualTo(Map.of("r.a", 1L, "r.b", 1L));
        assertThat(jsm.getLastMessage("R", "r.a").getData()).asString().isEqualTo("latest");
    }

    @Test
    void rollupAllKeepsOnlyTheRollup() throws Exception {
        jsm.addStream(memory("R", "r.>").allowRollup(true).build());
        js.publish("r.a", bytes("1"));
        js.publish("r.b", bytes("2"));

        js.publish(msg("r.c", "snapshot", "Nats-Rollup", "all"));

        StreamState st = state("R");
        assertThat(st.getMsgCount()).isEqualTo(1);
        assertThat(st.getFirstSequence()).isEqualTo(3);
    }

    @Test
    void rollupWithoutAllowRollupIsRefused() throws Exception {
        jsm.addStream(memory("R", "r.>").build());
        js.publish("r.a", bytes("1"));

        JetStreamApiException e = apiError(() -> js.publish(msg("r.a", "x", "Nats-Rollup", "sub")));

        assertApiError(e, 500, 10111, "rollup not permitted");
        assertThat(state("R").getMsgCount()).isEqualTo(1);
    }

    @Test
    void anInvalidRollupValueIsRefused() throws Exception {
        jsm.addStream(memory("R", "r.>").allowRollup(true).build());

        JetStreamApiException e = apiError(() -> js.publish(msg("r.a", "x", "Nats-Rollup", "bad")));

        assertApiError(e, 500, 10111, "rollup value invalid: \"bad\"");
        assertThat(state("R").getMsgCount()).isZero();
    }

    @Test
    void aMessageWithATtlExpires() throws Exception {
        jsm.addStream(memory("T", "t").allowMessageTtl().build());
        js.publish("t", bytes("keeps"));

        PublishAck ack = js.publish("t", bytes("expires"), opts().messageTtlSeconds(1).build());

        assertThat(ack.getSeqno()).isEqualTo(2);
        assertThat(jsm.getMessage("T", 2).getHeaders().getFirst("Nats-TTL")).isEqualTo("1s");
        await().atMost(WAIT).until(() -> state("T").getMsgCount() == 1);
        assertApiError(apiError(() -> jsm.getMessage("T", 2)), 404, 10037, "no message found");
        assertThat(jsm.getMessage("T", 1).getData()).asString().isEqualTo("keeps");
    }

    @Test
    void aMessageWithTtlNeverOutlivesMaxAge() throws Exception {
        jsm.addStream(memory("T", "t.>").allowMessageTtl().maxAge(Duration.ofSeconds(1)).build());
        js.publish("t.forever", bytes("stays"), opts().messageTtlNever().build());
        js.publish("t.aged", bytes("goes"));

        await().atMost(WAIT).until(() -> state("T").getMsgCount() == 1);

        assertThat(jsm.getLastMessage("T", "t.forever").getData()).asString().isEqualTo("stays");
        assertApiError(apiError(() -> jsm.getLastMessage("T", "t.aged")), 404, 10037, "no message found");
    }

    @Test
    void maxAgeTakesAMessageBeforeItsLongerTtl() throws Exception {
        jsm.addStream(memory("T", "t").allowMessageTtl().maxAge(Duration.ofSeconds(1)).build());
        js.publish("t", bytes("goes"), opts().messageTtlSeconds(30).build());

        await().atMost(WAIT).until(() -> state("T").getMsgCount() == 0);
    }

    /**
     * With {@code subject_delete_marker_ttl}, nats-server 2.11 leaves a marker when max_age removes the last message
     * of a subject: a message on that subject with {@code Nats-Marker-Reason: MaxAge} and {@code Nats-TTL}.
     */
    @Test
    void maxAgeLeavesASubjectDeleteMarker() throws Exception {
        jsm.addStream(memory("T", "t.>").allowMessageTtl().maxAge(Duration.ofSeconds(1))
                .subjectDeleteMarkerTtl(Duration.ofMinutes(1)).build());
        js.publish("t.a", bytes("goes"));

        await().atMost(WAIT).until(() -> state("T").getLastSequence() == 2);

        MessageInfo marker = jsm.getLastMessage("T", "t.a");
        assertThat(marker.getSeq()).isEqualTo(2);
        assertThat(marker.getHeaders().getFirst("Nats-Marker-Reason")).isEqualTo("MaxAge");
        assertThat(marker.getHeaders().getFirst("Nats-TTL")).isEqualTo("1m0s");
        assertThat(state("T").getMsgCount()).isEqualTo(1);
    }

    @Test
    void aTtlOnAStreamWithoutAllowMsgTtlIsRefused() throws Exception {
        jsm.addStream(memory("T", "t").build());

        JetStreamApiException e = apiError(() -> js.publish("t", bytes("x"), opts().messageTtlSeconds(5).build()));

        assertApiError(e, 400, 10166, "per-message TTL is disabled");
        assertThat(state("T").getMsgCount()).isZero();
    }

    @Test
    void aTtlBelowOneSecondIsInvalid() throws Exception {
        jsm.addStream(memory("T", "t").allowMessageTtl().build());

        JetStreamApiException e = apiError(() -> js.publish("t", bytes("x"),
                opts().messageTtlCustom("500ms").build()));

        assertApiError(e, 400, 10165, "invalid per-message TTL");
        assertThat(state("T").getMsgCount()).isZero();
    }

    // ---- limits --------------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(value = StorageType.class, names = {"File", "Memory"})
    void maxMsgsWithDiscardOldEvictsTheOldest(StorageType storage) throws Exception {
        jsm.addStream(StreamConfiguration.builder().name("L").subjects("l").storageType(storage).maxMessages(3)
                .build());

        for (int i = 1; i <= 5; i++) {
            assertThat(js.publish("l", bytes("m" + i)).getSeqno()).isEqualTo(i);
        }

        StreamState st = state("L");
        assertThat(st.getMsgCount()).isEqualTo(3);
        assertThat(st.getFirstSequence()).isEqualTo(3);
        assertThat(jsm.getMessage("L", 3).getData()).asString().isEqualTo("m3");
    }

    @ParameterizedTest
    @EnumSource(value = StorageType.class, names = {"File", "Memory"})
    void maxMsgsWithDiscardNewRefusesTheNewest(StorageType storage) throws Exception {
        jsm.addStream(StreamConfiguration.builder().name("L").subjects("l").storageType(storage).maxMessages(2)
                .discardPolicy(DiscardPolicy.New).build());
        js.publish("l", bytes("1"));
        js.publish("l", bytes("2"));

        JetStreamApiException e = apiError(() -> js.publish("l", bytes("3")));

        assertApiError(e, 503, 10077, "maximum messages exceeded");
        StreamState st = state("L");
        assertThat(st.getMsgCount()).isEqualTo(2);
        assertThat(st.getLastSequence()).isEqualTo(2);
    }

    @Test
    void maxBytesWithDiscardNewRefusesTheNewest() throws Exception {
        jsm.addStream(memory("L", "l").maxBytes(200).discardPolicy(DiscardPolicy.New).build());
        js.publish("l", new byte[100]);

        JetStreamApiException e = apiError(() -> js.publish("l", new byte[100]));

        assertApiError(e, 503, 10077, "maximum bytes exceeded");
        assertThat(state("L").getMsgCount()).isEqualTo(1);
    }

    @Test
    void maxMsgsPerSubjectEvictsPerSubject() throws Exception {
        jsm.addStream(memory("L", "l.>").maxMessagesPerSubject(2).build());
        js.publish("l.a", bytes("a1"));
        js.publish("l.a", bytes("a2"));
        js.publish("l.b", bytes("b1"));
        js.publish("l.a", bytes("a3"));

        StreamState st = jsm.getStreamInfo("L", io.nats.client.api.StreamInfoOptions.allSubjects())
                .getStreamState();
        assertThat(st.getSubjectMap()).isEqualTo(Map.of("l.a", 2L, "l.b", 1L));
        assertThat(st.getFirstSequence()).isEqualTo(2);
    }

    @Test
    void discardNewPerSubjectRefusesPerSubject() throws Exception {
        jsm.addStream(memory("L", "l.>").maxMessagesPerSubject(1).discardPolicy(DiscardPolicy.New)
                .discardNewPerSubject(true).build());
        js.publish("l.a", bytes("a1"));

        JetStreamApiException e = apiError(() -> js.publish("l.a", bytes("a2")));

        assertApiError(e, 503, 10077, "maximum messages per subject exceeded");
        assertThat(js.publish("l.b", bytes("b1")).getSeqno()).isEqualTo(2);
    }

    @Test
    void maxMsgSizeRefusesLargerMessages() throws Exception {
        jsm.addStream(memory("L", "l").maxMsgSize(64).build());
        js.publish("l", new byte[64]);

        JetStreamApiException e = apiError(() -> js.publish("l", new byte[65]));

        assertApiError(e, 400, 10054, "message size exceeds maximum allowed");
        assertThat(state("L").getMsgCount()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(value = StorageType.class, names = {"File", "Memory"})
    void maxAgeExpiresWithoutFurtherTraffic(StorageType storage) throws Exception {
        jsm.addStream(StreamConfiguration.builder().name("A").subjects("a").storageType(storage)
                .maxAge(Duration.ofSeconds(1)).build());
        js.publish("a", bytes("1"));
        js.publish("a", bytes("2"));
        assertThat(state("A").getMsgCount()).isEqualTo(2);

        await().atMost(WAIT).until(() -> state("A").getMsgCount() == 0);

        StreamState st = state("A");
        assertThat(st.getLastSequence()).isEqualTo(2);
        assertThat(st.getFirstSequence()).isEqualTo(3);
    }

    @Test
    void aSealedStreamRefusesPublishes() throws Exception {
        StreamConfiguration cfg = memory("S", "s").build();
        jsm.addStream(cfg);
        js.publish("s", bytes("1"));
        jsm.updateStream(StreamConfiguration.builder(cfg).seal().build());

        JetStreamApiException e = apiError(() -> js.publish("s", bytes("2")));

        assertApiError(e, 400, 10109, "invalid operation on sealed stream");
        assertThat(state("S").getMsgCount()).isEqualTo(1);
    }

    @Test
    void aSubjectNoStreamCapturesHasNoResponders() throws Exception {
        jsm.addStream(memory("S", "s").build());
        long start = System.nanoTime();

        Throwable t = catchThrowable(() -> js.publish("nobody.listens", bytes("x")));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("fails fast").isLessThan(Duration.ofSeconds(2));
        assertThat(t).isNotNull();
        assertThat(t.toString()).containsAnyOf("503", "No Responders", "no responders");
    }

    // ---- republish and subject transform -------------------------------------------------------------------------

    @Test
    void republishSendsEachStoredMessageOn() throws Exception {
        jsm.addStream(memory("S", "s.>").republish(new io.nats.client.api.Republish("s.>", "rep.>", false)).build());
        io.nats.client.Subscription sub = f.nc().subscribe("rep.>");
        f.nc().flush(WAIT);

        js.publish(msg("s.a", "one", "X-H", "v"));
        js.publish("s.a", bytes("two"));
        Message first = sub.nextMessage(WAIT);
        Message second = sub.nextMessage(WAIT);

        assertThat(first).as("republished message").isNotNull();
        assertThat(first.getSubject()).isEqualTo("rep.a");
        assertThat(first.getData()).asString().isEqualTo("one");
        assertThat(first.getHeaders().getFirst("X-H")).isEqualTo("v");
        assertThat(first.getHeaders().getFirst("Nats-Stream")).isEqualTo("S");
        assertThat(first.getHeaders().getFirst("Nats-Subject")).isEqualTo("s.a");
        assertThat(first.getHeaders().getFirst("Nats-Sequence")).isEqualTo("1");
        assertThat(first.getHeaders().getFirst("Nats-Last-Sequence")).isEqualTo("0");
        assertThat(first.getHeaders().getFirst("Nats-Time-Stamp")).isNotEmpty();
        assertThat(second.getHeaders().getFirst("Nats-Last-Sequence")).isEqualTo("1");
    }

    @Test
    void republishHeadersOnlySendsTheSize() throws Exception {
        jsm.addStream(memory("S", "s.>").republish(new io.nats.client.api.Republish("s.>", "rep.>", true)).build());
        io.nats.client.Subscription sub = f.nc().subscribe("rep.>");
        f.nc().flush(WAIT);

        js.publish("s.a", bytes("12345"));
        Message m = sub.nextMessage(WAIT);

        assertThat(m).as("republished message").isNotNull();
        assertThat(m.getData()).isEmpty();
        assertThat(m.getHeaders().getFirst("Nats-Msg-Size")).isEqualTo("5");
    }

    @Test
    void subjectTransformRewritesTheStoredSubject() throws Exception {
        jsm.addStream(memory("T", "in.>").subjectTransform(new io.nats.client.api.SubjectTransform("in.>", "out.>"))
                .build());

        js.publish("in.a", bytes("x"));

        assertThat(jsm.getMessage("T", 1).getSubject()).isEqualTo("out.a");
        assertThat(jsm.getLastMessage("T", "out.a").getSeq()).isEqualTo(1);
    }

    // ---- retention -----------------------------------------------------------------------------------------------

    @Test
    void interestRetentionWithoutConsumersKeepsNothing() throws Exception {
        jsm.addStream(memory("I", "i").retentionPolicy(RetentionPolicy.Interest).build());

        assertThat(js.publish("i", bytes("1")).getSeqno()).isEqualTo(1);
        assertThat(js.publish("i", bytes("2")).getSeqno()).isEqualTo(2);

        StreamState st = state("I");
        assertThat(st.getMsgCount()).isZero();
        assertThat(st.getLastSequence()).isEqualTo(2);
    }

    @Test
    void workQueueRetentionKeepsMessages() throws Exception {
        jsm.addStream(memory("W", "w").retentionPolicy(RetentionPolicy.WorkQueue).build());

        js.publish("w", bytes("1"));
        js.publish("w", bytes("2"));

        StreamState st = state("W");
        assertThat(st.getMsgCount()).isEqualTo(2);
        assertThat(st.getLastSequence()).isEqualTo(2);
    }

    // ---- direct get ----------------------------------------------------------------------------------------------

    @Test
    void directGetBySequenceLastAndNext() throws Exception {
        jsm.addStream(memory("D", "d.>").allowDirect(true).build());
        js.publish("d.a", bytes("1"));
        js.publish(msg("d.b", "2", "X-H", "v"));
        js.publish("d.a", bytes("3"));

        MessageInfo bySeq = jsm.getMessage("D", 2);
        MessageInfo last = jsm.getLastMessage("D", "d.a");
        MessageInfo next = jsm.getNextMessage("D", 2, "d.a");
        MessageInfo lastWildcard = jsm.getMessage("D", MessageGetRequest.lastForSubject("d.*"));

        assertThat(bySeq.getSeq()).isEqualTo(2);
        assertThat(bySeq.getSubject()).isEqualTo("d.b");
        assertThat(bySeq.getStream()).isEqualTo("D");
        assertThat(bySeq.getHeaders().getFirst("X-H")).isEqualTo("v");
        assertThat(bySeq.getTime()).isNotNull();
        assertThat(last.getSeq()).isEqualTo(3);
        assertThat(next.getSeq()).isEqualTo(3);
        assertThat(lastWildcard.getSeq()).isEqualTo(3);
    }

    @Test
    void directGetAnswersWithTheMessageAndItsHeaders() throws Exception {
        jsm.addStream(memory("D", "d.>").allowDirect(true).build());
        js.publish("d.a", bytes("hello"));

        Message bySeq = f.nc().request("$JS.API.DIRECT.GET.D", bytes("{\"seq\":1}"), WAIT);
        Message bySubject = f.nc().request("$JS.API.DIRECT.GET.D.d.a", new byte[0], WAIT);
        Message missing = f.nc().request("$JS.API.DIRECT.GET.D", bytes("{\"seq\":9}"), WAIT);

        for (Message m : java.util.List.of(bySeq, bySubject)) {
            assertThat(m.getData()).asString().isEqualTo("hello");
            assertThat(m.getHeaders().getFirst("Nats-Stream")).isEqualTo("D");
            assertThat(m.getHeaders().getFirst("Nats-Subject")).isEqualTo("d.a");
            assertThat(m.getHeaders().getFirst("Nats-Sequence")).isEqualTo("1");
            assertThat(m.getHeaders().getFirst("Nats-Time-Stamp")).isNotEmpty();
        }
        assertThat(missing.getStatus().getCode()).isEqualTo(404);
        assertThat(missing.getStatus().getMessage()).isEqualTo("Message Not Found");
    }

    @Test
    void directGetOfAnEmptyRequestIsAnEmptyRequest() throws Exception {
        jsm.addStream(memory("D", "d.>").allowDirect(true).build());
        js.publish("d.a", bytes("1"));

        Message empty = f.nc().request("$JS.API.DIRECT.GET.D", new byte[0], WAIT);
        Message emptyObject = f.nc().request("$JS.API.DIRECT.GET.D", bytes("{}"), WAIT);

        assertThat(empty.getStatus().getCode()).isEqualTo(408);
        assertThat(empty.getStatus().getMessage()).isEqualTo("Empty Request");
        assertThat(emptyObject.getStatus().getCode()).isEqualTo(408);
        assertThat(emptyObject.getStatus().getMessage()).isEqualTo("Empty Request");
    }

    @Test
    void directGetOfAWhiteSpaceBodyIsMalformed() throws Exception {
        jsm.addStream(memory("D", "d.>").allowDirect(true).build());
        js.publish("d.a", bytes("1"));

        Message reply = f.nc().request("$JS.API.DIRECT.GET.D", bytes(" "), WAIT);

        assertThat(reply.getStatus().getCode()).isEqualTo(408);
        assertThat(reply.getStatus().getMessage()).isEqualTo("Malformed Request");
    }

    @Test
    void directGetOfAMissingMessageFails() throws Exception {
        jsm.addStream(memory("D", "d.>").allowDirect(true).build());
        js.publish("d.a", bytes("1"));

        JetStreamApiException bySeq = apiError(() -> jsm.getMessage("D", 5));
        JetStreamApiException last = apiError(() -> jsm.getLastMessage("D", "d.zzz"));

        assertThat(bySeq.getErrorCode()).isEqualTo(404);
        assertThat(bySeq.getApiErrorCode()).isEqualTo(10037);
        assertThat(last.getErrorCode()).isEqualTo(404);
        assertThat(last.getApiErrorCode()).isEqualTo(10037);
    }
}
