package io.natsj.bench;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The cost of many idle consumers: one file stream with {@code n} durable pull consumers, then, after a short
 * settling time, the server process's resident memory and its CPU use over ten idle seconds (from
 * {@code /proc/<pid>}; Linux only).
 *
 * <p>Threading: the caller's thread.
 */
final class IdleConsumersBench {

    private IdleConsumersBench() {
    }

    /** {@code [resident MiB, CPU % of one core while idle, seconds to create the consumers]}. */
    static double[] measure(String command, int n, File log) throws Exception {
        Path dir = Files.createTempDirectory("natsj-bench-idle");
        try (ServerProcess server = ServerProcess.startIn(command, log, dir);
             Connection nc = Scenario.connect(server.url())) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("IDLE").subjects("idle.>")
                    .storageType(StorageType.File).build());
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                jsm.addOrUpdateConsumer("IDLE", ConsumerConfiguration.builder().durable("c" + i)
                        .filterSubject("idle." + i).ackPolicy(AckPolicy.Explicit).build());
            }
            double createSeconds = (System.nanoTime() - t0) / 1e9;
            Thread.sleep(5_000); // let start-up work and collections settle before measuring idleness
            long cpu0 = server.cpuTicks();
            long w0 = System.nanoTime();
            Thread.sleep(10_000);
            long cpu1 = server.cpuTicks();
            double wall = (System.nanoTime() - w0) / 1e9;
            double cpuPercent = 100.0 * (cpu1 - cpu0) / ServerProcess.CLOCK_TICKS / wall;
            return new double[]{residentMiB(server.pid()), cpuPercent, createSeconds};
        } finally {
            ServerProcess.deleteTree(dir);
        }
    }

    private static double residentMiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        }
        return -1;
    }

    static String table(String natsjCmd, String natsCmd, int n, File log) throws Exception {
        double[] a = measure(natsjCmd, n, log);
        double[] b = measure(natsCmd, n, log);
        StringBuilder sb = new StringBuilder();
        sb.append("| measure (").append(String.format(Locale.ROOT, "%,d", n))
                .append(" idle durable consumers) | natsj | nats-server |").append(System.lineSeparator());
        sb.append("|---|---:|---:|").append(System.lineSeparator());
        for (String row : List.of(
                String.format(Locale.ROOT, "| resident memory | %.0f MiB | %.0f MiB |", a[0], b[0]),
                String.format(Locale.ROOT, "| CPU while idle (one core = 100%%) | %.1f %% | %.1f %% |", a[1], b[1]),
                String.format(Locale.ROOT, "| time to create them | %.1f s | %.1f s |", a[2], b[2]))) {
            sb.append(row).append(System.lineSeparator());
        }
        return sb.toString();
    }
}
