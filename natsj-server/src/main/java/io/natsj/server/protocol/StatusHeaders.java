package io.natsj.server.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Builds the header block of a status message the server itself sends (no responders, later JetStream's
 * 404/408/409/100 statuses).
 *
 * <pre>
 * NATS/1.0 &lt;code&gt;[ &lt;description&gt;]\r\n
 * [&lt;Name&gt;: &lt;value&gt;\r\n]...
 * \r\n
 * </pre>
 *
 * No responders, as nats-server 2.9.10 sends it to the requester's reply subscription (measured; nats-server 2.11
 * sends the same bytes, 2.12 adds a {@code Nats-Subject} header):
 * <pre>
 * HMSG &lt;reply&gt; &lt;sid&gt; 16 16\r\nNATS/1.0 503\r\n\r\n\r\n
 * </pre>
 * Strings are written one byte per char (ISO-8859-1), like subjects. Threading: stateless; a {@link Builder}
 * belongs to one thread.
 */
public final class StatusHeaders {

    /** {@code NATS/1.0 503\r\n\r\n} (16 bytes): the header block of a no-responders status. Do not modify. */
    public static final byte[] NO_RESPONDERS = status(503);

    private StatusHeaders() {
    }

    /** {@code NATS/1.0 <code>\r\n\r\n}. */
    public static byte[] status(int code) {
        return builder(code, null).toBytes();
    }

    /** {@code NATS/1.0 <code> <description>\r\n\r\n}. */
    public static byte[] status(int code, String description) {
        return builder(code, description).toBytes();
    }

    /** A header block starting with a status line; {@code description} may be null. */
    public static Builder builder(int code, String description) {
        if (code < 100 || code > 999) {
            throw new IllegalArgumentException("status code must have 3 digits: " + code);
        }
        return new Builder(code, description);
    }

    /** Accumulates {@code Name: value} lines after the status line. */
    public static final class Builder {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(64);

        private Builder(int code, String description) {
            write("NATS/1.0 " + code);
            if (description != null && !description.isEmpty()) {
                write(" " + description);
            }
            write("\r\n");
        }

        /** Adds {@code name: value}; the same name may be added more than once. */
        public Builder add(String name, String value) {
            if (!validName(name) || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("bad header " + name + ": " + value);
            }
            write(name + ": " + value + "\r\n");
            return this;
        }

        /** The block, ending with the empty line. */
        public byte[] toBytes() {
            byte[] body = out.toByteArray();
            byte[] block = new byte[body.length + 2];
            System.arraycopy(body, 0, block, 0, body.length);
            block[body.length] = '\r';
            block[body.length + 1] = '\n';
            return block;
        }

        private void write(String s) {
            out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
        }

        private static boolean validName(String name) {
            if (name.isEmpty()) {
                return false;
            }
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (c <= ' ' || c == ':' || c >= 0x7F) {
                    return false;
                }
            }
            return true;
        }
    }
}
