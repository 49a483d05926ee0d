package io.natsj.server.jetstream.consumer;

import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.FetchConsumeOptions;
import io.nats.client.FetchConsumer;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.KeyValue;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.OrderedConsumerContext;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.StreamContext;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.OrderedConsumerConfiguration;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.natsj.server.NatsServer;
import io.natsj.server.ServerOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Consumers through jnats: pull with acks, push, ordered, redelivery, durable state across a restart, KV. */
@Timeout(60)
class ConsumerBasicsIT {

    @TempDir
    Path storeDir;
    private NatsServer server;
    private Connection nc;

    private void startServer() throws Exception {
        server = NatsServer.start(ServerOptions.builder().host("127.0.0.1").port(0).noLog(true)
                .jetStream(ServerOptions.JetStreamOptions.DISABLED.withEnabled(true).withStoreDir(storeDir)).build());
        nc = Nats.connect(server.clientUrl());
    }

    @BeforeEach
    void start() throws Exception {
        startServer();
    }

    @AfterEach
    void stop() throws Exception {
        if (nc != null) {
            nc.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private void stream(String name, String subjects) throws Exception {
        nc.jetStreamManagement().addStream(StreamConfiguration.builder().name(name).subjects(subjects)
                .storageType(StorageType.File).build());
    }

    private void publish(String subject, int n) throws Exception {
        JetStream js = nc.jetStream();
        for (int i = 1; i <= n; i++) {
            js.publish(subject, ("m" + i).getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void pullConsumerFetchesAndAcks() throws Exception {
        stream("P", "p.>");
        publish("p.x", 10);
        JetStreamManagement jsm = nc.jetStreamManagement();
        jsm.addOrUpdateConsumer("P", ConsumerConfiguration.builder().durable("d").ackPolicy(AckPolicy.Explicit)
                .build());
        ConsumerContext cc = nc.getStreamContext("P").getConsumerContext("d");
        List<String> got = new ArrayList<>();
        try (FetchConsumer fc = cc.fetch(FetchConsumeOptions.builder().maxMessages(4).expiresIn(2000).build())) {
            Message m;
            while ((m = fc.nextMessage()) != null) {
                got.add(new String(m.getData(), StandardCharsets.UTF_8));
                m.ack();
            }
        }
        assertThat(got).containsExactly("m1", "m2", "m3", "m4");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            ConsumerInfo ci = jsm.getConsumerInfo("P", "d");
            assertThat(ci.getAckFloor().getStreamSequence()).isEqualTo(4);
            assertThat(ci.getNumPending()).isEqualTo(6);
            assertThat(ci.getNumAckPending()).isZero();
            assertThat(ci.getDelivered().getConsumerSequence()).isEqualTo(4);
        });
    }

    @Test
    void unackedMessagesAreRedeliveredAfterAckWait() throws Exception {
        stream("R", "r");
        publish("r", 1);
        nc.jetStreamManagement().addOrUpdateConsumer("R", ConsumerConfiguration.builder().durable("d")
                .ackPolicy(AckPolicy.Explicit).ackWait(Duration.ofMillis(300)).build());
        JetStreamSubscription sub = nc.jetStream().subscribe(null, PullSubscribeOptions.bind("R", "d"));
        Message first = sub.fetch(1, Duration.ofSeconds(2)).get(0);
        assertThat(first.metaData().deliveredCount()).isEqualTo(1);
        Message again = sub.fetch(1, Duration.ofSeconds(3)).get(0);
        assertThat(again.metaData().deliveredCount()).isEqualTo(2);
        assertThat(again.metaData().streamSequence()).isEqualTo(1);
        again.ackSync(Duration.ofSeconds(2));
        assertThat(nc.jetStreamManagement().getConsumerInfo("R", "d").getNumAckPending()).isZero();
    }

    @Test
    void pushConsumerDeliversToItsSubject() throws Exception {
        stream("S", "s.*");
        publish("s.a", 3);
        JetStreamSubscription sub = nc.jetStream().subscribe("s.*", PushSubscribeOptions.builder()
                .configuration(ConsumerConfiguration.builder().ackPolicy(AckPolicy.Explicit).build()).build());
        List<String> got = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Message m = sub.nextMessage(Duration.ofSeconds(5));
            assertThat(m).isNotNull();
            assertThat(m.getSubject()).isEqualTo("s.a");
            got.add(new String(m.getData(), StandardCharsets.UTF_8));
            m.ack();
        }
        assertThat(got).containsExactly("m1", "m2", "m3");
    }

    @Test
    void orderedConsumerReadsEverything() throws Exception {
        stream("O", "o");
        publish("o", 20);
        StreamContext sc = nc.getStreamContext("O");
        OrderedConsumerContext occ = sc.createOrderedConsumer(new OrderedConsumerConfiguration());
        List<Long> seqs = new ArrayList<>();
        try (FetchConsumer fc = occ.fetch(FetchConsumeOptions.builder().maxMessages(20).expiresIn(3000).build())) {
            Message m;
            while ((m = fc.nextMessage()) != null) {
                seqs.add(m.metaData().streamSequence());
            }
        }
        assertThat(seqs).hasSize(20).startsWith(1L).endsWith(20L);
    }

    @Test
    void durableConsumerStateSurvivesARestart() throws Exception {
        stream("D", "d");
        publish("d", 5);
        nc.jetStreamManagement().addOrUpdateConsumer("D", ConsumerConfiguration.builder().durable("c")
                .ackPolicy(AckPolicy.Explicit).build());
        JetStreamSubscription sub = nc.jetStream().subscribe(null, PullSubscribeOptions.bind("D", "c"));
        for (Message m : sub.fetch(3, Duration.ofSeconds(2))) {
            m.ackSync(Duration.ofSeconds(2));
        }
        nc.close();
        server.close();
        startServer();
        ConsumerInfo ci = nc.jetStreamManagement().getConsumerInfo("D", "c");
        assertThat(ci.getAckFloor().getStreamSequence()).isEqualTo(3);
        assertThat(ci.getNumPending()).isEqualTo(2);
        JetStreamSubscription again = nc.jetStream().subscribe(null, PullSubscribeOptions.bind("D", "c"));
        Message next = again.fetch(1, Duration.ofSeconds(2)).get(0);
        assertThat(next.metaData().streamSequence()).isEqualTo(4);
    }

    @Test
    void keyValueBasics() throws Exception {
        KeyValue kv;
        nc.keyValueManagement().create(KeyValueConfiguration.builder().name("cfg").maxHistoryPerKey(3)
                .storageType(StorageType.File).build());
        kv = nc.keyValue("cfg");
        long r1 = kv.put("a", "1".getBytes(StandardCharsets.UTF_8));
        long r2 = kv.put("a", "2".getBytes(StandardCharsets.UTF_8));
        kv.put("b", "x".getBytes(StandardCharsets.UTF_8));
        assertThat(r2).isGreaterThan(r1);
        KeyValueEntry e = kv.get("a");
        assertThat(new String(e.getValue(), StandardCharsets.UTF_8)).isEqualTo("2");
        assertThat(kv.history("a")).hasSize(2);
        assertThat(kv.keys()).containsExactlyInAnyOrder("a", "b");
        kv.delete("b");
        assertThat(kv.get("b")).isNull();
        assertThat(kv.keys()).containsExactly("a");
        long r3 = kv.update("a", "3".getBytes(StandardCharsets.UTF_8), r2);
        assertThat(r3).isGreaterThan(r2);
    }
}
