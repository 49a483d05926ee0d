package io.natsj.server.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The {@code cluster {}} block and the lame duck keys given to nats-server 2.9.10 ({@code -t}) and to natsj: the
 * same files accepted, and the same error text (without the position) for the files rejected. Only what 2.9.10 and
 * 2.11 agree on: 2.10's keys ({@code pool_size}, {@code accounts}, {@code compression}) and 2.11's name check are
 * in {@link ClusterConfigTest}. Skipped when nats-server is not installed.
 */
@Timeout(120)
class ClusterConfigDifferentialIT {

    private static final Path NATS_SERVER = Path.of("/usr/sbin/nats-server");

    private static final List<String> VALID = List.of(
            "cluster { port: 6222 }",
            "cluster {\n  name: east\n  listen: \"127.0.0.1:6222\"\n  routes: [ \"nats-route://u:p@127.0.0.1:6223\","
                    + " \"nats://127.0.0.1:6224\" ]\n  advertise: \"h:1\"\n  no_advertise: true\n"
                    + "  connect_retries: 3\n  authorization { user: u, password: p, timeout: 1.5 }\n"
                    + "  permissions { import: \">\", export: { allow: \"a.>\", deny: \"a.b\" } }\n}",
            "cluster { host: 127.0.0.1, port: -1, cluster_advertise: \"x:2\" }",
            "lame_duck_duration: \"45s\"\nlame_duck_grace_period: \"3s\"",
            "lame_duck_duration: \"30s\"\nlame_duck_grace_period: \"40s\"");

    /** Rejected files and the error both servers give. */
    private static final Map<String, String> INVALID = Map.ofEntries(
            Map.entry("cluster: 5", "Expected map to define cluster, got int64"),
            Map.entry("cluster { listen: \"abc\" }", "could not parse address string \"abc\""),
            Map.entry("cluster { listen: \"1.2.3.4:x\" }", "could not parse port \"x\""),
            Map.entry("cluster { authorization { user: a, password: b, users: [ {user: c} ] } }",
                    "Cluster authorization does not allow multiple users"),
            Map.entry("cluster { authorization { token: t } }", "Cluster authorization does not support tokens"),
            Map.entry("cluster { routes: [ \"nats://a b:1\" ] }", "error parsing route url [\"nats://a b:1\"]"),
            Map.entry("cluster { permissions { allow_responses: true } }",
                    "Cluster permissions do not support dynamic responses"),
            Map.entry("cluster { permissions { export: { allow: \"a..b\" } } }",
                    "subject \"a..b\" is not a valid subject"),
            Map.entry("cluster { bogus: 1 }", "unknown field \"bogus\""),
            Map.entry("lame_duck_duration: \"10s\"", "invalid lame_duck_duration of 10s, minimum is 30 seconds"),
            Map.entry("lame_duck_duration: \"x\"", "error parsing lame_duck_duration: time: invalid duration \"x\""),
            Map.entry("lame_duck_grace_period: \"-1s\"", "invalid lame_duck_grace_period, needs to be positive"));

    @TempDir
    Path dir;

    /** nats-server's verdict: null when valid, else its first error without the position. */
    private static String natsServer(Path file) throws Exception {
        Process p = new ProcessBuilder(NATS_SERVER.toString(), "-t", "-c", file.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return p.exitValue() == 0 ? null : reason(out.lines().findFirst().orElse(""));
    }

    /** natsj's verdict, in the same form. */
    private static String natsj(Path file) {
        try {
            ConfigLoader.load(file, Map.<String, String>of()::get);
            return null;
        } catch (ConfigException e) {
            return reason(e.errors().getFirst());
        }
    }

    /** The error text after {@code file:line:column: }. */
    private static String reason(String line) {
        int conf = line.indexOf(".conf:");
        String rest = conf < 0 ? line : line.substring(conf + ".conf:".length());
        return rest.replaceFirst("^\\d+:\\d+: ", "");
    }

    private Path write(int i, String text) throws IOException {
        return Files.writeString(dir.resolve("case" + i + ".conf"), text);
    }

    @Test
    void bothAcceptTheSameFilesAndRejectTheOthersWithTheSameWords() throws Exception {
        assumeTrue(Files.isExecutable(NATS_SERVER), "nats-server is not installed");
        List<String> disagreements = new ArrayList<>();
        int i = 0;
        for (String text : VALID) {
            Path f = write(i++, text);
            String ns = natsServer(f);
            String nj = natsj(f);
            if (ns != null || nj != null) {
                disagreements.add(text + ": nats-server=" + ns + " natsj=" + nj);
            }
        }
        for (Map.Entry<String, String> e : INVALID.entrySet()) {
            Path f = write(i++, e.getKey());
            String ns = natsServer(f);
            String nj = natsj(f);
            if (!e.getValue().equals(ns) || !e.getValue().equals(nj)) {
                disagreements.add(e.getKey() + ": expected " + e.getValue() + ", nats-server=" + ns + " natsj="
                        + nj);
            }
        }
        assertThat(disagreements).isEmpty();
    }
}
