package io.natsj.server.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.natsj.server.raft.RaftMessage.Append;
import io.natsj.server.raft.RaftMessage.AppendResponse;
import io.natsj.server.raft.RaftMessage.Heartbeat;
import io.natsj.server.raft.RaftMessage.HeartbeatResponse;
import io.natsj.server.raft.RaftMessage.InstallSnapshot;
import io.natsj.server.raft.RaftMessage.SnapshotResponse;
import io.natsj.server.raft.RaftMessage.TimeoutNow;
import io.natsj.server.raft.RaftMessage.VoteRequest;
import io.natsj.server.raft.RaftMessage.VoteResponse;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RaftMessageCodecTest {

    static Stream<RaftMessage> messages() {
        List<Entry> entries = List.of(
                new Entry(11, 3, Entry.Type.NORMAL, "payload".getBytes()),
                new Entry(12, 4, Entry.Type.NOOP, null),
                new Entry(13, 4, Entry.Type.MEMBERSHIP, Membership.of("a", "b").withLearner("c").encode()));
        return Stream.of(
                new Append("a", "b", 4, 10, 3, entries, 9, 13),
                new Append("server-ü", "b", Long.MAX_VALUE, 0, 0, List.of(), 0, 0),
                new AppendResponse("b", "a", 4, 13, false, 0, 0, 13, false),
                new AppendResponse("b", "a", 4, 10, true, 7, 2, 8, true),
                new Heartbeat("a", "b", 3, 7),
                new HeartbeatResponse("b", "a", 3, 300, true),
                new HeartbeatResponse("b", "a", 3, 0, false),
                new VoteRequest("c", "a", 5, 1 << 20, 4, true, false),
                new VoteRequest("c", "a", 5, 1, 1, false, true),
                new VoteResponse("a", "c", 5, true, true),
                new VoteResponse("a", "c", 6, false, false),
                new InstallSnapshot("a", "b", 4, new Snapshot(100, 3, Membership.of("a", "b", "d"), new byte[] {1, 2})),
                new InstallSnapshot("a", "b", 4, new Snapshot(7, 2, Membership.of("a", "b").withLearner("c"), null)),
                new SnapshotResponse("b", "a", 4, 100),
                new TimeoutNow("a", "b", 4));
    }

    @ParameterizedTest
    @MethodSource("messages")
    void everyMessageSurvivesTheRoundTrip(RaftMessage m) {
        assertThat(RaftMessageCodec.decode(RaftMessageCodec.encode(m))).isEqualTo(m);
    }

    @Test
    void aHeartbeatHasTheDocumentedBytes() {
        byte[] bytes = RaftMessageCodec.encode(new Heartbeat("a", "b", 3, 7));
        assertThat(HexFormat.of().formatHex(bytes)).isEqualTo("03016101620307");
    }

    @Test
    void largeNumbersUseVarints() {
        byte[] bytes = RaftMessageCodec.encode(new Heartbeat("a", "b", 300, 0));
        assertThat(HexFormat.of().formatHex(bytes)).isEqualTo("0301610162ac0200");
    }

    @ParameterizedTest
    @MethodSource("messages")
    void everyTruncationIsRejected(RaftMessage m) {
        byte[] bytes = RaftMessageCodec.encode(m);
        for (int len = 0; len < bytes.length; len++) {
            byte[] cut = Arrays.copyOf(bytes, len);
            assertThatThrownBy(() -> RaftMessageCodec.decode(cut)).as("length " + len)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void randomBytesNeverDecodeIntoSomethingElseThanAnError() {
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 200_000; i++) {
            byte[] junk = new byte[random.nextInt(40)];
            random.nextBytes(junk);
            try {
                RaftMessage m = RaftMessageCodec.decode(junk);
                assertThat(RaftMessageCodec.encode(m)).isEqualTo(junk);
            } catch (IllegalArgumentException expected) {
                // malformed
            }
        }
    }

    @Test
    void aMembershipSurvivesItsEncoding() {
        Membership m = Membership.of("a", "b", "c").withLearner("d");
        assertThat(Membership.decode(m.encode())).isEqualTo(m);
    }

    @Test
    void entriesOutOfOrderCannotBeEncoded() {
        Append bad = new Append("a", "b", 1, 5, 1, List.of(new Entry(7, 1, Entry.Type.NOOP, null)), 0, 7);
        assertThatThrownBy(() -> RaftMessageCodec.encode(bad)).isInstanceOf(IllegalArgumentException.class);
    }
}
