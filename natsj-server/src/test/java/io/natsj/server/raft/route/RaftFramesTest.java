package io.natsj.server.raft.route;

import io.natsj.server.raft.Entry;
import io.natsj.server.raft.RaftMessage;
import io.natsj.server.raft.host.GroupMessage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RaftFramesTest {

    private static List<GroupMessage> messages(int n, int dataBytes) {
        List<GroupMessage> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new GroupMessage("S-" + i, new RaftMessage.Append("n1", "n2", 3, 10, 2,
                    List.of(new Entry(11, 3, Entry.Type.NORMAL, new byte[dataBytes])), 9, 11)));
            out.add(new GroupMessage("grüppe", new RaftMessage.Heartbeat("n1", "n2", 3, 9)));
        }
        return out;
    }

    private static List<GroupMessage> decodeAll(List<byte[]> frames) {
        List<GroupMessage> out = new ArrayList<>();
        for (byte[] f : frames) {
            out.addAll(RaftFrames.decode(f, 0, f.length));
        }
        return out;
    }

    @Test
    void manyGroupsMessagesTravelInOneFrame() {
        List<GroupMessage> sent = messages(50, 10);
        List<byte[]> frames = RaftFrames.encode(sent, RouteRaftTransport.MAX_FRAME);
        assertThat(frames).hasSize(1);
        assertThat(decodeAll(frames)).isEqualTo(sent);
    }

    @Test
    void framesAreSplitAtTheSizeLimitAndKeepTheOrder() {
        List<GroupMessage> sent = messages(20, 1000);
        List<byte[]> frames = RaftFrames.encode(sent, 5000);
        assertThat(frames).hasSizeGreaterThan(4).allSatisfy(f -> assertThat(f.length).isLessThanOrEqualTo(5000));
        assertThat(decodeAll(frames)).isEqualTo(sent);
        assertThat(RaftFrames.encode(messages(1, 9000), 5000).getFirst().length).isGreaterThan(5000); // alone
    }

    @Test
    void bytesThatAreNotAFrameAreRefused() {
        byte[] good = RaftFrames.encode(messages(2, 4), 10_000).getFirst();
        assertThatThrownBy(() -> RaftFrames.decode(good, 0, good.length - 1))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] version = good.clone();
        version[0] = 9;
        assertThatThrownBy(() -> RaftFrames.decode(version, 0, version.length))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] longer = java.util.Arrays.copyOf(good, good.length + 1);
        assertThatThrownBy(() -> RaftFrames.decode(longer, 0, longer.length))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] count = good.clone();
        count[1] = 0x7f;
        assertThatThrownBy(() -> RaftFrames.decode(count, 0, count.length))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void eachServerHasItsOwnSubjectUnderNrg() {
        assertThat(RouteRaftTransport.subject("n1")).startsWith("$NRG.J.").hasSize(15)
                .isEqualTo(RouteRaftTransport.subject("n1")).isNotEqualTo(RouteRaftTransport.subject("n2"));
    }
}
