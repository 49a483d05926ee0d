package io.natsj.bench;

import io.natsj.server.ClusterOptions;
import io.natsj.server.NatsServer;
import io.natsj.server.ServerOptions;
import io.natsj.server.raft.Entry;
import io.natsj.server.raft.Membership;
import io.natsj.server.raft.RaftConfig;
import io.natsj.server.raft.Snapshot;
import io.natsj.server.raft.host.GroupStateMachine;
import io.natsj.server.raft.host.RaftGroup;
import io.natsj.server.raft.store.FileRaftStorage;
import io.natsj.server.store.io.DiskFileIO;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The cost of many idle Raft groups (what thousands of idle R3 streams will cost once streams replicate): three natsj
 * servers of one cluster in this JVM, {@code n} groups of three replicas (one on each server, their logs on disk),
 * each with a leader; after a settling time, this process's CPU over ten idle seconds and the heap in use. natsj only:
 * nats-server has no Raft group without a stream.
 *
 * <p>Threading: the caller's thread.
 */
final class IdleRaftGroupsBench {

    private static final List<String> NAMES = List.of("r1", "r2", "r3");

    private IdleRaftGroupsBench() {
    }

    /** The table of one measurement with {@code n} groups. */
    static String table(int n) throws Exception {
        Path dir = Files.createTempDirectory("natsj-bench-raft");
        List<NatsServer> servers = new ArrayList<>();
        try {
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < NAMES.size(); i++) {
                try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                    ports.add(s.getLocalPort());
                }
            }
            for (int i = 0; i < NAMES.size(); i++) {
                servers.add(start(dir, i, ports));
            }
            long heap0 = usedHeap();
            long t0 = System.nanoTime();
            List<RaftGroup> groups = new ArrayList<>();
            for (int g = 0; g < n; g++) {
                for (int i = 0; i < NAMES.size(); i++) {
                    groups.add(open(servers.get(i), dir.resolve(NAMES.get(i)).resolve("G" + g), "G" + g));
                }
            }
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (groups.stream().anyMatch(g -> g.leader() == null) && System.nanoTime() < deadline) {
                Thread.sleep(100); // a benchmark's wait: the groups elect their leaders
            }
            long withLeaders = groups.stream().filter(g -> g.leader() != null).count();
            double electSeconds = (System.nanoTime() - t0) / 1e9;
            Thread.sleep(5_000); // settle: elections over, collections done
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = os.getProcessCpuTime();
            long w0 = System.nanoTime();
            Thread.sleep(10_000);
            double cpuPercent = 100.0 * (os.getProcessCpuTime() - cpu0) / (System.nanoTime() - w0);
            System.gc();
            double heapMiB = (usedHeap() - heap0) / (1024.0 * 1024.0);
            String nl = System.lineSeparator();
            return "| measure | natsj |" + nl + "|---|---:|" + nl
                    + String.format(Locale.ROOT, "| idle R3 Raft groups (3 servers in one JVM) | %,d |%n", n)
                    + String.format(Locale.ROOT, "| replicas with a leader known | %,d of %,d |%n", withLeaders,
                    groups.size())
                    + String.format(Locale.ROOT, "| seconds to open them and elect leaders | %.1f |%n", electSeconds)
                    + String.format(Locale.ROOT, "| CPU while idle, the three servers together | %.1f %% of one core |%n",
                    cpuPercent)
                    + String.format(Locale.ROOT, "| heap held by the groups, the three servers together | %.1f MiB |%n",
                    heapMiB);
        } finally {
            servers.forEach(NatsServer::close);
            ServerProcess.deleteTree(dir);
        }
    }

    private static NatsServer start(Path dir, int i, List<Integer> ports) throws IOException {
        List<URI> routes = new ArrayList<>();
        for (int j = 0; j < ports.size(); j++) {
            if (j != i) {
                routes.add(URI.create("nats-route://127.0.0.1:" + ports.get(j)));
            }
        }
        return NatsServer.start(ServerOptions.builder().host("127.0.0.1").port(0).serverName(NAMES.get(i)).noLog(true)
                .cluster(ClusterOptions.listen("127.0.0.1", ports.get(i)).withName("bench").withRoutes(routes))
                .jetStream(ServerOptions.JetStreamOptions.DISABLED.withEnabled(true)
                        .withStoreDir(dir.resolve(NAMES.get(i))))
                .build());
    }

    private static RaftGroup open(NatsServer server, Path dir, String name) throws IOException {
        FileRaftStorage storage = FileRaftStorage.open(DiskFileIO.INSTANCE, dir, new Membership(NAMES.stream()
                .collect(java.util.stream.Collectors.toSet())), 1 << 20);
        return server.raftHost().open(name, RaftConfig::of, storage, new GroupStateMachine() {
            @Override
            public void apply(Entry entry) {
            }

            @Override
            public byte[] snapshot() {
                return new byte[0];
            }

            @Override
            public void restore(Snapshot snapshot) {
            }
        });
    }

    private static long usedHeap() {
        System.gc();
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }
}
