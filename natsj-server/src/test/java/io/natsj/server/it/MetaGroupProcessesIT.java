package io.natsj.server.it;

import io.natsj.server.it.ClusterProcesses.Kind;
import io.natsj.server.it.ClusterProcesses.MemberConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The JetStream meta group of three natsj processes under real faults: the leader killed ({@code kill -9}) and
 * restarted, the leader paused ({@code SIGSTOP}) and resumed. After each, the servers agree on one leader again;
 * the time from the fault to a new leader that the others follow is printed (the failover figure).
 */
@Timeout(180)
class MetaGroupProcessesIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    private ClusterProcesses cluster;
    private final List<Integer> httpPorts = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

    @BeforeEach
    void start() throws IOException {
        for (int i = 0; i < 3; i++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                httpPorts.add(s.getLocalPort());
            }
        }
        MemberConfig js = (c, i) -> "http_port: " + httpPorts.get(i) + "\n"
                + "jetstream { store_dir: \"" + dir.resolve("s" + (i + 1)) + "\" }\n";
        cluster = ClusterProcesses.start(List.of(Kind.NATSJ, Kind.NATSJ, Kind.NATSJ), js, MemberConfig.NONE);
    }

    @AfterEach
    void stop() throws IOException {
        cluster.close();
    }

    /** The meta leader member {@code i} reports, or null (no leader, or not answering). */
    private String leaderSeenBy(int i) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + httpPorts.get(i) + "/jsz")).timeout(Duration.ofSeconds(1))
                    .build(), HttpResponse.BodyHandlers.ofString());
            JsonNode leader = JSON.readTree(r.body()).path("meta_cluster").path("leader");
            return leader.isString() ? leader.asString() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Waits until every member in {@code members} reports the same leader, one of {@code allowed}; returns it. */
    private String awaitAgreement(List<Integer> members, List<String> allowed) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            String seen = leaderSeenBy(members.getFirst());
            for (int m : members) {
                if (!Objects.equals(seen, leaderSeenBy(m))) {
                    return null;
                }
            }
            return seen;
        }, l -> l != null && allowed.contains(l));
    }

    private static List<String> names() {
        return List.of("s1", "s2", "s3");
    }

    private static int index(String name) {
        return Integer.parseInt(name.substring(1)) - 1;
    }

    private static List<Integer> others(int i) {
        return List.of(0, 1, 2).stream().filter(m -> m != i).toList();
    }

    @Test
    void aKilledLeaderIsReplacedAndRejoinsAfterItsRestart() throws Exception {
        String first = awaitAgreement(List.of(0, 1, 2), names());
        int victim = index(first);
        long t0 = System.nanoTime();
        cluster.kill(victim);
        List<String> survivors = names().stream().filter(n -> !n.equals(first)).toList();
        String second = awaitAgreement(others(victim), survivors);
        System.out.printf("meta failover after kill -9 of %s: %d ms (new leader %s)%n", first,
                (System.nanoTime() - t0) / 1_000_000, second);
        cluster.restart(victim);
        String after = awaitAgreement(List.of(0, 1, 2), names());
        assertThat(after).isNotNull();
    }

    @Test
    void theWholeClusterKilledAndRestartedFindsItsMetaGroupAgain() throws Exception {
        awaitAgreement(List.of(0, 1, 2), names());
        for (int i = 0; i < 3; i++) {
            cluster.kill(i);
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            cluster.restart(i);
        }
        String leader = awaitAgreement(List.of(0, 1, 2), names());
        System.out.printf("meta group back after a whole-cluster kill -9: leader %s %d ms after the restarts%n",
                leader, (System.nanoTime() - t0) / 1_000_000);
        for (int i = 0; i < 3; i++) {
            String log = cluster.log(i); // kept across restarts: the first start formed the group, the second reopened it
            assertThat(log.split("forming the meta group", -1)).as("formed once, then reopened").hasSize(2);
        }
    }

    @Test
    void aPausedLeaderIsReplacedAndFollowsTheNewLeaderWhenResumed() throws Exception {
        String first = awaitAgreement(List.of(0, 1, 2), names());
        int victim = index(first);
        long t0 = System.nanoTime();
        cluster.pause(victim);
        String second;
        try {
            List<String> survivors = names().stream().filter(n -> !n.equals(first)).toList();
            second = awaitAgreement(others(victim), survivors);
            System.out.printf("meta failover after SIGSTOP of %s: %d ms (new leader %s)%n", first,
                    (System.nanoTime() - t0) / 1_000_000, second);
        } finally {
            cluster.resume(victim);
        }
        // the old leader, back, hears of the later term and follows: one leader for all three again
        String after = awaitAgreement(List.of(0, 1, 2), names());
        assertThat(after).isNotNull();
    }
}
