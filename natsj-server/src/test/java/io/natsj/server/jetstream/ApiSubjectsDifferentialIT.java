package io.natsj.server.jetstream;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.api.ConsumerConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API subjects of clustered operation and of stream backups, sent to nats-server 2.9.10 ({@code -js}, alone) and
 * to natsj: each answer reduced to what a client sees (the JSON {@code type} and {@code error}, a status such as
 * {@code 503} "no responders", or nothing within {@link #QUIET}) must be the same. Where 2.9.10 says only
 * "invalid JSON", natsj adds Go's reason as nats-server 2.10+ does; those cases compare the codes and check natsj's
 * text separately. Skipped when nats-server is not installed.
 */
@Timeout(120)
class ApiSubjectsDifferentialIT {

    /** How long a subject that answers nothing is listened to. */
    private static final Duration QUIET = Duration.ofMillis(400);

    private static JsFixture natsj;
    private static JsFixture reference;

    @BeforeAll
    static void start() throws Exception {
        reference = JsFixture.natsServer();
        natsj = JsFixture.natsj();
        for (JsFixture f : List.of(reference, natsj)) {
            f.jsm().addStream(JsFixture.memory("S", "s.>").build());
            f.jsm().addOrUpdateConsumer("S", ConsumerConfiguration.builder().durable("C").build());
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (natsj != null) {
            natsj.close();
        }
        if (reference != null) {
            reference.close();
        }
    }

    /** What a requester sees: {@code type [code err_code description]}, {@code status N}, or {@code nothing}. */
    static String answer(Connection nc, String subject, String body) throws Exception {
        String inbox = nc.createInbox();
        Subscription sub = nc.subscribe(inbox);
        nc.publish(subject, inbox, JsFixture.bytes(body));
        Message m = sub.nextMessage(QUIET);
        sub.unsubscribe();
        if (m == null) {
            return "nothing";
        }
        if (m.isStatusMessage()) {
            return "status " + m.getStatus().getCode();
        }
        JsonNode j = JsFixture.JSON.readTree(m.getData());
        JsonNode e = j.get("error");
        String type = j.get("type").asString();
        return e == null ? type : type + " " + e.get("code") + " " + e.get("err_code") + " "
                + e.get("description").asString();
    }

    private static void assertSame(String subject, String body) throws Exception {
        String expected = answer(reference.nc(), subject, body);
        assertThat(answer(natsj.nc(), subject, body)).as("%s with %s", subject, body).isEqualTo(expected);
    }

    @Test
    void clusteredOperationNeedsClusteringBeforeAnyOtherCheck() throws Exception {
        List<String> subjects = List.of("STREAM.LEADER.STEPDOWN.S", "STREAM.LEADER.STEPDOWN.NOPE",
                "CONSUMER.LEADER.STEPDOWN.S.C", "CONSUMER.LEADER.STEPDOWN.NOPE.C", "CONSUMER.LEADER.STEPDOWN.S.NOPE",
                "STREAM.PEER.REMOVE.S", "STREAM.PEER.REMOVE.NOPE");
        for (String s : subjects) {
            for (String body : List.of("", "{\"peer\":\"x\"}", "{not json")) {
                assertSame("$JS.API." + s, body);
            }
        }
        assertThat(answer(natsj.nc(), "$JS.API.STREAM.PEER.REMOVE.S", "")).isEqualTo(
                "io.nats.jetstream.api.v1.stream_remove_peer_response 503 10010 JetStream clustering support required");
    }

    @Test
    void metaLeaderRequestsAreTakenAndLeftUnanswered() throws Exception {
        for (String s : List.of("META.LEADER.STEPDOWN", "SERVER.REMOVE", "ACCOUNT.STREAM.MOVE.$G.S",
                "ACCOUNT.STREAM.CANCEL_MOVE.$G.S")) {
            assertSame("$JS.API." + s, "{}");
            assertThat(answer(natsj.nc(), "$JS.API." + s, "")).isEqualTo("nothing");
        }
    }

    @Test
    void accountPurgeFromAnAccountIsIgnoredAndPurgesNothing() throws Exception {
        // nats-server 2.9.10 purges for anyone; 2.11.10 and later only for the system account: natsj follows them
        assertThat(answer(natsj.nc(), "$JS.API.ACCOUNT.PURGE.$G", "")).isEqualTo("nothing");
        assertThat(natsj.jsm().getStreamNames()).contains("S");
    }

    @Test
    void snapshotAndRestoreAreCheckedLikeNatsServer() throws Exception {
        List<String[]> cases = new ArrayList<>();
        cases.add(new String[]{"STREAM.SNAPSHOT.S", ""});
        cases.add(new String[]{"STREAM.SNAPSHOT.S", "{}"});
        cases.add(new String[]{"STREAM.SNAPSHOT.NOPE", "{\"deliver_subject\":\"x\"}"});
        cases.add(new String[]{"STREAM.SNAPSHOT.S", "{\"deliver_subject\":\"\"}"});
        cases.add(new String[]{"STREAM.SNAPSHOT.S", "{\"deliver_subject\":\"a..b\"}"});
        cases.add(new String[]{"STREAM.RESTORE.S", ""});
        cases.add(new String[]{"STREAM.RESTORE.S", "{\"config\":{\"name\":\"S\"}}"});
        cases.add(new String[]{"STREAM.RESTORE.S", "{\"config\":{}}"});
        cases.add(new String[]{"STREAM.RESTORE.X", "{\"config\":{\"name\":\"a.b\"}}"});
        for (String[] c : cases) {
            assertSame("$JS.API." + c[0], c[1]);
        }
    }

    @Test
    void badSnapshotAndRestoreBodiesAreInvalidJsonWithGoReason() throws Exception {
        String[][] cases = {
                {"STREAM.SNAPSHOT.S", "{\"deliver_subject\":5}",
                        "json: cannot unmarshal number into Go struct field JSApiStreamSnapshotRequest.deliver_subject"
                                + " of type string"},
                {"STREAM.RESTORE.S", "{\"config\":{\"max_msgs\":\"x\"}}",
                        "json: cannot unmarshal string into Go struct field StreamConfig.config.max_msgs of type int64"},
                {"STREAM.RESTORE.Q", "{\"state\":[]}",
                        "json: cannot unmarshal array into Go struct field JSApiStreamRestoreRequest.state of type"
                                + " server.StreamState"},
                {"STREAM.RESTORE.Q", "[1,", "unexpected end of JSON input"},
        };
        for (String[] c : cases) {
            String ref = answer(reference.nc(), "$JS.API." + c[0], c[1]);
            String own = answer(natsj.nc(), "$JS.API." + c[0], c[1]);
            assertThat(ref).endsWith(" 400 10025 invalid JSON");
            assertThat(own).isEqualTo(ref + ": " + c[2]);
        }
    }

    @Test
    void snapshotAndRestoreThatPassEveryCheckAreRefusedAsNotSupported() throws Exception {
        assertThat(answer(natsj.nc(), "$JS.API.STREAM.SNAPSHOT.S", "{\"deliver_subject\":\"backup.in\"}"))
                .isEqualTo("io.nats.jetstream.api.v1.stream_snapshot_response 500 10064 snapshot failed: "
                        + "stream snapshots are not supported by natsj yet");
        assertThat(answer(natsj.nc(), "$JS.API.STREAM.RESTORE.NEW", "{\"config\":{\"name\":\"NEW\"}}"))
                .isEqualTo("io.nats.jetstream.api.v1.stream_restore_response 500 10062 restore failed: "
                        + "stream restores are not supported by natsj yet");
    }
}
