package io.natsj.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * natsj's load tool. {@code --url} runs the scenarios against one server; {@code --compare} launches natsj and
 * nats-server as child processes, alternating them round by round on fresh ports, and prints a Markdown table of the
 * medians and the natsj/nats-server ratio (above 1.0 favours natsj, for throughput and latency alike). With
 * {@code --cluster N} each round starts N-server clusters instead of single servers, and the table adds the servers'
 * CPU time per message, summed over the cluster.
 *
 * <p>Threading: runs on the main thread.
 */
@Command(name = "natsj-bench", mixinStandardHelpOptions = true,
        description = "Core NATS load scenarios, side by side with nats-server.")
public final class BenchTool implements Callable<Integer> {

    @Option(names = "--url", split = ",", description = "Run against this server only (several comma-separated "
            + "URLs of one cluster for the cluster scenarios: clients on the first and second).")
    List<String> url;

    @Option(names = "--compare", description = "Run natsj and nats-server side by side.")
    boolean compare;

    @Option(names = "--natsj-cmd", description = "Command that starts natsj (nats-server flags are appended).")
    String natsjCmd;

    @Option(names = "--nats-cmd", defaultValue = "nats-server", description = "Command that starts nats-server.")
    String natsCmd;

    @Option(names = "--rounds", defaultValue = "5", description = "Alternating rounds per server.")
    int rounds;

    @Option(names = "--scenarios", split = ",", description = "Scenarios or groups (default: core and js, with "
            + "--cluster: cluster): core (core-pub16, core-pub128, core-pubsub, core-fanout, core-reqrep), js "
            + "(js-pub-sync-p50, js-pub-sync-p99, js-pub-async-file, js-pub-async-mem, js-pull-consume, "
            + "js-ordered-consume), cluster (cluster-pubsub, cluster-fanout, cluster-reqrep).")
    List<String> scenarios;

    @Option(names = "--cluster", paramLabel = "N", description = "With --compare: each round starts an N-server "
            + "natsj cluster and an N-server nats-server cluster (config files with a cluster {} block, full mesh on "
            + "loopback); clients of the cluster scenarios sit on servers 1 and 2. Core scenarios only.")
    Integer cluster;

    @Option(names = "--restart", paramLabel = "N", description = "Instead of the scenarios: the restart time of a "
            + "file stream holding N messages of 128 B, natsj and nats-server.")
    Integer restartMessages;

    @Option(names = "--startup", paramLabel = "N", description = "Instead of the scenarios: start-up of natsj and "
            + "nats-server, N launches each, alternating: from spawning the process until its port accepts a TCP "
            + "connection (polled every 0.5 ms) and until its INFO line arrives; min, median, max.")
    Integer startupLaunches;

    @Option(names = "--idle-consumers", paramLabel = "N", description = "Instead of the scenarios: resident "
            + "memory and idle CPU of a server holding one stream with N idle durable consumers, natsj and nats-server.")
    Integer idleConsumers;

    @Option(names = "--idle-raft-groups", paramLabel = "N", description = "Instead of the scenarios: idle CPU and "
            + "heap of N Raft groups of three replicas on a 3-server natsj cluster in this JVM (natsj only).")
    Integer idleRaftGroups;

    @Option(names = "--tls", description = "With --compare: both servers with TLS on the client port (a "
            + "self-signed certificate made for the run); the clients connect with TLS.")
    boolean tls;

    @Option(names = "--quick", description = "A small smoke run (counts divided by 20).")
    boolean quick;

    @Option(names = "--out", description = "Also write the table to this file.")
    Path out;

    @Option(names = "--warmup", defaultValue = "true", negatable = true, fallbackValue = "true",
            description = "Run each scenario once at a quarter of its size, unmeasured, on every fresh server first "
                    + "(default on): "
                    + "a long-running server is warm, and the JVM's compiler needs a moment.")
    boolean warmup;

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchTool()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        List<Scenario> chosen = new ArrayList<>();
        if (scenarios == null || scenarios.isEmpty()) {
            for (Scenario s : Scenario.values()) {
                if (s.needsCluster() == (cluster != null)) {
                    chosen.add(s);
                }
            }
        } else {
            for (String id : scenarios) {
                chosen.addAll(Scenario.byIdOrGroup(id.trim()));
            }
        }
        int scale = quick ? 20 : 1;
        if (url != null) {
            for (Scenario s : chosen) {
                System.out.printf(Locale.ROOT, "%-14s %14.1f %s%n", s.id(), s.run(url, scale), s.unit());
            }
            return 0;
        }
        if (idleRaftGroups != null) {
            return emit(IdleRaftGroupsBench.table(idleRaftGroups)); // natsj only: no --compare needed
        }
        if (!compare) {
            System.err.println("give --url or --compare");
            return 2;
        }
        if (restartMessages != null) {
            return restart();
        }
        if (startupLaunches != null) {
            return emit(StartupBench.table(natsjCommand(), natsCmd, startupLaunches,
                    File.createTempFile("natsj-bench-servers", ".log")));
        }
        if (idleConsumers != null) {
            return emit(IdleConsumersBench.table(natsjCommand(), natsCmd, idleConsumers,
                    File.createTempFile("natsj-bench-servers", ".log")));
        }
        if (natsjCmd == null) {
            natsjCmd = Path.of(System.getProperty("natsj.root", ".")).resolve("bin/natsj-server").toString();
        }
        if (cluster != null && (cluster < 2 || tls || chosen.stream().anyMatch(Scenario::needsJetStream))) {
            System.err.println("--cluster takes N >= 2, core and cluster scenarios only, and no --tls");
            return 2;
        }
        BenchTls serverTls = tls ? BenchTls.generate() : null;
        Scenario.useTls(serverTls == null ? null : serverTls.clientContext());
        Map<Scenario, double[]> natsj = new LinkedHashMap<>();
        Map<Scenario, double[]> nats = new LinkedHashMap<>();
        Map<Scenario, double[]> natsjCpu = new LinkedHashMap<>();
        Map<Scenario, double[]> natsCpu = new LinkedHashMap<>();
        for (Scenario s : chosen) {
            natsj.put(s, new double[rounds]);
            nats.put(s, new double[rounds]);
            natsjCpu.put(s, new double[rounds]);
            natsCpu.put(s, new double[rounds]);
        }
        File log = File.createTempFile("natsj-bench-servers", ".log");
        long started = System.nanoTime();
        for (int r = 0; r < rounds; r++) {
            boolean natsjFirst = r % 2 == 0;
            for (int k = 0; k < 2; k++) {
                boolean isNatsj = (k == 0) == natsjFirst;
                Map<Scenario, double[]> into = isNatsj ? natsj : nats;
                Map<Scenario, double[]> cpuInto = isNatsj ? natsjCpu : natsCpu;
                String command = isNatsj ? natsjCmd : natsCmd;
                try (BenchCluster servers = cluster != null ? BenchCluster.start(command, cluster, log)
                        : BenchCluster.single(ServerProcess.start(command, log,
                        chosen.stream().anyMatch(Scenario::needsJetStream), serverTls))) {
                    if (warmup) {
                        for (Scenario s : chosen) {
                            s.run(servers.urls(), scale * 4);
                        }
                    }
                    for (Scenario s : chosen) {
                        long cpu0 = servers.cpuTicks();
                        double v = s.run(servers.urls(), scale);
                        long cpuTicks = servers.cpuTicks() - cpu0;
                        into.get(s)[r] = v;
                        cpuInto.get(s)[r] = cpuTicks * 1e6 / ServerProcess.CLOCK_TICKS / Math.max(1, s.messages(scale));
                        System.err.printf(Locale.ROOT, "round %d %-11s %-14s %14.1f %s%n", r + 1,
                                isNatsj ? "natsj" : "nats-server", s.id(), v, s.unit());
                    }
                }
            }
        }
        String table = table(chosen, natsj, nats, natsjCpu, natsCpu, (System.nanoTime() - started) / 1e9);
        System.out.print(table);
        if (out != null) {
            Files.writeString(out, table, StandardCharsets.UTF_8);
        }
        return 0;
    }

    private int restart() throws Exception {
        return emit("| measure | natsj | nats-server | ratio |" + System.lineSeparator() + "|---|---:|---:|---:|"
                + System.lineSeparator() + RestartBench.table(natsjCommand(), natsCmd, restartMessages,
                File.createTempFile("natsj-bench-servers", ".log")));
    }

    /** Prints the table, and writes it to {@code --out} when given; returns the exit code. */
    private int emit(String table) throws Exception {
        System.out.print(table);
        if (out != null) {
            Files.writeString(out, table, StandardCharsets.UTF_8);
        }
        return 0;
    }

    private String natsjCommand() {
        return natsjCmd != null ? natsjCmd
                : Path.of(System.getProperty("natsj.root", ".")).resolve("bin/natsj-server").toString();
    }

    private String table(List<Scenario> chosen, Map<Scenario, double[]> natsj, Map<Scenario, double[]> nats,
                         Map<Scenario, double[]> natsjCpu, Map<Scenario, double[]> natsCpu, double seconds)
            throws Exception {
        boolean cpu = chosen.stream().anyMatch(s -> s.messages(1) > 0);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Machine: %d cores, Java %s, %s; %d alternating rounds%s%s%s, %.0f s.%n",
                Runtime.getRuntime().availableProcessors(), Runtime.version(), natsVersion(), rounds,
                cluster != null ? " of " + cluster + "-server clusters" : "", quick ? " (quick)" : "",
                tls ? ", TLS" : "", seconds));
        sb.append("Ratio: natsj/nats-server for throughput, nats-server/natsj for latency (above 1.0 favours natsj).")
                .append(System.lineSeparator());
        if (cpu) {
            sb.append("CPU/msg: the servers' CPU time (user + system, all processes) per message delivered "
                    + "(request-reply: per round trip), median.").append(System.lineSeparator());
        }
        sb.append(System.lineSeparator());
        sb.append("| scenario | what | natsj (median) | nats-server (median) | ratio |")
                .append(cpu ? " natsj CPU/msg | nats-server CPU/msg |" : "").append(System.lineSeparator());
        sb.append("|---|---|---:|---:|---:|").append(cpu ? "---:|---:|" : "").append(System.lineSeparator());
        for (Scenario s : chosen) {
            double a = Stats.median(natsj.get(s));
            double b = Stats.median(nats.get(s));
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s %s | %s %s | %.2f |", s.id(), s.description(),
                    format(a), s.unit(), format(b), s.unit(), Stats.ratio(a, b, s.higherIsBetter())));
            if (cpu) {
                sb.append(s.messages(1) > 0 ? String.format(Locale.ROOT, " %.2f µs | %.2f µs |",
                        Stats.median(natsjCpu.get(s)), Stats.median(natsCpu.get(s))) : " | |");
            }
            sb.append(System.lineSeparator());
        }
        return sb.toString();
    }

    private static String format(double v) {
        return v >= 1000 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private String natsVersion() {
        try {
            Process p = new ProcessBuilder(natsCmd.trim().split("\\s+")[0], "-v").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
            return v;
        } catch (Exception e) {
            return "nats-server (version unknown)";
        }
    }
}
