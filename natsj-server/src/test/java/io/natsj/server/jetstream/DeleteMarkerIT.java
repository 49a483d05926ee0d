package io.natsj.server.jetstream;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.PublishOptions;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.Subscription;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.Republish;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.natsj.server.NatsServer;
import io.natsj.server.ServerOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With {@code subject_delete_marker_ttl}, a subject whose last message expires (for its age or its own
 * {@code Nats-TTL}) gets a delete marker, as nats-server 2.11.17 places them: an empty message with
 * {@code Nats-Marker-Reason: MaxAge}, {@code Nats-TTL} and {@code Nats-Rollup: sub}, which expires in turn without
 * leaving a marker of its own. A subject that keeps other messages gets none.
 */
@Timeout(60)
class DeleteMarkerIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path storeDir;

    private NatsServer start() throws Exception {
        return NatsServer.start(ServerOptions.builder().host("127.0.0.1").port(0).noLog(true)
                .jetStream(ServerOptions.JetStreamOptions.DISABLED.withEnabled(true).withStoreDir(storeDir)).build());
    }

    private static PublishOptions ttl(String ttl) {
        return PublishOptions.builder().messageTtlCustom(ttl).build();
    }

    /** The stream's last sequence once it holds no message, proven settled by the sequence the next publish gets. */
    private static void assertEmptiesWithoutAMarker(Connection nc, String stream, String subject, long lastSeq)
            throws Exception {
        JetStreamManagement jsm = nc.jetStreamManagement();
        await().atMost(WAIT).until(() -> jsm.getStreamInfo(stream).getStreamState().getMsgCount() == 0);
        // the expiry that emptied the stream ran on the stream's thread before this publish: a marker would come first
        assertThat(nc.jetStream().publish(subject, new byte[]{9}).getSeqno()).isEqualTo(lastSeq + 1);
    }

    private static void assertMarker(MessageInfo marker, String subject, String ttl) {
        assertThat(marker.getSubject()).isEqualTo(subject);
        assertThat(marker.getHeaders().getFirst("Nats-Marker-Reason")).isEqualTo("MaxAge");
        assertThat(marker.getHeaders().getFirst("Nats-TTL")).isEqualTo(ttl);
        assertThat(marker.getHeaders().getFirst("Nats-Rollup")).isEqualTo("sub");
        assertThat(marker.getData()).isNullOrEmpty();
    }

    @Test
    void expiredSubjectsLeaveAMarkerThatExpiresToo() throws Exception {
        try (NatsServer server = start(); Connection nc = Nats.connect(server.clientUrl())) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("M").subjects("m.>").storageType(StorageType.File)
                    .maxAge(Duration.ofSeconds(1)).allowMessageTtl(true)
                    .subjectDeleteMarkerTtl(Duration.ofSeconds(1)).build());
            nc.jetStream().publish("m.a", new byte[]{1});
            await().atMost(WAIT).until(() -> jsm.getStreamInfo("M").getStreamState().getLastSequence() == 2);
            assertMarker(jsm.getMessage("M", 2), "m.a", "1s");
            assertEmptiesWithoutAMarker(nc, "M", "m.a", 2);
        }
    }

    /** nats.java's JetStreamPubTests.testMsgDeleteMarkerMaxAge, on both storages. */
    @ParameterizedTest
    @EnumSource(StorageType.class)
    void maxAgeRemovingAMessageWithItsOwnTtlLeavesAMarker(StorageType storage) throws Exception {
        try (NatsServer server = start(); Connection nc = Nats.connect(server.clientUrl())) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("A").subjects("a").storageType(storage)
                    .allowMessageTtl().subjectDeleteMarkerTtl(Duration.ofSeconds(50)).maxAge(1000).build());
            nc.jetStream().publish("a", null, PublishOptions.builder().messageTtlSeconds(1).build());
            MessageInfo marker = await().atMost(WAIT).ignoreExceptions()
                    .until(() -> jsm.getLastMessage("A", "a"), m -> m.getSeq() == 2);
            assertMarker(marker, "a", "50s");
            // max age takes the marker too (its TTL is not "never"), and a marker leaves no marker behind
            assertEmptiesWithoutAMarker(nc, "A", "a", 2);
        }
    }

    @ParameterizedTest
    @EnumSource(StorageType.class)
    void aMessageExpiringByItsOwnTtlLeavesAMarkerThatExpiresWithoutAnother(StorageType storage) throws Exception {
        try (NatsServer server = start(); Connection nc = Nats.connect(server.clientUrl())) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("T").subjects("t.>").storageType(storage)
                    .allowMessageTtl().subjectDeleteMarkerTtl(Duration.ofSeconds(1)).build());
            nc.jetStream().publish("t.a", new byte[]{1}, ttl("1s"));
            MessageInfo marker = await().atMost(WAIT).ignoreExceptions()
                    .until(() -> jsm.getLastMessage("T", "t.a"), m -> m.getSeq() == 2);
            assertMarker(marker, "t.a", "1s");
            assertEmptiesWithoutAMarker(nc, "T", "t.a", 2);
        }
    }

    @Test
    void aTtlShorterThanTheMarkerTtlIsRaisedToIt() throws Exception {
        try (NatsServer server = start(); Connection nc = Nats.connect(server.clientUrl())) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("L").subjects("l.>").storageType(StorageType.Memory)
                    .allowMessageTtl().subjectDeleteMarkerTtl(Duration.ofSeconds(50)).build());
            jsm.addStream(StreamConfiguration.builder().name("ONE").subjects("one.>").storageType(StorageType.Memory)
                    .allowMessageTtl().subjectDeleteMarkerTtl(Duration.ofSeconds(50)).maxMessagesPerSubject(1)
                    .build());
            Headers h = new Headers().add("X", "kept");
            nc.jetStream().publish(NatsMessage.builder().subject("l.a").headers(h).data(new byte[]{1}).build(),
                    ttl("1s"));
            nc.jetStream().publish("one.a", new byte[]{1}, ttl("1s"));

            Headers stored = jsm.getMessage("L", 1).getHeaders();
            assertThat(stored.get("Nats-TTL")).containsExactly("50");
            assertThat(stored.getFirst("X")).isEqualTo("kept");
            // one message per subject: nothing to outlive, the TTL stays
            assertThat(jsm.getMessage("ONE", 1).getHeaders().get("Nats-TTL")).containsExactly("1s");
            // and the raised TTL is the one that counts: the message outlives its own second
            await().during(Duration.ofMillis(1500)).atMost(WAIT)
                    .until(() -> jsm.getStreamInfo("L").getStreamState().getMsgCount() == 1);
            await().atMost(WAIT).until(() -> jsm.getStreamInfo("ONE").getStreamState().getLastSequence() == 2);
            assertMarker(jsm.getLastMessage("ONE", "one.a"), "one.a", "50s");
        }
    }

    @Test
    void aSubjectThatKeepsOtherMessagesGetsNoMarker() throws Exception {
        try (NatsServer server = start(); Connection nc = Nats.connect(server.clientUrl())) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("K").subjects("k.>").storageType(StorageType.Memory)
                    .allowMessageTtl().subjectDeleteMarkerTtl(Duration.ofSeconds(1)).build());
            nc.jetStream().publish("k.a", new byte[]{1}, ttl("1s"));
            nc.jetStream().publish("k.a", new byte[]{2});
            await().atMost(WAIT).until(() -> jsm.getStreamInfo("K").getStreamState().getMsgCount() == 1);
            assertThat(nc.jetStream().publish("k.b", new byte[]{3}).getSeqno()).isEqualTo(3);
            assertThat(jsm.getLastMessage("K", "k.a").getSeq()).isEqualTo(2);
        }
    }

    @Test
    void anExpiringKeyValuePurgeMarkerLeavesNoMarker() throws Exception {
        try (NatsServer server = start(); Connection nc = Nats.connect(server.clientUrl())) {
            nc.jetStreamManagement().addStream(StreamConfiguration.builder().name("KV").subjects("$KV.b.>")
                    .storageType(StorageType.Memory).maxAge(Duration.ofSeconds(1)).allowMessageTtl()
                    .subjectDeleteMarkerTtl(Duration.ofSeconds(1)).allowRollup(true).build());
            Headers purge = new Headers().add("KV-Operation", "PURGE").add("Nats-Rollup", "sub");
            nc.jetStream().publish(NatsMessage.builder().subject("$KV.b.k").headers(purge).build());
            assertEmptiesWithoutAMarker(nc, "KV", "$KV.b.k", 1);
        }
    }

    @Test
    void aConsumerReceivesTheMarker() throws Exception {
        try (NatsServer server = start(); Connection nc = Nats.connect(server.clientUrl())) {
            nc.jetStreamManagement().addStream(StreamConfiguration.builder().name("C").subjects("c.>")
                    .storageType(StorageType.File).allowMessageTtl()
                    .subjectDeleteMarkerTtl(Duration.ofSeconds(1)).build());
            // a durable consumer without acks, once its state is saved (within a second), has no timer of its own:
            // only the stream's word wakes it
            JetStreamSubscription sub = nc.jetStream().subscribe("c.>", PushSubscribeOptions.builder()
                    .configuration(ConsumerConfiguration.builder().durable("d").ackPolicy(AckPolicy.None).build())
                    .build());
            nc.jetStream().publish("c.a", new byte[]{1}, ttl("3s"));
            Message first = sub.nextMessage(WAIT);
            assertThat(first.getData()).containsExactly(1);
            Message marker = sub.nextMessage(WAIT);
            assertThat(marker).as("the marker, pushed to the consumer").isNotNull();
            assertThat(marker.getSubject()).isEqualTo("c.a");
            assertThat(marker.getHeaders().getFirst("Nats-Marker-Reason")).isEqualTo("MaxAge");
            assertThat(marker.metaData().streamSequence()).isEqualTo(2);
        }
    }

    @Test
    void theMarkerIsRepublishedWithTheExpiredMessageAsTheLastOfItsSubject() throws Exception {
        try (NatsServer server = start(); Connection nc = Nats.connect(server.clientUrl())) {
            nc.jetStreamManagement().addStream(StreamConfiguration.builder().name("P").subjects("p.>")
                    .storageType(StorageType.Memory).allowMessageTtl()
                    .subjectDeleteMarkerTtl(Duration.ofSeconds(1))
                    .republish(Republish.builder().source(">").destination("rp.>").build()).build());
            Subscription sub = nc.subscribe("rp.>");
            nc.flush(WAIT);
            nc.jetStream().publish("p.a", new byte[]{1}, ttl("1s"));
            assertThat(sub.nextMessage(WAIT).getHeaders().getFirst("Nats-Sequence")).isEqualTo("1");
            Message marker = sub.nextMessage(WAIT);
            assertThat(marker).as("the republished marker").isNotNull();
            assertThat(marker.getSubject()).isEqualTo("rp.p.a");
            assertThat(marker.getHeaders().getFirst("Nats-Marker-Reason")).isEqualTo("MaxAge");
            assertThat(marker.getHeaders().getFirst("Nats-Sequence")).isEqualTo("2");
            assertThat(marker.getHeaders().getFirst("Nats-Last-Sequence")).isEqualTo("1");
        }
    }

    @Test
    void aMessageThatExpiredWhileTheServerWasDownGetsItsMarkerAfterTheRestart() throws Exception {
        ZonedDateTime expiresAt;
        try (NatsServer server = start(); Connection nc = Nats.connect(server.clientUrl())) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("R").subjects("r.>").storageType(StorageType.File)
                    .allowMessageTtl().subjectDeleteMarkerTtl(Duration.ofSeconds(1)).build());
            nc.jetStream().publish("r.a", new byte[]{1}, ttl("1s"));
            expiresAt = jsm.getMessage("R", 1).getTime().plusSeconds(1);
        }
        await().atMost(WAIT).until(() -> ZonedDateTime.now().isAfter(expiresAt.plusNanos(200_000_000L)));
        try (NatsServer server = start(); Connection nc = Nats.connect(server.clientUrl())) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            MessageInfo marker = await().atMost(WAIT).ignoreExceptions()
                    .until(() -> jsm.getLastMessage("R", "r.a"), m -> m.getSeq() == 2);
            assertMarker(marker, "r.a", "1s");
            assertEmptiesWithoutAMarker(nc, "R", "r.a", 2);
        }
    }
}
