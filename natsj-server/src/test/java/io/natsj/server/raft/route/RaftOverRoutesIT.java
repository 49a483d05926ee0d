package io.natsj.server.raft.route;

import io.natsj.server.it.JsClusterFixture;
import io.natsj.server.raft.Entry;
import io.natsj.server.raft.Membership;
import io.natsj.server.raft.RaftConfig;
import io.natsj.server.raft.Snapshot;
import io.natsj.server.raft.host.GroupStateMachine;
import io.natsj.server.raft.host.RaftGroup;
import io.natsj.server.raft.store.FileRaftStorage;
import io.natsj.server.store.io.DiskFileIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A Raft group replicated by three natsj servers of one cluster, its traffic on {@code $NRG.} over the routes. */
@Timeout(90)
class RaftOverRoutesIT {

    private static final List<String> NAMES = List.of("n1", "n2", "n3");
    private static final Membership VOTERS = Membership.of("n1", "n2", "n3");

    @TempDir
    Path dir;

    private JsClusterFixture cluster;
    private final Map<String, RaftGroup> groups = new LinkedHashMap<>();
    private final Map<String, List<String>> applied = new LinkedHashMap<>();

    @AfterEach
    void stop() {
        cluster.close();
    }

    private RaftGroup open(String name) throws IOException {
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        applied.put(name, log);
        FileRaftStorage storage = FileRaftStorage.open(DiskFileIO.INSTANCE, dir.resolve(name).resolve("raft/T"),
                VOTERS, 1 << 20);
        RaftGroup g = cluster.server(name).raftHost().open("T", RaftConfig::of, storage, new GroupStateMachine() {
            @Override
            public void apply(Entry entry) {
                log.add(new String(entry.data(), StandardCharsets.UTF_8));
            }

            @Override
            public byte[] snapshot() {
                return new byte[0];
            }

            @Override
            public void restore(Snapshot snapshot) {
            }
        });
        groups.put(name, g);
        return g;
    }

    private void startAll() throws IOException {
        cluster = new JsClusterFixture(dir, "raft", NAMES);
        for (String n : NAMES) {
            cluster.start(n);
            open(n);
        }
    }

    private RaftGroup awaitLeader(List<String> among) {
        return await().atMost(Duration.ofSeconds(15)).until(() -> among.stream().map(groups::get)
                .filter(RaftGroup::isLeader).findFirst().orElse(null), g -> g != null);
    }

    private static String name(RaftGroup g) {
        return g.leader();
    }

    @Test
    void proposalsAreReplicatedToEveryServerOverTheRoutes() throws Exception {
        startAll();
        RaftGroup leader = awaitLeader(NAMES);
        for (int i = 0; i < 200; i++) {
            leader.propose(("m" + i).getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
        }
        for (String n : NAMES) {
            await().atMost(Duration.ofSeconds(10)).until(() -> applied.get(n).size() == 200);
            assertThat(List.copyOf(applied.get(n))).isEqualTo(List.copyOf(applied.get(name(leader))));
        }
    }

    @Test
    void aNewLeaderTakesOverWhenTheLeadersServerStopsAndTheServerCatchesUpOnReturn() throws Exception {
        startAll();
        RaftGroup leader = awaitLeader(NAMES);
        String old = name(leader);
        for (int i = 0; i < 20; i++) {
            leader.propose(("a" + i).getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
        }
        cluster.stop(old);
        long stopped = System.nanoTime();
        List<String> rest = NAMES.stream().filter(n -> !n.equals(old)).toList();
        RaftGroup next = awaitLeader(rest);
        next.propose("after".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
        long failoverMillis = (System.nanoTime() - stopped) / 1_000_000;
        assertThat(failoverMillis).as("stop to first commit by the new leader").isLessThan(10_000);
        System.out.printf("raft failover over routes: %d ms%n", failoverMillis);

        cluster.start(old);
        open(old);
        await().atMost(Duration.ofSeconds(15)).until(() -> applied.get(old).size() == 21);
        assertThat(List.copyOf(applied.get(old))).isEqualTo(List.copyOf(applied.get(name(next))));
    }
}
