package io.natsj.server.monitor;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * Test helper: the reference nats-server (found on {@code PATH}, {@code /usr/sbin}, {@code /usr/local/bin}) as a
 * child process with its monitoring port, on loopback ports of the monitor suites' range (14700-14799), for
 * differential tests. Closing it stops the process and removes its log.
 */
final class ReferenceNatsServer implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final Process process;
    private final Path log;
    private final int port;
    private final MonitorHttp http;

    private ReferenceNatsServer(Process process, Path log, int port, int httpPort) {
        this.process = process;
        this.log = log;
        this.port = port;
        this.http = new MonitorHttp(httpPort);
    }

    /** The nats-server binary, or null when none is installed. */
    static Path binary() {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "")
                .split(File.pathSeparator)));
        dirs.add("/usr/sbin");
        dirs.add("/usr/local/bin");
        for (String dir : dirs) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, "nats-server");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** Starts {@code binary} on loopback with client and monitoring ports and the extra arguments; waits for it. */
    static ReferenceNatsServer start(Path binary, String... extraArgs) throws IOException {
        int port = freePort(14700);
        int httpPort = freePort(port);
        Path log = Files.createTempFile("nats-server", ".log");
        List<String> command = new ArrayList<>(List.of(binary.toString(), "-a", "127.0.0.1",
                "-p", Integer.toString(port), "-m", Integer.toString(httpPort)));
        command.addAll(List.of(extraArgs));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ReferenceNatsServer ns = new ReferenceNatsServer(process, log, port, httpPort);
        try {
            await().atMost(WAIT).ignoreExceptions().until(() -> ns.http.get("/healthz").statusCode() == 200);
        } catch (RuntimeException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    /** A free port in 14700-14799 above {@code after}. */
    private static int freePort(int after) {
        for (int port = Math.max(14700, after + 1); port <= 14799; port++) {
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                s.setReuseAddress(true);
                return port;
            } catch (IOException e) {
                // taken, try the next one
            }
        }
        throw new IllegalStateException("no free port in 14700-14799");
    }

    String clientUrl() {
        return "nats://127.0.0.1:" + port;
    }

    MonitorHttp http() {
        return http;
    }

    @Override
    public void close() throws IOException {
        http.close();
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(log);
    }
}
