package io.natsj.server.jetstream;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.natsj.server.NatsServer;
import io.natsj.server.ServerOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With {@code subject_delete_marker_ttl}, a subject whose last message expires for its age gets a delete marker
 * (nats-server 2.11): an empty message with {@code Nats-Marker-Reason: MaxAge} and {@code Nats-TTL}, which expires
 * in turn without leaving a marker of its own.
 */
@Timeout(30)
class DeleteMarkerIT {

    @TempDir
    Path storeDir;

    @Test
    void expiredSubjectsLeaveAMarkerThatExpiresToo() throws Exception {
        try (NatsServer server = NatsServer.start(ServerOptions.builder().host("127.0.0.1").port(0).noLog(true)
                .jetStream(ServerOptions.JetStreamOptions.DISABLED.withEnabled(true).withStoreDir(storeDir)).build());
             Connection nc = Nats.connect(server.clientUrl())) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("M").subjects("m.>").storageType(StorageType.File)
                    .maxAge(Duration.ofSeconds(1)).allowMessageTtl(true)
                    .subjectDeleteMarkerTtl(Duration.ofSeconds(1)).build());
            nc.jetStream().publish("m.a", new byte[]{1});
            await().atMost(Duration.ofSeconds(10)).until(() -> jsm.getStreamInfo("M").getStreamState()
                    .getLastSequence() == 2);
            MessageInfo marker = jsm.getMessage("M", 2);
            assertThat(marker.getSubject()).isEqualTo("m.a");
            assertThat(marker.getHeaders().getFirst("Nats-Marker-Reason")).isEqualTo("MaxAge");
            assertThat(marker.getHeaders().getFirst("Nats-TTL")).isEqualTo("1s");
            assertThat(marker.getData()).isNullOrEmpty();
            await().atMost(Duration.ofSeconds(10)).until(() -> jsm.getStreamInfo("M").getStreamState()
                    .getMsgCount() == 0);
            assertThat(jsm.getStreamInfo("M").getStreamState().getLastSequence()).isEqualTo(2);
        }
    }
}
