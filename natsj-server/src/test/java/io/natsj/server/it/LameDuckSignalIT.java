package io.natsj.server.it;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.natsj.server.cli.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code --signal ldm=<pid file>} against a running command-line server (a child JVM): the server traps SIGUSR2,
 * its client gets the lame duck INFO (jnats: {@code LAME_DUCK}) and is closed after the grace period, a SIGTERM
 * meanwhile is ignored, and the process exits with 0. Also sent by nats-server's own {@code --signal}.
 */
@Timeout(60)
class LameDuckSignalIT {

    private static final Duration GRACE = Duration.ofSeconds(2);

    @TempDir
    Path dir;
    private Process process;

    @AfterEach
    void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Starts natsj's command-line server with a pid file and a config of lame duck times; returns its port. */
    private int startServer() throws IOException {
        return startServer(List.of(), "39");
    }

    /**
     * As {@link #startServer()} with extra JVM options and the JVM's suspend signal ({@code _JAVA_SR_SIGNUM}, as
     * bin/natsj-server sets it; null leaves HotSpot's SIGUSR2).
     */
    private int startServer(List<String> jvmOptions, String suspendSignal) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path conf = Files.writeString(dir.resolve("ldm.conf"), "lame_duck_duration: \"30s\"\n"
                + "lame_duck_grace_period: \"" + GRACE.toSeconds() + "s\"\n");
        List<String> command = new java.util.ArrayList<>(List.of(java()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "-a", "127.0.0.1",
                "-p", Integer.toString(port), "-P", dir.resolve("natsj.pid").toString(), "-c", conf.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log().toFile());
        pb.environment().remove("_JAVA_SR_SIGNUM");
        if (suspendSignal != null) {
            pb.environment().put("_JAVA_SR_SIGNUM", suspendSignal);
        }
        process = pb.start();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            try (Socket s = new Socket("127.0.0.1", port); InputStream in = s.getInputStream()) {
                return in.read() == 'I' && Files.exists(dir.resolve("natsj.pid"));
            } catch (SocketException e) {
                return false;
            }
        });
        return port;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private Path log() {
        return dir.resolve("server.log");
    }

    private String logText() throws IOException {
        return Files.readString(log());
    }

    private record Client(Connection nc, Set<ConnectionListener.Events> events) {
        static Client connect(int port) throws Exception {
            Set<ConnectionListener.Events> events = ConcurrentHashMap.newKeySet();
            Options o = Options.builder().server("nats://127.0.0.1:" + port).maxReconnects(0)
                    .connectionListener((conn, e) -> events.add(e)).build();
            Connection nc = Nats.connect(o);
            nc.flush(Duration.ofSeconds(5));
            return new Client(nc, events);
        }
    }

    @Test
    void aServerProfiledWithJfrStaysUpWhereTheJvmSuspendsThreadsWithSigusr2() throws Exception {
        // HotSpot suspends threads with SIGUSR2 for JFR's samples (every 10 ms with "profile"): a handler for it
        // would take each sample for "--signal ldm"
        Path jfr = dir.resolve("rec.jfr");
        int port = startServer(List.of("-XX:FlightRecorderOptions=repository=" + dir.resolve("jfr-repository"),
                "-XX:StartFlightRecording=filename=" + jfr + ",settings=profile"), null);
        Client c = Client.connect(port);
        try {
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> c.nc().getStatus() == Connection.Status.CONNECTED
                            && !c.events().contains(ConnectionListener.Events.LAME_DUCK));
            assertThat(logText()).doesNotContain("Entering lame duck mode").contains("does not enter lame duck mode");
        } finally {
            c.nc().close();
        }
    }

    @Test
    void natsjSignalLdmPutsTheServerInLameDuckModeAndTermIsIgnoredMeanwhile() throws Exception {
        int port = startServer();
        Client client = Client.connect(port);
        Process signal = new ProcessBuilder(java(), "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "--signal", "ldm=" + dir.resolve("natsj.pid")).redirectErrorStream(true).start();
        String said = new String(signal.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(signal.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(signal.exitValue()).as(said).isZero();
        assertThat(said).isEmpty();

        await().atMost(Duration.ofSeconds(10))
                .until(() -> client.events().contains(ConnectionListener.Events.LAME_DUCK));
        process.destroy(); // SIGTERM
        await().atMost(Duration.ofSeconds(10)).until(() -> logText().contains("Trapped \"terminated\" signal"));
        assertThat(process.isAlive()).as("SIGTERM is ignored in lame duck mode").isTrue();

        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> client.events().contains(ConnectionListener.Events.CLOSED));
        assertThat(logText()).contains("[INF] Trapped \"user defined signal 2\" signal",
                "[INF] Entering lame duck mode, stop accepting new clients", "[INF] Closing existing clients",
                "[INF] Server Exiting..");
        client.nc().close();
    }

    @Test
    void reloadAndReopenWhichNatsjLacksAreLoggedAndTheServerKeepsRunning() throws Exception {
        int port = startServer();
        for (String[] sent : new String[][]{{"reload", "hangup"}, {"reopen", "user defined signal 1"}}) {
            Process signal = new ProcessBuilder(java(), "-cp", System.getProperty("java.class.path"),
                    Main.class.getName(), "-sl", sent[0] + "=" + process.pid()).redirectErrorStream(true).start();
            assertThat(signal.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(signal.exitValue()).isZero();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> logText().contains("Trapped \"" + sent[1] + "\" signal"));
        }
        Client client = Client.connect(port);
        assertThat(process.isAlive()).isTrue();
        assertThat(logText()).contains("[ERR] Failed to reload server configuration: natsj does not support config "
                + "reload yet");
        client.nc().close();
    }

    @Test
    void natsServersSignalLdmWorksOnNatsjToo() throws Exception {
        assumeTrue(NatsServerProcess.installed(), "nats-server is not installed");
        int port = startServer();
        Client client = Client.connect(port);
        Process signal = new ProcessBuilder(NatsServerProcess.BINARY.toString(), "--signal",
                "ldm=" + process.pid()).redirectErrorStream(true).start();
        String said = new String(signal.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(signal.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(signal.exitValue()).as(said).isZero();

        await().atMost(Duration.ofSeconds(10))
                .until(() -> client.events().contains(ConnectionListener.Events.LAME_DUCK));
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        client.nc().close();
    }
}
