package io.natsj.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The bench tool's cluster mode on a 3-server nats-server cluster (skipped where nats-server is not installed): the
 * mesh forms from the generated config files, and the cluster scenarios carry messages from server 1 to server 2.
 */
@Timeout(120)
class BenchClusterTest {

    private static final String NATS_SERVER = "/usr/sbin/nats-server";

    @Test
    void clusterScenariosRunAcrossARoute() throws Exception {
        assumeTrue(Files.isExecutable(Path.of(NATS_SERVER)), "nats-server is not installed at " + NATS_SERVER);
        File log = File.createTempFile("natsj-bench-test", ".log");
        try (BenchCluster cluster = BenchCluster.start(NATS_SERVER, 3, log)) {
            assertThat(cluster.urls()).hasSize(3).doesNotHaveDuplicates();
            assertThat(Scenario.CLUSTER_PUBSUB.run(cluster.urls(), 1000)).isPositive();
            assertThat(Scenario.CLUSTER_FANOUT.run(cluster.urls(), 1000)).isPositive();
            assertThat(Scenario.CLUSTER_REQREP.run(cluster.urls(), 1000)).isPositive();
            assertThat(cluster.cpuTicks()).isPositive();
        } finally {
            Files.deleteIfExists(log.toPath());
        }
    }
}
