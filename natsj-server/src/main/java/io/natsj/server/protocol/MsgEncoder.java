package io.natsj.server.protocol;

/**
 * Writes the control line that introduces a message delivered to a client, into a caller's buffer, without
 * allocating.
 *
 * <pre>
 * MSG  &lt;subject&gt; &lt;sid&gt; [reply] &lt;size&gt;\r\n                    then size bytes of payload, then \r\n
 * HMSG &lt;subject&gt; &lt;sid&gt; [reply] &lt;hdrLen&gt; &lt;totalLen&gt;\r\n      then hdrLen header bytes + payload, then \r\n
 * </pre>
 *
 * Strings are written one byte per char (ISO-8859-1), the inverse of how {@link ClientParser} decodes them, so a
 * subject goes out byte for byte as it came in. A null reply is left out; an empty one leaves an empty token
 * ({@code HMSG subj 1  28 28}), as nats-server writes the messages its streams and consumers send without a reply. Each {@code write*} method
 * needs exactly the number of bytes its {@code *Length} method returns and returns the position after the line.
 *
 * <p>Threading: stateless, any thread.
 */
public final class MsgEncoder {

    private MsgEncoder() {
    }

    /** Bytes of {@code MSG <subject> <sid> [reply] <size>\r\n}. */
    public static int msgLineLength(String subject, String sid, String reply, int size) {
        return 4 + subject.length() + 1 + sid.length() + 1 + replyLength(reply) + digits(size) + 2;
    }

    /** Writes {@code MSG <subject> <sid> [reply] <size>\r\n} at {@code pos}; returns the position after it. */
    public static int writeMsgLine(byte[] dst, int pos, String subject, String sid, String reply, int size) {
        dst[pos] = 'M';
        dst[pos + 1] = 'S';
        dst[pos + 2] = 'G';
        dst[pos + 3] = ' ';
        pos = writeArgs(dst, pos + 4, subject, sid, reply);
        pos = writeInt(dst, pos, size);
        dst[pos] = '\r';
        dst[pos + 1] = '\n';
        return pos + 2;
    }

    /** Bytes of {@code HMSG <subject> <sid> [reply] <hdrLen> <totalLen>\r\n}. */
    public static int hmsgLineLength(String subject, String sid, String reply, int hdrLen, int totalLen) {
        return 5 + subject.length() + 1 + sid.length() + 1 + replyLength(reply) + digits(hdrLen) + 1
            + digits(totalLen) + 2;
    }

    /** Writes {@code HMSG <subject> <sid> [reply] <hdrLen> <totalLen>\r\n}; returns the position after it. */
    public static int writeHmsgLine(byte[] dst, int pos, String subject, String sid, String reply, int hdrLen,
                                    int totalLen) {
        dst[pos] = 'H';
        dst[pos + 1] = 'M';
        dst[pos + 2] = 'S';
        dst[pos + 3] = 'G';
        dst[pos + 4] = ' ';
        pos = writeArgs(dst, pos + 5, subject, sid, reply);
        pos = writeInt(dst, pos, hdrLen);
        dst[pos++] = ' ';
        pos = writeInt(dst, pos, totalLen);
        dst[pos] = '\r';
        dst[pos + 1] = '\n';
        return pos + 2;
    }

    private static int writeArgs(byte[] dst, int pos, String subject, String sid, String reply) {
        pos = writeLatin1(dst, pos, subject);
        dst[pos++] = ' ';
        pos = writeLatin1(dst, pos, sid);
        dst[pos++] = ' ';
        if (reply != null) {
            pos = writeLatin1(dst, pos, reply);
            dst[pos++] = ' ';
        }
        return pos;
    }

    private static int replyLength(String reply) {
        return reply == null ? 0 : reply.length() + 1;
    }

    /** Writes each char of {@code s} as one byte (its low 8 bits); returns the position after it. */
    public static int writeLatin1(byte[] dst, int pos, String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            dst[pos + i] = (byte) s.charAt(i);
        }
        return pos + n;
    }

    /** Number of decimal digits of a non-negative {@code v}. */
    public static int digits(int v) {
        if (v < 0) {
            throw new IllegalArgumentException("negative size " + v);
        }
        int d = 1;
        while (v >= 10) {
            v /= 10;
            d++;
        }
        return d;
    }

    /** Writes non-negative {@code v} in decimal; returns the position after it. */
    public static int writeInt(byte[] dst, int pos, int v) {
        int end = pos + digits(v);
        int p = end;
        do {
            dst[--p] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v != 0);
        return end;
    }
}
