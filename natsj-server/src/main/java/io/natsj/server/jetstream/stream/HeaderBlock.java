package io.natsj.server.jetstream.stream;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads and writes {@code NATS/1.0} header blocks:
 *
 * <pre>
 * NATS/1.0[ code[ description]]\r\n
 * Name: value\r\n          zero or more; names are case-sensitive, as nats-server looks them up
 * \r\n
 * </pre>
 *
 * <p>Threading: stateless.
 */
public final class HeaderBlock {

    private HeaderBlock() {
    }

    /**
     * The value of the first header named {@code name} in {@code block[off, off+len)}, trimmed, or null when absent.
     */
    public static String get(byte[] block, int off, int len, String name) {
        if (len <= 0) {
            return null;
        }
        int end = off + len;
        int i = lineEnd(block, off, end);
        while (i >= 0 && i + 2 < end) {
            int start = i + 2;
            int next = lineEnd(block, start, end);
            int lineEnd = next < 0 ? end : next;
            if (lineEnd == start) {
                return null; // the blank line ends the block
            }
            if (matchesName(block, start, lineEnd, name)) {
                int v = start + name.length() + 1;
                while (v < lineEnd && (block[v] == ' ' || block[v] == '\t')) {
                    v++;
                }
                int ve = lineEnd;
                while (ve > v && (block[ve - 1] == ' ' || block[ve - 1] == '\t')) {
                    ve--;
                }
                return new String(block, v, ve - v, StandardCharsets.UTF_8);
            }
            i = next;
        }
        return null;
    }

    /** As {@link #get(byte[], int, int, String)} over a whole array. */
    public static String get(byte[] block, String name) {
        return block == null ? null : get(block, 0, block.length, name);
    }

    /**
     * The block with every {@code name} header taken out and {@code name: value} added as its last header, the way
     * nats-server replaces a header it rewrites. The first line is kept as it is.
     */
    public static byte[] replace(byte[] block, String name, String value) {
        int end = block.length;
        int first = lineEnd(block, 0, end);
        if (first < 0) {
            return new Builder().add(name, value).build();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(end + name.length() + value.length() + 4);
        out.write(block, 0, first + 2);
        for (int i = first; ; ) {
            int start = i + 2;
            int next = lineEnd(block, start, end);
            if (next <= start) {
                break; // the blank line (or the end) closes the block
            }
            if (!matchesName(block, start, next, name)) {
                out.write(block, start, next + 2 - start);
            }
            i = next;
        }
        out.writeBytes((name + ": " + value + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static boolean matchesName(byte[] b, int start, int end, String name) {
        int n = name.length();
        if (end - start <= n || b[start + n] != ':') {
            return false;
        }
        for (int k = 0; k < n; k++) {
            if (b[start + k] != name.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static int lineEnd(byte[] b, int from, int end) {
        for (int i = from; i + 1 < end; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Builds header blocks. Not thread-safe. */
    public static final class Builder {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(128);

        public Builder() {
            this("");
        }

        /** A block whose first line carries {@code status} (e.g. {@code "404 Message Not Found"}), or none. */
        public Builder(String status) {
            write(status.isEmpty() ? "NATS/1.0\r\n" : "NATS/1.0 " + status + "\r\n");
        }

        public Builder add(String name, String value) {
            write(name + ": " + value + "\r\n");
            return this;
        }

        /**
         * Adds a header whose value is a subject in the server's wire form ({@code Nats-Subject}): its bytes as they
         * are, as nats-server writes them, whatever they hold.
         */
        public Builder addWire(String name, String wireValue) {
            write(name + ": ");
            out.writeBytes(wireValue.getBytes(StandardCharsets.ISO_8859_1));
            write("\r\n");
            return this;
        }

        /** Appends the header lines of another block (without its first line and final blank line). */
        public Builder addAll(byte[] block) {
            if (block == null || block.length == 0) {
                return this;
            }
            int first = lineEnd(block, 0, block.length);
            if (first < 0) {
                return this;
            }
            int start = first + 2;
            int end = block.length;
            if (end - start >= 2 && block[end - 2] == '\r' && block[end - 1] == '\n') {
                end -= 2; // drop the terminating blank line
            }
            if (end > start) {
                out.write(block, start, end - start);
            }
            return this;
        }

        public byte[] build() {
            write("\r\n");
            return out.toByteArray();
        }

        private void write(String s) {
            out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        }
    }
}
