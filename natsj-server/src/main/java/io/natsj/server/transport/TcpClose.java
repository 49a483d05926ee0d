package io.natsj.server.transport;

import java.io.IOException;
import java.net.Socket;

/**
 * Closes an accepted TCP socket the way nats-server's plain {@code close(2)} does. When the client sent bytes the
 * server never read (the rest of an oversized message after {@code -ERR 'Maximum Payload Violation'}, say), Linux
 * answers that close with a reset, and clients report a socket error ("connection reset"); otherwise the peer gets
 * an orderly FIN. The JDK's {@code Socket.close} shuts the output down first, which sends FIN even with unread
 * input, so a client reading the connection sees a clean end instead. Here, with unread input the socket lingers 0
 * seconds, which makes the close a reset, as in Go.
 *
 * <p>Threading: stateless; call from the thread that closes the socket.
 */
public final class TcpClose {

    private TcpClose() {
    }

    /**
     * Prepares {@code socket} so that closing it (directly, or through a TLS socket layered over it) resets the
     * connection when input is left unread; does nothing otherwise, or when the socket is already closed.
     */
    public static void resetIfUnread(Socket socket) {
        try {
            if (!socket.isClosed() && socket.getInputStream().available() > 0) {
                socket.setSoLinger(true, 0);
            }
        } catch (IOException e) {
            // closed or reset meanwhile: the close that follows has nothing to decide
        }
    }

    /** Closes {@code socket} now: a reset with unread input, a FIN otherwise. */
    public static void close(Socket socket) throws IOException {
        resetIfUnread(socket);
        socket.close();
    }
}
