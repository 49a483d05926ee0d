package io.natsj.bench;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Subscription;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The servers a benchmark round runs against: one {@link ServerProcess} ({@link #single}), or a full-mesh cluster of
 * {@code n} servers of one command ({@link #start}), each a {@link ServerProcess} started with
 * {@code -c <config>}: the config holds {@code server_name} and {@code cluster { name, listen 127.0.0.1:<route port>,
 * routes }} to every other member, in nats-server's format (natsj reads the same file). Ready once the mesh is
 * formed: a subscription on each server receives a message published on every other one. Closing it stops every
 * server and removes the configs. Tells the CPU time its processes have used, for CPU per message.
 *
 * <p>Threading: one owner thread.
 */
final class BenchCluster implements AutoCloseable {

    private static final long MESH_SECONDS = 30;

    private final Path dir;
    private final List<ServerProcess> servers = new ArrayList<>();

    private BenchCluster(Path dir) {
        this.dir = dir;
    }

    /** One server, as a cluster of one. */
    static BenchCluster single(ServerProcess server) {
        BenchCluster c = new BenchCluster(null);
        c.servers.add(server);
        return c;
    }

    /** Starts the {@code n} servers and waits for the mesh; stops whatever started when that fails. */
    static BenchCluster start(String command, int n, File log) throws Exception {
        BenchCluster c = new BenchCluster(Files.createTempDirectory("natsj-bench-cluster"));
        try {
            List<Integer> routePorts = new ArrayList<>();
            while (routePorts.size() < n) {
                int port = freeRoutePort();
                if (!routePorts.contains(port)) {
                    routePorts.add(port);
                }
            }
            String name = "bench-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
            for (int i = 0; i < n; i++) {
                Path config = c.dir.resolve("s" + (i + 1) + ".conf");
                Files.writeString(config, config(name, i, routePorts));
                c.servers.add(ServerProcess.startWith(command, log, List.of("-c", config.toString())));
            }
            c.awaitMesh(log);
            return c;
        } catch (Exception | Error e) {
            c.close();
            throw e;
        }
    }

    /**
     * A free loopback port below the kernel's ephemeral range (32768 and up), where the client ports and outgoing
     * connections (a route dialing a server not yet started) never land: the route ports are chosen before the
     * servers bind them.
     */
    private static int freeRoutePort() {
        while (true) {
            int port = ThreadLocalRandom.current().nextInt(20_000, 32_000);
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException inUse) {
                // try another one
            }
        }
    }

    private static String config(String name, int i, List<Integer> routePorts) {
        String routes = routePorts.stream().filter(p -> p.intValue() != routePorts.get(i))
                .map(p -> "    \"nats-route://127.0.0.1:" + p + "\"").collect(Collectors.joining("\n"));
        return "server_name: \"s" + (i + 1) + "\"\n"
                + "cluster {\n"
                + "  name: \"" + name + "\"\n"
                + "  listen: \"127.0.0.1:" + routePorts.get(i) + "\"\n"
                + "  routes: [\n" + routes + "\n  ]\n"
                + "}\n";
    }

    /** For each server in turn: subscribe there, publish from every other server until each has been heard. */
    private void awaitMesh(File log) throws Exception {
        List<Connection> connections = new ArrayList<>();
        try {
            for (ServerProcess s : servers) {
                connections.add(Scenario.connect(s.url()));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(MESH_SECONDS);
            for (int a = 0; a < servers.size(); a++) {
                String subject = "_bench.mesh." + a;
                Subscription sub = connections.get(a).subscribe(subject);
                connections.get(a).flush(Duration.ofSeconds(5));
                Set<Integer> heard = new HashSet<>(Set.of(a));
                while (heard.size() < servers.size()) {
                    if (System.nanoTime() > deadline) {
                        throw new IOException("no full mesh within " + MESH_SECONDS + " s: server " + (a + 1)
                                + " heard only from servers " + heard.stream().map(i -> i + 1).toList()
                                + " (does this server form clusters? see " + log + ")");
                    }
                    for (int b = 0; b < servers.size(); b++) {
                        if (!heard.contains(b)) {
                            connections.get(b).publish(subject, new byte[]{(byte) b});
                            connections.get(b).flush(Duration.ofSeconds(5));
                        }
                    }
                    for (Message m = sub.nextMessage(Duration.ofMillis(50)); m != null;
                         m = sub.nextMessage(Duration.ofMillis(1))) {
                        heard.add((int) m.getData()[0]);
                    }
                }
                sub.unsubscribe();
            }
        } finally {
            for (Connection c : connections) {
                c.close();
            }
        }
    }

    /** The servers' client URLs, server 1 first. */
    List<String> urls() {
        return servers.stream().map(ServerProcess::url).toList();
    }

    /** CPU time all the servers have used so far, in clock ticks ({@link ServerProcess#CLOCK_TICKS} a second). */
    long cpuTicks() throws IOException {
        long sum = 0;
        for (ServerProcess s : servers) {
            sum += s.cpuTicks();
        }
        return sum;
    }

    @Override
    public void close() throws InterruptedException {
        for (ServerProcess s : servers) {
            s.close();
        }
        if (dir != null) {
            ServerProcess.deleteTree(dir);
        }
    }
}
