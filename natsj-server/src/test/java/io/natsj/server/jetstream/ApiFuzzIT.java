package io.natsj.server.jetstream;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.StreamInfo;
import io.natsj.server.it.LogCapture;
import io.natsj.server.jetstream.api.JsApiRouter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Seeded fuzzing of every {@code $JS.API} subject the router serves (and a stream's direct get): random and mutated
 * request bodies (from valid requests: flipped and inserted bytes, bytes that are not UTF-8, truncations, swapped
 * JSON types, numbers beyond 64 bits, negative where unsigned, times that are not RFC 3339, repeated documents),
 * sent one after another. Asserts one JSON reply with a {@code type} per request (a direct get: status messages or
 * stored messages), nothing for the subjects nats-server leaves unanswered, no stack trace logged, the server still
 * accepting connections, and an unrelated stream's messages and consumer untouched.
 *
 * <p>Reproduce a run with {@code -Dnatsj.fuzz.seed=<seed>} (printed); {@code -Dnatsj.fuzz.count} sets the number of
 * requests (default 2,000); the run stops early after {@link #BUDGET}.
 */
@Timeout(180)
class ApiFuzzIT {

    private static final Duration BUDGET = Duration.ofSeconds(60);
    private static final String KEEP = "KEEP";
    private static final int KEEP_MESSAGES = 20;
    /** Names the wildcards of a subject are filled with; never the stream that must stay intact. */
    private static final String[] NAMES = {"S", "C", "F", "NOPE", "S", "C", "a", "$G"};
    private static final String[] VALID = {
            "{}",
            "{\"offset\":1,\"subject\":\"s.>\"}",
            "{\"name\":\"F\",\"subjects\":[\"f.>\"],\"storage\":\"memory\",\"max_msgs\":10,\"max_age\":1000000000,"
                    + "\"retention\":\"limits\",\"discard\":\"old\",\"num_replicas\":1,\"metadata\":{\"k\":\"v\"}}",
            "{\"name\":\"S\",\"subjects\":[\"s.>\"],\"storage\":\"memory\",\"max_msgs_per_subject\":5,"
                    + "\"allow_direct\":true,\"first_seq\":1}",
            "{\"name\":\"F\",\"storage\":\"memory\",\"sources\":[{\"name\":\"S\",\"opt_start_seq\":2,"
                    + "\"opt_start_time\":\"2024-01-01T00:00:00Z\",\"filter_subject\":\"s.a\"}]}",
            "{\"name\":\"F\",\"storage\":\"memory\",\"mirror\":{\"name\":\"S\",\"opt_start_time\":\"2024-01-01T00:00:00Z\"}}",
            "{\"stream_name\":\"S\",\"config\":{\"durable_name\":\"C\",\"ack_policy\":\"explicit\","
                    + "\"deliver_policy\":\"by_start_time\",\"opt_start_time\":\"2024-01-01T00:00:00Z\","
                    + "\"max_deliver\":3,\"backoff\":[1000000000],\"filter_subject\":\"s.a\"},\"action\":\"create\"}",
            "{\"stream_name\":\"S\",\"config\":{\"name\":\"C\",\"deliver_subject\":\"d.x\",\"idle_heartbeat\":"
                    + "5000000000,\"flow_control\":true,\"opt_start_seq\":1,\"deliver_policy\":\"by_start_sequence\"}}",
            "{\"seq\":1}",
            "{\"last_by_subj\":\"s.a\"}",
            "{\"seq\":1,\"batch\":3,\"max_bytes\":100}",
            "{\"start_time\":\"2024-01-01T00:00:00Z\",\"next_by_subj\":\"s.>\"}",
            "{\"multi_last\":[\"s.>\"],\"up_to_seq\":5}",
            "{\"seq\":2,\"no_erase\":true}",
            "{\"filter\":\"s.a\",\"keep\":1}",
            "{\"deleted_details\":true,\"subjects_filter\":\">\",\"offset\":0}",
            "{\"pause_until\":\"2099-01-01T00:00:00Z\"}",
            "{\"deliver_subject\":\"backup.x\",\"no_consumers\":true,\"chunk_size\":1024,\"jsck\":false}",
            "{\"config\":{\"name\":\"R\",\"storage\":\"memory\"},\"state\":{\"messages\":1}}",
            "{\"peer\":\"x\",\"placement\":{\"cluster\":\"c\",\"tags\":[\"t\"]}}",
    };
    private static final String[] SWAPS = {"\"x\"", "123", "-1", "[]", "{}", "null", "true", "1.5", "1e400",
            "99999999999999999999", "18446744073709551616", "-9223372036854775809", "\"nope\"",
            "\"2024-13-01T00:00:00Z\"", "\"2024-01-01T0:00:00Z\"", "[\"a\",1]", "{\"a\":{}}", "\"\\ud800\""};

    @Test
    void everyApiRequestGetsOneAnswerAndNothingElseBreaks() throws Exception {
        long seed = Long.getLong("natsj.fuzz.seed", System.nanoTime());
        int count = Integer.getInteger("natsj.fuzz.count", 2000);
        System.out.println("ApiFuzzIT seed=" + seed + " count=" + count + " (rerun with -Dnatsj.fuzz.seed=" + seed
                + ")");
        Random rnd = new Random(seed);
        LogCapture log = LogCapture.root();
        log.start();
        try (JsFixture f = JsFixture.natsj()) {
            JetStreamManagement jsm = f.jsm();
            jsm.addStream(JsFixture.memory(KEEP, "keep.>").build());
            jsm.addOrUpdateConsumer(KEEP, ConsumerConfiguration.builder().durable("KC").build());
            for (int i = 0; i < KEEP_MESSAGES; i++) {
                f.js().publish("keep." + (i % 3), JsFixture.bytes("m" + i));
            }
            jsm.addStream(JsFixture.memory("S", "s.>").allowDirect(true).build());
            for (int i = 0; i < 10; i++) {
                f.js().publish("s." + (char) ('a' + i % 3), JsFixture.bytes("s" + i));
            }
            StreamInfo keepBefore = jsm.getStreamInfo(KEEP);

            JsApiRouter router = f.server().jetStream().api();
            List<String> subjects = new ArrayList<>(router.subjects());
            subjects.add("$JS.API.DIRECT.GET.S");
            subjects.add("$JS.API.DIRECT.GET.S.>");

            Connection nc = f.connect();
            Map<Integer, List<Message>> replies = new ConcurrentHashMap<>();
            Dispatcher d = nc.createDispatcher(m -> replies.computeIfAbsent(
                    Integer.parseInt(m.getSubject().substring("fuzz.".length())),
                    k -> new CopyOnWriteArrayList<>()).add(m));
            d.subscribe("fuzz.*");
            nc.flush(Duration.ofSeconds(5));

            List<String> sent = new ArrayList<>();
            List<Integer> silent = new ArrayList<>();
            long deadline = System.nanoTime() + BUDGET.toNanos();
            for (int i = 0; i < count && System.nanoTime() < deadline; i++) {
                String subject = fill(subjects.get(rnd.nextInt(subjects.size())), rnd);
                byte[] body = body(rnd);
                sent.add(subject + " " + describe(body));
                int id = i;
                nc.publish(subject, "fuzz." + i, body);
                if (router.unanswered(subject)) {
                    silent.add(i);
                    continue;
                }
                try {
                    await().pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(10))
                            .until(() -> replies.containsKey(id));
                } catch (RuntimeException e) {
                    throw new AssertionError("seed " + seed + ": no answer to request " + i + ": " + sent.get(i), e);
                }
            }
            nc.flush(Duration.ofSeconds(5));
            // a second reply to any request would come within this quiet period; none may
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
                    .until(() -> replies.values().stream().mapToInt(List::size).sum(), n -> true);
            System.out.println("ApiFuzzIT sent " + sent.size() + " requests");

            for (int i = 0; i < sent.size(); i++) {
                List<Message> got = replies.getOrDefault(i, List.of());
                String what = "seed " + seed + ", request " + i + ": " + sent.get(i);
                if (silent.contains(i)) {
                    assertThat(got).as(what).isEmpty();
                } else if (sent.get(i).startsWith("$JS.API.DIRECT.GET.")) {
                    assertThat(got).as(what).isNotEmpty();
                    for (Message m : got) {
                        assertThat(m.isStatusMessage() || (m.getHeaders() != null
                                && "S".equals(m.getHeaders().getFirst("Nats-Stream")))).as(what).isTrue();
                    }
                } else {
                    assertThat(got).as(what).hasSize(1);
                    JsonNode j = JsFixture.JSON.readTree(got.get(0).getData());
                    assertThat(j.path("type").asString("")).as(what).startsWith("io.nats.jetstream.api.v1.");
                }
            }

            // the server still takes connections and answers, and the unrelated stream is as it was
            try (Connection fresh = io.nats.client.Nats.connect(io.nats.client.Options.builder().server(f.url())
                    .noReconnect().build())) {
                JetStreamManagement jsm2 = fresh.jetStreamManagement();
                StreamInfo keepAfter = jsm2.getStreamInfo(KEEP);
                assertThat(keepAfter.getStreamState().getMsgCount()).isEqualTo(KEEP_MESSAGES);
                assertThat(keepAfter.getStreamState().getFirstSequence())
                        .isEqualTo(keepBefore.getStreamState().getFirstSequence());
                assertThat(keepAfter.getStreamState().getLastSequence())
                        .isEqualTo(keepBefore.getStreamState().getLastSequence());
                assertThat(keepAfter.getConfiguration().getSubjects()).containsExactly("keep.>");
                assertThat(jsm2.getConsumerNames(KEEP)).containsExactly("KC");
                assertThat(jsm2.getConsumerInfo(KEEP, "KC").getNumPending()).isEqualTo(KEEP_MESSAGES);
                List<Message> fetched = fresh.jetStream().subscribe(null,
                        io.nats.client.PullSubscribeOptions.bind(KEEP, "KC")).fetch(KEEP_MESSAGES,
                        Duration.ofSeconds(5));
                assertThat(fetched).hasSize(KEEP_MESSAGES);
            }
            assertThat(log.stackTraces()).as("seed " + seed).isEmpty();
        } finally {
            log.stop();
        }
    }

    /** The subject with its wildcards filled with names (a stream's, a consumer's, unknown ones). */
    private static String fill(String pattern, Random rnd) {
        StringBuilder sb = new StringBuilder();
        for (String token : pattern.split("\\.")) {
            if (!sb.isEmpty()) {
                sb.append('.');
            }
            sb.append(switch (token) {
                case "*" -> NAMES[rnd.nextInt(NAMES.length)];
                case ">" -> rnd.nextBoolean() ? "s.a" : "s.b.c";
                default -> token;
            });
        }
        return sb.toString();
    }

    private static byte[] body(Random rnd) {
        int kind = rnd.nextInt(100);
        if (kind < 5) {
            return new byte[0];
        }
        if (kind < 10) { // random bytes
            byte[] b = new byte[rnd.nextInt(64)];
            rnd.nextBytes(b);
            return b;
        }
        String valid = VALID[rnd.nextInt(VALID.length)];
        if (kind < 20) {
            return valid.getBytes(StandardCharsets.UTF_8);
        }
        byte[] b = mutate(valid, rnd);
        for (int extra = rnd.nextInt(3); extra > 0; extra--) {
            b = mutate(new String(b, StandardCharsets.ISO_8859_1), rnd);
        }
        return b;
    }

    private static byte[] mutate(String text, Random rnd) {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        switch (rnd.nextInt(8)) {
            case 0 -> { // flip a byte
                if (b.length > 0) {
                    b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
                }
                return b;
            }
            case 1 -> { // truncate
                return java.util.Arrays.copyOf(b, b.length == 0 ? 0 : rnd.nextInt(b.length));
            }
            case 2 -> { // insert a byte that is not UTF-8 on its own
                int at = b.length == 0 ? 0 : rnd.nextInt(b.length);
                byte[] bad = {(byte) 0xff, (byte) 0x80, (byte) 0xc3, (byte) 0xe2, 0x00, 0x07};
                return (text.substring(0, at) + (char) (bad[rnd.nextInt(bad.length)] & 0xff) + text.substring(at))
                        .getBytes(StandardCharsets.ISO_8859_1);
            }
            case 3 -> { // repeat the document
                return (text + (rnd.nextBoolean() ? "" : " ") + text).getBytes(StandardCharsets.ISO_8859_1);
            }
            case 4 -> { // nest deeply
                int depth = rnd.nextBoolean() ? 9_999 : 10_001;
                return ("[".repeat(depth) + "]".repeat(depth)).getBytes(StandardCharsets.ISO_8859_1);
            }
            default -> { // swap a value for one of another type, a huge number, a bad time
                List<int[]> values = values(text);
                if (values.isEmpty()) {
                    return b;
                }
                int[] v = values.get(rnd.nextInt(values.size()));
                String swap = SWAPS[rnd.nextInt(SWAPS.length)];
                return (text.substring(0, v[0]) + swap + text.substring(v[1])).getBytes(StandardCharsets.ISO_8859_1);
            }
        }
    }

    /** Where the values after a {@code ":"} start and end (scalars and short containers), roughly. */
    private static List<int[]> values(String text) {
        List<int[]> out = new ArrayList<>();
        for (int i = text.indexOf(':'); i >= 0; i = text.indexOf(':', i + 1)) {
            int start = i + 1;
            int end = start;
            boolean inString = false;
            int depth = 0;
            while (end < text.length()) {
                char c = text.charAt(end);
                if (inString) {
                    inString = c != '"';
                } else if (c == '"') {
                    inString = true;
                } else if (c == '[' || c == '{') {
                    depth++;
                } else if (c == ']' || c == '}') {
                    if (depth == 0) {
                        break;
                    }
                    depth--;
                } else if (c == ',' && depth == 0) {
                    break;
                }
                end++;
            }
            if (end > start) {
                out.add(new int[]{start, end});
            }
        }
        return out;
    }

    private static String describe(byte[] body) {
        String text = new String(body, StandardCharsets.ISO_8859_1);
        boolean printable = text.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
        String shown = printable ? text : "hex:" + HexFormat.of().formatHex(body);
        return shown.length() > 300 ? shown.substring(0, 300) + "...(" + body.length + " bytes)" : shown;
    }
}
