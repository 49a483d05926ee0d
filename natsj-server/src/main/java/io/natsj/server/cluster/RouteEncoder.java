package io.natsj.server.cluster;

import io.natsj.server.transport.Outbound;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes the route protocol's interest and message ops byte for byte as nats-server does:
 *
 * <pre>
 * RS+ &lt;account&gt; &lt;subject&gt;[ &lt;queue&gt; &lt;weight&gt;]\r\n
 * RS- &lt;account&gt; &lt;subject&gt;[ &lt;queue&gt;]\r\n
 * RMSG &lt;account&gt; &lt;subject&gt;[ &lt;reply&gt;] &lt;size&gt;\r\n&lt;payload&gt;\r\n              no queues
 * RMSG &lt;account&gt; &lt;subject&gt; + &lt;reply&gt; &lt;q1&gt; .. &lt;size&gt;\r\n...                 queues and a reply
 * RMSG &lt;account&gt; &lt;subject&gt; | &lt;q1&gt; .. &lt;size&gt;\r\n...                         queues, no reply
 * HMSG ... &lt;hdr-size&gt; &lt;size&gt;\r\n...                                 with headers (to a peer that takes them)
 * </pre>
 *
 * A null account leaves the account token out (a route pinned to that account). To a peer without header support a
 * message's header block is dropped and it goes as {@code RMSG} with the payload only, as nats-server does.
 *
 * <p>Threading: stateless; safe from any thread. {@link #appendMessage} takes the {@link Outbound}'s lock.
 */
public final class RouteEncoder {

    private RouteEncoder() {
    }

    /** {@code RS+} line for a plain subscription ({@code queue} null) or a queue group with its weight. */
    public static byte[] subscribe(String account, String subject, String queue, int weight) {
        StringBuilder sb = new StringBuilder(16 + subject.length()).append("RS+ ");
        if (account != null) {
            sb.append(account).append(' ');
        }
        sb.append(subject);
        if (queue != null) {
            sb.append(' ').append(queue).append(' ').append(weight);
        }
        return sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** {@code RS-} line. */
    public static byte[] unsubscribe(String account, String subject, String queue) {
        StringBuilder sb = new StringBuilder(16 + subject.length()).append("RS- ");
        if (account != null) {
            sb.append(account).append(' ');
        }
        sb.append(subject);
        if (queue != null) {
            sb.append(' ').append(queue);
        }
        return sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * Appends one message ({@code RMSG} or {@code HMSG}) to {@code out}; the message is {@code buf[off, off+totalLen)}
     * with its first {@code hdrLen} bytes the header block.
     *
     * @param peerHeaders whether the peer takes headers (else the header block is dropped)
     * @return the bytes queued, or -1 when {@code out} is closing
     */
    public static int appendMessage(Outbound out, String account, String subject, String reply, List<String> queues,
                                    byte[] buf, int off, int hdrLen, int totalLen, boolean peerHeaders) {
        boolean headers = hdrLen > 0 && peerHeaders;
        int bodyOff = hdrLen > 0 && !peerHeaders ? off + hdrLen : off;
        int bodyLen = hdrLen > 0 && !peerHeaders ? totalLen - hdrLen : totalLen;
        int n = headerLength(account, subject, reply, queues, headers ? hdrLen : -1, bodyLen) + bodyLen + 2;
        out.lock();
        try {
            if (out.isClosing()) {
                return -1;
            }
            byte[] dst = out.reserve(n);
            int p = writeHeader(dst, out.position(), account, subject, reply, queues, headers ? hdrLen : -1, bodyLen);
            System.arraycopy(buf, bodyOff, dst, p, bodyLen);
            p += bodyLen;
            dst[p] = '\r';
            dst[p + 1] = '\n';
            out.advance(n);
            return n;
        } finally {
            out.unlock();
        }
    }

    /** The whole message op as bytes (for tests and one-off sends). */
    public static byte[] message(String account, String subject, String reply, List<String> queues, byte[] buf,
                                 int off, int hdrLen, int totalLen, boolean peerHeaders) {
        Outbound out = new Outbound();
        int n = appendMessage(out, account, subject, reply, queues, buf, off, hdrLen, totalLen, peerHeaders);
        out.lock();
        try {
            return java.util.Arrays.copyOf(out.reserve(0), n);
        } finally {
            out.unlock();
        }
    }

    private static int headerLength(String account, String subject, String reply, List<String> queues, int hdr,
                                    int size) {
        int n = 5 + subject.length() + 1; // "RMSG " subject ' '
        if (account != null) {
            n += account.length() + 1;
        }
        if (!queues.isEmpty()) {
            n += 2; // "+ " or "| "
            if (reply != null) {
                n += reply.length() + 1;
            }
            for (String q : queues) {
                n += q.length() + 1;
            }
        } else if (reply != null) {
            n += reply.length() + 1;
        }
        if (hdr >= 0) {
            n += digits(hdr) + 1;
        }
        return n + digits(size) + 2;
    }

    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): the ISO-8859-1 copy without allocation
    private static int writeHeader(byte[] d, int p, String account, String subject, String reply, List<String> queues,
                                   int hdr, int size) {
        d[p++] = (byte) (hdr >= 0 ? 'H' : 'R');
        d[p++] = 'M';
        d[p++] = 'S';
        d[p++] = 'G';
        d[p++] = ' ';
        if (account != null) {
            account.getBytes(0, account.length(), d, p);
            p += account.length();
            d[p++] = ' ';
        }
        subject.getBytes(0, subject.length(), d, p);
        p += subject.length();
        d[p++] = ' ';
        if (!queues.isEmpty()) {
            d[p++] = (byte) (reply != null ? '+' : '|');
            d[p++] = ' ';
            if (reply != null) {
                reply.getBytes(0, reply.length(), d, p);
                p += reply.length();
                d[p++] = ' ';
            }
            for (String q : queues) {
                q.getBytes(0, q.length(), d, p);
                p += q.length();
                d[p++] = ' ';
            }
        } else if (reply != null) {
            reply.getBytes(0, reply.length(), d, p);
            p += reply.length();
            d[p++] = ' ';
        }
        if (hdr >= 0) {
            p = writeInt(d, p, hdr);
            d[p++] = ' ';
        }
        p = writeInt(d, p, size);
        d[p++] = '\r';
        d[p++] = '\n';
        return p;
    }

    private static int digits(int v) {
        int n = 1;
        while (v >= 10) {
            v /= 10;
            n++;
        }
        return n;
    }

    private static int writeInt(byte[] d, int p, int v) {
        int n = digits(v);
        for (int i = p + n - 1; i >= p; i--) {
            d[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        return p + n;
    }
}
