package io.natsj.server.protocol;

import static io.natsj.server.protocol.ParserFeeds.bytes;
import static io.natsj.server.protocol.ParserFeeds.whole;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ClientParserTest {

    /** Every valid op and the callbacks it must produce. */
    static List<Object[]> validOps() {
        return List.of(
            new Object[] {"CONNECT {\"verbose\":false}\r\n", List.of("CONNECT {\"verbose\":false}")},
            new Object[] {"connect\t {\"a\":1}\r\n", List.of("CONNECT {\"a\":1}")},
            new Object[] {"CONNECT{}\r\n", List.of("CONNECT {}")},
            new Object[] {"INFO {\"x\":1}\r\n", List.of("INFO {\"x\":1}")},
            new Object[] {"PING\r\n", List.of("PING")},
            new Object[] {"ping\n", List.of("PING")},
            new Object[] {"PiNg anything here\r\n", List.of("PING")},
            new Object[] {"PONG\r\n", List.of("PONG")},
            new Object[] {"PONGfoo\r\n", List.of("PONG")},
            new Object[] {"+OK\r\n", List.of("+OK")},
            new Object[] {"+ok whatever\r\n", List.of("+OK")},
            new Object[] {"-ERR 'boom'\r\n", List.of("-ERR 'boom'")},
            new Object[] {"-err  \t'a b'\r\n", List.of("-ERR 'a b'")},
            new Object[] {"SUB foo 1\r\n", List.of("SUB foo null 1")},
            new Object[] {"sub foo.* q 22\r\n", List.of("SUB foo.* q 22")},
            new Object[] {"SUB \t foo \t q\t 3 \t\r\n", List.of("SUB foo q 3")},
            new Object[] {"SUB foo 1\rPING\r\n", List.of("SUB foo 1 PING")},
            new Object[] {"SUB foo..bar 1\r\n", List.of("SUB foo..bar null 1")},
            new Object[] {"UNSUB 1\r\n", List.of("UNSUB 1 -1")},
            new Object[] {"UNSUB 1 5\r\n", List.of("UNSUB 1 5")},
            new Object[] {"UNSUB 1 0\r\n", List.of("UNSUB 1 0")},
            new Object[] {"UNSUB 1 x\r\n", List.of("UNSUB 1 -1")},
            new Object[] {"UNSUB 1 -5\r\n", List.of("UNSUB 1 -1")},
            new Object[] {"UNSUB 1 1234567890\r\n", List.of("UNSUB 1 -1")},
            new Object[] {"PUB foo 3\r\nabc\r\n", List.of("PUB foo null 0 [abc]")},
            new Object[] {"pub foo reply 0\r\n\r\n", List.of("PUB foo reply 0 []")},
            new Object[] {"PUB\tfoo\t 3  \r\nabc\r\n", List.of("PUB foo null 0 [abc]")},
            new Object[] {"PUB foo  bar\t 3\r\nabc\r\n", List.of("PUB foo bar 0 [abc]")},
            new Object[] {"PUB foo 3\nabc\r\n", List.of("PUB foo null 0 [abc]")},
            new Object[] {"PUB foo 999999999\r\n", List.of("ERROR MAX_PAYLOAD_VIOLATION")},
            new Object[] {"PUB foo 6\r\na\r\nb\r\n\r\n", List.of("PUB foo null 0 [a\r\nb\r\n]")},
            new Object[] {"HPUB foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\n", List.of("PUB foo null 12 [NATS/1.0\r\n\r\nhi]")},
            new Object[] {"hpub foo r 12 12\r\nNATS/1.0\r\n\r\n\r\n", List.of("PUB foo r 12 [NATS/1.0\r\n\r\n]")},
            new Object[] {"HPUB foo 0 3\r\nabc\r\n", List.of("PUB foo null 0 [abc]")},
            new Object[] {"PUB caf\u00e9 1\r\nx\r\n", List.of("PUB caf\u00e9 null 0 [x]")});
    }

    @ParameterizedTest
    @MethodSource("validOps")
    void parsesEachOpWhole(String input, List<String> expected) {
        assertThat(whole(bytes(input))).isEqualTo(expected);
    }

    @ParameterizedTest
    @MethodSource("validOps")
    void givesTheSameCallbacksWhateverTheSplit(String input, List<String> expected) {
        byte[] in = bytes(input);
        for (int cut = 0; cut <= in.length; cut++) {
            assertThat(ParserFeeds.splitAt(in, cut)).as("cut at %d", cut).isEqualTo(expected);
        }
        assertThat(ParserFeeds.byteAtATime(in)).isEqualTo(expected);
    }

    @Test
    void parsesAStreamOfManyOpsSplitAnywhere() {
        StringBuilder sb = new StringBuilder();
        for (Object[] op : validOps()) {
            if (!((List<?>) op[1]).getFirst().toString().startsWith("ERROR")) {
                sb.append(op[0]);
            }
        }
        byte[] in = bytes(sb.toString());
        List<String> expected = whole(in);
        assertThat(expected).hasSize(validOps().size() - 1);
        for (int cut = 0; cut <= in.length; cut++) {
            assertThat(ParserFeeds.splitAt(in, cut)).as("cut at %d", cut).isEqualTo(expected);
        }
        assertThat(ParserFeeds.byteAtATime(in)).isEqualTo(expected);
    }

    @Test
    void passesAPayloadCompleteInTheBufferAsASliceOfIt() {
        RecordingHandler h = new RecordingHandler();
        ClientParser p = ParserFeeds.parser(h);
        byte[] in = bytes("PUB foo 5\r\nhello\r\nPUB bar 2\r\nhi\r\n");
        p.parse(in, 0, in.length);
        assertThat(h.events).containsExactly("PUB foo null 0 [hello]", "PUB bar null 0 [hi]");
        assertThat(h.lastPubBuf).isSameAs(in);
        assertThat(p.idle()).isTrue();
    }

    @Test
    void gathersAPayloadSplitAcrossReadsInItsScratchBuffer() {
        RecordingHandler h = new RecordingHandler();
        ClientParser p = ParserFeeds.parser(h);
        byte[] a = bytes("PUB foo 5\r\nhel");
        byte[] b = bytes("lo\r\n");
        p.parse(a, 0, a.length);
        assertThat(h.events).isEmpty();
        assertThat(p.idle()).isFalse();
        p.parse(b, 0, b.length);
        assertThat(h.events).containsExactly("PUB foo null 0 [hello]");
        assertThat(h.lastPubBuf).isNotSameAs(a).isNotSameAs(b);
    }

    @Test
    void deliversABigPayloadFedInManySmallReads() {
        int size = ParserFeeds.MAX_PAYLOAD;
        byte[] payload = new byte[size];
        for (int i = 0; i < size; i++) {
            payload[i] = (byte) (i * 31 + (i >>> 8));
        }
        byte[] head = bytes("HPUB big.subject _INBOX.r 16 " + size + "\r\n");
        byte[] in = new byte[head.length + size + 2 + 6];
        System.arraycopy(head, 0, in, 0, head.length);
        System.arraycopy(payload, 0, in, head.length, size);
        System.arraycopy(bytes("\r\nPING\r\n"), 0, in, head.length + size, 8);

        byte[][] got = new byte[1][];
        int[] pings = new int[1];
        RecordingHandler h = new RecordingHandler() {
            @Override
            public void onPub(String subject, String reply, int hdrLen, byte[] buf, int off, int totalLen) {
                assertThat(subject).isEqualTo("big.subject");
                assertThat(reply).isEqualTo("_INBOX.r");
                assertThat(hdrLen).isEqualTo(16);
                got[0] = Arrays.copyOfRange(buf, off, off + totalLen);
            }

            @Override
            public void onPing() {
                pings[0]++;
            }
        };
        ClientParser p = ParserFeeds.parser(h);
        for (int i = 0; i < in.length; i += 1500) {
            p.parse(in, i, Math.min(1500, in.length - i));
        }
        assertThat(got[0]).isEqualTo(payload);
        assertThat(pings[0]).isEqualTo(1);
        assertThat(p.failed()).isFalse();
        assertThat(p.idle()).isTrue();
    }

    @Test
    void appliesAChangedMaxPayloadToLaterPubs() {
        RecordingHandler h = new RecordingHandler();
        ClientParser p = ParserFeeds.parser(h);
        byte[] a = bytes("PUB foo 3\r\nabc\r\n");
        p.parse(a, 0, a.length);
        p.maxPayload(2);
        assertThat(p.maxPayload()).isEqualTo(2);
        p.parse(a, 0, a.length);
        assertThat(h.events).containsExactly("PUB foo null 0 [abc]", "ERROR MAX_PAYLOAD_VIOLATION");
    }

    @Test
    void acceptsAnySizeWhenMaxPayloadIsNegative() {
        RecordingHandler h = new RecordingHandler();
        ClientParser p = new ClientParser(h, 4096, -1);
        byte[] a = bytes("PUB foo 999999999\r\n");
        p.parse(a, 0, a.length);
        assertThat(p.failed()).isFalse();
        assertThat(p.idle()).isFalse();
    }

    @Test
    void rejectsHpubUntilHeadersAreEnabledByConnect() {
        RecordingHandler h = new RecordingHandler();
        ClientParser p = new ClientParser(h, 4096, 1024);
        byte[] in = bytes("HPUB foo 12 12\r\nNATS/1.0\r\n\r\n\r\n");
        p.parse(in, 0, in.length);
        assertThat(h.events).containsExactly("ERROR HEADERS_NOT_SUPPORTED");
        assertThat(h.error.sendsErr()).isFalse();
    }

    @Test
    void appliesHeadersEnabledFromACallbackToTheNextOp() {
        ClientParser[] parser = new ClientParser[1];
        RecordingHandler h = new RecordingHandler() {
            @Override
            public void onConnect(byte[] buf, int off, int len) {
                super.onConnect(buf, off, len);
                parser[0].headersEnabled(true);
            }
        };
        parser[0] = new ClientParser(h, 4096, 1024);
        byte[] in = bytes("CONNECT {\"headers\":true}\r\nHPUB foo 12 12\r\nNATS/1.0\r\n\r\n\r\n");
        parser[0].parse(in, 0, in.length);
        assertThat(h.events).containsExactly("CONNECT {\"headers\":true}", "PUB foo null 12 [NATS/1.0\r\n\r\n]");
    }

    @Test
    void rejectsAnyOpButConnectWhileAwaitingConnect() {
        for (String input : new String[] {"PING\r\n", "XYZ\r\n", "SUB foo 1\r\n"}) {
            RecordingHandler h = new RecordingHandler();
            ClientParser p = ParserFeeds.parser(h);
            p.awaitConnect(true);
            byte[] in = bytes(input);
            p.parse(in, 0, in.length);
            assertThat(h.events).as(input).containsExactly("ERROR AUTHORIZATION_VIOLATION");
            assertThat(h.error.sendsErr()).isTrue();
        }
        // Only the first byte is checked, as nats-server does: a bad op starting with C is a plain protocol error.
        RecordingHandler h = new RecordingHandler();
        ClientParser p = ParserFeeds.parser(h);
        p.awaitConnect(true);
        byte[] in = bytes("CXYZ\r\n");
        p.parse(in, 0, in.length);
        assertThat(h.events).containsExactly("ERROR UNKNOWN_PROTOCOL_OPERATION");
    }

    @Test
    void acceptsOtherOpsOnceConnectClearedAwaitConnect() {
        ClientParser[] parser = new ClientParser[1];
        RecordingHandler h = new RecordingHandler() {
            @Override
            public void onConnect(byte[] buf, int off, int len) {
                super.onConnect(buf, off, len);
                parser[0].awaitConnect(false);
            }
        };
        parser[0] = ParserFeeds.parser(h);
        parser[0].awaitConnect(true);
        byte[] in = bytes("CONNECT {}\r\nPING\r\n");
        parser[0].parse(in, 0, in.length);
        assertThat(h.events).containsExactly("CONNECT {}", "PING");
    }

    @Test
    void ignoresTheRestOfTheBufferOnceStoppedByACallback() {
        ClientParser[] parser = new ClientParser[1];
        RecordingHandler h = new RecordingHandler() {
            @Override
            public void onConnect(byte[] buf, int off, int len) {
                super.onConnect(buf, off, len);
                parser[0].stop();
            }
        };
        parser[0] = ParserFeeds.parser(h);
        byte[] in = bytes("CONNECT {}\r\nPING\r\n");
        parser[0].parse(in, 0, in.length);
        parser[0].parse(in, 0, in.length);
        assertThat(h.events).containsExactly("CONNECT {}");
        assertThat(parser[0].stopped()).isTrue();
        assertThat(parser[0].failed()).isFalse();
    }

    @Test
    void ignoresAllInputAfterAnError() {
        RecordingHandler h = new RecordingHandler();
        ClientParser p = ParserFeeds.parser(h);
        byte[] bad = bytes("XPING\r\n");
        byte[] good = bytes("PING\r\n");
        p.parse(bad, 0, bad.length);
        p.parse(good, 0, good.length);
        assertThat(h.events).containsExactly("ERROR UNKNOWN_PROTOCOL_OPERATION");
        assertThat(p.failed()).isTrue();
        assertThat(p.stopped()).isTrue();
    }

    @Test
    void allocatesNothingForPingPongOrPayloadBytes() {
        RecordingHandler h = new RecordingHandler() {
            @Override
            public void onPing() {
            }

            @Override
            public void onPong() {
            }
        };
        ClientParser p = ParserFeeds.parser(h);
        byte[] in = bytes("PING\r\nPONG\r\n");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 200_000; i++) {
            p.parse(in, 0, in.length);
        }
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100_000; i++) {
            p.parse(in, 0, in.length);
        }
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated).isLessThan(64 * 1024);
    }

    @Test
    void parsesSizesOfOneToNineDigitsOnly() {
        assertThat(ClientParser.parseSize(bytes("0"), 0, 1)).isZero();
        assertThat(ClientParser.parseSize(bytes("999999999"), 0, 9)).isEqualTo(999_999_999);
        assertThat(ClientParser.parseSize(bytes("0000000001"), 0, 10)).isEqualTo(-1);
        assertThat(ClientParser.parseSize(bytes("+3"), 0, 2)).isEqualTo(-1);
        assertThat(ClientParser.parseSize(bytes("-1"), 0, 2)).isEqualTo(-1);
        assertThat(ClientParser.parseSize(bytes(""), 0, 0)).isEqualTo(-1);
        assertThat(ClientParser.parseSize(bytes("1a"), 0, 2)).isEqualTo(-1);
    }
}
