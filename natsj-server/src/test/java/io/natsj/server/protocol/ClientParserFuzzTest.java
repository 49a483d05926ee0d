package io.natsj.server.protocol;

import static io.natsj.server.protocol.ParserFeeds.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Seeded random inputs: random bytes biased towards protocol characters, and valid streams with a few mutations.
 * Each input is parsed whole and again in random pieces; no exception may escape, and both runs must give the
 * same callbacks, the same failed() and the same idle().
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClientParserFuzzTest {

    private static final long SEED = 0x5EED_4A75L;
    private static final int INPUTS = 100_000;

    private static final String ALPHABET = "PUBSINGHMOKCTER+- \r\n\t0123";

    private static final String[] FRAGMENTS = {
        "PUB ", "HPUB ", "SUB ", "UNSUB ", "PING", "PONG", "CONNECT ", "INFO ", "+OK", "-ERR ", "MSG ", "HMSG ",
        "\r\n", "\r", "\n", " ", "\t", "foo", "bar.baz", "*", ">", "0", "1", "3", "12", "-1", "999999999",
        "NATS/1.0\r\n\r\n", "{}", "{\"verbose\":false}", "x", "\u00ff", "\u0000",
    };

    @Test
    void survivesRandomBytesAndMutatedStreamsWithTheSameResultForAnySplit() {
        Random rnd = new Random(SEED);
        int failedCount = 0;
        int pubCount = 0;
        for (int n = 0; n < INPUTS; n++) {
            byte[] in = switch (n % 3) {
                case 0 -> randomBytes(rnd);
                case 1 -> randomFragments(rnd);
                default -> mutate(validStream(rnd), rnd);
            };
            Outcome whole = parseWhole(in);
            Outcome pieces = parsePieces(in, rnd);
            assertThat(pieces.events).as("input #%d %s", n, escape(in)).isEqualTo(whole.events);
            assertThat(pieces.failed).as("failed, input #%d", n).isEqualTo(whole.failed);
            assertThat(pieces.idle).as("idle, input #%d", n).isEqualTo(whole.idle);
            assertThat(whole.failed || !whole.stopped).isTrue();
            if (whole.failed) {
                failedCount++;
                assertThat(whole.events.getLast()).startsWith("ERROR ");
            }
            pubCount += (int) whole.events.stream().filter(e -> e.startsWith("PUB ")).count();
        }
        // The generator must reach both outcomes, or the test proves little.
        assertThat(failedCount).isBetween(INPUTS / 10, INPUTS - INPUTS / 10);
        assertThat(pubCount).isGreaterThan(INPUTS / 10);
    }

    @Test
    void parsesEveryUnmutatedValidStreamWithoutError() {
        Random rnd = new Random(SEED + 1);
        for (int n = 0; n < 5_000; n++) {
            byte[] in = validStream(rnd);
            Outcome whole = parseWhole(in);
            assertThat(whole.failed).as("input %s", escape(in)).isFalse();
            assertThat(whole.idle).isTrue();
            assertThat(parsePieces(in, rnd).events).isEqualTo(whole.events);
        }
    }

    private record Outcome(List<String> events, boolean failed, boolean stopped, boolean idle) {
    }

    private static Outcome parseWhole(byte[] in) {
        RecordingHandler h = new RecordingHandler();
        ClientParser p = parser(h);
        p.parse(in, 0, in.length);
        return new Outcome(h.events, p.failed(), p.stopped(), p.idle());
    }

    private static Outcome parsePieces(byte[] in, Random rnd) {
        RecordingHandler h = new RecordingHandler();
        ClientParser p = parser(h);
        ParserFeeds.randomPieces(in, rnd, h, p);
        return new Outcome(h.events, p.failed(), p.stopped(), p.idle());
    }

    private static ClientParser parser(RecordingHandler h) {
        // Small limits so that the limit paths are reached often.
        ClientParser p = new ClientParser(h, 64, 40);
        p.headersEnabled(true);
        return p;
    }

    private static byte[] randomBytes(Random rnd) {
        byte[] b = new byte[rnd.nextInt(120)];
        for (int i = 0; i < b.length; i++) {
            b[i] = rnd.nextInt(4) == 0 ? (byte) rnd.nextInt(256) : (byte) ALPHABET.charAt(rnd.nextInt(ALPHABET.length()));
        }
        return b;
    }

    private static byte[] randomFragments(Random rnd) {
        StringBuilder sb = new StringBuilder();
        int k = rnd.nextInt(30);
        for (int i = 0; i < k; i++) {
            sb.append(FRAGMENTS[rnd.nextInt(FRAGMENTS.length)]);
        }
        return bytes(sb.toString());
    }

    static byte[] validStream(Random rnd) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int ops = 1 + rnd.nextInt(8);
        for (int i = 0; i < ops; i++) {
            String sp = rnd.nextInt(5) == 0 ? " \t " : " ";
            String eol = rnd.nextInt(6) == 0 ? "\n" : "\r\n";
            String subject = rnd.nextBoolean() ? "foo.bar" : "s" + rnd.nextInt(100);
            switch (rnd.nextInt(9)) {
                case 0 -> out.writeBytes(bytes("CONNECT" + sp + "{\"verbose\":false}" + eol));
                case 1 -> out.writeBytes(bytes(rnd.nextBoolean() ? "PING" + eol : "ping" + eol));
                case 2 -> out.writeBytes(bytes("PONG" + eol));
                case 3 -> out.writeBytes(bytes("SUB" + sp + subject + (rnd.nextBoolean() ? sp + "q" : "") + sp
                    + rnd.nextInt(1000) + eol));
                case 4 -> out.writeBytes(bytes("UNSUB" + sp + rnd.nextInt(1000)
                    + (rnd.nextBoolean() ? sp + rnd.nextInt(10) : "") + eol));
                case 5, 6 -> {
                    byte[] payload = new byte[rnd.nextInt(41)];
                    for (int j = 0; j < payload.length; j++) {
                        payload[j] = rnd.nextInt(8) == 0 ? (byte) '\r' : (byte) rnd.nextInt(256);
                    }
                    out.writeBytes(bytes("PUB" + sp + subject + (rnd.nextBoolean() ? sp + "_INBOX.x" : "") + sp
                        + payload.length + eol));
                    out.writeBytes(payload);
                    out.writeBytes(bytes("\r\n"));
                }
                case 7 -> {
                    String hdr = "NATS/1.0\r\nA: b\r\n\r\n";
                    String body = "x".repeat(rnd.nextInt(20));
                    out.writeBytes(bytes("HPUB" + sp + subject + sp + hdr.length() + sp
                        + (hdr.length() + body.length()) + eol + hdr + body + "\r\n"));
                }
                default -> out.writeBytes(bytes("+OK" + eol));
            }
        }
        return out.toByteArray();
    }

    private static byte[] mutate(byte[] in, Random rnd) {
        byte[] b = in;
        int mutations = 1 + rnd.nextInt(3);
        for (int m = 0; m < mutations && b.length > 0; m++) {
            int at = rnd.nextInt(b.length);
            switch (rnd.nextInt(4)) {
                case 0 -> {
                    b = b.clone();
                    b[at] = (byte) rnd.nextInt(256);
                }
                case 1 -> {
                    byte[] c = new byte[b.length - 1];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(b, at + 1, c, at, b.length - at - 1);
                    b = c;
                }
                case 2 -> {
                    byte[] c = new byte[b.length + 1];
                    System.arraycopy(b, 0, c, 0, at);
                    c[at] = (byte) " \r\n\t0PS".charAt(rnd.nextInt(7));
                    System.arraycopy(b, at, c, at + 1, b.length - at);
                    b = c;
                }
                default -> {
                    int len = Math.min(b.length - at, 1 + rnd.nextInt(10));
                    byte[] c = new byte[b.length + len];
                    System.arraycopy(b, 0, c, 0, at + len);
                    System.arraycopy(b, at, c, at + len, b.length - at);
                    b = c;
                }
            }
        }
        return b;
    }

    private static String escape(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            int c = x & 0xFF;
            sb.append(c >= 0x20 && c < 0x7F ? String.valueOf((char) c) : String.format("\\x%02x", c));
        }
        return sb.toString();
    }
}
