package io.natsj.server.jetstream.cluster;

import io.natsj.server.jetstream.cluster.PeerPlacement.Candidate;
import io.natsj.server.jetstream.cluster.PeerPlacement.Request;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PeerPlacementTest {

    private static final long GB = 1L << 30;

    private static Candidate server(String id, String... tags) {
        return new Candidate(id, "east", Set.of(tags), true, false, GB, 10 * GB, 0, 0);
    }

    private static Request r(int replicas, String... tags) {
        return new Request(replicas, "east", false, 0, List.of(tags), null, List.of(), Set.of());
    }

    private static List<String> choose(Request req, List<Candidate> servers) throws PeerPlacement.NoPeers {
        return PeerPlacement.choose(req, servers, new SplittableRandom(7));
    }

    private static List<Candidate> five() {
        return List.of(server("s1"), server("s2"), server("s3"), server("s4"), server("s5"));
    }

    @Test
    void aReplicatedStreamGoesToDistinctServersOfTheTargetClusterOnly() throws Exception {
        List<Candidate> servers = new ArrayList<>(five());
        servers.add(new Candidate("w1", "west", Set.of(), true, false, GB, 100 * GB, 0, 0));
        List<String> peers = choose(r(3), servers);
        assertThat(peers).hasSize(3).doesNotHaveDuplicates().doesNotContain("w1");
    }

    @Test
    void replicatedAssetsAreSpreadAndSingleReplicasGoWhereMostRoomIs() throws Exception {
        List<Candidate> servers = List.of(
                new Candidate("busy", "east", Set.of(), true, false, GB, 90 * GB, 9, 9),
                new Candidate("a", "east", Set.of(), true, false, GB, 10 * GB, 1, 1),
                new Candidate("b", "east", Set.of(), true, false, GB, 20 * GB, 2, 2),
                new Candidate("c", "east", Set.of(), true, false, GB, 30 * GB, 0, 3));
        assertThat(choose(r(3), servers)).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(choose(r(1), servers)).containsExactly("busy");
    }

    @Test
    void placementTagsMustAllBePresentAndExclusionsAbsent() throws Exception {
        List<Candidate> servers = List.of(server("s1", "ssd", "az:1"), server("s2", "ssd", "az:2"),
                server("s3", "hdd", "az:3"), server("s4", "ssd", "az:1", "slow"));
        assertThat(choose(r(2, "ssd", "!slow"), servers)).containsExactlyInAnyOrder("s1", "s2");
        assertThatThrownBy(() -> choose(r(3, "ssd", "!slow"), servers))
                .isInstanceOf(PeerPlacement.NoPeers.class)
                .hasMessage("no suitable peers for placement, tags not matched ['ssd'], tags excluded ['slow']");
    }

    @Test
    void theUniqueTagAllowsOneServerPerValue() throws Exception {
        List<Candidate> servers = List.of(server("s1", "az:1"), server("s2", "az:1"), server("s3", "az:2"),
                server("s4", "az:3"), server("s5"));
        Request three = new Request(3, "east", false, 0, List.of(), "az:", List.of(), Set.of());
        List<String> peers = choose(three, servers);
        assertThat(peers).hasSize(3).contains("s3", "s4").doesNotContain("s5");
        assertThat(peers.stream().filter(p -> p.equals("s1") || p.equals("s2"))).hasSize(1);
        Request four = new Request(4, "east", false, 0, List.of(), "az:", List.of(), Set.of());
        assertThatThrownBy(() -> choose(four, servers))
                .hasMessage("no suitable peers for placement, server tag not unique");
        Request named = new Request(2, "east", false, 0, List.of("az:1"), "az:", List.of(), Set.of());
        assertThat(choose(named, servers)).containsExactlyInAnyOrder("s1", "s2"); // naming it lifts the rule
    }

    @Test
    void serversWithoutRoomForMaxBytesAreLeftOut() {
        Request big = new Request(3, "east", true, 2 * GB, List.of(), null, List.of(), Set.of());
        assertThatThrownBy(() -> choose(big, five()))
                .hasMessage("no suitable peers for placement, insufficient storage");
    }

    @Test
    void excludedServersUnheardServersAndAnEmptyClusterAreReported() {
        List<Candidate> servers = List.of(server("s1", "!jetstream"), server("s2"),
                new Candidate("s3", "east", Set.of(), false, false, GB, GB, 0, 0));
        assertThatThrownBy(() -> choose(r(3), servers))
                .hasMessage("no suitable peers for placement, peer offline, exclude tag set");
        assertThatThrownBy(() -> choose(r(1), List.of()))
                .hasMessage("no suitable peers for placement, jetstream not enabled in cluster");
    }

    @Test
    void enoughServersButNoOnlineQuorumIsOffline() {
        List<Candidate> servers = List.of(server("s1"),
                new Candidate("s2", "east", Set.of(), true, true, GB, GB, 0, 0),
                new Candidate("s3", "east", Set.of(), true, true, GB, GB, 0, 0));
        assertThatThrownBy(() -> choose(r(3), servers)).hasMessage("no suitable peers for placement, peer offline");
    }

    @Test
    void existingPeersAreKeptFirstAndNewOnesAdded() throws Exception {
        Request grow = new Request(3, "east", false, 0, List.of(), null, List.of("s4"), Set.of("s5"));
        List<String> peers = choose(grow, five());
        assertThat(peers).hasSize(3).startsWith("s4").doesNotContain("s5").doesNotHaveDuplicates();
        Request shrink = new Request(1, "east", false, 0, List.of(), null, List.of("s4", "s2", "s1"), Set.of());
        assertThat(choose(shrink, five())).containsExactly("s4");
    }

    @Test
    void theSameInputsAndSeedGiveTheSameChoice() throws Exception {
        assertThat(choose(r(2), five())).isEqualTo(choose(r(2), five()));
    }
}
