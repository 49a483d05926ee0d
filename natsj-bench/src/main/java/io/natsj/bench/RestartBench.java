package io.natsj.bench;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Restart time of a file stream: fills a stream with {@code n} messages of 128 bytes, stops the server cleanly,
 * starts it again on the same store directory and measures the time from the start of the process until
 * {@code STREAM.INFO} reports every message back.
 *
 * <p>Threading: the caller's thread plus the client's threads.
 */
final class RestartBench {

    private RestartBench() {
    }

    /** Seconds until the restarted server serves the stream with all {@code n} messages. */
    static double measure(String command, int n, File log) throws Exception {
        Path dir = Files.createTempDirectory("natsj-bench-restart");
        try {
            try (ServerProcess server = ServerProcess.startIn(command, log, dir)) {
                fill(server.url(), n);
            }
            long t0 = System.nanoTime();
            try (ServerProcess server = ServerProcess.startIn(command, log, dir)) {
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
                while (System.nanoTime() < deadline) {
                    try (Connection nc = Scenario.connect(server.url())) {
                        StreamInfo info = nc.jetStreamManagement().getStreamInfo("RESTART");
                        if (info.getStreamState().getMsgCount() == n) {
                            return (System.nanoTime() - t0) / 1e9;
                        }
                    } catch (Exception notReady) {
                        // not serving yet: try again
                    }
                    Thread.sleep(10);
                }
                throw new IllegalStateException("stream not back within 5 minutes");
            }
        } finally {
            ServerProcess.deleteTree(dir);
        }
    }

    private static void fill(String url, int n) throws Exception {
        byte[] payload = new byte[128];
        try (Connection nc = Scenario.connect(url)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("RESTART").subjects("restart.>")
                    .storageType(StorageType.File).build());
            JetStream js = nc.jetStream();
            Semaphore window = new Semaphore(1000);
            for (int i = 0; i < n; i++) {
                window.acquire();
                CompletableFuture<PublishAck> ack = js.publishAsync("restart." + (i % 100), payload);
                ack.whenComplete((a, t) -> window.release());
            }
            window.acquire(1000);
            long count = jsm.getStreamInfo("RESTART").getStreamState().getMsgCount();
            if (count != n) {
                throw new IllegalStateException("stream holds " + count + " messages, expected " + n);
            }
        }
    }

    /** The table row pair for both servers. */
    static String table(String natsjCmd, String natsCmd, int n, File log) throws Exception {
        double natsj = measure(natsjCmd, n, log);
        double nats = measure(natsCmd, n, log);
        return String.format(Locale.ROOT, "| restart, file stream, %,d × 128 B | %.2f s | %.2f s | %.2f |%n", n, natsj,
                nats, nats / natsj);
    }
}
