package io.natsj.server.it;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import io.natsj.server.cli.Main;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A full-mesh cluster of server processes on loopback, for tests: each member is natsj ({@link Main} of the test's
 * class path in a child JVM, or the command in system property {@value #NATSJ_COMMAND}) or the reference nats-server ({@link NatsServerProcess#BINARY}), mixed as the caller
 * lists them, all started the same way: {@code -c <file>} with a generated config ({@code server_name},
 * {@code listen 127.0.0.1:<client port>}, {@code cluster { name, listen 127.0.0.1:<route port>, routes }} to every
 * other member, then the caller's per-member text). Ports are chosen once, so a restarted member comes back on the
 * same ones. {@link #awaitMesh} waits until a subscription on each member is served from every other. Members can be
 * killed ({@code kill -9}), paused ({@code SIGSTOP}), resumed and restarted. {@link #close} kills every process and
 * removes the temp directory (configs and logs), also when the start fails half-way.
 *
 * <p>Threading: one owner thread (the test's).
 */
final class ClusterProcesses implements AutoCloseable {

    /** The kind of server a member runs. */
    enum Kind { NATSJ, NATS_SERVER }

    /**
     * Extra config text for one member, given the cluster (its ports are chosen by then) and the member's index.
     * Keys repeated in the text win over the generated ones, in natsj and nats-server alike.
     */
    @FunctionalInterface
    interface MemberConfig {
        MemberConfig NONE = (cluster, i) -> "";

        String text(ClusterProcesses cluster, int i);
    }

    /**
     * System property: the command that starts a natsj member (e.g. {@code /path/to/bin/natsj-server}; the config
     * flag is appended). By default natsj's {@link Main} runs from the test's own class path, the code under test.
     */
    static final String NATSJ_COMMAND = "natsj.it.natsj-command";

    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration MESH = Duration.ofSeconds(30);

    private final String name;
    private final Path dir;
    private final List<Member> members = new ArrayList<>();

    /** One server: its ports and files are fixed, its process changes on restart. */
    private static final class Member {
        final Kind kind;
        final int clientPort;
        final int routePort;
        final Path config;
        final Path log;
        Process process;

        Member(Kind kind, int clientPort, int routePort, Path config, Path log) {
            this.kind = kind;
            this.clientPort = clientPort;
            this.routePort = routePort;
            this.config = config;
            this.log = log;
        }
    }

    private ClusterProcesses(String name, Path dir) {
        this.name = name;
        this.dir = dir;
    }

    /** A cluster of these kinds of member, no extra config; returns once every process accepts clients. */
    static ClusterProcesses start(Kind... kinds) throws IOException {
        return start(List.of(kinds), MemberConfig.NONE, MemberConfig.NONE);
    }

    /**
     * A cluster of these kinds of member; member i's config file ends with {@code extraConfig}'s text, and its
     * {@code cluster {}} block with {@code extraClusterConfig}'s (e.g. {@code authorization}, {@code pool_size}, or
     * {@code routes} of its own). Skips the calling test (an assumption) when a member is nats-server and it is not
     * installed.
     */
    static ClusterProcesses start(List<Kind> kinds, MemberConfig extraConfig, MemberConfig extraClusterConfig)
            throws IOException {
        if (kinds.contains(Kind.NATS_SERVER)) {
            assumeTrue(NatsServerProcess.installed(), "nats-server is not installed at " + NatsServerProcess.BINARY);
        }
        ClusterProcesses c = new ClusterProcesses("it-" + ProcessHandle.current().pid() + "-" + System.nanoTime(),
                Files.createTempDirectory("natsj-cluster"));
        try {
            Set<Integer> taken = new HashSet<>();
            for (int i = 0; i < kinds.size(); i++) {
                c.members.add(new Member(kinds.get(i), freePort(taken), freePort(taken),
                        c.dir.resolve("s" + (i + 1) + ".conf"), c.dir.resolve("s" + (i + 1) + ".log")));
            }
            for (int i = 0; i < kinds.size(); i++) {
                Files.writeString(c.members.get(i).config, c.config(i, extraClusterConfig.text(c, i))
                        + extraConfig.text(c, i));
            }
            for (int i = 0; i < kinds.size(); i++) {
                c.launch(i);
            }
            return c;
        } catch (IOException | RuntimeException | Error e) {
            c.close();
            throw e;
        }
    }

    /**
     * A free loopback port below the kernel's ephemeral range (32768 and up), not in {@code taken}, added to it: the
     * ports are chosen before any server binds them, and an outgoing connection (a route dialing a member not yet
     * started) never takes a port from outside the ephemeral range.
     */
    private static int freePort(Set<Integer> taken) {
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(20_000, 32_000);
            if (taken.contains(port)) {
                continue;
            }
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                taken.add(port);
                return port;
            } catch (IOException inUse) {
                // try another one
            }
        }
        throw new IllegalStateException("no free port in 20000-31999");
    }

    private String config(int i, String extraClusterConfig) {
        Member m = members.get(i);
        String routes = members.stream().filter(o -> o != m)
                .map(o -> "    \"nats-route://127.0.0.1:" + o.routePort + "\"")
                .collect(Collectors.joining("\n"));
        return "server_name: \"" + serverName(i) + "\"\n"
                + "listen: \"127.0.0.1:" + m.clientPort + "\"\n"
                + "cluster {\n"
                + "  name: \"" + name + "\"\n"
                + "  listen: \"127.0.0.1:" + m.routePort + "\"\n"
                + "  routes: [\n" + routes + "\n  ]\n"
                + extraClusterConfig
                + "\n}\n";
    }

    private void launch(int i) throws IOException {
        Member m = members.get(i);
        List<String> command = new ArrayList<>();
        String natsjCommand = System.getProperty(NATSJ_COMMAND, "");
        if (m.kind == Kind.NATS_SERVER) {
            command.add(NatsServerProcess.BINARY.toString());
        } else if (!natsjCommand.isBlank()) {
            command.addAll(List.of(natsjCommand.trim().split("\\s+")));
        } else {
            command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                    "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        }
        command.addAll(List.of("-c", m.config.toString()));
        m.process = NatsServerProcess.launch(command, m.clientPort, m.log, START);
    }

    /** How many members the cluster has. */
    int size() {
        return members.size();
    }

    /** Member i's {@code server_name}: s1, s2, ... */
    String serverName(int i) {
        return "s" + (i + 1);
    }

    /** The cluster's name, the same in every member's config. */
    String name() {
        return name;
    }

    Kind kind(int i) {
        return members.get(i).kind;
    }

    /** Member i's client URL. */
    String url(int i) {
        return "nats://127.0.0.1:" + members.get(i).clientPort;
    }

    int routePort(int i) {
        return members.get(i).routePort;
    }

    /** Member i's output so far (for assertion messages). */
    String log(int i) {
        try {
            return Files.readString(members.get(i).log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until the mesh among the running members is formed: for every member i, a subscription on i receives a
     * message published on each other member j (published again until it arrives, within 30 s).
     */
    void awaitMesh() throws Exception {
        List<Integer> up = IntStream.range(0, size()).filter(i -> members.get(i).process.isAlive()).boxed().toList();
        List<Connection> connections = new ArrayList<>();
        try {
            for (int i : up) {
                connections.add(Nats.connect(Options.builder().server(url(i)).noReconnect()
                        .connectionTimeout(Duration.ofSeconds(5)).build()));
            }
            for (int a = 0; a < up.size(); a++) {
                String subject = "_mesh." + name + "." + serverName(up.get(a));
                Subscription sub = connections.get(a).subscribe(subject);
                connections.get(a).flush(Duration.ofSeconds(5));
                Set<Integer> heardFrom = new HashSet<>(Set.of(a));
                int to = a;
                try {
                    await("member " + serverName(up.get(a)) + " hears every other member").atMost(MESH)
                            .pollInterval(Duration.ofMillis(50)).until(() -> {
                                for (int b = 0; b < up.size(); b++) {
                                    if (!heardFrom.contains(b)) {
                                        connections.get(b).publish(subject, new byte[]{(byte) b});
                                        connections.get(b).flush(Duration.ofSeconds(5));
                                    }
                                }
                                for (Message msg = sub.nextMessage(Duration.ofMillis(20)); msg != null;
                                     msg = sub.nextMessage(Duration.ofMillis(1))) {
                                    heardFrom.add((int) msg.getData()[0]);
                                }
                                return heardFrom.size() == up.size();
                            });
                } catch (RuntimeException e) {
                    throw new AssertionError("no full mesh: " + e.getMessage() + "\n" + logs(), e);
                }
                sub.unsubscribe();
            }
        } finally {
            for (Connection c : connections) {
                c.close();
            }
        }
    }

    /** Every member's log, for failure messages. */
    String logs() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < size(); i++) {
            sb.append("--- ").append(serverName(i)).append(" (").append(kind(i)).append(") ---\n").append(log(i));
        }
        return sb.toString();
    }

    /** kill -9 of member i; returns once it has exited. */
    void kill(int i) throws InterruptedException {
        Process p = members.get(i).process;
        p.destroyForcibly();
        p.waitFor();
    }

    /** SIGSTOP to member i: it keeps its sockets but stops reading and writing. */
    void pause(int i) throws IOException, InterruptedException {
        signal(i, "STOP");
    }

    /** SIGCONT to a paused member i. */
    void resume(int i) throws IOException, InterruptedException {
        signal(i, "CONT");
    }

    private void signal(int i, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(members.get(i).process.pid()))
                .inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + signal + " failed for " + serverName(i));
        }
    }

    /** Stops member i (SIGTERM, then kill -9) if it runs, and starts it again on the same ports and config. */
    void restart(int i) throws IOException {
        NatsServerProcess.stop(members.get(i).process);
        launch(i);
    }

    @Override
    public void close() throws IOException {
        for (Member m : members) {
            if (m.process != null) {
                m.process.destroyForcibly(); // also ends a paused (SIGSTOP) process
            }
        }
        for (Member m : members) {
            if (m.process != null) {
                try {
                    m.process.waitFor();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
