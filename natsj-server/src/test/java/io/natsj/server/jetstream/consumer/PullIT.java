package io.natsj.server.jetstream.consumer;

import io.nats.client.ConsumerContext;
import io.nats.client.FetchConsumeOptions;
import io.nats.client.FetchConsumer;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.MessageConsumer;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.Subscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static io.natsj.server.jetstream.consumer.ConsumerFixture.describe;
import static io.natsj.server.jetstream.consumer.ConsumerFixture.describeAny;
import static io.natsj.server.jetstream.consumer.ConsumerFixture.errCode;
import static io.natsj.server.jetstream.consumer.ConsumerFixture.status;
import static io.natsj.server.jetstream.consumer.ConsumerFixture.untilStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Pull consumers through raw {@code CONSUMER.MSG.NEXT} requests, so every status message is seen as sent: the
 * request body forms (empty, a count, JSON), {@code 404 No Messages}, {@code 408 Request Timeout} with its pending
 * headers, {@code 408 Requests Pending}, the 409s (MaxWaiting, MaxRequestBatch, MaxBytes, Consumer Deleted, push
 * based) and {@code 100 Idle Heartbeat} (held back while messages flow), waiting requests taking turns message by
 * message; each exchange runs on natsj and on nats-server 2.9.10 and the two transcripts must match (2.10's
 * {@code 409 Batch Completed} on natsj alone). Then the jnats pull APIs (fetch, iterate, consume) on natsj, two
 * fetchers sharing one durable.
 */
@Timeout(120)
class PullIT extends ConsumerTestBase {
    private static final Duration QUIET = Duration.ofMillis(1500);

    @FunctionalInterface
    private interface Exchange {
        List<Map<String, String>> run(ConsumerFixture x) throws Exception;
    }

    /** Runs the exchange on natsj and on nats-server 2.9.10; asserts equal transcripts and returns natsj's. */
    private List<Map<String, String>> onBoth(Exchange e) throws Exception {
        List<Map<String, String>> natsj = e.run(f);
        try (ConsumerFixture ref = ConsumerFixture.reference(refDir)) {
            List<Map<String, String>> reference = e.run(ref);
            assertThat(natsj).as("natsj vs nats-server 2.9.10").isEqualTo(reference);
        }
        return natsj;
    }

    private static List<Map<String, String>> describeAll(List<Message> ms) {
        List<Map<String, String>> out = new ArrayList<>();
        for (Message m : ms) {
            out.add(describeAny(m));
        }
        return out;
    }

    private static void pullConsumer(ConsumerFixture x, String extra) throws Exception {
        x.stream("S", "s.>");
        assertThat(errCode(x.createConsumer("S", "{\"durable_name\":\"d\",\"ack_policy\":\"explicit\"" + extra
                + "}"))).isZero();
    }

    @Test
    void bodyFormsDeliverTheRequestedBatch() throws Exception {
        List<Map<String, String>> t = onBoth(x -> {
            pullConsumer(x, "");
            x.publish("s.a", 5);
            List<Map<String, String>> out = new ArrayList<>();
            Subscription one = x.pull("S", "d", "");
            out.add(describeAny(ConsumerFixture.next(one)));
            Subscription two = x.pull("S", "d", "2");
            out.add(describeAny(ConsumerFixture.next(two)));
            out.add(describeAny(ConsumerFixture.next(two)));
            Subscription json = x.pull("S", "d", "{\"batch\":5,\"expires\":1000000000}");
            out.addAll(describeAll(untilStatus(json, Duration.ofSeconds(3))));
            return out;
        });
        assertThat(t).extracting(m -> m.get("data")).containsExactly("m1", "m2", "m3", "m4", "m5", null);
        assertThat(t.get(5)).containsEntry("status", "408 Request Timeout")
                .containsEntry("Nats-Pending-Messages", "3").containsEntry("Nats-Pending-Bytes", "0");
    }

    @Test
    void noWaitOnAnEmptyConsumerAnswers404() throws Exception {
        List<Map<String, String>> t = onBoth(x -> {
            pullConsumer(x, "");
            List<Map<String, String>> out = new ArrayList<>();
            out.addAll(describeAll(untilStatus(x.pull("S", "d", "{\"batch\":3,\"no_wait\":true}"), QUIET)));
            x.publish("s.a", 1);
            out.addAll(describeAll(untilStatus(x.pull("S", "d", "{\"batch\":3,\"no_wait\":true}"), QUIET)));
            return out;
        });
        assertThat(t.get(0)).containsEntry("status", "404 No Messages");
        assertThat(t.get(1)).containsEntry("data", "m1");
    }

    @Test
    void expiredRequestAnswers408WithPendingCounts() throws Exception {
        List<Map<String, String>> t = onBoth(x -> {
            pullConsumer(x, "");
            x.publish("s.a", 1);
            Subscription sub = x.pull("S", "d", "{\"batch\":4,\"expires\":300000000}");
            return describeAll(untilStatus(sub, Duration.ofSeconds(3)));
        });
        assertThat(t).hasSize(2);
        assertThat(t.get(1)).containsEntry("status", "408 Request Timeout")
                .containsEntry("Nats-Pending-Messages", "3").containsEntry("Nats-Pending-Bytes", "0");
    }

    @Test
    void maxBytesAccountingMatchesNatsServer() throws Exception {
        List<Map<String, String>> t = onBoth(x -> {
            pullConsumer(x, "");
            x.publish("s.a", 1);
            Subscription sub = x.pull("S", "d", "{\"batch\":4,\"expires\":300000000,\"max_bytes\":1000}");
            return describeAll(untilStatus(sub, Duration.ofSeconds(3)));
        });
        assertThat(t).hasSize(2);
        assertThat(t.get(1)).containsEntry("status", "408 Request Timeout")
                .containsEntry("Nats-Pending-Messages", "3");
    }

    @Test
    void tooManyWaitingRequestsAnswer409() throws Exception {
        List<Map<String, String>> t = onBoth(x -> {
            pullConsumer(x, ",\"max_waiting\":1");
            Subscription first = x.pull("S", "d", "{\"batch\":1,\"expires\":3000000000}");
            await().atMost(ConsumerFixture.WAIT).until(() ->
                    x.consumerInfo("S", "d").get("num_waiting").asInt() == 1);
            Subscription second = x.pull("S", "d", "{\"batch\":1,\"expires\":3000000000}");
            List<Map<String, String>> out = describeAll(untilStatus(second, QUIET));
            first.unsubscribe();
            return out;
        });
        assertThat(t).hasSize(1);
        assertThat(t.get(0)).containsEntry("status", "409 Exceeded MaxWaiting");
    }

    @Test
    void batchAboveMaxBatchAnswers409() throws Exception {
        List<Map<String, String>> t = onBoth(x -> {
            pullConsumer(x, ",\"max_batch\":2");
            x.publish("s.a", 3);
            return describeAll(untilStatus(x.pull("S", "d", "{\"batch\":3,\"expires\":1000000000}"), QUIET));
        });
        assertThat(t).hasSize(1);
        assertThat(t.get(0)).containsEntry("status", "409 Exceeded MaxRequestBatch of 2");
    }

    @Test
    void messageLargerThanMaxBytesAnswers409() throws Exception {
        List<Map<String, String>> t = onBoth(x -> {
            pullConsumer(x, "");
            x.publish("s.a", "x".repeat(200));
            return describeAll(untilStatus(x.pull("S", "d", "{\"batch\":1,\"max_bytes\":50,"
                    + "\"expires\":1000000000}"), QUIET));
        });
        assertThat(t).hasSize(1);
        assertThat(t.get(0)).containsEntry("status", "409 Message Size Exceeds MaxBytes");
    }

    @Test
    void deletingTheConsumerAnswersWaitingRequests() throws Exception {
        List<Map<String, String>> t = onBoth(x -> {
            pullConsumer(x, "");
            Subscription sub = x.pull("S", "d", "{\"batch\":1,\"expires\":5000000000}");
            await().atMost(ConsumerFixture.WAIT).until(() ->
                    x.consumerInfo("S", "d").get("num_waiting").asInt() == 1);
            assertThat(errCode(x.api("CONSUMER.DELETE.S.d", ""))).isZero();
            return describeAll(untilStatus(sub, QUIET));
        });
        assertThat(t).hasSize(1);
        assertThat(t.get(0)).containsEntry("status", "409 Consumer Deleted");
    }

    @Test
    void pullFromAPushConsumerAnswers409() throws Exception {
        List<Map<String, String>> t = onBoth(x -> {
            x.stream("S", "s.>");
            assertThat(errCode(x.createConsumer("S", "{\"durable_name\":\"p\",\"ack_policy\":\"explicit\","
                    + "\"deliver_subject\":\"dlv.p\"}"))).isZero();
            return describeAll(untilStatus(x.pull("S", "p", "1"), QUIET));
        });
        assertThat(t).hasSize(1);
        assertThat(t.get(0)).containsEntry("status", "409 Consumer is push based");
    }

    @Test
    void requestWithIdleHeartbeatGetsHeartbeats() throws Exception {
        List<Map<String, String>> t = onBoth(x -> {
            pullConsumer(x, "");
            List<Message> got = untilStatus(x.pull("S", "d", "{\"batch\":2,\"expires\":1500000000,"
                    + "\"idle_heartbeat\":300000000}"), Duration.ofSeconds(3));
            assertThat(got.size()).as("heartbeats then the timeout").isGreaterThanOrEqualTo(2);
            // heartbeat count depends on timing: compare the first heartbeat and the end
            return List.of(describeAny(got.get(0)), describeAny(got.get(got.size() - 1)));
        });
        assertThat(t.get(0)).containsEntry("status", "100 Idle Heartbeat");
        assertThat(t.get(1)).containsEntry("status", "408 Request Timeout");
    }

    @Test
    void requestsBeyondTheConsumersLimitsAnswer409() throws Exception {
        List<Map<String, String>> t = onBoth(x -> {
            x.stream("S", "s.>");
            assertThat(errCode(x.createConsumer("S", "{\"durable_name\":\"e\",\"ack_policy\":\"explicit\","
                    + "\"max_expires\":1000000000}"))).isZero();
            assertThat(errCode(x.createConsumer("S", "{\"durable_name\":\"b\",\"ack_policy\":\"explicit\","
                    + "\"max_bytes\":100}"))).isZero();
            List<Map<String, String>> out = new ArrayList<>();
            out.addAll(describeAll(untilStatus(x.pull("S", "e", "{\"batch\":1,\"expires\":2000000000}"), QUIET)));
            out.addAll(describeAll(untilStatus(x.pull("S", "b", "{\"batch\":1,\"max_bytes\":200,"
                    + "\"expires\":500000000}"), QUIET)));
            return out;
        });
        assertThat(t).extracting(m -> m.get("status")).containsExactly("409 Exceeded MaxRequestExpires of 1s",
                "409 Exceeded MaxRequestMaxBytes of 100");
    }

    @Test
    void maxAckPendingHoldsBackDeliveries() throws Exception {
        List<Map<String, String>> t = onBoth(x -> {
            pullConsumer(x, ",\"max_ack_pending\":2");
            x.publish("s.a", 5);
            List<Message> got = untilStatus(x.pull("S", "d", "{\"batch\":5,\"expires\":700000000}"),
                    Duration.ofSeconds(3));
            List<Map<String, String>> out = describeAll(got);
            got.get(0).ack();
            out.addAll(describeAll(untilStatus(x.pull("S", "d", "{\"batch\":5,\"expires\":700000000}"),
                    Duration.ofSeconds(3))));
            return out;
        });
        assertThat(t).extracting(m -> m.get("data") == null ? m.get("status") : m.get("data"))
                .containsExactly("m1", "m2", "408 Request Timeout", "m3", "408 Request Timeout");
    }

    private static Map<String, String> statusOnly(Message m) {
        // status and message count only: pending bytes are checked in maxBytesAccountingMatchesNatsServer
        return m.isStatusMessage() ? Map.of("status", status(m), "Nats-Pending-Messages",
                String.valueOf(m.getHeaders().getFirst("Nats-Pending-Messages"))) : Map.of("data", "msg");
    }

    @Test
    void maxBytesCutOffAnswersMessageSizeExceeds() throws Exception {
        List<Map<String, String>> t = onBoth(x -> {
            pullConsumer(x, "");
            for (int i = 0; i < 4; i++) {
                x.publish("s.a", "z".repeat(100));
            }
            List<Map<String, String>> out = new ArrayList<>();
            for (Message m : untilStatus(x.pull("S", "d", "{\"batch\":4,\"max_bytes\":300,"
                    + "\"expires\":2000000000}"), Duration.ofSeconds(3))) {
                out.add(statusOnly(m));
            }
            return out;
        });
        assertThat(t).hasSize(3);
        assertThat(t.get(2)).containsEntry("status", "409 Message Size Exceeds MaxBytes")
                .containsEntry("Nats-Pending-Messages", "2");
    }

    @Test
    void batchFilledWithBytesLeftEndsWith409BatchCompleted() throws Exception {
        // nats-server 2.10+ (not 2.9.10): the request's batch is done and its max_bytes not, so it says so
        pullConsumer(f, "");
        f.publish("s.a", 4);
        List<Message> got = untilStatus(f.pull("S", "d", "{\"batch\":2,\"max_bytes\":10000,"
                + "\"expires\":1000000000}"), QUIET);
        assertThat(got).hasSize(3);
        assertThat(got.get(0).isStatusMessage()).isFalse();
        assertThat(got.get(1).isStatusMessage()).isFalse();
        long used = 0;
        for (Message m : got.subList(0, 2)) { // subject, ack reply, headers and payload, as nats-server counts
            used += m.getSubject().length() + m.getReplyTo().length() + m.getData().length;
        }
        assertThat(describe(got.get(2))).containsEntry("status", "409 Batch Completed")
                .containsEntry("Nats-Pending-Messages", "0")
                .containsEntry("Nats-Pending-Bytes", Long.toString(10000 - used));
    }

    @Test
    void waitingRequestsTakeTurnsMessageByMessage() throws Exception {
        List<Map<String, String>> t = onBoth(x -> {
            pullConsumer(x, "");
            Subscription a = x.pull("S", "d", "{\"batch\":3,\"expires\":1500000000}");
            Subscription b = x.pull("S", "d", "{\"batch\":5,\"expires\":1500000000}");
            await().atMost(ConsumerFixture.WAIT).until(() ->
                    x.consumerInfo("S", "d").get("num_waiting").asInt() == 2);
            x.publish("s.a", 7);
            List<Map<String, String>> out = new ArrayList<>();
            for (Message m : untilStatus(a, Duration.ofSeconds(3))) {
                out.add(Map.of("a", m.isStatusMessage() ? status(m) : ConsumerFixture.data(m)));
            }
            for (Message m : untilStatus(b, Duration.ofSeconds(3))) {
                out.add(Map.of("b", m.isStatusMessage() ? status(m) : ConsumerFixture.data(m)));
            }
            return out;
        });
        // a's batch is done after m5; b then takes the rest and waits for its eighth until it expires
        assertThat(t).extracting(m -> m.values().iterator().next()).containsExactly("m1", "m3", "m5",
                "m2", "m4", "m6", "m7", "408 Request Timeout");
    }

    @Test
    void heartbeatsPauseWhileMessagesFlow() throws Exception {
        List<Map<String, String>> t = onBoth(x -> {
            pullConsumer(x, "");
            Subscription sub = x.pull("S", "d", "{\"batch\":50,\"expires\":4000000000,"
                    + "\"idle_heartbeat\":1000000000}");
            await().atMost(ConsumerFixture.WAIT).until(() ->
                    x.consumerInfo("S", "d").get("num_waiting").asInt() == 1);
            for (int i = 1; i <= 10; i++) { // one every 200 ms, well inside the heartbeat interval
                x.publish("s.a", "m" + i);
                Thread.sleep(200);
            }
            List<Map<String, String>> out = new ArrayList<>();
            for (Message m : untilStatus(sub, Duration.ofSeconds(5))) {
                Map<String, String> e = Map.of("got", m.isStatusMessage() ? status(m) : "msg");
                if (!(e.get("got").startsWith("100") && out.contains(e))) { // how many heartbeats: timing
                    out.add(e);
                }
            }
            return out;
        });
        // ten messages, then (after a second of silence) heartbeats, then the expiry at 4 s
        assertThat(t).extracting(m -> m.get("got")).containsExactly("msg", "msg", "msg", "msg", "msg", "msg",
                "msg", "msg", "msg", "msg", "100 Idle Heartbeat", "408 Request Timeout");
    }

    @Test
    void noWaitBehindRequestsWantingMoreThanThereIsAnswers408RequestsPending() throws Exception {
        List<Map<String, String>> t = onBoth(x -> {
            pullConsumer(x, ",\"max_ack_pending\":1");
            x.publish("s.a", 3);
            List<Map<String, String>> out = new ArrayList<>();
            out.add(describeAny(ConsumerFixture.next(x.pull("S", "d", "1")))); // m1, unacknowledged
            Subscription waits = x.pull("S", "d", "{\"batch\":10,\"expires\":2000000000}");
            await().atMost(ConsumerFixture.WAIT).until(() ->
                    x.consumerInfo("S", "d").get("num_waiting").asInt() == 1);
            out.addAll(describeAll(untilStatus(x.pull("S", "d", "{\"batch\":1,\"no_wait\":true}"), QUIET)));
            waits.unsubscribe();
            return out;
        });
        assertThat(t).extracting(m -> m.get("data") == null ? m.get("status") : m.get("data"))
                .containsExactly("m1", "408 Requests Pending");
    }

    @Test
    void batchOfZeroGetsOneMessageAndCountsFromZero() throws Exception {
        List<Map<String, String>> t = onBoth(x -> {
            pullConsumer(x, "");
            List<Map<String, String>> out = describeAll(untilStatus(x.pull("S", "d",
                    "{\"batch\":0,\"expires\":300000000}"), Duration.ofSeconds(3)));
            x.publish("s.a", 2);
            out.addAll(describeAll(untilStatus(x.pull("S", "d", "{\"batch\":0,\"expires\":300000000}"), QUIET)));
            return out;
        });
        assertThat(t).hasSize(2);
        assertThat(t.get(0)).containsEntry("status", "408 Request Timeout")
                .containsEntry("Nats-Pending-Messages", "0");
        assertThat(t.get(1)).containsEntry("data", "m1");
    }

    @Test
    void aBodyThatIsNotANumberAsksForOneMessage() throws Exception {
        List<Map<String, String>> t = onBoth(x -> {
            pullConsumer(x, "");
            x.publish("s.a", 2);
            return describeAll(untilStatus(x.pull("S", "d", "two"), QUIET));
        });
        assertThat(t).extracting(m -> m.get("data")).containsExactly("m1");
    }

    @Test
    void infoCountsWaitingRequestsUntilTheyExpire() throws Exception {
        pullConsumer(f, "");
        Subscription a = f.pull("S", "d", "{\"batch\":1,\"expires\":800000000}");
        Subscription b = f.pull("S", "d", "{\"batch\":1,\"expires\":800000000}");
        await().atMost(ConsumerFixture.WAIT).until(() -> f.consumerInfo("S", "d").get("num_waiting").asInt() == 2);
        assertThat(status(ConsumerFixture.next(a))).isEqualTo("408 Request Timeout");
        assertThat(status(ConsumerFixture.next(b))).isEqualTo("408 Request Timeout");
        assertThat(f.consumerInfo("S", "d").get("num_waiting").asInt()).isZero();
    }

    @Test
    void noWaitWithExpiresOnAnEmptyConsumer() throws Exception {
        onBoth(x -> {
            pullConsumer(x, "");
            return describeAll(untilStatus(x.pull("S", "d", "{\"batch\":2,\"no_wait\":true,"
                    + "\"expires\":1000000000}"), Duration.ofSeconds(3)));
        });
    }

    @Test
    void aRequesterThatWentAwayGetsNothingAndLosesNothing() throws Exception {
        List<Map<String, String>> t = onBoth(x -> {
            pullConsumer(x, "");
            Subscription gone = x.pull("S", "d", "{\"batch\":1,\"expires\":5000000000}");
            await().atMost(ConsumerFixture.WAIT).until(() ->
                    x.consumerInfo("S", "d").get("num_waiting").asInt() == 1);
            gone.unsubscribe();
            x.nc().flush(ConsumerFixture.WAIT);
            x.publish("s.a", 1);
            List<Map<String, String>> out = new ArrayList<>();
            Message m = ConsumerFixture.next(x.pull("S", "d", "{\"batch\":1,\"expires\":2000000000}"));
            out.add(describeAny(m));
            out.add(Map.of("delivered", m.getReplyTo().split("\\.")[4]));
            return out;
        });
        assertThat(t.get(0)).containsEntry("data", "m1");
        assertThat(t.get(1)).containsEntry("delivered", "1");
    }

    @Test
    void nextWithABatchDeliversThatManyToTheAcksReply() throws Exception {
        List<Map<String, String>> t = onBoth(x -> {
            pullConsumer(x, "");
            x.publish("s.a", 4);
            Message m1 = ConsumerFixture.next(x.pull("S", "d", "1"));
            String inbox = x.nc().createInbox();
            Subscription sub = x.nc().subscribe(inbox);
            x.nc().flush(ConsumerFixture.WAIT);
            x.nc().publish(m1.getReplyTo(), inbox, "+NXT {\"batch\":2}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return describeAll(ConsumerFixture.drain(sub, QUIET));
        });
        assertThat(t).extracting(m -> m.get("data")).containsExactly("m2", "m3");
    }

    @Test
    void badRequestBodyAnswers400() throws Exception {
        pullConsumer(f, "");
        List<Message> got = untilStatus(f.pull("S", "d", "{\"batch\":1,\"idle_heartbeat\":1000000000}"), QUIET);
        assertThat(got).hasSize(1);
        assertThat(status(got.get(0))).startsWith("400 Bad Request");
    }

    // ---- jnats ---------------------------------------------------------------------------------------------------

    @Test
    void jnatsFetchAndNext() throws Exception {
        pullConsumer(f, "");
        f.publish("s.a", 5);
        ConsumerContext cc = f.nc().getStreamContext("S").getConsumerContext("d");
        List<String> got = new ArrayList<>();
        try (FetchConsumer fc = cc.fetch(FetchConsumeOptions.builder().maxMessages(3).expiresIn(2000).build())) {
            Message m;
            while ((m = fc.nextMessage()) != null) {
                got.add(ConsumerFixture.data(m));
                m.ack();
            }
        }
        assertThat(got).containsExactly("m1", "m2", "m3");
        Message one = cc.next(Duration.ofSeconds(2));
        assertThat(ConsumerFixture.data(one)).isEqualTo("m4");
        one.ack();
        JetStreamSubscription sub = f.js().subscribe(null, PullSubscribeOptions.bind("S", "d"));
        List<Message> fetched = sub.fetch(5, Duration.ofSeconds(1));
        assertThat(fetched).extracting(ConsumerFixture::data).containsExactly("m5");
        fetched.get(0).ack();
        await().atMost(ConsumerFixture.WAIT).untilAsserted(() ->
                assertThat(f.jsm().getConsumerInfo("S", "d").getAckFloor().getStreamSequence()).isEqualTo(5));
    }

    /** Reads a jnats fetch to its end: the data of each message, acknowledged. */
    private static List<String> readAll(FetchConsumer fc) throws Exception {
        List<String> got = new ArrayList<>();
        Message m;
        while ((m = fc.nextMessage()) != null) {
            got.add(ConsumerFixture.data(m));
            m.ack();
        }
        return got;
    }

    @Test
    void twoJnatsFetchersOnOneDurableShareTheMessages() throws Exception {
        List<Map<String, String>> t = onBoth(x -> {
            pullConsumer(x, "");
            FetchConsumeOptions o = FetchConsumeOptions.builder().maxMessages(10).expiresIn(2000).build();
            try (FetchConsumer one = x.connectNew().getStreamContext("S").getConsumerContext("d").fetch(o);
                 FetchConsumer two = x.connectNew().getStreamContext("S").getConsumerContext("d").fetch(o)) {
                await().atMost(ConsumerFixture.WAIT).until(() ->
                        x.consumerInfo("S", "d").get("num_waiting").asInt() == 2);
                x.publish("s.a", 10);
                return List.of(Map.of("one", String.join(",", readAll(one))),
                        Map.of("two", String.join(",", readAll(two))));
            }
        });
        assertThat(t.get(0).get("one")).isEqualTo("m1,m3,m5,m7,m9");
        assertThat(t.get(1).get("two")).isEqualTo("m2,m4,m6,m8,m10");
    }

    @Test
    void jnatsIterate() throws Exception {
        pullConsumer(f, "");
        f.publish("s.a", 5);
        ConsumerContext cc = f.nc().getStreamContext("S").getConsumerContext("d");
        try (IterableConsumer it = cc.iterate()) {
            for (int i = 1; i <= 5; i++) {
                Message m = it.nextMessage(Duration.ofSeconds(2));
                assertThat(m).isNotNull();
                assertThat(ConsumerFixture.data(m)).isEqualTo("m" + i);
                m.ack();
            }
            f.publish("s.a", "late");
            // a bound on "it arrives", not a latency check (80 runs under full CPU load here: at most 13 ms)
            Message late = it.nextMessage(Duration.ofSeconds(10));
            assertThat(late).isNotNull();
            assertThat(ConsumerFixture.data(late)).isEqualTo("late");
            late.ack();
            it.stop();
        }
    }

    @Test
    void jnatsConsume() throws Exception {
        pullConsumer(f, "");
        f.publish("s.a", 20);
        ConsumerContext cc = f.nc().getStreamContext("S").getConsumerContext("d");
        List<String> consumed = Collections.synchronizedList(new ArrayList<>());
        try (MessageConsumer mc = cc.consume(m -> {
            consumed.add(ConsumerFixture.data(m));
            m.ack();
        })) {
            await().atMost(ConsumerFixture.WAIT).untilAsserted(() -> assertThat(consumed).hasSize(20));
            mc.stop();
        }
        assertThat(consumed).startsWith("m1", "m2").endsWith("m20").doesNotHaveDuplicates();
    }
}
