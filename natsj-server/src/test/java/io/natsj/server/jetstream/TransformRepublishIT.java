package io.natsj.server.jetstream;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Subscription;
import io.nats.client.api.Republish;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.SubjectTransform;
import io.nats.client.impl.Headers;
import io.natsj.server.NatsServer;
import io.natsj.server.ServerOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** A stream's subject_transform changes the stored subject; republish sends stored messages on, with headers. */
@Timeout(30)
class TransformRepublishIT {

    @TempDir
    Path storeDir;

    @Test
    void storedSubjectIsTransformedAndMessagesAreRepublished() throws Exception {
        try (NatsServer server = NatsServer.start(ServerOptions.builder().host("127.0.0.1").port(0).noLog(true)
                .jetStream(ServerOptions.JetStreamOptions.DISABLED.withEnabled(true).withStoreDir(storeDir)).build());
             Connection nc = Nats.connect(server.clientUrl())) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("T").subjects("in.*").storageType(StorageType.Memory)
                    .subjectTransform(SubjectTransform.builder().source("in.*").destination("stored.$1").build())
                    .republish(Republish.builder().source(">").destination("repub.>").build())
                    .build());
            Subscription repub = nc.subscribe("repub.>");
            nc.flush(Duration.ofSeconds(2));
            Headers h = new Headers().add("X-Trace", "t1");
            nc.jetStream().publish("in.eu", h, "hello".getBytes(StandardCharsets.UTF_8));

            assertThat(jsm.getMessage("T", 1).getSubject()).isEqualTo("stored.eu");
            Message m = repub.nextMessage(Duration.ofSeconds(5));
            assertThat(m).isNotNull();
            assertThat(m.getSubject()).isEqualTo("repub.stored.eu");
            assertThat(new String(m.getData(), StandardCharsets.UTF_8)).isEqualTo("hello");
            assertThat(m.getHeaders().getFirst("X-Trace")).isEqualTo("t1");
            assertThat(m.getHeaders().getFirst("Nats-Stream")).isEqualTo("T");
            assertThat(m.getHeaders().getFirst("Nats-Subject")).isEqualTo("stored.eu");
            assertThat(m.getHeaders().getFirst("Nats-Sequence")).isEqualTo("1");
            assertThat(m.getHeaders().getFirst("Nats-Last-Sequence")).isEqualTo("0");
            assertThat(m.getHeaders().getFirst("Nats-Time-Stamp")).isNotBlank();
        }
    }
}
