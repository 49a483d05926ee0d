package io.natsj.server.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Bad cluster flags and {@code --signal} values given to nats-server 2.9.10 and to natsj: the same error text
 * (nats-server's first output line after {@code nats-server: }). Only values that make nats-server exit before it
 * starts or signals anything. Skipped when nats-server is not installed.
 */
@Timeout(60)
class ClusterFlagsDifferentialIT {

    private static final Path NATS_SERVER = Path.of("/usr/sbin/nats-server");

    private static final List<List<String>> CASES = List.of(
            List.of("--routes", "nats://127.0.0.1:6222"),
            List.of("--cluster_name", "c", "--routes", "nats://127.0.0.1:6222"),
            List.of("--cluster", "0.0.0.0:6222"),
            List.of("--cluster", "localhost:6222"),
            List.of("--cluster", "nats://u@127.0.0.1:6222"),
            List.of("--cluster", "nats://127.0.0.1"),
            List.of("--cluster", "nats://127.0.0.1:abc"),
            List.of("--signal", "bogus=1"),
            List.of("--signal", "ldm=abc"),
            List.of("-sl", "ldm=/no/such/natsj.pid"));

    private static String natsServer(List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of(NATS_SERVER.toString(), "-a", "127.0.0.1", "-p", "-1"));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isNotZero();
        return out.lines().findFirst().orElse("").replaceFirst("^nats-server: ", "");
    }

    private static String natsj(List<String> args) {
        ServerFlags.Result r = ServerFlags.parse(args.toArray(String[]::new));
        return switch (r.action()) {
            case SIGNAL -> SignalCommand.system().run(r.error());
            case ERROR, CONFIG_ERROR -> r.error();
            default -> "accepted";
        };
    }

    @Test
    void sameErrorsAsNatsServer() throws Exception {
        assumeTrue(Files.isExecutable(NATS_SERVER), "nats-server is not installed");
        List<String> disagreements = new ArrayList<>();
        for (List<String> args : CASES) {
            String ns = natsServer(args);
            String nj = natsj(args);
            if (!ns.equals(nj)) {
                disagreements.add(args + ": nats-server=" + ns + " natsj=" + nj);
            }
        }
        assertThat(disagreements).isEmpty();
    }
}
