package io.natsj.server.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The JetStream meta group of three natsj processes in network namespaces of their own, its leader cut off the
 * network: the two others elect a new leader, the cut-off one stops leading on its own (check-quorum: never two
 * leaders), and once joined back it follows the new leader.
 */
@Timeout(240)
class MetaGroupPartitionIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    private NetnsCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** The meta leader server i reports (its /jsz meta_cluster), or null. */
    private String leaderSeenBy(int i) {
        String body = cluster.http(i, "/jsz");
        if (body == null) {
            return null;
        }
        JsonNode leader = JSON.readTree(body).path("meta_cluster").path("leader");
        return leader.isString() ? leader.asString() : null;
    }

    private String agreed(List<Integer> servers) {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            String first = leaderSeenBy(servers.getFirst());
            for (int s : servers) {
                if (!Objects.equals(first, leaderSeenBy(s))) {
                    return null;
                }
            }
            return first;
        }, l -> l != null);
    }

    @Test
    void aCutOffLeaderIsReplacedStopsLeadingAndFollowsOnceJoinedBack() throws Exception {
        assumeTrue(NetnsCluster.available(), "needs root and the ip command (network namespaces)");
        cluster = NetnsCluster.start(dir, 3);
        String first = agreed(List.of(1, 2, 3));
        int cut = Integer.parseInt(first.substring(1));
        List<Integer> others = List.of(1, 2, 3).stream().filter(i -> i != cut).toList();

        long t0 = System.nanoTime();
        cluster.partition(cut);
        String second = await().atMost(Duration.ofSeconds(60)).until(() -> agreed(others), l -> !l.equals(first));
        long elected = (System.nanoTime() - t0) / 1_000_000;
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> !first.equals(leaderSeenBy(cut)));
        long steppedDown = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("meta partition: %s cut off; new leader %s after %d ms; the old one stopped leading"
                + " after %d ms%n", first, second, elected, steppedDown);

        cluster.heal(cut);
        String after = agreed(List.of(1, 2, 3));
        assertThat(after).as(cluster.logs()).isNotEqualTo(null);
    }
}
