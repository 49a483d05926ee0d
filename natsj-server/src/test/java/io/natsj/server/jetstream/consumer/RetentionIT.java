package io.natsj.server.jetstream.consumer;

import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;


import static io.natsj.server.jetstream.consumer.ConsumerFixture.data;
import static io.natsj.server.jetstream.consumer.ConsumerFixture.errCode;
import static io.natsj.server.jetstream.consumer.ConsumerFixture.next;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What each retention policy keeps once consumers acknowledge: an interest stream drops a message when every
 * consumer whose filter matches it has acked it and keeps it while one has not (and keeps nothing nobody is
 * interested in); a work-queue stream drops a message on its ack; a limits stream keeps acked messages. Each
 * scenario's stream state after every step is the same on natsj and nats-server 2.9.10.
 */
@Timeout(90)
class RetentionIT extends ConsumerTestBase {
    private static void stream(ConsumerFixture x, RetentionPolicy retention) throws Exception {
        x.stream(StreamConfiguration.builder().name("R").subjects("r.>").retentionPolicy(retention)
                .storageType(StorageType.File));
    }

    private static void consumer(ConsumerFixture x, String name, String filter) throws Exception {
        assertThat(errCode(x.createConsumer("R", "{\"durable_name\":\"" + name + "\",\"ack_policy\":\"explicit\""
                + (filter == null ? "" : ",\"filter_subject\":\"" + filter + "\"") + "}"))).isZero();
    }

    /** Awaits the stream's message count and first sequence. */
    private static void expect(ConsumerFixture x, long msgs, long firstSeq) {
        await().atMost(ConsumerFixture.WAIT).untilAsserted(() -> {
            StreamState s = x.jsm().getStreamInfo("R").getStreamState();
            assertThat(s.getMsgCount() + " msgs, first " + s.getFirstSequence())
                    .as(x.isReference() ? "nats-server 2.9.10" : "natsj").isEqualTo(msgs + " msgs, first " + firstSeq);
        });
    }

    private static void ack(ConsumerFixture x, Message m) throws Exception {
        m.ackSync(ConsumerFixture.WAIT);
    }

    private static void interestScenario(ConsumerFixture x) throws Exception {
        stream(x, RetentionPolicy.Interest);
        x.publish("r.a", 1);
        expect(x, 0, 2); // nobody interested: not kept
        consumer(x, "all", null);
        consumer(x, "onlyA", "r.a");
        x.publish("r.a", "a");
        x.publish("r.b", "b");
        expect(x, 2, 2);
        Subscription all = x.pull("R", "all", "2");
        Message allA = next(all);
        Message allB = next(all);
        assertThat(data(allA)).isEqualTo("a");
        ack(x, allA);
        expect(x, 2, 2); // onlyA has not acked "a"
        ack(x, allB);
        expect(x, 1, 2); // "b" matched only "all"
        Message onlyA = next(x.pull("R", "onlyA", "1"));
        assertThat(data(onlyA)).isEqualTo("a");
        ack(x, onlyA);
        expect(x, 0, 4);
    }

    @Test
    void interestStreamDropsAMessageOnceEveryInterestedConsumerAcked() throws Exception {
        interestScenario(f);
        try (ConsumerFixture ref = ConsumerFixture.reference(refDir)) {
            interestScenario(ref);
        }
    }

    private static void workQueueScenario(ConsumerFixture x) throws Exception {
        stream(x, RetentionPolicy.WorkQueue);
        x.publish("r.a", 3);
        expect(x, 3, 1);
        consumer(x, "w", null);
        Subscription sub = x.pull("R", "w", "2");
        Message m1 = next(sub);
        Message m2 = next(sub);
        ack(x, m2);
        expect(x, 2, 1);
        ack(x, m1);
        expect(x, 1, 3);
        Message m3 = next(x.pull("R", "w", "1"));
        m3.nak();
        expect(x, 1, 3);
        Message again = next(x.pull("R", "w", "1"));
        assertThat(data(again)).isEqualTo("m3");
        ack(x, again);
        expect(x, 0, 4);
    }

    @Test
    void workQueueStreamDropsOnAck() throws Exception {
        workQueueScenario(f);
        try (ConsumerFixture ref = ConsumerFixture.reference(refDir)) {
            workQueueScenario(ref);
        }
    }

    @Test
    void limitsStreamKeepsAckedMessages() throws Exception {
        stream(f, RetentionPolicy.Limits);
        f.publish("r.a", 3);
        consumer(f, "l", null);
        Subscription sub = f.pull("R", "l", "3");
        for (int i = 0; i < 3; i++) {
            ack(f, next(sub));
        }
        assertThat(f.consumerInfo("R", "l").get("ack_floor").get("stream_seq").asLong()).isEqualTo(3);
        expect(f, 3, 1);
        assertThat(errCode(f.api("CONSUMER.DELETE.R.l", ""))).isZero();
        expect(f, 3, 1);
    }

    private static void interestDeleteScenario(ConsumerFixture x) throws Exception {
        stream(x, RetentionPolicy.Interest);
        consumer(x, "c1", null);
        consumer(x, "c2", null);
        x.publish("r.a", 2);
        Subscription sub = x.pull("R", "c1", "2");
        ack(x, next(sub));
        ack(x, next(sub));
        expect(x, 2, 1);
        assertThat(errCode(x.api("CONSUMER.DELETE.R.c2", ""))).isZero();
        expect(x, 0, 3); // the only consumer still interested acked them
    }

    @Test
    void interestStreamReleasesWhatOnlyADeletedConsumerHeld() throws Exception {
        interestDeleteScenario(f);
        try (ConsumerFixture ref = ConsumerFixture.reference(refDir)) {
            interestDeleteScenario(ref);
        }
    }

    private static void interestAckNoneScenario(ConsumerFixture x) throws Exception {
        stream(x, RetentionPolicy.Interest);
        Subscription sub = x.nc().subscribe("dlv.n");
        x.nc().flush(ConsumerFixture.WAIT);
        assertThat(errCode(x.createConsumer("R", "{\"durable_name\":\"n\",\"ack_policy\":\"none\","
                + "\"deliver_subject\":\"dlv.n\"}"))).isZero();
        consumer(x, "slow", "r.b");
        x.publish("r.a", 3);
        x.publish("r.b", 1);
        for (int i = 0; i < 4; i++) {
            next(sub);
        }
        expect(x, 1, 4); // r.b still waits for "slow"
    }

    @Test
    void interestStreamDropsWhatAnAckNoneConsumerWasGiven() throws Exception {
        interestAckNoneScenario(f);
        try (ConsumerFixture ref = ConsumerFixture.reference(refDir)) {
            interestAckNoneScenario(ref);
        }
    }

    private static void workQueueFilteredScenario(ConsumerFixture x) throws Exception {
        stream(x, RetentionPolicy.WorkQueue);
        consumer(x, "wa", "r.a");
        x.publish("r.a", 2);
        x.publish("r.b", 1);
        Subscription sub = x.pull("R", "wa", "2");
        ack(x, next(sub));
        ack(x, next(sub));
        expect(x, 1, 3); // r.b is nobody's work yet
        consumer(x, "wb", "r.b");
        Message b = next(x.pull("R", "wb", "1"));
        assertThat(data(b)).isEqualTo("m1");
        ack(x, b);
        expect(x, 0, 4);
    }

    @Test
    void workQueueKeepsWhatNoConsumerHasTaken() throws Exception {
        workQueueFilteredScenario(f);
        try (ConsumerFixture ref = ConsumerFixture.reference(refDir)) {
            workQueueFilteredScenario(ref);
        }
    }

    private static String deletedPendingScenario(ConsumerFixture x) throws Exception {
        stream(x, RetentionPolicy.Limits);
        x.publish("r.a", 3);
        consumer(x, "c", null);
        Subscription sub = x.pull("R", "c", "3");
        next(sub);
        next(sub);
        next(sub);
        assertThat(errCode(x.api("STREAM.MSG.DELETE.R", "{\"seq\":2}"))).isZero();
        x.publish("r.a", "after");
        Message m = next(x.pull("R", "c", "{\"batch\":1,\"expires\":2000000000}"));
        JsonNode i = x.consumerInfo("R", "c");
        return data(m) + " ack_pending=" + i.get("num_ack_pending") + " pending=" + i.get("num_pending");
    }

    @Test
    void deletingAPendingMessage() throws Exception {
        String natsj = deletedPendingScenario(f);
        try (ConsumerFixture ref = ConsumerFixture.reference(refDir)) {
            assertThat(natsj).as("vs nats-server 2.9.10").isEqualTo(deletedPendingScenario(ref));
        }
    }
}
