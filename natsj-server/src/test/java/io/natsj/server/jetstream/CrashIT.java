package io.natsj.server.jetstream;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A natsj child process with {@code sync_interval: always} receives asynchronous publishes and is killed with
 * SIGKILL in the middle of them. Started again on the same store, it holds every acknowledged message, in order,
 * with no gap: an acknowledgement means the message was on disk.
 */
@Timeout(120)
class CrashIT {

    @TempDir
    Path dir;

    private Process child;

    @AfterEach
    void kill() throws InterruptedException {
        if (child != null) {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private String startChild(int port) throws IOException {
        Path conf = dir.resolve("server.conf");
        Files.writeString(conf, "listen: 127.0.0.1:" + port + "\njetstream {\n  store_dir: \"" + dir.resolve("store")
                + "\"\n  sync_interval: always\n}\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "io.natsj.server.cli.Main",
                "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("child-" + System.nanoTime() + ".log").toFile())
                .start();
        String url = "nats://127.0.0.1:" + port;
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            try (Connection nc = Nats.connect(Options.builder().server(url).noReconnect().build())) {
                return nc.getStatus() == Connection.Status.CONNECTED;
            }
        });
        return url;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void everyAcknowledgedMessageSurvivesSigkill() throws Exception {
        int port = freePort();
        String url = startChild(port);
        ConcurrentSkipListSet<Long> acked = new ConcurrentSkipListSet<>();
        try (Connection nc = Nats.connect(Options.builder().server(url).noReconnect().build())) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("CRASH").subjects("crash.>")
                    .storageType(StorageType.File).build());
            JetStream js = nc.jetStream();
            Semaphore window = new Semaphore(200);
            for (int i = 1; i <= 200_000; i++) {
                if (i == 3_000) {
                    child.destroyForcibly(); // SIGKILL while publishes and acks are in flight
                }
                if (!window.tryAcquire(5, TimeUnit.SECONDS)) {
                    break; // the server is gone: no more acks will come
                }
                CompletableFuture<PublishAck> ack;
                try {
                    ack = js.publishAsync("crash." + i, ("msg-" + i).getBytes(StandardCharsets.UTF_8));
                } catch (Exception e) {
                    break;
                }
                ack.whenComplete((a, t) -> {
                    if (t == null) {
                        acked.add(a.getSeqno());
                    }
                    window.release();
                });
            }
        }
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(acked).as("acks before the kill").isNotEmpty();

        String again = startChild(port);
        try (Connection nc = Nats.connect(Options.builder().server(again).noReconnect().build())) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            StreamState state = jsm.getStreamInfo("CRASH").getStreamState();
            long maxAcked = acked.last();
            assertThat(state.getFirstSequence()).isEqualTo(1);
            assertThat(state.getLastSequence()).as("every acknowledged sequence is there")
                    .isGreaterThanOrEqualTo(maxAcked);
            assertThat(state.getMsgCount()).as("no gap").isEqualTo(state.getLastSequence());
            for (long seq : List.of(1L, maxAcked / 2, maxAcked)) {
                MessageInfo m = jsm.getMessage("CRASH", seq);
                assertThat(new String(m.getData(), StandardCharsets.UTF_8)).isEqualTo("msg-" + seq);
                assertThat(m.getSubject()).isEqualTo("crash." + seq);
            }
            for (long seq = 1; seq <= maxAcked; seq += Math.max(1, maxAcked / 200)) {
                assertThat(jsm.getMessage("CRASH", seq).getSubject()).isEqualTo("crash." + seq);
            }
        }
    }

    @Test
    void confirmedConsumerAcksSurviveSigkill() throws Exception {
        int port = freePort();
        String url = startChild(port);
        try (Connection nc = Nats.connect(Options.builder().server(url).noReconnect().build())) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("WORK").subjects("work")
                    .storageType(StorageType.File).build());
            for (int i = 0; i < 20; i++) {
                nc.jetStream().publish("work", new byte[]{(byte) i});
            }
            jsm.addOrUpdateConsumer("WORK", io.nats.client.api.ConsumerConfiguration.builder().durable("c")
                    .ackPolicy(io.nats.client.api.AckPolicy.Explicit).build());
            io.nats.client.JetStreamSubscription sub = nc.jetStream().subscribe(null,
                    io.nats.client.PullSubscribeOptions.bind("WORK", "c"));
            for (io.nats.client.Message m : sub.fetch(12, Duration.ofSeconds(5))) {
                m.ackSync(Duration.ofSeconds(5)); // confirmed: on disk before the reply (sync_always)
            }
        }
        child.destroyForcibly();
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();

        String again = startChild(port);
        try (Connection nc = Nats.connect(Options.builder().server(again).noReconnect().build())) {
            io.nats.client.api.ConsumerInfo ci = nc.jetStreamManagement().getConsumerInfo("WORK", "c");
            assertThat(ci.getAckFloor().getStreamSequence()).isEqualTo(12);
            assertThat(ci.getDelivered().getStreamSequence()).isEqualTo(12);
            assertThat(ci.getNumPending()).isEqualTo(8);
            assertThat(ci.getNumAckPending()).isZero();
        }
    }
}
