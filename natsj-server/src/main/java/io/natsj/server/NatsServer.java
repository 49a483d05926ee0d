package io.natsj.server;

import java.io.IOException;

/**
 * The natsj server as a library: build {@link ServerOptions}, {@link #start()} (returns once the server accepts
 * clients), use {@link #port()} / {@link #clientUrl()}, then {@link #close()} to release every thread, socket and file.
 *
 * <pre>{@code
 * try (NatsServer server = NatsServer.start(ServerOptions.builder().port(0).build())) {
 *     Connection nc = Nats.connect(server.clientUrl());
 * }
 * }</pre>
 *
 * <p>Threading: start and close may be called from any thread; the accessors are safe once started.
 */
public final class NatsServer implements AutoCloseable {

    private final ServerOptions options;

    public NatsServer(ServerOptions options) {
        this.options = options;
    }

    /** Creates and starts a server; returns once it accepts clients. */
    public static NatsServer start(ServerOptions options) throws IOException {
        NatsServer server = new NatsServer(options);
        server.start();
        return server;
    }

    /** Binds the listeners and starts accepting; returns once ready. */
    public void start() throws IOException {
        throw new UnsupportedOperationException("not yet");
    }

    /** The options this server runs with. */
    public ServerOptions options() {
        return options;
    }

    /** The bound client port (the real one when options asked for 0 or -1). */
    public int port() {
        throw new UnsupportedOperationException("not yet");
    }

    /** The bound monitoring port, or 0 when monitoring is off. */
    public int httpPort() {
        throw new UnsupportedOperationException("not yet");
    }

    /** A URL clients can connect to, e.g. {@code nats://127.0.0.1:4222}. */
    public String clientUrl() {
        throw new UnsupportedOperationException("not yet");
    }

    /** The server id, as in INFO {@code server_id}. */
    public String serverId() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Blocks until the server has shut down. */
    public void awaitShutdown() throws InterruptedException {
        throw new UnsupportedOperationException("not yet");
    }

    /** Stops accepting, closes every connection and releases all resources; idempotent. */
    @Override
    public void close() {
    }
}
