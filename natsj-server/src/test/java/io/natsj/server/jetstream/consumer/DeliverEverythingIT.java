package io.natsj.server.jetstream.consumer;

import io.nats.client.JetStream;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.Subscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Consumers deliver every message the stream stores, at once, while publishers keep storing: a push consumer with a
 * {@code deliver_group} shared by several jnats queue subscribers (as nats.java's JetStreamPushQueueTests drive it,
 * each message reaching exactly one member, none waiting for {@code ack_wait}), and a consumer keeping up with
 * several publishers. The consumer's cursor must never pass a message the stream stored while the consumer looked
 * for the next one.
 */
@Timeout(60)
class DeliverEverythingIT {

    @TempDir
    Path dir;
    private ConsumerFixture f;

    @AfterEach
    void stop() throws Exception {
        if (f != null) {
            f.close();
        }
    }

    /** Three queue subscribers on one connection, 100 messages published while they read and ack. */
    private static List<String> queueWorkflow(ConsumerFixture x) throws Exception {
        x.stream("S", "q.>");
        JetStream js = x.js();
        PushSubscribeOptions pso = PushSubscribeOptions.builder().durable("dur").build();
        Set<String> received = ConcurrentHashMap.newKeySet();
        AtomicInteger duplicates = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(100);
        List<Thread> readers = new ArrayList<>();
        List<AtomicInteger> perMember = new ArrayList<>();
        for (int id = 0; id < 3; id++) {
            JetStreamSubscription sub = js.subscribe("q.x", "group", pso);
            AtomicInteger mine = new AtomicInteger();
            perMember.add(mine);
            readers.add(Thread.ofVirtual().start(() -> {
                try {
                    while (all.getCount() > 0) {
                        Message m = sub.nextMessage(Duration.ofMillis(100));
                        if (m != null) {
                            if (!received.add(new String(m.getData(), StandardCharsets.UTF_8))) {
                                duplicates.incrementAndGet();
                            }
                            mine.incrementAndGet();
                            m.ack();
                            all.countDown();
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        x.nc().flush(ConsumerFixture.WAIT);
        for (int i = 1; i <= 100; i++) {
            js.publish("q.x", ("m" + i).getBytes(StandardCharsets.UTF_8));
        }
        // ack_wait is 30 s: anything stranded until then misses this bound
        boolean done = all.await(5, TimeUnit.SECONDS);
        for (Thread t : readers) {
            t.interrupt();
            t.join(1000);
        }
        List<String> out = new ArrayList<>();
        out.add("all within 5 s: " + done);
        out.add("distinct: " + received.size());
        out.add("duplicates: " + duplicates.get());
        out.add("every member got some: " + perMember.stream().allMatch(n -> n.get() > 0));
        return out;
    }

    static final List<String> EXPECTED = List.of("all within 5 s: true", "distinct: 100", "duplicates: 0",
            "every member got some: true");

    @RepeatedTest(5)
    void everyMessageReachesOneMemberAtOnce() throws Exception {
        f = ConsumerFixture.natsj(dir);
        assertThat(queueWorkflow(f)).containsExactlyElementsOf(EXPECTED);
    }

    /** Four publishers store one message after another while the consumer keeps catching up with them. */
    @Test
    void aConsumerKeepingUpWithPublishersSkipsNothing() throws Exception {
        f = ConsumerFixture.natsj(dir);
        f.stream("S", "q.>");
        Subscription sub = f.nc().subscribe("dlv");
        f.nc().flush(ConsumerFixture.WAIT);
        f.createConsumer("S", "{\"durable_name\":\"d\",\"ack_policy\":\"none\",\"deliver_subject\":\"dlv\","
                + "\"filter_subject\":\"q.x\"}");
        int publishers = 4;
        int each = 1000;
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < publishers; p++) {
            JetStream js = f.connectNew().jetStream();
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < each; i++) {
                        js.publish("q.x", new byte[16]);
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }));
        }
        int got = 0;
        while (got < publishers * each && sub.nextMessage(Duration.ofSeconds(2)) != null) {
            got++;
        }
        for (Thread t : threads) {
            t.join(Duration.ofSeconds(10));
        }
        assertThat(got).isEqualTo(publishers * each);
    }

    @RepeatedTest(2)
    void everyMessageReachesOneMemberAtOnceOnNatsServer() throws Exception {
        f = ConsumerFixture.reference(dir);
        assertThat(queueWorkflow(f)).containsExactlyElementsOf(EXPECTED);
    }
}
