package io.natsj.server.cli;

import io.natsj.server.NatsServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The training run from which {@code bin/natsj-server} makes the JVM's ahead-of-time class cache (JDK 24+): starts a
 * server the way the command line does (on a random loopback port), serves one client (CONNECT, SUB, PUB, the
 * message back, PING/PONG) and shuts down. The classes loaded and linked on the way are what later starts load
 * from the cache instead of from the jars.
 *
 * <p>Threading: main thread only.
 */
public final class StartupTraining {

    private StartupTraining() {
    }

    public static void main(String[] args) throws IOException {
        ServerFlags.Result flags = ServerFlags.parse("-a", "127.0.0.1", "-p", "-1");
        NatsServer server = Main.launch(flags.options(), flags.warnings(), System.err);
        if (server == null) {
            System.exit(1);
        }
        try {
            serveOneClient(server.port());
        } finally {
            server.close();
        }
    }

    private static void serveOneClient(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("CONNECT {\"verbose\":false,\"headers\":true,\"no_responders\":true}\r\n"
                    + "SUB training 1\r\nPUB training 2\r\nhi\r\nHPUB training 12 14\r\nNATS/1.0\r\n\r\nhi\r\n"
                    + "PING\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder got = new StringBuilder();
            byte[] buf = new byte[4096];
            while (!got.toString().endsWith("PONG\r\n")) {
                int n = in.read(buf);
                if (n < 0) {
                    throw new IOException("the server closed the training connection: " + got);
                }
                got.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
            }
        }
    }
}
