package io.natsj.server.jetstream.consumer;

import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.natsj.server.jetstream.consumer.ConsumerFixture.errCode;
import static io.natsj.server.jetstream.consumer.ConsumerFixture.errDescription;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * Updating a consumer: which fields may change and which are refused, field by field, with nats-server 2.11's
 * errors (consumer.go checkNewConsumerConfig: a refused change is 10012 with its reason, a bound push consumer's
 * deliver subject 10013), checked against nats-server 2.9.10 where the two agree; and that an accepted change takes
 * effect on delivery.
 */
@Timeout(90)
class ConsumerUpdateIT extends ConsumerTestBase {
    private static final String PULL = "\"ack_policy\":\"explicit\"";
    private static final String PUSH = "\"ack_policy\":\"explicit\",\"deliver_subject\":\"dlv.%d\"";
    private static final String OK = "ok";

    /**
     * One update: the consumer's config before (without its name; {@code %d} is replaced by the row's number), the
     * fields the update adds or changes, what nats-server 2.11 answers, and whether 2.9.10 answers the same.
     */
    private record Update(String field, String before, String change, String expected, boolean as2910) {
    }

    private static final List<Update> UPDATES = List.of(
            new Update("description", PULL, "\"description\":\"new\"", OK, true),
            new Update("ack_wait", PULL, "\"ack_wait\":5000000000", OK, true),
            new Update("max_deliver", PULL, "\"max_deliver\":5", OK, true),
            // 2.9.10 also refused a backoff with max_deliver unset (-1): "max deliver is required to be > length..."
            new Update("backoff", PULL, "\"backoff\":[1000000000,2000000000]", OK, false),
            new Update("backoff longer than max_deliver", PULL,
                    "\"max_deliver\":2,\"backoff\":[1000000000,2000000000,3000000000]",
                    "10116 max deliver is required to be > length of backoff values", true),
            new Update("filter_subject", PULL, "\"filter_subject\":\"s.a\"", OK, true),
            new Update("filter_subjects", PULL, "\"filter_subjects\":[\"s.a\",\"s.b\"]", OK, false),
            new Update("rate_limit_bps", PUSH, "\"rate_limit_bps\":8000", OK, true),
            new Update("sample_freq", PULL, "\"sample_freq\":\"50%\"", OK, true),
            new Update("max_ack_pending", PULL, "\"max_ack_pending\":7", OK, true),
            new Update("headers_only", PULL, "\"headers_only\":true", OK, true),
            new Update("max_batch", PULL, "\"max_batch\":5", OK, true),
            new Update("max_expires", PULL, "\"max_expires\":5000000000", OK, true),
            new Update("max_bytes", PULL, "\"max_bytes\":1000", OK, true),
            new Update("inactive_threshold", PULL, "\"inactive_threshold\":60000000000", OK, true),
            new Update("metadata", PULL, "\"metadata\":{\"k\":\"v\"}", OK, false),
            new Update("pause_until", PULL, "\"pause_until\":\"2099-01-01T00:00:00Z\"", OK, false),
            // a later fix (not in any 2.11 release) refuses this; 2.9.10 and 2.11 keep the store and accept
            new Update("mem_storage", PULL, "\"mem_storage\":true", OK, true),
            new Update("deliver_subject (nobody listening)", PUSH, "\"deliver_subject\":\"other.%d\"", OK, true),
            new Update("deliver_group", PUSH, "\"deliver_group\":\"g\"", OK, true),
            new Update("deliver_policy", PULL, "\"deliver_policy\":\"new\"",
                    "10012 deliver policy can not be updated", true),
            new Update("opt_start_seq", "\"ack_policy\":\"explicit\",\"deliver_policy\":\"by_start_sequence\","
                    + "\"opt_start_seq\":1", "\"opt_start_seq\":2", "10012 start sequence can not be updated", true),
            new Update("opt_start_time", "\"ack_policy\":\"explicit\",\"deliver_policy\":\"by_start_time\","
                    + "\"opt_start_time\":\"2020-01-01T00:00:00Z\"", "\"opt_start_time\":\"2021-01-01T00:00:00Z\"",
                    "10012 start time can not be updated", true),
            new Update("ack_policy", PULL, "\"ack_policy\":\"all\"", "10012 ack policy can not be updated", true),
            new Update("replay_policy", PULL, "\"replay_policy\":\"original\"",
                    "10012 replay policy can not be updated", true),
            new Update("idle_heartbeat", PUSH, "\"idle_heartbeat\":5000000000",
                    "10012 heart beats can not be updated", true),
            new Update("flow_control", PUSH + ",\"idle_heartbeat\":5000000000", "\"flow_control\":true",
                    "10012 flow control can not be updated", true),
            // 2.9.10 checked max waiting (512 for pull, 0 for push) first: "max waiting can not be updated"
            new Update("pull to push", PULL, "\"deliver_subject\":\"dlv.x%d\"",
                    "10012 can not update pull consumer to push based", false),
            new Update("push to pull", PUSH, "\"deliver_subject\":\"\"",
                    "10012 can not update push consumer to pull based", false),
            new Update("max_waiting", PULL, "\"max_waiting\":10", "10012 max waiting can not be updated", true));

    /** JSON of {@code {"durable_name":"u<i>", <fields>}}, later fields replacing earlier ones of the same name. */
    private static String config(int i, String... fields) {
        Map<String, JsonNode> merged = new java.util.LinkedHashMap<>();
        merged.put("durable_name", ConsumerFixture.JSON.readTree("\"u" + i + "\""));
        for (String f : fields) {
            ConsumerFixture.JSON.readTree("{" + f.replace("%d", Integer.toString(i)) + "}").properties()
                    .forEach(e -> merged.put(e.getKey(), e.getValue()));
        }
        return ConsumerFixture.JSON.writeValueAsString(merged);
    }

    /** Creates each row's consumer, applies its update and records "ok" (with the new values shown) or the error. */
    private static List<String> updateAll(ConsumerFixture x) throws Exception {
        x.stream("S", "s.>");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < UPDATES.size(); i++) {
            Update u = UPDATES.get(i);
            JsonNode created = x.createConsumer("S", config(i, u.before()));
            assertThat(errCode(created)).as(u.field() + " create: " + created).isZero();
            JsonNode updated = x.createConsumer("S", config(i, u.before(), u.change()));
            if (errCode(updated) != 0) {
                out.add(u.field() + ": " + errCode(updated) + " " + errDescription(updated));
                continue;
            }
            if (!x.isReference()) { // 2.9.10 ignores the fields it does not know
                assertShown(u, ConsumerFixture.JSON.readTree(config(i, u.change())), updated.get("config"));
            }
            out.add(u.field() + ": " + OK);
        }
        return out;
    }

    /** The updated config shows the requested values. */
    private static void assertShown(Update u, JsonNode requested, JsonNode shown) {
        requested.properties().forEach(e -> {
            if (e.getKey().equals("metadata")) {
                assertThat(shown.get("metadata").get("k").asString()).as(u.field()).isEqualTo("v");
            } else if (!(e.getValue().isString() && e.getValue().asString().isEmpty())) {
                assertThat(shown.get(e.getKey())).as(u.field() + " shown").isEqualTo(e.getValue());
            }
        });
    }

    @Test
    void eachFieldIsUpdatableOrRefusedAsInNatsServer211() throws Exception {
        List<String> natsj = updateAll(f);
        for (int i = 0; i < UPDATES.size(); i++) {
            assertThat(natsj.get(i)).isEqualTo(UPDATES.get(i).field() + ": " + UPDATES.get(i).expected());
        }
        try (ConsumerFixture ref = ConsumerFixture.reference(refDir)) {
            List<String> reference = updateAll(ref);
            for (int i = 0; i < UPDATES.size(); i++) {
                if (UPDATES.get(i).as2910()) {
                    assertThat(natsj.get(i)).as("vs nats-server 2.9.10").isEqualTo(reference.get(i));
                }
            }
        }
    }

    private static ConsumerConfiguration.Builder pull(String name) {
        return ConsumerConfiguration.builder().durable(name).ackPolicy(AckPolicy.Explicit);
    }

    /**
     * What one pull request of up to {@code batch} messages, expiring after a second, gets: the messages' subjects
     * until the batch is full, or until its status.
     */
    private List<String> fetch(String consumer, int batch) throws Exception {
        Subscription sub = f.pull("S", consumer, "{\"batch\":" + batch + ",\"expires\":1000000000}");
        List<String> out = new ArrayList<>();
        while (out.size() < batch) {
            Message m = ConsumerFixture.next(sub);
            if (m.isStatusMessage()) {
                out.add(ConsumerFixture.status(m));
                break;
            }
            out.add(m.getSubject() + (m.getData().length == 0 ? " (no data, size "
                    + m.getHeaders().getFirst("Nats-Msg-Size") + ")" : ""));
        }
        return out;
    }

    @Test
    void aNewFilterChangesWhatIsPendingAndDelivered() throws Exception {
        f.stream("S", "s.>");
        JetStreamManagement jsm = f.jsm();
        jsm.addOrUpdateConsumer("S", pull("c").filterSubject("s.a").build());
        f.publish("s.a", 1);
        f.publish("s.b", 2);
        assertThat(jsm.getConsumerInfo("S", "c").getNumPending()).isEqualTo(1);
        jsm.updateConsumer("S", pull("c").filterSubject("s.b").build());
        assertThat(jsm.getConsumerInfo("S", "c").getNumPending()).isEqualTo(2);
        assertThat(fetch("c", 10)).containsExactly("s.b", "s.b", "408 Request Timeout");
    }

    @Test
    void aNewMaxAckPendingChangesHowManyAreOutstanding() throws Exception {
        f.stream("S", "s.>");
        JetStreamManagement jsm = f.jsm();
        jsm.addOrUpdateConsumer("S", pull("c").maxAckPending(1).build());
        f.publish("s.a", 4);
        assertThat(fetch("c", 1)).containsExactly("s.a");
        assertThat(fetch("c", 1)).containsExactly("408 Request Timeout");
        jsm.updateConsumer("S", pull("c").maxAckPending(3).build());
        assertThat(fetch("c", 3)).containsExactly("s.a", "s.a", "408 Request Timeout");
    }

    @Test
    void headersOnlyTakesEffectOnTheNextDelivery() throws Exception {
        f.stream("S", "s.>");
        JetStreamManagement jsm = f.jsm();
        jsm.addOrUpdateConsumer("S", pull("c").build());
        f.publish("s.a", 2);
        assertThat(fetch("c", 1)).containsExactly("s.a");
        jsm.updateConsumer("S", pull("c").headersOnly(true).build());
        assertThat(fetch("c", 1)).containsExactly("s.a (no data, size 2)");
    }

    @Test
    void aNewRateLimitSlowsAPushConsumer() throws Exception {
        f.stream("S", "s.>");
        JetStreamManagement jsm = f.jsm();
        Subscription sub = f.nc().subscribe("dlv.r");
        f.nc().flush(ConsumerFixture.WAIT);
        ConsumerConfiguration.Builder push = ConsumerConfiguration.builder().durable("r")
                .ackPolicy(AckPolicy.None).deliverSubject("dlv.r");
        jsm.addOrUpdateConsumer("S", push.build());
        f.publish("s.a", 2);
        ConsumerFixture.next(sub);
        ConsumerFixture.next(sub);
        // 800 bits per second: one message of 100 bytes per one-second window
        jsm.updateConsumer("S", push.rateLimit(800).build());
        for (int i = 0; i < 4; i++) {
            f.publish("s.a", "x".repeat(100));
        }
        ConsumerFixture.next(sub);
        long first = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            ConsumerFixture.next(sub);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - first)).isGreaterThan(Duration.ofSeconds(2));
    }

    @Test
    void theDeliverSubjectMovesOnlyWhileNobodyListens() throws Exception {
        f.stream("S", "s.>");
        JetStreamManagement jsm = f.jsm();
        ConsumerConfiguration.Builder push = ConsumerConfiguration.builder().durable("p")
                .ackPolicy(AckPolicy.Explicit).deliverSubject("dlv.a");
        jsm.addOrUpdateConsumer("S", push.build());
        f.publish("s.a", 1);
        Subscription a = f.nc().subscribe("dlv.a");
        f.nc().flush(ConsumerFixture.WAIT);
        assertThat(ConsumerFixture.next(a).getSubject()).isEqualTo("s.a");
        JetStreamApiException bound = catchThrowableOfType(JetStreamApiException.class,
                () -> jsm.updateConsumer("S", push.deliverSubject("dlv.b").build()));
        assertThat(bound).isNotNull();
        assertThat(bound.getApiErrorCode()).isEqualTo(10013);
        assertThat(bound.getErrorDescription()).isEqualTo("consumer name already in use");

        // unacknowledged messages go to the new subject again, as nats-server does
        a.unsubscribe();
        f.nc().flush(ConsumerFixture.WAIT);
        jsm.updateConsumer("S", push.deliverSubject("dlv.b").build());
        Subscription b = f.nc().subscribe("dlv.b");
        f.nc().flush(ConsumerFixture.WAIT);
        Message again = ConsumerFixture.next(b);
        assertThat(again.getSubject()).isEqualTo("s.a");
        assertThat(again.metaData().deliveredCount()).isEqualTo(2);
    }

    @Test
    void aWorkQueueConsumersNewFiltersMayNotCollideWithAnothers() throws Exception {
        // nats-server 2.10+ checks the partition on update too (2.9.10 did only on create)
        f.stream(StreamConfiguration.builder().name("W").subjects("w.>").retentionPolicy(RetentionPolicy.WorkQueue)
                .storageType(StorageType.File));
        JetStreamManagement jsm = f.jsm();
        jsm.addOrUpdateConsumer("W", pull("a").filterSubject("w.a").build());
        jsm.addOrUpdateConsumer("W", pull("b").filterSubject("w.b").build());
        JetStreamApiException e = catchThrowableOfType(JetStreamApiException.class,
                () -> jsm.updateConsumer("W", pull("b").filterSubject("w.*").build()));
        assertThat(e).isNotNull();
        assertThat(e.getApiErrorCode()).isEqualTo(10100);
        assertThat(jsm.updateConsumer("W", pull("b").filterSubjects("w.b", "w.c").build())
                .getConsumerConfiguration().getFilterSubjects()).containsExactly("w.b", "w.c");
    }

    @Test
    void theStorageFlagDoesNotMoveAConsumersState() throws Exception {
        // as nats-server 2.11, an accepted mem_storage change keeps the store the consumer was created with
        f.stream("S", "s.>");
        f.jsm().addOrUpdateConsumer("S", pull("kept").build());
        f.jsm().addOrUpdateConsumer("S", pull("gone").build());
        f.publish("s.a", 2);
        assertThat(fetch("kept", 1)).containsExactly("s.a");
        f.jsm().updateConsumer("S", pull("kept").memStorage(true).build());
        f.jsm().updateConsumer("S", pull("gone").memStorage(true).build());
        f.jsm().deleteConsumer("S", "gone");
        f.restart();
        assertThat(f.jsm().getConsumerNames("S")).containsExactly("kept");
        ConsumerInfo kept = f.jsm().getConsumerInfo("S", "kept");
        assertThat(kept.getConsumerConfiguration().isMemStorage()).isTrue();
        assertThat(kept.getNumAckPending()).isEqualTo(1);
        assertThat(kept.getNumPending()).isEqualTo(1);
    }

    @Test
    void anInterestStreamDropsWhatANarrowedFilterNoLongerWants() throws Exception {
        // nats-server 2.10+ (consumer.go updateConfig) cleans up messages that lost interest
        f.stream(StreamConfiguration.builder().name("S").subjects("s.>").retentionPolicy(RetentionPolicy.Interest)
                .storageType(StorageType.File));
        JetStreamManagement jsm = f.jsm();
        jsm.addOrUpdateConsumer("S", pull("c").filterSubjects("s.a", "s.b").build());
        f.publish("s.a", 1);
        f.publish("s.b", 1);
        assertThat(jsm.getStreamInfo("S").getStreamState().getMsgCount()).isEqualTo(2);
        jsm.updateConsumer("S", pull("c").filterSubject("s.a").build());
        await().atMost(ConsumerFixture.WAIT).until(() -> jsm.getStreamInfo("S").getStreamState().getMsgCount() == 1);
        assertThat(fetch("c", 2)).containsExactly("s.a", "408 Request Timeout");
    }
}
