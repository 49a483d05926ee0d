package io.natsj.server.it;

import io.natsj.server.cli.Main;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A cluster of natsj processes, each in a Linux network namespace of its own, joined by a bridge in a further "hub"
 * namespace, so a test can cut one server off the others ({@link #partition}) and join it back ({@link #heal}). The
 * addresses ({@code 10.201.0.<i>}) exist only inside these namespaces: nothing leaves them, nothing outside is
 * touched. The test reaches a server's monitoring port by running {@code curl} inside its namespace
 * ({@link #http}). {@link #close} kills every process and deletes every namespace, also when the start fails half-way.
 *
 * <p>Needs root and the {@code ip} command (callers check {@link #available()}). Threading: the test's thread.
 */
final class NetnsCluster implements AutoCloseable {

    private static final int CLIENT = 4222;
    private static final int ROUTE = 6222;
    private static final int HTTP = 8222;

    private final String prefix = "njt" + Long.toString(ProcessHandle.current().pid() % 100_000, 36)
            + Long.toString(System.nanoTime() % 1_000, 36);
    private final Path dir;
    private final int size;
    private final List<Process> processes = new ArrayList<>();
    private final List<String> namespaces = new ArrayList<>();

    /** Whether network namespaces can be made here (root, {@code ip} installed). */
    static boolean available() {
        try {
            Process p = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
            return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0
                    && "root".equals(System.getProperty("user.name"));
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Starts {@code size} natsj servers (s1, s2, ...) with JetStream, each in its namespace, listing the others as
     * routes; returns once each answers on its monitoring port.
     */
    static NetnsCluster start(Path dir, int size) throws IOException {
        NetnsCluster c = new NetnsCluster(dir, size);
        try {
            c.network();
            for (int i = 1; i <= size; i++) {
                c.launch(i);
            }
            for (int i = 1; i <= size; i++) {
                int server = i;
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .until(() -> c.http(server, "/varz") != null);
            }
            return c;
        } catch (IOException | RuntimeException | Error e) {
            c.close();
            throw e;
        }
    }

    private NetnsCluster(Path dir, int size) {
        this.dir = dir;
        this.size = size;
    }

    private String ns(String name) {
        return prefix + name;
    }

    private static String address(int i) {
        return "10.201.0." + i;
    }

    /** The hub with its bridge; per server a namespace and a veth pair, one end on the bridge. */
    private void network() throws IOException {
        String hub = ns("h");
        ip("netns", "add", hub);
        namespaces.add(hub);
        in(hub, "ip", "link", "add", "br0", "type", "bridge");
        in(hub, "ip", "link", "set", "br0", "up");
        for (int i = 1; i <= size; i++) {
            String n = ns("n" + i);
            ip("netns", "add", n);
            namespaces.add(n);
            ip("link", "add", prefix + "a" + i, "netns", n, "type", "veth", "peer", "name", prefix + "b" + i,
                    "netns", hub);
            in(n, "ip", "addr", "add", address(i) + "/24", "dev", prefix + "a" + i);
            in(n, "ip", "link", "set", prefix + "a" + i, "up");
            in(n, "ip", "link", "set", "lo", "up");
            in(hub, "ip", "link", "set", prefix + "b" + i, "master", "br0");
            in(hub, "ip", "link", "set", prefix + "b" + i, "up");
        }
    }

    private void launch(int i) throws IOException {
        StringBuilder routes = new StringBuilder();
        for (int j = 1; j <= size; j++) {
            if (j != i) {
                routes.append("    \"nats-route://").append(address(j)).append(':').append(ROUTE).append("\"\n");
            }
        }
        Path conf = dir.resolve("s" + i + ".conf");
        Files.writeString(conf, "server_name: s" + i + "\n"
                + "listen: \"" + address(i) + ":" + CLIENT + "\"\n"
                + "http: \"" + address(i) + ":" + HTTP + "\"\n"
                + "jetstream { store_dir: \"" + dir.resolve("store-s" + i) + "\" }\n"
                + "cluster {\n  name: \"netns\"\n  listen: \"" + address(i) + ":" + ROUTE + "\"\n"
                + "  routes: [\n" + routes + "  ]\n}\n", StandardCharsets.UTF_8);
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", ns("n" + i),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "-c", conf.toString()));
        processes.add(new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("s" + i + ".log").toFile())).start());
    }

    /** The body of {@code GET <path>} on server i's monitoring port, or null when it does not answer within 1 s. */
    String http(int i, String path) {
        try {
            Process p = new ProcessBuilder("ip", "netns", "exec", ns("n" + i), "curl", "-s", "-m", "1",
                    "http://" + address(i) + ":" + HTTP + path).redirectErrorStream(false).start();
            byte[] body = p.getInputStream().readAllBytes();
            return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0 ? new String(body, StandardCharsets.UTF_8)
                    : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Cuts server i off the bridge: it and the others no longer reach each other. */
    void partition(int i) throws IOException {
        in(ns("h"), "ip", "link", "set", prefix + "b" + i, "down");
    }

    /** Joins server i back. */
    void heal(int i) throws IOException {
        in(ns("h"), "ip", "link", "set", prefix + "b" + i, "up");
    }

    String logs() {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= size; i++) {
            try {
                sb.append("--- s").append(i).append('\n').append(Files.readString(dir.resolve("s" + i + ".log")));
            } catch (IOException e) {
                sb.append("--- s").append(i).append(": ").append(e).append('\n');
            }
        }
        return sb.toString();
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (String n : namespaces.reversed()) {
            try {
                ip("netns", "del", n); // its veth ends go with it
            } catch (IOException e) {
                // keep deleting the others
            }
        }
    }

    private static void in(String namespace, String... command) throws IOException {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        all.addAll(List.of(command));
        run(all);
    }

    private static void ip(String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("ip"));
        all.addAll(List.of(args));
        run(all);
    }

    private static void run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + command, e);
        }
    }
}
