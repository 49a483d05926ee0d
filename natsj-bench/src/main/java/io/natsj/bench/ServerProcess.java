package io.natsj.bench;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server launched as a child process with nats-server's flags ({@code -a 127.0.0.1 -p <port>},
 * {@code -js -sd <fresh temp dir>} for JetStream, the TLS flags of {@link BenchTls} for TLS), ready once its port
 * accepts connections; killed on {@link #close()} and on JVM exit.
 *
 * <p>Threading: one owner thread.
 */
final class ServerProcess implements AutoCloseable {

    /** Clock ticks per second in {@code /proc/<pid>/stat} (USER_HZ on Linux). */
    static final long CLOCK_TICKS = 100;

    private final Process process;
    private final int port;
    private final Path storeDir;
    private final boolean tls;

    private ServerProcess(Process process, int port, Path storeDir, boolean tls) {
        this.process = process;
        this.port = port;
        this.storeDir = storeDir;
        this.tls = tls;
    }

    static ServerProcess start(String command, File logFile, boolean jetStream)
            throws IOException, InterruptedException {
        return start(command, logFile, jetStream, null);
    }

    /** A server with TLS on its client port when {@code tls} is not null. */
    static ServerProcess start(String command, File logFile, boolean jetStream, BenchTls tls)
            throws IOException, InterruptedException {
        return launch(command, logFile, jetStream ? Files.createTempDirectory("natsj-bench-js") : null, true, tls,
                List.of());
    }

    /** A server without JetStream given these extra arguments (e.g. {@code -c <config file>}). */
    static ServerProcess startWith(String command, File logFile, List<String> extraArgs)
            throws IOException, InterruptedException {
        return launch(command, logFile, null, false, null, extraArgs);
    }

    /** A JetStream server on {@code storeDir}, which is kept when the server closes. */
    static ServerProcess startIn(String command, File logFile, Path storeDir) throws IOException, InterruptedException {
        return launch(command, logFile, storeDir, false, null, List.of());
    }

    private static ServerProcess launch(String command, File logFile, Path storeDir, boolean deleteStore,
                                        BenchTls tls, List<String> extraArgs)
            throws IOException, InterruptedException {
        int port = freePort();
        List<String> cmd = new ArrayList<>(Arrays.asList(command.trim().split("\\s+")));
        cmd.addAll(List.of("-a", "127.0.0.1", "-p", Integer.toString(port)));
        if (storeDir != null) {
            cmd.addAll(List.of("-js", "-sd", storeDir.toString()));
        }
        if (tls != null) {
            cmd.addAll(tls.serverArgs());
        }
        cmd.addAll(extraArgs);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile)).start();
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IOException("server exited with " + p.exitValue() + ": " + command + " (see " + logFile + ")");
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return new ServerProcess(p, port, deleteStore ? storeDir : null, tls != null);
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        p.destroyForcibly();
        throw new IOException("server did not listen within 120 s: " + command);
    }

    /** The server's process id, for resource measurements. */
    long pid() {
        return process.pid();
    }

    /** CPU time the process has used so far (user + system), in clock ticks of 10 ms ({@code /proc}; Linux). */
    long cpuTicks() throws IOException {
        String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
    }

    String url() {
        return (tls ? "tls://" : "nats://") + "127.0.0.1:" + port;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (storeDir != null) {
            deleteTree(storeDir);
        }
    }

    static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("could not delete " + dir + ": " + e);
        }
    }
}
