package io.natsj.server.protocol;

import static io.natsj.server.protocol.ParserFeeds.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The error cases of {@code docs/protocol.md}, each measured against nats-server 2.9.10 with a raw socket: the
 * error the parser reports and whether nats-server sends {@code -ERR} for it.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ClientParserErrorTest {

    private static final String A4095 = "a".repeat(4095);

    static List<Object[]> errors() {
        return List.of(
            // input, error, nats-server sends -ERR
            new Object[] {"PUB foo\r\n", ProtocolError.PARSE_ERROR, false},
            new Object[] {"PUB foo bar baz 3\r\nabc\r\n", ProtocolError.PARSE_ERROR, false},
            new Object[] {"PUB foo -1\r\n", ProtocolError.PARSE_ERROR, false},
            new Object[] {"PUB foo +3\r\nabc\r\n", ProtocolError.PARSE_ERROR, false},
            new Object[] {"PUB foo 0000000001\r\n", ProtocolError.PARSE_ERROR, false},
            new Object[] {"PUB foo x\r\n", ProtocolError.PARSE_ERROR, false},
            new Object[] {"PUB \r\n", ProtocolError.PARSE_ERROR, false},
            new Object[] {"PUB foo 1048577\r\n", ProtocolError.MAX_PAYLOAD_VIOLATION, true},
            new Object[] {"PUB foo 999999999\r\n", ProtocolError.MAX_PAYLOAD_VIOLATION, true},
            new Object[] {"PUB foo 3\r\nabcd\r\n", ProtocolError.UNKNOWN_PROTOCOL_OPERATION, true},
            new Object[] {"PUB foo 3\r\nab\r\n\r\n", ProtocolError.UNKNOWN_PROTOCOL_OPERATION, true},
            new Object[] {"PUB foo 3\r\nabc\rX", ProtocolError.UNKNOWN_PROTOCOL_OPERATION, true},
            new Object[] {"PUB foo 3\r\nabc\n", ProtocolError.UNKNOWN_PROTOCOL_OPERATION, true},
            new Object[] {"PUB\r\n", ProtocolError.UNKNOWN_PROTOCOL_OPERATION, true},
            new Object[] {"PUBX foo 1\r\n", ProtocolError.UNKNOWN_PROTOCOL_OPERATION, true},
            new Object[] {"HPUB foo 10 5\r\n", ProtocolError.PARSE_ERROR, false},
            new Object[] {"HPUB foo 3\r\n", ProtocolError.PARSE_ERROR, false},
            new Object[] {"HPUB foo -1 3\r\n", ProtocolError.PARSE_ERROR, false},
            new Object[] {"HPUB foo a b c d e\r\n", ProtocolError.PARSE_ERROR, false},
            new Object[] {"HPUB foo 10 2000000\r\n", ProtocolError.MAX_PAYLOAD_VIOLATION, true},
            new Object[] {"MSG foo 1 3\r\nabc\r\n", ProtocolError.UNKNOWN_PROTOCOL_OPERATION, true},
            new Object[] {"HMSG foo 1 3\r\nabc\r\n", ProtocolError.UNKNOWN_PROTOCOL_OPERATION, true},
            new Object[] {"SUB foo\r\n", ProtocolError.PARSE_ERROR, false},
            new Object[] {"SUB foo a b c\r\n", ProtocolError.PARSE_ERROR, false},
            new Object[] {"SUB\r\n", ProtocolError.UNKNOWN_PROTOCOL_OPERATION, true},
            new Object[] {"UNSUB 1 2 3\r\n", ProtocolError.PARSE_ERROR, false},
            new Object[] {"UNSUB \r\n", ProtocolError.PARSE_ERROR, false},
            new Object[] {"UNSUB\r\n", ProtocolError.UNKNOWN_PROTOCOL_OPERATION, true},
            new Object[] {"\r\n", ProtocolError.UNKNOWN_PROTOCOL_OPERATION, true},
            new Object[] {"XYZ\r\n", ProtocolError.UNKNOWN_PROTOCOL_OPERATION, true},
            new Object[] {"-ERR\r\n", ProtocolError.UNKNOWN_PROTOCOL_OPERATION, true},
            new Object[] {"RS+ foo 1\r\n", ProtocolError.UNKNOWN_PROTOCOL_OPERATION, true},
            new Object[] {"PUB " + A4095 + " 0\r\n\r\n", ProtocolError.MAX_CONTROL_LINE_EXCEEDED, true},
            new Object[] {"PUB " + "a".repeat(5000), ProtocolError.MAX_CONTROL_LINE_EXCEEDED, true},
            new Object[] {"CONNECT {\"name\":\"" + "n".repeat(5000) + "\"}\r\n",
                ProtocolError.MAX_CONTROL_LINE_EXCEEDED, true});
    }

    @ParameterizedTest
    @MethodSource("errors")
    void reportsTheErrorNatsServerGives(String input, ProtocolError expected, boolean sendsErr) {
        RecordingHandler h = new RecordingHandler();
        ClientParser p = ParserFeeds.parser(h);
        byte[] in = bytes("PING\r\n" + input + "PING\r\n");
        p.parse(in, 0, in.length);
        assertThat(h.events).containsExactly("PING", "ERROR " + expected);
        assertThat(h.error.sendsErr()).isEqualTo(sendsErr);
        assertThat(h.errorDetail).isNotBlank();
        assertThat(p.failed()).isTrue();
    }

    @ParameterizedTest
    @MethodSource("errors")
    void reportsTheSameErrorWhateverTheSplit(String input, ProtocolError expected, boolean sendsErr) {
        byte[] in = bytes("PING\r\n" + input);
        List<String> want = List.of("PING", "ERROR " + expected);
        for (int cut = 0; cut <= in.length; cut++) {
            assertThat(ParserFeeds.splitAt(in, cut)).as("cut at %d", cut).isEqualTo(want);
        }
        if (in.length < 200) {
            assertThat(ParserFeeds.byteAtATime(in)).isEqualTo(want);
        }
    }

    @Test
    void acceptsControlLineArgumentsOfExactlyMaxControlLineBytes() {
        // The verb and the spaces after it do not count, nor does the CRLF.
        String args = "a".repeat(4094) + " 0";
        assertThat(ParserFeeds.whole(bytes("PUB      " + args + "\r\n\r\nPING\r\n")))
            .containsExactly("PUB " + "a".repeat(4094) + " null 0 []", "PING");
    }

    @Test
    void checksAnIncompleteControlLineAtTheEndOfEachRead() {
        RecordingHandler h = new RecordingHandler();
        ClientParser p = ParserFeeds.parser(h);
        byte[] part = bytes("SUB " + "a".repeat(3000));
        p.parse(part, 0, part.length);
        assertThat(h.events).isEmpty();
        p.parse(part, 4, part.length - 4);
        assertThat(h.events).containsExactly("ERROR MAX_CONTROL_LINE_EXCEEDED");
    }

    @Test
    void doesNotCountAPendingCarriageReturnAgainstTheLimit() {
        RecordingHandler h = new RecordingHandler();
        ClientParser p = ParserFeeds.parser(h);
        byte[] part = bytes("SUB " + "a".repeat(4092) + " 1\r");
        p.parse(part, 0, part.length);
        assertThat(h.events).isEmpty();
        p.parse(bytes("\n"), 0, 1);
        assertThat(h.events).containsExactly("SUB " + "a".repeat(4092) + " null 1");
    }

    @Test
    void neverLimitsTheIgnoredRestOfAPingLine() {
        RecordingHandler h = new RecordingHandler();
        ClientParser p = ParserFeeds.parser(h);
        byte[] junk = bytes("PING" + "x".repeat(10_000));
        p.parse(junk, 0, junk.length);
        p.parse(bytes("\r\n"), 0, 2);
        assertThat(h.events).containsExactly("PING");
    }

    @Test
    void sendsErrTextsAsNatsServerDoes() {
        assertThat(new String(ServerOps.errLine(ProtocolError.UNKNOWN_PROTOCOL_OPERATION)))
            .isEqualTo("-ERR 'Unknown Protocol Operation'\r\n");
        assertThat(new String(ServerOps.errLine(ProtocolError.MAX_CONTROL_LINE_EXCEEDED)))
            .isEqualTo("-ERR 'maximum control line exceeded'\r\n");
        assertThat(new String(ServerOps.errLine(ProtocolError.MAX_PAYLOAD_VIOLATION)))
            .isEqualTo("-ERR 'Maximum Payload Violation'\r\n");
        assertThat(new String(ServerOps.errLine(ProtocolError.INVALID_CLIENT_PROTOCOL)))
            .isEqualTo("-ERR 'invalid client protocol'\r\n");
        assertThat(new String(ServerOps.errLine(ProtocolError.NO_RESPONDERS_REQUIRES_HEADERS)))
            .isEqualTo("-ERR 'no responders requires headers support'\r\n");
    }
}
