package io.natsj.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EncodersTest {

    private static String str(byte[] b, int off, int len) {
        return new String(b, off, len, StandardCharsets.ISO_8859_1);
    }

    @Test
    void writesMsgLinesOfExactlyTheAnnouncedLength() {
        byte[] dst = new byte[200];
        int len = MsgEncoder.msgLineLength("foo.bar", "12", null, 0);
        int end = MsgEncoder.writeMsgLine(dst, 5, "foo.bar", "12", null, 0);
        assertThat(end - 5).isEqualTo(len);
        assertThat(str(dst, 5, len)).isEqualTo("MSG foo.bar 12 0\r\n");

        len = MsgEncoder.msgLineLength("foo", "1", "_INBOX.x", 1048576);
        end = MsgEncoder.writeMsgLine(dst, 0, "foo", "1", "_INBOX.x", 1048576);
        assertThat(end).isEqualTo(len);
        assertThat(str(dst, 0, len)).isEqualTo("MSG foo 1 _INBOX.x 1048576\r\n");

        len = MsgEncoder.msgLineLength("foo", "1", "", 10);
        end = MsgEncoder.writeMsgLine(dst, 0, "foo", "1", "", 10);
        assertThat(end).isEqualTo(len);
        assertThat(str(dst, 0, end)).as("an empty reply is an empty token, as in nats-server's JetStream messages")
                .isEqualTo("MSG foo 1  10\r\n");
    }

    @Test
    void writesHmsgLinesOfExactlyTheAnnouncedLength() {
        byte[] dst = new byte[200];
        int len = MsgEncoder.hmsgLineLength("_INBOX.abc", "7", null, 16, 16);
        int end = MsgEncoder.writeHmsgLine(dst, 1, "_INBOX.abc", "7", null, 16, 16);
        assertThat(end - 1).isEqualTo(len);
        assertThat(str(dst, 1, len)).isEqualTo("HMSG _INBOX.abc 7 16 16\r\n");

        len = MsgEncoder.hmsgLineLength("s", "99", "r", 9, 123456789);
        end = MsgEncoder.writeHmsgLine(dst, 0, "s", "99", "r", 9, 123456789);
        assertThat(end).isEqualTo(len);
        assertThat(str(dst, 0, len)).isEqualTo("HMSG s 99 r 9 123456789\r\n");
    }

    @Test
    void writesSubjectsBackByteForByte() {
        byte[] wire = "caf\u00c3\u00a9".getBytes(StandardCharsets.ISO_8859_1); // UTF-8 of "café" as it came in
        String subject = new String(wire, StandardCharsets.ISO_8859_1);
        byte[] dst = new byte[64];
        int end = MsgEncoder.writeMsgLine(dst, 0, subject, "1", null, 0);
        assertThat(end).isEqualTo(MsgEncoder.msgLineLength(subject, "1", null, 0));
        byte[] expected = new byte[] {'M', 'S', 'G', ' ', 'c', 'a', 'f', (byte) 0xC3, (byte) 0xA9, ' ', '1', ' ', '0',
            '\r', '\n'};
        assertThat(java.util.Arrays.copyOf(dst, end)).isEqualTo(expected);
    }

    @Test
    void countsAndWritesDigits() {
        for (int v : new int[] {0, 9, 10, 99, 100, 65535, 999_999_999, Integer.MAX_VALUE}) {
            byte[] dst = new byte[12];
            int end = MsgEncoder.writeInt(dst, 1, v);
            assertThat(end - 1).isEqualTo(MsgEncoder.digits(v)).isEqualTo(Integer.toString(v).length());
            assertThat(str(dst, 1, end - 1)).isEqualTo(Integer.toString(v));
        }
        assertThatThrownBy(() -> MsgEncoder.digits(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void buildsTheNoRespondersMessageNatsServerSends() {
        // Captured from nats-server 2.9.10: SUB _INBOX.abc 7, then PUB nobody _INBOX.abc 2 with no subscriber.
        String captured = "HMSG _INBOX.abc 7 16 16\r\nNATS/1.0 503\r\n\r\n\r\n";
        byte[] hdr = StatusHeaders.NO_RESPONDERS;
        assertThat(hdr).hasSize(16);
        byte[] dst = new byte[64];
        int pos = MsgEncoder.writeHmsgLine(dst, 0, "_INBOX.abc", "7", null, hdr.length, hdr.length);
        System.arraycopy(hdr, 0, dst, pos, hdr.length);
        pos += hdr.length;
        System.arraycopy(ServerOps.CRLF, 0, dst, pos, 2);
        pos += 2;
        assertThat(str(dst, 0, pos)).isEqualTo(captured);
    }

    @Test
    void buildsStatusHeaderBlocks() {
        assertThat(str(StatusHeaders.status(404), 0, StatusHeaders.status(404).length))
            .isEqualTo("NATS/1.0 404\r\n\r\n");
        byte[] b = StatusHeaders.status(408, "Request Timeout");
        assertThat(str(b, 0, b.length)).isEqualTo("NATS/1.0 408 Request Timeout\r\n\r\n");
        b = StatusHeaders.builder(100, "Idle Heartbeat").add("Nats-Last-Consumer", "3")
            .add("Nats-Last-Stream", "5").toBytes();
        assertThat(str(b, 0, b.length))
            .isEqualTo("NATS/1.0 100 Idle Heartbeat\r\nNats-Last-Consumer: 3\r\nNats-Last-Stream: 5\r\n\r\n");
        assertThatThrownBy(() -> StatusHeaders.builder(100, null).add("Bad Name", "x"))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StatusHeaders.builder(100, null).add("Name", "x\r\ny"))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StatusHeaders.status(42)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void providesTheConstantControlLines() {
        assertThat(new String(ServerOps.PING)).isEqualTo("PING\r\n");
        assertThat(new String(ServerOps.PONG)).isEqualTo("PONG\r\n");
        assertThat(new String(ServerOps.OK)).isEqualTo("+OK\r\n");
        assertThat(new String(ServerOps.errLine("Invalid Subject"))).isEqualTo("-ERR 'Invalid Subject'\r\n");
        assertThat(new String(ServerOps.infoLine("{}".getBytes()))).isEqualTo("INFO {} \r\n");
    }
}
