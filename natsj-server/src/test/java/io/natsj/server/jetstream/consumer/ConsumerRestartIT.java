package io.natsj.server.jetstream.consumer;

import io.nats.client.Message;
import io.nats.client.Subscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.natsj.server.jetstream.consumer.ConsumerFixture.data;
import static io.natsj.server.jetstream.consumer.ConsumerFixture.errCode;
import static io.natsj.server.jetstream.consumer.ConsumerFixture.next;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Consumer state across a restart of the server on the same store directory: a durable consumer keeps its delivered
 * position, ack floor and pending messages with their delivery counts (redeliveries after the restart continue the
 * count), the same as nats-server 2.9.10 in the same scenario; ephemeral consumers are removed after their
 * inactive_threshold, and do not come back after a restart.
 */
@Timeout(120)
class ConsumerRestartIT extends ConsumerTestBase {
    private static String counters(ConsumerFixture x) throws Exception {
        JsonNode i = x.consumerInfo("S", "d");
        assertThat(errCode(i)).as(i.toString()).isZero();
        return "delivered=" + i.get("delivered").get("consumer_seq") + "/" + i.get("delivered").get("stream_seq")
                + " ack_floor=" + i.get("ack_floor").get("consumer_seq") + "/" + i.get("ack_floor").get("stream_seq")
                + " ack_pending=" + i.get("num_ack_pending") + " redelivered=" + i.get("num_redelivered")
                + " pending=" + i.get("num_pending");
    }

    private static void expect(ConsumerFixture x, String expected) {
        await().atMost(ConsumerFixture.WAIT).untilAsserted(() ->
                assertThat(counters(x)).as(x.isReference() ? "nats-server 2.9.10" : "natsj").isEqualTo(expected));
    }

    private static long deliveredCount(Message m) {
        return Long.parseLong(m.getReplyTo().split("\\.")[4]);
    }

    /** Builds state, restarts, and returns what the next pulls deliver: "data#deliveries". */
    private static List<String> restartScenario(ConsumerFixture x) throws Exception {
        x.stream("S", "s.>");
        x.publish("s.a", 6);
        assertThat(errCode(x.createConsumer("S", "{\"durable_name\":\"d\",\"ack_policy\":\"explicit\","
                + "\"ack_wait\":1000000000}"))).isZero();
        Subscription sub = x.pull("S", "d", "4");
        Message m1 = next(sub);
        Message m2 = next(sub);
        Message m3 = next(sub);
        next(sub);
        m1.ackSync(ConsumerFixture.WAIT);
        m3.ackSync(ConsumerFixture.WAIT);
        x.nc().publish(m2.getReplyTo(), "-NAK".getBytes(StandardCharsets.UTF_8));
        Message again = next(x.pull("S", "d", "1"));
        assertThat(data(again)).isEqualTo("m2");
        assertThat(deliveredCount(again)).isEqualTo(2);
        String before = "delivered=5/4 ack_floor=1/1 ack_pending=2 redelivered=1 pending=2";
        expect(x, before);

        x.restart();
        expect(x, before);
        List<String> after = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Message m = next(x.pull("S", "d", "{\"batch\":1,\"expires\":4000000000}"), Duration.ofSeconds(6));
            after.add(data(m) + "#" + deliveredCount(m));
            m.ackSync(ConsumerFixture.WAIT);
        }
        expect(x, "delivered=9/6 ack_floor=9/6 ack_pending=0 redelivered=0 pending=0");
        return after;
    }

    @Test
    void durableStateSurvivesARestart() throws Exception {
        List<String> natsj = restartScenario(f);
        assertThat(natsj).containsExactlyInAnyOrder("m2#3", "m4#2", "m5#1", "m6#1");
        try (ConsumerFixture ref = ConsumerFixture.reference(refDir)) {
            List<String> reference = restartScenario(ref);
            // the order depends on whether the ack wait passed before the first pull: compare as sets
            assertThat(natsj).as("deliveries after the restart vs nats-server 2.9.10")
                    .containsExactlyInAnyOrderElementsOf(reference);
        }
    }

    @Test
    void pushDurableResumesAfterRestart() throws Exception {
        f.stream("S", "s.>");
        f.publish("s.a", 3);
        Subscription sub = f.nc().subscribe("dlv.d");
        f.nc().flush(ConsumerFixture.WAIT);
        assertThat(errCode(f.createConsumer("S", "{\"durable_name\":\"d\",\"ack_policy\":\"explicit\","
                + "\"deliver_subject\":\"dlv.d\"}"))).isZero();
        for (int i = 0; i < 3; i++) {
            next(sub).ackSync(ConsumerFixture.WAIT);
        }
        f.restart();
        f.publish("s.a", "after");
        Subscription again = f.nc().subscribe("dlv.d");
        Message m = next(again);
        assertThat(data(m)).isEqualTo("after");
        assertThat(m.getReplyTo()).startsWith("$JS.ACK.S.d.1.4.4.");
    }

    @Test
    void ephemeralConsumersGoAwayAfterInactiveThreshold() throws Exception {
        f.stream("S", "s.>");
        JsonNode pull = f.createConsumer("S", "{\"ack_policy\":\"explicit\",\"inactive_threshold\":1000000000}");
        JsonNode push = f.createConsumer("S", "{\"ack_policy\":\"explicit\",\"deliver_subject\":\"dlv.e\","
                + "\"inactive_threshold\":1000000000}");
        String pullName = pull.get("name").asString();
        String pushName = push.get("name").asString();
        assertThat(pull.get("config").get("inactive_threshold").asLong()).isEqualTo(1_000_000_000L);
        assertThat(f.jsm().getConsumerNames("S")).containsExactlyInAnyOrder(pullName, pushName);
        await().atMost(Duration.ofSeconds(6)).untilAsserted(() -> {
            assertThat(errCode(f.consumerInfo("S", pullName))).isEqualTo(10014);
            assertThat(errCode(f.consumerInfo("S", pushName))).isEqualTo(10014);
        });
        assertThat(f.jsm().getStreamInfo("S").getStreamState().getConsumerCount()).isZero();
    }

    @Test
    void ephemeralConsumerStaysWhileItsSubscriberIsThere() throws Exception {
        f.stream("S", "s.>");
        Subscription sub = f.nc().subscribe("dlv.live");
        f.nc().flush(ConsumerFixture.WAIT);
        JsonNode push = f.createConsumer("S", "{\"ack_policy\":\"none\",\"deliver_subject\":\"dlv.live\","
                + "\"inactive_threshold\":500000000}");
        String name = push.get("name").asString();
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).untilAsserted(() ->
                assertThat(errCode(f.consumerInfo("S", name))).isZero());
        sub.unsubscribe();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(errCode(f.consumerInfo("S", name))).isEqualTo(10014));
    }

    @Test
    void ephemeralConsumersAreNotRestored() throws Exception {
        f.stream("S", "s.>");
        Subscription sub = f.nc().subscribe("dlv.x");
        f.nc().flush(ConsumerFixture.WAIT);
        f.createConsumer("S", "{\"ack_policy\":\"none\",\"deliver_subject\":\"dlv.x\"}");
        f.createConsumer("S", "{\"durable_name\":\"keep\",\"ack_policy\":\"explicit\"}");
        assertThat(f.jsm().getConsumerNames("S")).hasSize(2);
        sub.unsubscribe();
        f.restart();
        assertThat(f.jsm().getConsumerNames("S")).containsExactly("keep");
    }

    private static JsonNode stable(JsonNode info) {
        tools.jackson.databind.node.ObjectNode o = (tools.jackson.databind.node.ObjectNode) info.deepCopy();
        o.remove("ts");
        o.remove("pause_remaining");
        ((tools.jackson.databind.node.ObjectNode) o.get("delivered")).remove("last_active");
        ((tools.jackson.databind.node.ObjectNode) o.get("ack_floor")).remove("last_active");
        return o;
    }

    private void pausedConsumerWithState(String pauseUntil) throws Exception {
        f.stream("S", "s.>");
        f.publish("s.a", 3);
        assertThat(errCode(f.createConsumer("S", "{\"durable_name\":\"d\",\"description\":\"keep me\","
                + "\"ack_policy\":\"explicit\",\"filter_subject\":\"s.a\",\"max_deliver\":7,"
                + "\"backoff\":[1000000000,5000000000],\"metadata\":{\"k\":\"v\"}}"))).isZero();
        next(f.pull("S", "d", "1")).ackSync(ConsumerFixture.WAIT);
        if (pauseUntil != null) {
            assertThat(errCode(f.api("CONSUMER.PAUSE.S.d", "{\"pause_until\":\"" + pauseUntil + "\"}"))).isZero();
        }
    }

    @Test
    void configCreatedTimeAndStateSurviveARestart() throws Exception {
        pausedConsumerWithState(null);
        JsonNode before = stable(f.consumerInfo("S", "d"));
        f.restart();
        JsonNode after = stable(f.consumerInfo("S", "d"));
        assertThat(after).isEqualTo(before);
        assertThat(after.get("config").get("description").asString()).isEqualTo("keep me");
    }

    @Test
    void pauseSurvivesARestart() throws Exception {
        pausedConsumerWithState(java.time.Instant.now().plus(Duration.ofHours(1)).toString());
        JsonNode before = stable(f.consumerInfo("S", "d"));
        f.restart();
        JsonNode after = stable(f.consumerInfo("S", "d"));
        assertThat(after).isEqualTo(before);
        assertThat(after.get("paused").asBoolean()).isTrue();
    }

    private static void interestRestartScenario(ConsumerFixture x) throws Exception {
        x.stream(io.nats.client.api.StreamConfiguration.builder().name("S").subjects("s.>")
                .retentionPolicy(io.nats.client.api.RetentionPolicy.Interest)
                .storageType(io.nats.client.api.StorageType.File));
        for (String c : List.of("c1", "c2")) {
            assertThat(errCode(x.createConsumer("S", "{\"durable_name\":\"" + c
                    + "\",\"ack_policy\":\"explicit\"}"))).isZero();
        }
        x.publish("s.a", 2);
        Subscription s1 = x.pull("S", "c1", "2");
        next(s1).ackSync(ConsumerFixture.WAIT);
        next(s1).ackSync(ConsumerFixture.WAIT);
        x.restart();
        long kept = x.jsm().getStreamInfo("S").getStreamState().getMsgCount();
        if (x.isReference()) {
            // nats-server 2.9.10 itself loses both messages across the restart: in 3 of 24 runs of this test alone,
            // and in each of the last three full-suite runs here; natsj must keep them every time
            org.junit.jupiter.api.Assumptions.assumeTrue(kept == 2,
                    "nats-server 2.9.10 dropped the interest stream's messages across the restart this time");
        }
        assertThat(kept).isEqualTo(2);
        Subscription s2 = x.pull("S", "c2", "2");
        next(s2).ackSync(ConsumerFixture.WAIT);
        next(s2).ackSync(ConsumerFixture.WAIT);
        await().atMost(ConsumerFixture.WAIT).untilAsserted(() ->
                assertThat(x.jsm().getStreamInfo("S").getStreamState().getMsgCount())
                        .as(x.isReference() ? "nats-server 2.9.10" : "natsj").isZero());
    }

    @Test
    void interestAcksBeforeARestartStillCount() throws Exception {
        interestRestartScenario(f);
        try (ConsumerFixture ref = ConsumerFixture.reference(refDir)) {
            interestRestartScenario(ref);
        }
    }
}
