package io.natsj.server.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The reference nats-server ({@code /usr/sbin/nats-server}, 2.9.10 from Debian) as a child process on a free loopback
 * port, for differential tests. {@link #start} and {@link #withConfig} skip the calling test (an assumption) when it
 * is not installed.
 */
final class NatsServerProcess implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/sbin/nats-server");

    private final Process process;
    private final int port;
    private final Path config;
    private final Path log;

    private NatsServerProcess(Process process, int port, Path config, Path log) {
        this.process = process;
        this.port = port;
        this.config = config;
        this.log = log;
    }

    static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    /**
     * Starts nats-server with these extra arguments and, when {@code configText} is not null, a config file holding
     * it; returns once it accepts connections.
     */
    static NatsServerProcess withConfig(String configText, String... args) throws IOException {
        assumeTrue(installed(), "nats-server is not installed at " + BINARY);
        int port = freePort();
        Path config = null;
        Path log = Files.createTempFile("nats-server", ".log");
        List<String> command = new ArrayList<>(List.of(BINARY.toString(), "-a", "127.0.0.1", "-p",
                Integer.toString(port)));
        if (configText != null) {
            config = Files.createTempFile("nats-server", ".conf");
            Files.writeString(config, configText);
            command.addAll(List.of("-c", config.toString()));
        }
        command.addAll(List.of(args));
        Process p;
        try {
            p = launch(command, port, log, Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            if (config != null) {
                Files.deleteIfExists(config);
            }
            Files.deleteIfExists(log);
            throw e;
        }
        return new NatsServerProcess(p, port, config, log);
    }

    /**
     * Starts {@code command} (a server) with its output appended to {@code log} and returns once loopback
     * {@code port} accepts connections; kills it and throws when it does not within {@code timeout}.
     */
    static Process launch(List<String> command, int port, Path log, Duration timeout) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        try {
            await().atMost(timeout).ignoreExceptions().until(() -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                    return true;
                }
            });
        } catch (RuntimeException e) {
            stop(p);
            throw e;
        }
        return p;
    }

    /** Ends {@code p}: SIGTERM, then SIGKILL when it has not exited within 5 s. */
    static void stop(Process p) {
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static NatsServerProcess start(String... args) throws IOException {
        return withConfig(null, args);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    int port() {
        return port;
    }

    Process process() {
        return process;
    }

    @Override
    public void close() throws IOException {
        stop(process);
        if (config != null) {
            Files.deleteIfExists(config);
        }
        Files.deleteIfExists(log);
    }
}
