package io.natsj.server.jetstream;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.PublishOptions;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import io.nats.client.api.StreamState;
import io.nats.client.impl.Headers;
import io.natsj.server.NatsServer;
import io.natsj.server.ServerOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server stopped and started again on the same store directory brings back every file stream: its config, its
 * messages and sequences, its subject index and its de-duplication window. Memory streams do not come back, as in
 * nats-server.
 */
@Timeout(60)
class RestartIT {

    @TempDir
    Path storeDir;

    private NatsServer start() throws Exception {
        return NatsServer.start(ServerOptions.builder().host("127.0.0.1").port(0).noLog(true)
                .jetStream(ServerOptions.JetStreamOptions.DISABLED.withEnabled(true).withStoreDir(storeDir))
                .build());
    }

    @Test
    void fileStreamsComeBackWithMessagesSubjectsAndDedupWindow() throws Exception {
        StreamInfo before;
        try (NatsServer server = start(); Connection nc = Nats.connect(server.clientUrl())) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("ORDERS").subjects("orders.>")
                    .storageType(StorageType.File).maxMessagesPerSubject(10).description("kept")
                    .metadata(Map.of("team", "billing")).build());
            jsm.addStream(StreamConfiguration.builder().name("VOLATILE").subjects("vol.>")
                    .storageType(StorageType.Memory).build());
            JetStream js = nc.jetStream();
            for (int i = 1; i <= 50; i++) {
                js.publish("orders." + (i % 5), ("order-" + i).getBytes(StandardCharsets.UTF_8),
                        PublishOptions.builder().messageId("id-" + i).build());
            }
            js.publish("vol.x", new byte[1]);
            jsm.deleteMessage("ORDERS", 7);
            before = jsm.getStreamInfo("ORDERS");
        }
        try (NatsServer server = start(); Connection nc = Nats.connect(server.clientUrl())) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            assertThat(jsm.getStreamNames()).containsExactly("ORDERS");
            StreamInfo after = jsm.getStreamInfo("ORDERS");
            assertThat(after.getConfiguration().getDescription()).isEqualTo("kept");
            assertThat(after.getConfiguration().getMetadata()).containsEntry("team", "billing");
            assertThat(after.getConfiguration().getMaxMsgsPerSubject()).isEqualTo(10);
            StreamState a = after.getStreamState();
            StreamState b = before.getStreamState();
            assertThat(a.getMsgCount()).isEqualTo(b.getMsgCount()).isEqualTo(49);
            assertThat(a.getByteCount()).isEqualTo(b.getByteCount());
            assertThat(a.getFirstSequence()).isEqualTo(b.getFirstSequence());
            assertThat(a.getLastSequence()).isEqualTo(50);
            assertThat(a.getSubjectCount()).isEqualTo(5);
            assertThat(after.getCreateTime()).isEqualTo(before.getCreateTime());
            MessageInfo last = jsm.getLastMessage("ORDERS", "orders.3");
            assertThat(new String(last.getData(), StandardCharsets.UTF_8)).isEqualTo("order-48");
            JetStream js = nc.jetStream();
            PublishAck dup = js.publish("orders.1", "again".getBytes(StandardCharsets.UTF_8),
                    PublishOptions.builder().messageId("id-41").build());
            assertThat(dup.isDuplicate()).isTrue();
            assertThat(dup.getSeqno()).isEqualTo(41);
            PublishAck next = js.publish("orders.1", new byte[1], PublishOptions.builder()
                    .expectedLastMsgId("id-50").messageId("id-51").build());
            assertThat(next.getSeqno()).isEqualTo(51);
        }
    }

    @Test
    void anEmptiedStreamKeepsItsSequenceAcrossARestart() throws Exception {
        try (NatsServer server = start(); Connection nc = Nats.connect(server.clientUrl())) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("S").subjects("s").storageType(StorageType.File)
                    .build());
            for (int i = 0; i < 5; i++) {
                nc.jetStream().publish("s", new byte[1]);
            }
            jsm.purgeStream("S");
        }
        try (NatsServer server = start(); Connection nc = Nats.connect(server.clientUrl())) {
            StreamState state = nc.jetStreamManagement().getStreamInfo("S").getStreamState();
            assertThat(state.getMsgCount()).isZero();
            assertThat(state.getFirstSequence()).isEqualTo(6);
            assertThat(state.getLastSequence()).isEqualTo(5);
            assertThat(nc.jetStream().publish("s", new byte[1]).getSeqno()).isEqualTo(6);
        }
    }

    @Test
    void startingOnAnEmptyStoreDirectoryServesAnEmptyAccount() throws Exception {
        try (NatsServer server = start(); Connection nc = Nats.connect(server.clientUrl())) {
            assertThat(nc.jetStreamManagement().getAccountStatistics().getStreams()).isZero();
        }
    }
}
