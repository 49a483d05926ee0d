package io.natsj.server.it;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A raw TCP client for the NATS text protocol, for tests that need the exact bytes a server sends: reads the INFO
 * line on open, sends arbitrary bytes and reads replies line by line, until a quiet period, or until the server
 * closes the connection. Every read blocks for at most {@link #READ_TIMEOUT}.
 */
final class RawClient implements AutoCloseable {

    static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
    /** How long a server must stay silent before a reply is taken as complete. */
    static final Duration QUIET = Duration.ofMillis(300);
    static final String CONNECT = "CONNECT {\"verbose\":false}\r\n";

    /**
     * What a server sent, one char per byte (ISO-8859-1, so equal texts mean equal bytes), and whether it then closed
     * the connection (EOF or reset).
     */
    record Reply(String text, boolean closed) {
        static Reply open(String text) {
            return new Reply(text, false);
        }

        static Reply closed(String text) {
            return new Reply(text, true);
        }

        private Reply(ByteArrayOutputStream bytes, boolean closed) {
            this(bytes.toString(StandardCharsets.ISO_8859_1), closed);
        }

        @Override
        public String toString() {
            String shown = text.length() > 300 ? text.substring(0, 300) + "...(" + text.length() + " chars)" : text;
            return (closed ? "[closed] " : "[open] ") + shown.replace("\r", "\\r").replace("\n", "\\n");
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String infoLine;

    private RawClient(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        byte[] first = readLineBytes();
        assertThat(first).as("the server's first line").isNotNull();
        this.infoLine = new String(first, StandardCharsets.UTF_8);
        assertThat(infoLine).startsWith("INFO ");
    }

    /** Connects and reads the INFO line. */
    static RawClient open(int port) throws IOException {
        return open(port, 0);
    }

    /** Connects with a given receive buffer size (0: the system's) and reads the INFO line. */
    static RawClient open(int port, int receiveBufferSize) throws IOException {
        Socket s = new Socket();
        try {
            if (receiveBufferSize > 0) {
                s.setReceiveBufferSize(receiveBufferSize);
            }
            s.connect(new InetSocketAddress("127.0.0.1", port), (int) READ_TIMEOUT.toMillis());
            return new RawClient(s);
        } catch (IOException | RuntimeException | Error e) {
            s.close();
            throw e;
        }
    }

    /** Connects, reads INFO and sends {@code CONNECT {"verbose":false}}. */
    static RawClient connected(int port) throws IOException {
        RawClient c = open(port);
        c.send(CONNECT);
        return c;
    }

    /** The local port of this connection (the server sees it as the remote port). */
    int localPort() {
        return socket.getLocalPort();
    }

    /** The INFO line as received, with its line ending. */
    String infoLine() {
        return infoLine;
    }

    /** The JSON object of the INFO line. */
    String infoJson() {
        return infoLine.substring("INFO ".length()).strip();
    }

    RawClient send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.UTF_8));
    }

    RawClient send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** The next line without its CRLF/LF, or null at EOF. Fails when nothing arrives within the read timeout. */
    String readLine() throws IOException {
        byte[] line = readLineBytes();
        if (line == null) {
            return null;
        }
        String s = new String(line, StandardCharsets.UTF_8);
        int end = s.endsWith("\r\n") ? s.length() - 2 : s.length() - 1;
        return s.substring(0, end);
    }

    private byte[] readLineBytes() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                return line.size() == 0 ? null : line.toByteArray();
            }
            line.write(b);
            if (b == '\n') {
                return line.toByteArray();
            }
        }
    }

    /** Everything the server sends until it is quiet for {@code quiet}, or closes the connection. */
    Reply readReply(Duration quiet) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        socket.setSoTimeout((int) quiet.toMillis());
        byte[] buf = new byte[8192];
        try {
            while (System.nanoTime() < deadline) {
                int n = in.read(buf);
                if (n < 0) {
                    return new Reply(got, true);
                }
                got.write(buf, 0, n);
            }
            return new Reply(got, false);
        } catch (SocketTimeoutException e) {
            return new Reply(got, false);
        } catch (SocketException e) {
            return new Reply(got, true);
        } finally {
            socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
        }
    }

    /** {@link #readReply(Duration)} with the default {@link #QUIET} period. */
    Reply readReply() throws IOException {
        return readReply(QUIET);
    }

    /**
     * Reads and discards until the server closes the connection; true when it did within {@code timeout}. Meant
     * for a connection whose pending data is of no interest (a slow consumer's backlog).
     */
    boolean drainUntilClosed(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] buf = new byte[64 * 1024];
        try {
            while (System.nanoTime() < deadline) {
                try {
                    if (in.read(buf) < 0) {
                        return true;
                    }
                } catch (SocketTimeoutException e) {
                    // keep waiting until the deadline
                }
            }
            return false;
        } catch (SocketException e) {
            return true;
        }
    }

    /** How the server ended a connection: what came before the end, and whether the end was a reset (not a FIN). */
    record End(String text, boolean reset) {
        @Override
        public String toString() {
            return (reset ? "[reset] " : "[FIN] ") + text.replace("\r", "\\r").replace("\n", "\\n");
        }
    }

    /** Reads until the server ends the connection, which must happen within the read timeout. */
    End readToEnd() throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                got.write(buf, 0, n);
            }
            return new End(got.toString(StandardCharsets.ISO_8859_1), false);
        } catch (SocketException e) { // a reset; a read timeout is not a SocketException and fails the caller
            return new End(got.toString(StandardCharsets.ISO_8859_1), true);
        }
    }

    /** Sends PING and asserts that the next line is PONG: the connection is open and its earlier ops were read. */
    void assertPingPong() throws IOException {
        send("PING\r\n");
        assertThat(readLine()).isEqualTo("PONG");
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
