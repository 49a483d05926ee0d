package io.natsj.server.jetstream;

import io.nats.client.Connection;
import io.nats.client.api.ConsumerConfiguration;
import io.natsj.server.it.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Request bodies nats-server refuses with its "invalid JSON" error (400, 10025) and Go's reason, or reads as Go reads
 * them: bytes that are not UTF-8, wrong JSON types, numbers beyond their Go type, times that are not RFC 3339,
 * nesting deeper than Go allows. Each is answered with one JSON reply and nothing is logged with a stack trace.
 */
@Timeout(60)
class ApiBadBodyIT {

    private static final String INVALID = "400 10025 invalid JSON: ";

    private JsFixture f;
    private LogCapture log;

    @BeforeEach
    void start() throws Exception {
        log = LogCapture.root();
        log.start();
        f = JsFixture.natsj();
        f.jsm().addStream(JsFixture.memory("S", "s.>").build());
        f.jsm().addOrUpdateConsumer("S", ConsumerConfiguration.builder().durable("C").build());
    }

    @AfterEach
    void stop() throws Exception {
        f.close();
        log.stop();
    }

    /** {@code code err_code description} of the answer's error, or {@code ok}. */
    private String error(String subject, byte[] body) throws Exception {
        JsonNode j = JsFixture.JSON.readTree(f.nc().request("$JS.API." + subject, body, JsFixture.WAIT).getData());
        JsonNode e = j.get("error");
        return e == null ? "ok" : e.get("code") + " " + e.get("err_code") + " " + e.get("description").asString();
    }

    private String error(String subject, String body) throws Exception {
        return error(subject, body.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void bytesThatAreNotUtf8ReadAsGoReadsThem() throws Exception {
        assertThat(error("STREAM.NAMES", latin1("{\"subject\":\"\u00ff\u00fe\"}"))).isEqualTo("ok");
        assertThat(error("STREAM.DELETE.S", latin1("{\"x\":\"\u00ff\"}")))
                .isEqualTo("400 10038 expected an empty request payload");
        assertThat(error("STREAM.INFO.S", latin1("\u00ff")))
                .isEqualTo(INVALID + "invalid character 'ÿ' looking for beginning of value");
        assertThat(error("STREAM.INFO.S", latin1("\u0080")))
                .isEqualTo(INVALID + "invalid character '\\u0080' looking for beginning of value");
    }

    @Test
    void consumerInfoAndDeleteTakeOnlyAnEmptyRequest() throws Exception {
        assertThat(error("CONSUMER.INFO.S.C", "{\"x\":1}")).isEqualTo("400 10038 expected an empty request payload");
        assertThat(error("CONSUMER.DELETE.S.C", "[]")).isEqualTo("400 10038 expected an empty request payload");
        assertThat(error("CONSUMER.INFO.S.C", " {} ")).isEqualTo("ok");
    }

    @Test
    void timesThatAreNotRfc3339AreInvalidJson() throws Exception {
        String layout = " as \"2006-01-02T15:04:05Z07:00\": cannot parse \"nope\" as \"2006\"";
        assertThat(error("CONSUMER.CREATE.S", "{\"stream_name\":\"S\",\"config\":{\"deliver_policy\":\"by_start_time\","
                + "\"opt_start_time\":\"nope\"}}")).isEqualTo(INVALID + "parsing time \"nope\"" + layout);
        assertThat(error("CONSUMER.CREATE.S", "{\"stream_name\":\"S\",\"config\":{\"opt_start_time\":5}}"))
                .isEqualTo(INVALID + "Time.UnmarshalJSON: input is not a JSON string");
        assertThat(error("STREAM.CREATE.S2", "{\"name\":\"S2\",\"sources\":[{\"name\":\"S\","
                + "\"opt_start_time\":\"nope\"}]}")).isEqualTo(INVALID + "parsing time \"nope\"" + layout);
        assertThat(error("STREAM.UPDATE.S", "{\"name\":\"X\",\"mirror\":{\"name\":\"S\","
                + "\"opt_start_time\":\"2024-13-01T00:00:00Z\"}}"))
                .isEqualTo(INVALID + "parsing time \"2024-13-01T00:00:00Z\": month out of range");
        assertThat(error("STREAM.MSG.GET.S", "{\"start_time\":\"nope\"}"))
                .isEqualTo(INVALID + "parsing time \"nope\"" + layout);
        assertThat(error("CONSUMER.PAUSE.S.C", "{\"pause_until\":\"nope\"}"))
                .isEqualTo(INVALID + "parsing time \"nope\"" + layout);
    }

    @Test
    void wrongTypesAndNumbersOutOfRangeNameTheFieldAsGo() throws Exception {
        assertThat(error("STREAM.NAMES", "{\"offset\":99999999999999999999}")).isEqualTo(INVALID
                + "json: cannot unmarshal number 99999999999999999999 into Go struct field"
                + " JSApiStreamNamesRequest.offset of type int");
        assertThat(error("STREAM.PURGE.S", "{\"seq\":-1}")).isEqualTo(INVALID
                + "json: cannot unmarshal number -1 into Go struct field JSApiStreamPurgeRequest.seq of type uint64");
        assertThat(error("CONSUMER.CREATE.S", "{\"stream_name\":\"S\",\"config\":{\"max_deliver\":\"x\"}}"))
                .isEqualTo(INVALID + "json: cannot unmarshal string into Go struct field ConsumerConfig.config"
                        + ".max_deliver of type int");
        assertThat(error("CONSUMER.CREATE.S", "{\"stream_name\":\"S\",\"config\":[]}")).isEqualTo(INVALID
                + "json: cannot unmarshal array into Go struct field CreateConsumerRequest.config of type"
                + " server.ConsumerConfig");
        assertThat(error("STREAM.CREATE.S2", "{\"name\":\"S2\",\"retention\":5}"))
                .isEqualTo(INVALID + "can not unmarshal \"5\"");
        assertThat(error("STREAM.UPDATE.S", "{\"name\":\"X\",\"sources\":[{\"name\":\"S\",\"opt_start_seq\":-1}]}"))
                .isEqualTo(INVALID + "json: cannot unmarshal number -1 into Go struct field"
                        + " StreamSource.StreamConfig.sources.opt_start_seq of type uint64");
    }

    @Test
    void enumsReadTheirOwnJsonAndRefuseWhatTheyDoNotKnowNullToo() throws Exception {
        // nats-server's enum types (consumer.go ConsumerAction, filestore.go StoreCompression, ...) read their own
        // JSON: Go hands them a null as well, and they refuse it
        String create = "CONSUMER.CREATE.S.C2";
        for (String action : new String[]{"\"foo\"", "\"CREATE\"", "null", "5"}) {
            assertThat(error(create, "{\"stream_name\":\"S\",\"action\":" + action + ",\"config\":{\"name\":\"C2\"}}"))
                    .isEqualTo(INVALID + "unknown consumer action: " + action);
        }
        assertThat(error(create, "{\"stream_name\":\"S\",\"action\":\"create\",\"config\":{\"name\":\"C2\"}}"))
                .isEqualTo("ok");
        for (String compression : new String[]{"\"\"", "null", "\"S2\""}) {
            assertThat(error("STREAM.CREATE.Z", "{\"name\":\"Z\",\"compression\":" + compression + "}"))
                    .isEqualTo(INVALID + "unknown compression algorithm");
        }
        assertThat(error("STREAM.CREATE.Z", "{\"name\":\"Z\",\"storage\":5}"))
                .isEqualTo(INVALID + "can not unmarshal \"5\"");
        assertThat(error(create, "{\"stream_name\":\"S\",\"config\":{\"priority_policy\":null}}"))
                .isEqualTo(INVALID + "unknown priority policy: null");
        assertThat(f.jsm().getStreamNames()).containsExactly("S");
        // the null enums of 2.9.10 too: the same error there, without Go's reason
        String[][] nulls = {{"STREAM.CREATE.N", "{\"name\":\"N\",\"subjects\":[\"n\"],\"retention\":null}"},
                {"STREAM.CREATE.N", "{\"name\":\"N\",\"subjects\":[\"n\"],\"storage\":null}"},
                {"STREAM.CREATE.N", "{\"name\":\"N\",\"subjects\":[\"n\"],\"discard\":null}"},
                {"CONSUMER.CREATE.S", "{\"stream_name\":\"S\",\"config\":{\"deliver_policy\":null}}"},
                {"CONSUMER.CREATE.S", "{\"stream_name\":\"S\",\"config\":{\"ack_policy\":null}}"},
                {"CONSUMER.CREATE.S", "{\"stream_name\":\"S\",\"config\":{\"replay_policy\":null}}"}};
        for (String[] c : nulls) {
            assertThat(error(c[0], c[1])).as(c[1]).isEqualTo(INVALID + "can not unmarshal \"null\"");
        }
        if (JsFixture.natsServerInstalled()) {
            try (JsFixture ref = JsFixture.natsServer()) {
                ref.jsm().addStream(JsFixture.memory("S", "s.>").build());
                for (String[] c : nulls) {
                    JsonNode j = JsFixture.request(ref.nc(), "$JS.API." + c[0], c[1]);
                    assertThat(j.get("error").get("err_code").asInt()).as(c[1]).isEqualTo(10025);
                }
            }
        }
    }

    @Test
    void nestingBeyondGosLimitIsRefusedAndHugeBodiesAreAnswered() throws Exception {
        int depth = 20_000;
        assertThat(error("STREAM.NAMES", "{\"x\":" + "[".repeat(depth) + "]".repeat(depth) + "}"))
                .isEqualTo(INVALID + "invalid character '[' exceeded max depth");
        assertThat(error("STREAM.CREATE.S3", "{\"name\":\"S3\",\"description\":\"" + "d".repeat(500_000) + "\"}"))
                .isEqualTo("500 10052 stream description is too long, maximum allowed is 4096");
    }

    @Test
    void requestsWithoutAReplyAreIgnored() throws Exception {
        Connection nc = f.nc();
        long before = JsFixture.request(nc, "$JS.API.INFO", "").get("api").get("total").asLong();
        nc.publish("$JS.API.STREAM.INFO.S", new byte[0]);
        nc.publish("$JS.API.STREAM.DELETE.S", new byte[0]);
        nc.flush(Duration.ofSeconds(5));
        assertThat(JsFixture.request(nc, "$JS.API.INFO", "").get("api").get("total").asLong()).isEqualTo(before + 1);
        assertThat(f.jsm().getStreamNames()).containsExactly("S");
    }

    @AfterEach
    void nothingLoggedWithAStackTrace() {
        assertThat(log.stackTraces()).isEmpty();
    }
}
