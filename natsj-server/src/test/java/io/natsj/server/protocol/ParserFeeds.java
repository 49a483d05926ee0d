package io.natsj.server.protocol;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/** Feeds input to a fresh parser whole, split, or in random pieces, and returns what was recorded. */
final class ParserFeeds {

    static final int MCL = 4096;
    static final int MAX_PAYLOAD = 1024 * 1024;

    private ParserFeeds() {
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static ClientParser parser(RecordingHandler h) {
        ClientParser p = new ClientParser(h, MCL, MAX_PAYLOAD);
        p.headersEnabled(true);
        return p;
    }

    static List<String> whole(byte[] in) {
        RecordingHandler h = new RecordingHandler();
        parser(h).parse(in, 0, in.length);
        return h.events;
    }

    /** Two reads: {@code [0, cut)} and {@code [cut, n)}, each from its own array (as a socket read would be). */
    static List<String> splitAt(byte[] in, int cut) {
        RecordingHandler h = new RecordingHandler();
        ClientParser p = parser(h);
        feedCopy(p, in, 0, cut);
        feedCopy(p, in, cut, in.length);
        return h.events;
    }

    static List<String> byteAtATime(byte[] in) {
        RecordingHandler h = new RecordingHandler();
        ClientParser p = parser(h);
        for (int i = 0; i < in.length; i++) {
            feedCopy(p, in, i, i + 1);
        }
        return h.events;
    }

    static List<String> randomPieces(byte[] in, Random rnd, RecordingHandler h, ClientParser p) {
        int i = 0;
        while (i < in.length) {
            int n = 1 + rnd.nextInt(Math.min(in.length - i, rnd.nextBoolean() ? 8 : 64));
            feedCopy(p, in, i, i + n);
            i += n;
        }
        return h.events;
    }

    /** Feeds {@code in[from, to)} copied into a larger array at an offset, so offsets are exercised too. */
    static void feedCopy(ClientParser p, byte[] in, int from, int to) {
        int n = to - from;
        byte[] buf = new byte[n + 7];
        System.arraycopy(in, from, buf, 3, n);
        p.parse(buf, 3, n);
    }
}
