package io.natsj.server.cluster;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RouteEncoderTest {

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static String msg(String acc, String subj, String reply, List<String> queues, String body, int hdr,
                              boolean peerHeaders) {
        byte[] b = ("xx" + body).getBytes(StandardCharsets.ISO_8859_1);
        return s(RouteEncoder.message(acc, subj, reply, queues, b, 2, hdr, body.length(), peerHeaders));
    }

    @Test
    void interestLines() {
        assertThat(s(RouteEncoder.subscribe("$G", "foo.>", null, 0))).isEqualTo("RS+ $G foo.>\r\n");
        assertThat(s(RouteEncoder.subscribe("$G", "foo", "q", 3))).isEqualTo("RS+ $G foo q 3\r\n");
        assertThat(s(RouteEncoder.unsubscribe("$G", "foo", null))).isEqualTo("RS- $G foo\r\n");
        assertThat(s(RouteEncoder.unsubscribe("$G", "foo", "q"))).isEqualTo("RS- $G foo q\r\n");
        assertThat(s(RouteEncoder.subscribe(null, "foo", "q", 12))).isEqualTo("RS+ foo q 12\r\n");
    }

    @Test
    void messagesAsNatsServerWritesThem() {
        assertThat(msg("$G", "foo", null, List.of(), "hello", 0, true)).isEqualTo("RMSG $G foo 5\r\nhello\r\n");
        assertThat(msg("$G", "foo", "r", List.of(), "hi", 0, true)).isEqualTo("RMSG $G foo r 2\r\nhi\r\n");
        assertThat(msg("$G", "foo", "r", List.of("q1", "q2"), "", 0, true))
                .isEqualTo("RMSG $G foo + r q1 q2 0\r\n\r\n");
        assertThat(msg("$G", "foo", null, List.of("q1"), "x", 0, true)).isEqualTo("RMSG $G foo | q1 1\r\nx\r\n");
        String h = "NATS/1.0\r\n\r\n";
        assertThat(msg("$G", "foo", null, List.of(), h + "hi", 12, true))
                .isEqualTo("HMSG $G foo 12 14\r\n" + h + "hi\r\n");
        assertThat(msg("$G", "foo", "r", List.of("q"), h, 12, true)).isEqualTo("HMSG $G foo + r q 12 12\r\n" + h + "\r\n");
        assertThat(msg(null, "foo", null, List.of(), "1234567890", 0, true)).isEqualTo("RMSG foo 10\r\n1234567890\r\n");
    }

    @Test
    void aPeerWithoutHeadersGetsThePayloadOnly() {
        String h = "NATS/1.0\r\n\r\n";
        assertThat(msg("$G", "foo", null, List.of(), h + "hi", 12, false)).isEqualTo("RMSG $G foo 2\r\nhi\r\n");
    }

    @Test
    void whatTheEncoderWritesTheParserReadsBack() {
        RouteParserTest.Recorder r = new RouteParserTest.Recorder();
        RouteParser p = new RouteParser(r, 4096);
        byte[] b = (msg("A", "s", "r", List.of("q1", "q2"), "NATS/1.0\r\n\r\nbody", 12, true)
                + s(RouteEncoder.subscribe("A", "s", "q", 2))).getBytes(StandardCharsets.ISO_8859_1);
        p.parse(b, 0, b.length);
        assertThat(r.ops).containsExactly("MSG null A s r [q1, q2] 12 [NATS/1.0\r\n\r\nbody]", "SUB null A s q 2");
    }
}
