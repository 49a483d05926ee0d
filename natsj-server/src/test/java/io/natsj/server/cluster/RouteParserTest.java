package io.natsj.server.cluster;

import io.natsj.server.protocol.ProtocolError;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RouteParserTest {

    /** Records every callback as one line of text. */
    static final class Recorder implements RouteOpHandler {
        final List<String> ops = new ArrayList<>();

        @Override
        public void onConnect(byte[] buf, int off, int len) {
            ops.add("CONNECT " + new String(buf, off, len, StandardCharsets.ISO_8859_1));
        }

        @Override
        public void onInfo(byte[] buf, int off, int len) {
            ops.add("INFO " + new String(buf, off, len, StandardCharsets.ISO_8859_1));
        }

        @Override
        public void onPing() {
            ops.add("PING");
        }

        @Override
        public void onPong() {
            ops.add("PONG");
        }

        @Override
        public void onOk() {
            ops.add("+OK");
        }

        @Override
        public void onErr(String text) {
            ops.add("-ERR " + text);
        }

        @Override
        public void onSubscribe(String origin, String account, String subject, String queue, int weight) {
            ops.add("SUB " + origin + " " + account + " " + subject + " " + queue + " " + weight);
        }

        @Override
        public void onUnsubscribe(String origin, String account, String subject, String queue) {
            ops.add("UNSUB " + origin + " " + account + " " + subject + " " + queue);
        }

        @Override
        public void onMessage(String origin, String account, String subject, String reply, List<String> queues,
                              byte[] buf, int off, int hdrLen, int totalLen) {
            ops.add("MSG " + origin + " " + account + " " + subject + " " + reply + " " + queues + " " + hdrLen + " ["
                    + new String(buf, off, totalLen, StandardCharsets.ISO_8859_1) + "]");
        }

        @Override
        public void onProtocolError(ProtocolError error, String detail) {
            ops.add("ERROR " + error);
        }
    }

    private static final String STREAM = ""
            + "INFO {\"server_id\":\"S1\"}\r\n"
            + "CONNECT {\"name\":\"S1\"}\r\n"
            + "PING\r\npong\r\n+OK\r\n"
            + "-ERR 'Stale Connection'\r\n"
            + "RS+ $G foo\r\n"
            + "RS+ $G foo.* workers 3\r\n"
            + "rs- $G foo\r\n"
            + "RS- $G foo.* workers\r\n"
            + "LS+ leafc $G bar q 1\r\n"
            + "LS+ leafc $G bar\r\n"
            + "LS- $G bar q\r\n"
            + "RMSG $G foo 5\r\nhello\r\n"
            + "RMSG $G foo _INBOX.1 2\r\nhi\r\n"
            + "RMSG $G foo + _INBOX.2 q1 q2 3\r\nabc\r\n"
            + "RMSG $G foo | q1 0\r\n\r\n"
            + "HMSG $G foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\n"
            + "HMSG $G foo r 12 12\r\nNATS/1.0\r\n\r\n\r\n"
            + "HMSG $G foo + r q 12 13\r\nNATS/1.0\r\n\r\nx\r\n"
            + "HMSG $G foo | q1 q2 12 13\r\nNATS/1.0\r\n\r\ny\r\n"
            + "LMSG leafc $G foo 0 1\r\nz\r\n"
            + "LMSG leafc $G foo | q 0 1\r\nz\r\n"
            + "A+ $G\r\nA- $G\r\n"
            + "RMSG\t$G  foo\t 2\r\nok\r\n";

    private static final List<String> EXPECTED = List.of(
            "INFO {\"server_id\":\"S1\"}",
            "CONNECT {\"name\":\"S1\"}",
            "PING", "PONG", "+OK",
            "-ERR 'Stale Connection'",
            "SUB null $G foo null 0",
            "SUB null $G foo.* workers 3",
            "UNSUB null $G foo null",
            "UNSUB null $G foo.* workers",
            "SUB leafc $G bar q 1",
            "SUB leafc $G bar null 0",
            "UNSUB null $G bar q",
            "MSG null $G foo null [] 0 [hello]",
            "MSG null $G foo _INBOX.1 [] 0 [hi]",
            "MSG null $G foo _INBOX.2 [q1, q2] 0 [abc]",
            "MSG null $G foo null [q1] 0 []",
            "MSG null $G foo null [] 12 [NATS/1.0\r\n\r\nhi]",
            "MSG null $G foo r [] 12 [NATS/1.0\r\n\r\n]",
            "MSG null $G foo r [q] 12 [NATS/1.0\r\n\r\nx]",
            "MSG null $G foo null [q1, q2] 12 [NATS/1.0\r\n\r\ny]",
            "MSG leafc $G foo null [] 0 [z]",
            "MSG leafc $G foo null [q] 0 [z]",
            "MSG null $G foo null [] 0 [ok]");

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static List<String> parseSplit(String input, int... cuts) {
        Recorder r = new Recorder();
        RouteParser p = new RouteParser(r, 4096 * 16);
        byte[] b = bytes(input);
        int from = 0;
        for (int cut : cuts) {
            p.parse(b, from, cut - from);
            from = cut;
        }
        p.parse(b, from, b.length - from);
        return r.ops;
    }

    @Test
    void parsesEveryRouteOp() {
        assertThat(parseSplit(STREAM)).containsExactlyElementsOf(EXPECTED);
    }

    @Test
    void givesTheSameOpsWhereverTheStreamIsSplit() {
        int len = STREAM.length();
        for (int cut = 1; cut < len; cut++) {
            assertThat(parseSplit(STREAM, cut)).as("cut at %d", cut).containsExactlyElementsOf(EXPECTED);
        }
        for (int a = 1; a < len; a += 7) {
            for (int b = a + 1; b < len; b += 5) {
                assertThat(parseSplit(STREAM, a, b)).as("cuts at %d,%d", a, b).containsExactlyElementsOf(EXPECTED);
            }
        }
    }

    @Test
    void parsesOneByteAtATime() {
        Recorder r = new Recorder();
        RouteParser p = new RouteParser(r, 4096 * 16);
        byte[] b = bytes(STREAM);
        for (int i = 0; i < b.length; i++) {
            p.parse(b, i, 1);
        }
        assertThat(r.ops).containsExactlyElementsOf(EXPECTED);
        assertThat(p.idle()).isTrue();
    }

    @Test
    void aPinnedRouteOmitsTheAccount() {
        Recorder r = new Recorder();
        RouteParser p = new RouteParser(r, 4096);
        p.pinnedAccount("ACC");
        byte[] b = bytes("RS+ foo\r\nRS+ foo q 2\r\nRS- foo q\r\nRMSG foo + r q1 1\r\nx\r\nHMSG foo 12 12\r\n"
                + "NATS/1.0\r\n\r\n\r\nLS+ o bar\r\n");
        p.parse(b, 0, b.length);
        assertThat(r.ops).containsExactly("SUB null ACC foo null 0", "SUB null ACC foo q 2",
                "UNSUB null ACC foo q", "MSG null ACC foo r [q1] 0 [x]", "MSG null ACC foo null [] 12 [NATS/1.0\r\n\r\n]",
                "SUB o ACC bar null 0");
    }

    @Test
    void leafUnsubscribeCarriesTheOriginWhenNegotiated() {
        Recorder r = new Recorder();
        RouteParser p = new RouteParser(r, 4096);
        p.leafUnsubOrigin(true);
        byte[] b = bytes("LS- leafc $G bar q\r\n");
        p.parse(b, 0, b.length);
        assertThat(r.ops).containsExactly("UNSUB leafc $G bar q");
    }

    @Test
    void garbageFailsAtTheFirstBadByteWithoutWaitingForAnEndOfLine() {
        assertThat(parseSplit("GET / HTTP/1.1")).containsExactly("ERROR UNKNOWN_PROTOCOL_OPERATION");
        assertThat(parseSplit("PING\r\nRSX foo\r\n")).containsExactly("PING", "ERROR UNKNOWN_PROTOCOL_OPERATION");
        assertThat(parseSplit("PUB foo 1\r\nx\r\n")).containsExactly("ERROR UNKNOWN_PROTOCOL_OPERATION");
        assertThat(parseSplit("RS+foo\r\n")).containsExactly("ERROR UNKNOWN_PROTOCOL_OPERATION");
    }

    @Test
    void badArgumentsAreParseErrorsAndStopTheParser() {
        assertThat(parseSplit("RS+ $G\r\nPING\r\n")).containsExactly("ERROR PARSE_ERROR");
        assertThat(parseSplit("RS+ $G foo q\r\n")).containsExactly("ERROR PARSE_ERROR");
        assertThat(parseSplit("RS+ $G foo q x\r\n")).containsExactly("ERROR PARSE_ERROR");
        assertThat(parseSplit("RS- $G foo q extra\r\n")).containsExactly("ERROR PARSE_ERROR");
        assertThat(parseSplit("RMSG $G 5\r\n")).containsExactly("ERROR PARSE_ERROR");
        assertThat(parseSplit("RMSG $G foo x y 1\r\n")).containsExactly("ERROR PARSE_ERROR");
        assertThat(parseSplit("RMSG $G foo ? r q 1\r\n")).containsExactly("ERROR PARSE_ERROR");
        assertThat(parseSplit("HMSG $G foo 5 4\r\n")).containsExactly("ERROR PARSE_ERROR");
        assertThat(parseSplit("RMSG $G foo 1\r\nxy\r\n")).containsExactly("ERROR UNKNOWN_PROTOCOL_OPERATION");
    }

    @Test
    void aControlLineLongerThanTheLimitFailsEvenBeforeItEnds() {
        Recorder r = new Recorder();
        RouteParser p = new RouteParser(r, 32);
        byte[] b = bytes("RS+ $G " + "a".repeat(40));
        p.parse(b, 0, b.length);
        assertThat(r.ops).containsExactly("ERROR MAX_CONTROL_LINE_EXCEEDED");
        assertThat(p.failed()).isTrue();
    }
}
