package io.natsj.server.jetstream.consumer;

import io.nats.client.Connection;
import io.nats.client.FetchConsumeOptions;
import io.nats.client.FetchConsumer;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.OrderedConsumerContext;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.Subscription;
import io.nats.client.api.OrderedConsumerConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.natsj.server.jetstream.consumer.ConsumerFixture.data;
import static io.natsj.server.jetstream.consumer.ConsumerFixture.describeAny;
import static io.natsj.server.jetstream.consumer.ConsumerFixture.drain;
import static io.natsj.server.jetstream.consumer.ConsumerFixture.errCode;
import static io.natsj.server.jetstream.consumer.ConsumerFixture.headers;
import static io.natsj.server.jetstream.consumer.ConsumerFixture.next;
import static io.natsj.server.jetstream.consumer.ConsumerFixture.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Push consumers as a subscriber sees them: delivery to the deliver subject (showing each message's own subject),
 * queue delivery to a deliver group, idle heartbeats with {@code Nats-Last-Consumer}/{@code Nats-Last-Stream}, flow
 * control requests that carry a reply, delivery only while someone is subscribed, every deliver policy,
 * headers_only with {@code Nats-Msg-Size}, and jnats ordered consumers. Deliver policies, heartbeats and
 * headers_only are compared with nats-server 2.9.10.
 */
@Timeout(120)
class PushIT extends ConsumerTestBase {
    private static final Duration QUIET = Duration.ofMillis(700);

    private static Subscription subscribe(ConsumerFixture x, String subject) throws Exception {
        Subscription sub = x.nc().subscribe(subject);
        x.nc().flush(ConsumerFixture.WAIT);
        return sub;
    }

    @Test
    void deliversToTheDeliverSubjectWithTheMessagesOwnSubject() throws Exception {
        f.stream("S", "s.>");
        f.publish("s.a", 2);
        f.publish("s.b", "x");
        Subscription sub = subscribe(f, "dlv");
        assertThat(errCode(f.createConsumer("S", "{\"durable_name\":\"p\",\"ack_policy\":\"explicit\","
                + "\"deliver_subject\":\"dlv\"}"))).isZero();
        List<Message> got = List.of(next(sub), next(sub), next(sub));
        assertThat(got).extracting(Message::getSubject).containsExactly("s.a", "s.a", "s.b");
        assertThat(got).extracting(ConsumerFixture::data).containsExactly("m1", "m2", "x");
        assertThat(got.get(0).getReplyTo()).startsWith("$JS.ACK.S.p.1.1.1.");
    }

    @Test
    void deliverGroupGivesEachMessageToOneMember() throws Exception {
        f.stream("S", "s.>");
        Connection other = f.connectNew();
        Subscription a = f.nc().subscribe("dlv.q", "g");
        Subscription b = other.subscribe("dlv.q", "g");
        f.nc().flush(ConsumerFixture.WAIT);
        other.flush(ConsumerFixture.WAIT);
        assertThat(errCode(f.createConsumer("S", "{\"durable_name\":\"q\",\"ack_policy\":\"none\","
                + "\"deliver_subject\":\"dlv.q\",\"deliver_group\":\"g\"}"))).isZero();
        f.publish("s.a", 40);
        List<String> all = new ArrayList<>();
        await().atMost(ConsumerFixture.WAIT).untilAsserted(() -> {
            Message m;
            while ((m = a.nextMessage(Duration.ofMillis(10))) != null) {
                all.add(data(m));
            }
            while ((m = b.nextMessage(Duration.ofMillis(10))) != null) {
                all.add(data(m));
            }
            assertThat(all).hasSize(40);
        });
        assertThat(all).doesNotHaveDuplicates();
        assertThat(drain(a, Duration.ofMillis(300))).isEmpty();
        assertThat(drain(b, Duration.ofMillis(10))).isEmpty();
        JsonNode info = f.consumerInfo("S", "q");
        assertThat(info.get("config").get("deliver_group").asString()).isEqualTo("g");
    }

    private static List<Map<String, String>> heartbeatScenario(ConsumerFixture x) throws Exception {
        x.stream("S", "s.>");
        x.publish("s.a", 2);
        Subscription sub = subscribe(x, "dlv.hb");
        assertThat(errCode(x.createConsumer("S", "{\"durable_name\":\"h\",\"ack_policy\":\"explicit\","
                + "\"deliver_subject\":\"dlv.hb\",\"idle_heartbeat\":200000000}"))).isZero();
        List<Map<String, String>> out = new ArrayList<>();
        out.add(describeAny(next(sub)));
        out.add(describeAny(next(sub)));
        out.add(ConsumerFixture.describe(next(sub)));
        return out;
    }

    private static String heartbeatReply(ConsumerFixture x) throws Exception {
        x.stream("S", "s.>");
        Subscription sub = subscribe(x, "dlv.hb");
        assertThat(errCode(x.createConsumer("S", "{\"durable_name\":\"h\",\"ack_policy\":\"explicit\","
                + "\"deliver_subject\":\"dlv.hb\",\"idle_heartbeat\":200000000}"))).isZero();
        return String.valueOf(next(sub).getReplyTo());
    }

    @Test
    void heartbeatReplyTokenMatchesNatsServer() throws Exception {
        String natsj = heartbeatReply(f);
        try (ConsumerFixture ref = ConsumerFixture.reference(refDir)) {
            assertThat(natsj).isEqualTo(heartbeatReply(ref));
        }
    }

    @Test
    void idleHeartbeatsNameTheLastDelivery() throws Exception {
        List<Map<String, String>> natsj = heartbeatScenario(f);
        assertThat(natsj.get(2)).containsEntry("status", "100 Idle Heartbeat")
                .containsEntry("Nats-Last-Consumer", "2").containsEntry("Nats-Last-Stream", "2");
        try (ConsumerFixture ref = ConsumerFixture.reference(refDir)) {
            assertThat(natsj).as("vs nats-server 2.9.10").isEqualTo(heartbeatScenario(ref));
        }
    }

    @Test
    void flowControlRequestsCarryAReplyAndDeliveryGoesOn() throws Exception {
        f.stream("S", "s.>");
        byte[] payload = "y".repeat(1024).getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 3000; i++) {
            f.nc().publish("s.a", payload);
        }
        f.nc().flush(ConsumerFixture.WAIT);
        await().atMost(ConsumerFixture.WAIT).until(() ->
                f.jsm().getStreamInfo("S").getStreamState().getMsgCount() == 3000);
        Subscription sub = subscribe(f, "dlv.fc");
        assertThat(errCode(f.createConsumer("S", "{\"durable_name\":\"fc\",\"ack_policy\":\"none\","
                + "\"deliver_subject\":\"dlv.fc\",\"flow_control\":true,\"idle_heartbeat\":1000000000}")))
                .isZero();
        int data = 0;
        int fcRequests = 0;
        while (data < 3000) {
            Message m = next(sub);
            if (m.isStatusMessage()) {
                if ("100 FlowControl Request".equals(status(m))) {
                    fcRequests++;
                    assertThat(m.getReplyTo()).startsWith("$JS.FC.S.fc.");
                    f.nc().publish(m.getReplyTo(), new byte[0]);
                }
                continue;
            }
            data++;
        }
        assertThat(fcRequests).isPositive();
    }

    @Test
    void pushDeliversOnlyWhileSomeoneIsSubscribed() throws Exception {
        f.stream("S", "s.>");
        assertThat(errCode(f.createConsumer("S", "{\"durable_name\":\"p\",\"ack_policy\":\"explicit\","
                + "\"deliver_subject\":\"dlv.p\"}"))).isZero();
        f.publish("s.a", 3);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).untilAsserted(() ->
                assertThat(f.consumerInfo("S", "p").get("delivered").get("consumer_seq").asLong()).isZero());
        assertThat(f.consumerInfo("S", "p").has("push_bound")).isFalse();

        Subscription sub = subscribe(f, "dlv.p");
        List<Message> first = List.of(next(sub), next(sub), next(sub));
        for (Message m : first) {
            m.ack();
        }
        assertThat(first).extracting(ConsumerFixture::data).containsExactly("m1", "m2", "m3");
        assertThat(f.consumerInfo("S", "p").get("push_bound").asBoolean()).isTrue();
        sub.unsubscribe();
        f.nc().flush(ConsumerFixture.WAIT);

        f.publish("s.a", "later");
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).untilAsserted(() ->
                assertThat(f.consumerInfo("S", "p").get("delivered").get("consumer_seq").asLong()).isEqualTo(3));
        Subscription again = subscribe(f, "dlv.p");
        assertThat(data(next(again))).isEqualTo("later");
    }

    private static Map<String, List<String>> policiesScenario(ConsumerFixture x) throws Exception {
        x.stream("S", "s.>");
        x.publish("s.a", "a1");
        x.publish("s.b", "b1");
        x.publish("s.a", "a2");
        x.publish("s.b", "b2");
        x.publish("s.a", "a3");
        JsonNode third = x.api("STREAM.MSG.GET.S", "{\"seq\":3}");
        String thirdTime = third.get("message").get("time").asString();
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put("all", "\"deliver_policy\":\"all\"");
        configs.put("last", "\"deliver_policy\":\"last\"");
        configs.put("new", "\"deliver_policy\":\"new\"");
        configs.put("seq", "\"deliver_policy\":\"by_start_sequence\",\"opt_start_seq\":3");
        configs.put("time", "\"deliver_policy\":\"by_start_time\",\"opt_start_time\":\"" + thirdTime + "\"");
        configs.put("lps", "\"deliver_policy\":\"last_per_subject\",\"filter_subject\":\"s.>\"");
        configs.put("last.b", "\"deliver_policy\":\"last\",\"filter_subject\":\"s.b\"");
        Map<String, Subscription> subs = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : configs.entrySet()) {
            String name = e.getKey().replace(".", "_");
            Subscription sub = subscribe(x, "dlv." + name);
            subs.put(e.getKey(), sub);
            JsonNode r = x.createConsumer("S", "{\"durable_name\":\"" + name + "\",\"ack_policy\":\"none\","
                    + "\"deliver_subject\":\"dlv." + name + "\"," + e.getValue() + "}");
            assertThat(errCode(r)).as(e.getKey() + ": " + r).isZero();
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Map.Entry<String, Subscription> e : subs.entrySet()) {
            out.put(e.getKey(), drain(e.getValue(), QUIET).stream().map(ConsumerFixture::data).toList());
        }
        x.publish("s.a", "n1");
        for (Map.Entry<String, Subscription> e : subs.entrySet()) {
            List<String> all = new ArrayList<>(out.get(e.getKey()));
            all.add("|");
            all.addAll(drain(e.getValue(), QUIET).stream().map(ConsumerFixture::data).toList());
            out.put(e.getKey(), all);
        }
        return out;
    }

    @Test
    void deliverPoliciesStartWhereTheySay() throws Exception {
        Map<String, List<String>> natsj = policiesScenario(f);
        assertThat(natsj.get("all")).containsExactly("a1", "b1", "a2", "b2", "a3", "|", "n1");
        assertThat(natsj.get("last")).containsExactly("a3", "|", "n1");
        assertThat(natsj.get("new")).containsExactly("|", "n1");
        assertThat(natsj.get("seq")).containsExactly("a2", "b2", "a3", "|", "n1");
        assertThat(natsj.get("time")).containsExactly("a2", "b2", "a3", "|", "n1");
        assertThat(natsj.get("lps")).containsExactly("b2", "a3", "|", "n1");
        assertThat(natsj.get("last.b")).containsExactly("b2", "|");
        try (ConsumerFixture ref = ConsumerFixture.reference(refDir)) {
            assertThat(natsj).as("vs nats-server 2.9.10").isEqualTo(policiesScenario(ref));
        }
    }

    private static Map<String, String> headersOnlyScenario(ConsumerFixture x) throws Exception {
        x.stream("S", "s.>");
        x.js().publish(io.nats.client.impl.NatsMessage.builder().subject("s.h")
                .headers(new io.nats.client.impl.Headers().add("X-Mine", "1")).data("hello").build());
        Subscription sub = subscribe(x, "dlv.h");
        assertThat(errCode(x.createConsumer("S", "{\"durable_name\":\"h\",\"ack_policy\":\"none\","
                + "\"deliver_subject\":\"dlv.h\",\"headers_only\":true}"))).isZero();
        Message m = next(sub);
        Map<String, String> out = new LinkedHashMap<>(headers(m));
        out.put("data", data(m));
        out.put("subject", m.getSubject());
        return out;
    }

    @Test
    void headersOnlyDeliversTheSizeInsteadOfTheData() throws Exception {
        Map<String, String> natsj = headersOnlyScenario(f);
        assertThat(natsj).containsEntry("Nats-Msg-Size", "5").containsEntry("X-Mine", "1")
                .containsEntry("data", "");
        try (ConsumerFixture ref = ConsumerFixture.reference(refDir)) {
            assertThat(natsj).as("vs nats-server 2.9.10").isEqualTo(headersOnlyScenario(ref));
        }
    }

    @Test
    void orderedPushSubscriptionReadsEverythingInOrder() throws Exception {
        f.stream("S", "s.>");
        f.publish("s.a", 50);
        JetStreamSubscription sub = f.js().subscribe("s.>", PushSubscribeOptions.builder().ordered(true).build());
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Message m = sub.nextMessage(ConsumerFixture.WAIT);
            assertThat(m).isNotNull();
            seqs.add(m.metaData().streamSequence());
        }
        assertThat(seqs).isSorted().doesNotHaveDuplicates().startsWith(1L).endsWith(50L);
        f.publish("s.b", "after");
        Message after = sub.nextMessage(ConsumerFixture.WAIT);
        assertThat(after).isNotNull();
        assertThat(data(after)).isEqualTo("after");
        assertThat(after.metaData().streamSequence()).isEqualTo(51);
    }

    @Test
    void orderedConsumerContextFetchesAndIteratesInOrder() throws Exception {
        f.stream("S", "s.>");
        f.publish("s.a", 10);
        f.publish("s.b", 5);
        OrderedConsumerContext occ = f.nc().getStreamContext("S").createOrderedConsumer(
                new OrderedConsumerConfiguration().filterSubject("s.b"));
        List<String> fetched = new ArrayList<>();
        try (FetchConsumer fc = occ.fetch(FetchConsumeOptions.builder().maxMessages(3).expiresIn(2000).build())) {
            Message m;
            while ((m = fc.nextMessage()) != null) {
                fetched.add(data(m));
            }
        }
        assertThat(fetched).containsExactly("m1", "m2", "m3");
        Set<Long> seen = new HashSet<>();
        List<String> iterated = new ArrayList<>();
        try (IterableConsumer it = occ.iterate()) {
            for (int i = 0; i < 2; i++) {
                Message m = it.nextMessage(Duration.ofSeconds(3));
                assertThat(m).isNotNull();
                assertThat(seen.add(m.metaData().streamSequence())).isTrue();
                iterated.add(data(m));
            }
            it.stop();
        }
        assertThat(iterated).containsExactly("m4", "m5");
    }

    private static List<String> pushRedeliveryScenario(ConsumerFixture x) throws Exception {
        x.stream("S", "s.>");
        x.publish("s.a", 4);
        Subscription sub = subscribe(x, "dlv.r");
        assertThat(errCode(x.createConsumer("S", "{\"durable_name\":\"r\",\"ack_policy\":\"explicit\","
                + "\"deliver_subject\":\"dlv.r\",\"max_ack_pending\":2,\"ack_wait\":500000000}"))).isZero();
        List<String> out = new ArrayList<>();
        Message m1 = next(sub);
        Message m2 = next(sub);
        out.add(data(m1) + "," + data(m2));
        out.add("held back: " + drain(sub, Duration.ofMillis(300)).size());
        m1.ack();
        Message m3 = next(sub);
        out.add(data(m3) + "#" + m3.getReplyTo().split("\\.")[4]);
        // m2 and m3 are not acked: both come again after ack_wait
        Message r1 = next(sub, Duration.ofSeconds(3));
        Message r2 = next(sub, Duration.ofSeconds(3));
        out.add(data(r1) + "#" + r1.getReplyTo().split("\\.")[4] + "," + data(r2) + "#"
                + r2.getReplyTo().split("\\.")[4]);
        r1.ack();
        r2.ack();
        out.add(data(next(sub)));
        return out;
    }

    @Test
    void pushRespectsMaxAckPendingAndRedeliversAfterAckWait() throws Exception {
        List<String> natsj = pushRedeliveryScenario(f);
        assertThat(natsj).containsExactly("m1,m2", "held back: 0", "m3#1", "m2#2,m3#2", "m4");
        try (ConsumerFixture ref = ConsumerFixture.reference(refDir)) {
            assertThat(natsj).as("vs nats-server 2.9.10").isEqualTo(pushRedeliveryScenario(ref));
        }
    }

    private static String unansweredFlowControlScenario(ConsumerFixture x) throws Exception {
        x.stream("S", "s.>");
        byte[] payload = "y".repeat(4096).getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 2000; i++) {
            x.nc().publish("s.a", payload);
        }
        x.nc().flush(ConsumerFixture.WAIT);
        await().atMost(ConsumerFixture.WAIT).until(() ->
                x.jsm().getStreamInfo("S").getStreamState().getMsgCount() == 2000);
        Subscription sub = subscribe(x, "dlv.st");
        assertThat(errCode(x.createConsumer("S", "{\"durable_name\":\"st\",\"ack_policy\":\"none\","
                + "\"deliver_subject\":\"dlv.st\",\"flow_control\":true,\"idle_heartbeat\":500000000}")))
                .isZero();
        int data = 0;
        boolean stalledHeader = false;
        long end = System.nanoTime() + 3_000_000_000L; // heartbeats never let the subscription go quiet
        while (System.nanoTime() < end) {
            Message m = sub.nextMessage(Duration.ofMillis(100));
            if (m == null) {
                continue;
            }
            if (!m.isStatusMessage()) {
                data++;
            } else if (m.getHeaders() != null && m.getHeaders().getFirst("Nats-Consumer-Stalled") != null) {
                stalledHeader = true;
            }
        }
        return "all delivered=" + (data == 2000) + " stalled header=" + stalledHeader;
    }

    @Test
    void unansweredFlowControlStallsDelivery() throws Exception {
        String natsj = unansweredFlowControlScenario(f);
        try (ConsumerFixture ref = ConsumerFixture.reference(refDir)) {
            assertThat(natsj).as("vs nats-server 2.9.10").isEqualTo(unansweredFlowControlScenario(ref));
        }
    }
}
