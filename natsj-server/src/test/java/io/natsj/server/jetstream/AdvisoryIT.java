package io.natsj.server.jetstream;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.Subscription;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.natsj.server.NatsServer;
import io.natsj.server.ServerOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** JetStream advisories on {@code $JS.EVENT.ADVISORY.>}: stream and consumer actions, NAK, terminate, API audit. */
@Timeout(30)
class AdvisoryIT {

    @TempDir
    Path storeDir;

    /** The next advisory on {@code subject}, skipping API audits when waiting for something else. */
    private static String next(Subscription sub, String subject) throws InterruptedException {
        while (true) {
            Message m = sub.nextMessage(Duration.ofSeconds(5));
            assertThat(m).as("advisory on " + subject).isNotNull();
            if (m.getSubject().equals("$JS.EVENT.ADVISORY.API") && !subject.equals(m.getSubject())) {
                continue;
            }
            assertThat(m.getSubject()).isEqualTo(subject);
            return new String(m.getData(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void actionsNaksAndTerminationsAreAnnounced() throws Exception {
        try (NatsServer server = NatsServer.start(ServerOptions.builder().host("127.0.0.1").port(0).noLog(true)
                .jetStream(ServerOptions.JetStreamOptions.DISABLED.withEnabled(true).withStoreDir(storeDir)).build());
             Connection nc = Nats.connect(server.clientUrl())) {
            Subscription adv = nc.subscribe("$JS.EVENT.ADVISORY.>");
            nc.flush(Duration.ofSeconds(2));
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("A").subjects("a").storageType(StorageType.Memory)
                    .build());
            String created = next(adv, "$JS.EVENT.ADVISORY.STREAM.CREATED.A");
            assertThat(created).contains("\"type\":\"io.nats.jetstream.advisory.v1.stream_action\"")
                    .contains("\"stream\":\"A\"").contains("\"action\":\"create\"");
            assertThat(next(adv, "$JS.EVENT.ADVISORY.API")).contains("io.nats.jetstream.advisory.v1.api_audit");
            jsm.addOrUpdateConsumer("A", ConsumerConfiguration.builder().durable("c")
                    .ackPolicy(AckPolicy.Explicit).build());
            assertThat(next(adv, "$JS.EVENT.ADVISORY.CONSUMER.CREATED.A.c")).contains("\"consumer\":\"c\"");
            nc.jetStream().publish("a", new byte[1]);
            nc.jetStream().publish("a", new byte[1]);
            JetStreamSubscription sub = nc.jetStream().subscribe(null, PullSubscribeOptions.bind("A", "c"));
            var msgs = sub.fetch(2, Duration.ofSeconds(2));
            msgs.get(0).nak();
            assertThat(next(adv, "$JS.EVENT.ADVISORY.CONSUMER.MSG_NAKED.A.c")).contains("\"stream_seq\":1");
            nc.publish(msgs.get(1).getReplyTo(), "+TERM bad data".getBytes(StandardCharsets.UTF_8));
            assertThat(next(adv, "$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED.A.c")).contains("\"stream_seq\":2")
                    .contains("\"reason\":\"bad data\"");
        }
    }
}
