package io.natsj.server.it;

import io.natsj.server.cli.Main;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What {@code bin/natsj-server} decides, through its own shell functions ({@code bin/lib/server-jvm.sh}), and how a
 * server process started with the JVM options they give behaves: the ahead-of-time class cache is used only when it
 * is newer than the jar; a cache the JVM cannot use never stops the server; and SIGTERM ends the process right
 * after the clients' connections are closed, as nats-server's does (nats.java's reconnect tests count a client's
 * attempts from the end of the process; the JVM's usual 300 ms wait at exit made them count one or two more).
 */
@Timeout(120)
class LauncherIT {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    /** How soon after closing the clients' connections the process must be gone. */
    private static final Duration PROMPT_EXIT = Duration.ofMillis(200);

    @TempDir
    Path dir;

    @BeforeAll
    static void launcherPresent() {
        assumeTrue(Files.isRegularFile(ROOT.resolve("bin/lib/server-jvm.sh")), "bin/ not found from " + ROOT);
    }

    /** Runs {@code script} in bash after sourcing the launcher's libraries; returns its output lines. */
    private static List<String> bash(String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-c", "set -euo pipefail; source bin/lib/env.sh; "
                + "source bin/lib/server-jvm.sh; " + script).directory(ROOT.toFile()).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.lines().toList();
    }

    private static List<String> serverJvmOptions() throws IOException, InterruptedException {
        return bash("natsj_server_jvm_options; printf '%s\\n' \"${NATSJ_SERVER_JVM[@]}\"");
    }

    @Test
    void theCacheIsUsedOnlyWhenNewerThanTheJar() throws Exception {
        Path jar = Files.writeString(dir.resolve("natsj-server.jar"), "jar");
        Path cache = Files.writeString(dir.resolve("natsj-server.aot"), "cache");
        String choose = "NATSJ_SERVER_JAR=" + jar + "; NATSJ_AOT_CACHE=" + cache + "; natsj_server_archive_options; "
                + "printf '%s\\n' \"${NATSJ_SERVER_ARCHIVE[@]}\"";
        Instant now = Instant.now();
        Files.setLastModifiedTime(jar, FileTime.from(now.minusSeconds(60)));
        Files.setLastModifiedTime(cache, FileTime.from(now));
        List<String> fresh = bash(choose);
        Files.setLastModifiedTime(jar, FileTime.from(now.plusSeconds(1)));
        List<String> stale = bash(choose);

        if (Runtime.version().feature() >= 24) {
            assertThat(fresh).contains("-XX:AOTCache=" + cache);
        }
        assertThat(stale).as("a jar rebuilt after the cache").noneMatch(o -> o.startsWith("-XX:AOTCache"))
                .contains("-XX:+AutoCreateSharedArchive");
    }

    @Test
    void onJdk25TheJvmDoesNotWaitAtExit() throws Exception {
        assumeTrue(Runtime.version().feature() >= 25, "the option exists from JDK 25 on");
        assertThat(serverJvmOptions()).contains("-XX:UserThreadWaitAttemptsAtExit=0");
    }

    @Test
    void aCacheTheJvmCannotUseDoesNotStopTheServer() throws Exception {
        Path garbage = Files.writeString(dir.resolve("broken.aot"), "not a cache");
        List<String> jvm = new ArrayList<>(serverJvmOptions());
        jvm.addAll(List.of("-XX:AOTCache=" + garbage, "-Xlog:aot=off", "-Xlog:cds=off"));
        ServerProcess server = ServerProcess.start(jvm, dir);
        try (RawClient raw = RawClient.connected(server.port())) {
            raw.assertPingPong();
        } finally {
            server.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theOutputStartsWithNatsServersFirstLogLineAndNothingElse() throws Exception {
        ServerProcess server = ServerProcess.start(serverJvmOptions(), dir);
        try {
            List<String> lines = Files.readAllLines(dir.resolve("server-" + server.port() + ".log"));
            assertThat(lines).isNotEmpty();
            assertThat(lines.getFirst()).as("no library announces itself before the server's log")
                    .matches("\\[\\d+] \\d{4}/\\d\\d/\\d\\d \\S+ \\[INF] Starting nats-server");
        } finally {
            server.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void sigtermEndsTheProcessRightAfterTheConnectionsCloseAsNatsServers() throws Exception {
        ServerProcess natsj = ServerProcess.start(serverJvmOptions(), dir);
        assertThat(exitAfterClose(natsj.process(), natsj.port())).as("natsj").isLessThan(PROMPT_EXIT);
        try (NatsServerProcess reference = NatsServerProcess.start()) {
            assertThat(exitAfterClose(reference.process(), reference.port())).as("nats-server")
                    .isLessThan(PROMPT_EXIT);
        }
    }

    /** Sends SIGTERM and returns how long after the client's connection was closed the process was gone. */
    private static Duration exitAfterClose(Process process, int port) throws Exception {
        try (RawClient raw = RawClient.connected(port)) {
            raw.assertPingPong();
            CompletableFuture<Long> closed = CompletableFuture.supplyAsync(() -> {
                try {
                    raw.readToEnd();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return System.nanoTime();
            }, Thread::startVirtualThread);
            process.destroy();
            assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
            long gone = System.nanoTime();
            return Duration.ofNanos(gone - closed.get(10, TimeUnit.SECONDS));
        }
    }

    /** natsj's command-line server in a child JVM with the given options, on a free loopback port. */
    private record ServerProcess(Process process, int port) {
        static ServerProcess start(List<String> jvmOptions, Path dir) throws IOException {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmOptions);
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(),
                    "-a", "127.0.0.1", "-p", Integer.toString(port)));
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("server-" + port + ".log").toFile()).start();
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                try (Socket s = new Socket("127.0.0.1", port); InputStream in = s.getInputStream()) {
                    return in.read() == 'I';
                } catch (SocketException e) {
                    return false;
                }
            });
            return new ServerProcess(p, port);
        }
    }
}
