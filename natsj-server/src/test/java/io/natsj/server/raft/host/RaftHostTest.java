package io.natsj.server.raft.host;

import io.natsj.server.raft.Entry;
import io.natsj.server.raft.Membership;
import io.natsj.server.raft.RaftConfig;
import io.natsj.server.raft.Snapshot;
import io.natsj.server.raft.store.FileRaftStorage;
import io.natsj.server.store.io.FaultyFileIO;
import io.natsj.server.util.ServerClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Raft hosts of three servers in one JVM, wired by an in-memory transport that can cut a server off. */
@Timeout(60)
class RaftHostTest {

    private static final List<String> SERVERS = List.of("S1", "S2", "S3");
    private static final Membership VOTERS = Membership.of("S1", "S2", "S3");
    private static final long TICK = TimeUnit.MILLISECONDS.toNanos(10);

    private final Map<String, RaftHost> hosts = new ConcurrentHashMap<>();
    private final Map<String, FaultyFileIO> disks = new HashMap<>();
    private final Map<String, Map<String, Log>> machines = new ConcurrentHashMap<>();
    private final Set<String> cutOff = ConcurrentHashMap.newKeySet();
    private final AtomicLong sends = new AtomicLong();

    /** The replicated state: the entries applied, in order. */
    static final class Log implements GroupStateMachine {
        final List<String> applied = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void apply(Entry entry) {
            applied.add(new String(entry.data(), StandardCharsets.UTF_8));
        }

        @Override
        public byte[] snapshot() {
            return String.join("\n", applied).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public void restore(Snapshot snapshot) {
            applied.clear();
            String s = new String(snapshot.data(), StandardCharsets.UTF_8);
            if (!s.isEmpty()) {
                applied.addAll(List.of(s.split("\n")));
            }
        }
    }


    private RaftHost start(String server) {
        RaftHost host = new RaftHost(server, (peer, messages) -> {
            sends.incrementAndGet();
            RaftHost to = hosts.get(peer);
            if (to != null && !cutOff.contains(peer) && !cutOff.contains(server)) {
                to.receive(messages);
            }
        }, ServerClock.SYSTEM, TICK, new SplittableRandom(server.hashCode()));
        hosts.put(server, host.start());
        return host;
    }

    private RaftGroup open(String server, String group) throws IOException {
        FaultyFileIO io = disks.computeIfAbsent(server, s -> new FaultyFileIO());
        FileRaftStorage storage = FileRaftStorage.open(io, Path.of("/" + server, group), VOTERS, 64 * 1024);
        Log log = new Log();
        machines.computeIfAbsent(server, s -> new ConcurrentHashMap<>()).put(group, log);
        return hosts.get(server).open(group, RaftConfig::of, storage, log);
    }

    private Map<String, RaftGroup> openEverywhere(String group) throws IOException {
        Map<String, RaftGroup> out = new HashMap<>();
        for (String s : SERVERS) {
            out.put(s, open(s, group));
        }
        return out;
    }

    private static RaftGroup awaitLeader(Map<String, RaftGroup> replicas) {
        return await().atMost(Duration.ofSeconds(10)).until(
                () -> replicas.values().stream().filter(RaftGroup::isLeader).findFirst().orElse(null),
                g -> g != null);
    }

    private List<String> applied(String server, String group) {
        return List.copyOf(machines.get(server).get(group).applied);
    }

    @AfterEach
    void stop() {
        hosts.values().forEach(RaftHost::close);
    }

    @Test
    void proposalsOnTheLeaderAreAppliedInOrderOnEveryReplica() throws Exception {
        SERVERS.forEach(this::start);
        Map<String, RaftGroup> g = openEverywhere("G");
        RaftGroup leader = awaitLeader(g);
        List<Long> indexes = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            indexes.add(leader.propose(("m" + i).getBytes(StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS));
        }
        assertThat(indexes).isSorted().doesNotHaveDuplicates();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            expected.add("m" + i);
        }
        for (String s : SERVERS) {
            await().atMost(Duration.ofSeconds(5)).until(() -> applied(s, "G").size() == 50);
            assertThat(applied(s, "G")).containsExactlyElementsOf(expected);
        }
        assertThat(g.values()).extracting(RaftGroup::leader).containsOnly(leader.leader());
    }

    @Test
    void aFollowerRefusesProposalsAndNamesTheLeader() throws Exception {
        SERVERS.forEach(this::start);
        Map<String, RaftGroup> g = openEverywhere("G");
        RaftGroup leader = awaitLeader(g);
        leader.propose("x".getBytes(StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS);
        RaftGroup follower = g.values().stream().filter(r -> !r.isLeader()).findFirst().orElseThrow();
        await().atMost(Duration.ofSeconds(5)).until(() -> leader.leader().equals(follower.leader()));
        assertThatThrownBy(() -> follower.propose("y".getBytes(StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(RaftGroup.NotAppliedException.class)
                .satisfies(e -> assertThat(((RaftGroup.NotAppliedException) e).leader()).isEqualTo(leader.leader()));
    }

    @Test
    void aCutOffLeaderIsReplacedAndCatchesUpWhenItReturns() throws Exception {
        SERVERS.forEach(this::start);
        Map<String, RaftGroup> g = openEverywhere("G");
        RaftGroup first = awaitLeader(g);
        String old = first.leader();
        first.propose("before".getBytes(StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS);
        cutOff.add(old);
        Map<String, RaftGroup> rest = new HashMap<>(g);
        rest.remove(old);
        RaftGroup second = await().atMost(Duration.ofSeconds(10)).until(
                () -> rest.values().stream().filter(RaftGroup::isLeader).findFirst().orElse(null), r -> r != null);
        second.propose("after".getBytes(StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> !g.get(old).isLeader()); // check-quorum: it steps down
        cutOff.clear();
        await().atMost(Duration.ofSeconds(10)).until(() -> applied(old, "G").equals(List.of("before", "after")));
    }

    @Test
    void aCrashedServerRestartsFromItsDiskAndCatchesUp() throws Exception {
        SERVERS.forEach(this::start);
        Map<String, RaftGroup> g = openEverywhere("G");
        RaftGroup leader = awaitLeader(g);
        for (int i = 0; i < 20; i++) {
            leader.propose(("a" + i).getBytes(StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS);
        }
        String victim = SERVERS.stream().filter(s -> !s.equals(leader.leader())).findFirst().orElseThrow();
        await().atMost(Duration.ofSeconds(5)).until(() -> applied(victim, "G").size() == 20);
        hosts.remove(victim).close();
        disks.put(victim, disks.get(victim).crash());
        for (int i = 0; i < 20; i++) {
            leader.propose(("b" + i).getBytes(StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS);
        }
        start(victim);
        open(victim, "G");
        await().atMost(Duration.ofSeconds(10)).until(() -> applied(victim, "G").size() == 40);
        assertThat(applied(victim, "G")).isEqualTo(applied(leader.leader(), "G"));
    }

    @Test
    void aReplicaWithADamagedLogRecoversFromTheLeader() throws Exception {
        SERVERS.forEach(this::start);
        Map<String, RaftGroup> g = openEverywhere("G");
        RaftGroup leader = awaitLeader(g);
        for (int i = 0; i < 30; i++) {
            leader.propose(("a" + i).getBytes(StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS);
        }
        String victim = SERVERS.stream().filter(s -> !s.equals(leader.leader())).findFirst().orElseThrow();
        await().atMost(Duration.ofSeconds(5)).until(() -> applied(victim, "G").size() == 30);
        hosts.remove(victim).close();
        FaultyFileIO disk = disks.get(victim).crash();
        Path newest = disk.allFiles().stream().filter(p -> p.toString().endsWith(".seg")).reduce((a, b) -> b)
                .orElseThrow();
        byte[] bytes = disk.bytes(newest);
        bytes[bytes.length / 2] ^= 0x20; // synced, acknowledged entries change: damage
        disk.setBytes(newest, bytes);
        disks.put(victim, disk);
        start(victim);
        RaftGroup back = open(victim, "G");
        assertThat(back.recovering()).as("the damage is seen at start").isTrue();
        leader.propose("b".getBytes(StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> !back.recovering());
        await().atMost(Duration.ofSeconds(10)).until(() -> applied(victim, "G").size() == 31);
        assertThat(applied(victim, "G")).isEqualTo(applied(leader.leader(), "G"));
    }

    @Test
    void manyGroupsShareOneSendPerPeerAndRound() throws Exception {
        SERVERS.forEach(this::start);
        int groups = 100;
        List<Map<String, RaftGroup>> all = new ArrayList<>();
        for (int i = 0; i < groups; i++) {
            all.add(openEverywhere("G" + i));
        }
        for (Map<String, RaftGroup> g : all) {
            awaitLeader(g).propose("v".getBytes(StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS);
        }
        long before = sends.get();
        long t0 = System.nanoTime();
        await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> true);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double perSecond = (sends.get() - before) / seconds;
        // 100 leaders heartbeat every 2 ticks (20 ms), 2 peers each, answers too: 20,000 messages a second. One send
        // per peer pair and round is at most 6 pairs x 100 ticks a second x a few steps.
        assertThat(perSecond).isLessThan(6 * 100 * 4);
        assertThat(perSecond).isGreaterThan(0);
    }
}
