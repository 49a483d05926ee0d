package io.natsj.bench;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Start-up of a server process, as test harnesses see it: from spawning the command (with {@code -a 127.0.0.1
 * -p <free port>}) until a TCP connect to its port succeeds, polled every half millisecond ("listening"), and until
 * the INFO line arrives on that connection ("INFO", the server then serves). natsj and nats-server are launched in
 * turn, A B, B A, …, after one unmeasured launch each (which lets {@code bin/natsj-server} make its archives).
 *
 * <p>Threading: the caller's thread.
 */
final class StartupBench {

    private static final long POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(500);
    private static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(30);

    private StartupBench() {
    }

    /** One launch: milliseconds from spawn to listening and to INFO. */
    record Launch(double listeningMillis, double infoMillis) {
    }

    static Launch launch(String command, File log) throws IOException, InterruptedException {
        int port = ServerProcess.freePort();
        List<String> cmd = new ArrayList<>(Arrays.asList(command.trim().split("\\s+")));
        cmd.addAll(List.of("-a", "127.0.0.1", "-p", Integer.toString(port)));
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log));
        long t0 = System.nanoTime();
        Process p = builder.start();
        try {
            while (true) {
                Socket s = new Socket();
                try {
                    s.connect(new InetSocketAddress("127.0.0.1", port));
                } catch (IOException notYet) {
                    s.close();
                    if (!p.isAlive() || System.nanoTime() - t0 > GIVE_UP_NANOS) {
                        throw new IOException("no listening port: " + command + " (see " + log + ")");
                    }
                    LockSupport.parkNanos(POLL_NANOS);
                    continue;
                }
                try (s) {
                    double listening = (System.nanoTime() - t0) / 1e6;
                    s.setSoTimeout((int) TimeUnit.NANOSECONDS.toMillis(GIVE_UP_NANOS));
                    InputStream in = s.getInputStream();
                    for (int b = in.read(); b != '\n'; b = in.read()) {
                        if (b < 0) {
                            throw new IOException("closed before INFO: " + command);
                        }
                    }
                    return new Launch(listening, (System.nanoTime() - t0) / 1e6);
                }
            }
        } finally {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
    }

    /** The Markdown table: min, median and max of {@code launches} launches of each server. */
    static String table(String natsjCmd, String natsCmd, int launches, File log) throws Exception {
        launch(natsjCmd, log);
        launch(natsCmd, log);
        double[][] natsj = new double[2][launches];
        double[][] nats = new double[2][launches];
        for (int i = 0; i < launches; i++) {
            boolean natsjFirst = i % 2 == 0;
            for (int k = 0; k < 2; k++) {
                boolean isNatsj = (k == 0) == natsjFirst;
                Launch l = launch(isNatsj ? natsjCmd : natsCmd, log);
                double[][] into = isNatsj ? natsj : nats;
                into[0][i] = l.listeningMillis();
                into[1][i] = l.infoMillis();
            }
        }
        String nl = System.lineSeparator();
        return String.format(Locale.ROOT, "Machine: %d cores, Java %s; %d launches each, alternating.%n%n",
                Runtime.getRuntime().availableProcessors(), Runtime.version(), launches)
                + "| launch to | natsj min / median / max | nats-server min / median / max | ratio (medians) |" + nl
                + "|---|---:|---:|---:|" + nl
                + row("listening", natsj[0], nats[0]) + row("INFO", natsj[1], nats[1]);
    }

    private static String row(String what, double[] natsj, double[] nats) {
        return String.format(Locale.ROOT, "| %s | %s | %s | %.2f |%n", what, spread(natsj), spread(nats),
                Stats.ratio(Stats.median(natsj), Stats.median(nats), false));
    }

    private static String spread(double[] ms) {
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "%.0f / %.0f / %.0f ms", sorted[0], Stats.median(ms),
                sorted[sorted.length - 1]);
    }
}
