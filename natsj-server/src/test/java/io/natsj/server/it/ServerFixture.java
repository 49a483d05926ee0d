package io.natsj.server.it;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import io.natsj.server.NatsServer;
import io.natsj.server.ServerOptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An embedded natsj server on a free loopback port, with the jnats and raw clients a test opens on it; closing the
 * fixture closes them all, then the server. {@link #assertServes()} proves the server still works for a fresh client.
 */
final class ServerFixture implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(10);

    private final NatsServer server;
    private final List<AutoCloseable> clients = new ArrayList<>();

    private ServerFixture(NatsServer server) {
        this.server = server;
    }

    /**
     * Options for a test server: loopback, a free port, logging left to the test runtime, and (as nats-server's own
     * test options) no early first PING, which would otherwise break into raw replies after 2 s.
     */
    static ServerOptions.Builder options() {
        return ServerOptions.builder().host("127.0.0.1").port(0).noLog(true).disableShortFirstPing(true);
    }

    static ServerFixture start() throws IOException {
        return start(options());
    }

    static ServerFixture start(ServerOptions.Builder options) throws IOException {
        return new ServerFixture(NatsServer.start(options.build()));
    }

    NatsServer server() {
        return server;
    }

    int port() {
        return server.port();
    }

    /** A jnats connection without reconnects, closed with the fixture. */
    Connection connect() throws Exception {
        return connect(Options.builder());
    }

    Connection connect(Options.Builder options) throws Exception {
        Connection nc = Nats.connect(options.server(server.clientUrl()).noReconnect().build());
        clients.add(nc);
        return nc;
    }

    /** A raw client that has read INFO, closed with the fixture. */
    RawClient raw() throws IOException {
        return track(RawClient.open(port()));
    }

    /** A raw client that has read INFO and sent {@code CONNECT {"verbose":false}}. */
    RawClient rawConnected() throws IOException {
        return track(RawClient.connected(port()));
    }

    RawClient track(RawClient raw) {
        clients.add(raw);
        return raw;
    }

    /** A fresh jnats connection can subscribe, publish and receive its own message. */
    void assertServes() throws Exception {
        assertServes(Options.builder());
    }

    /** A fresh jnats connection with these options can subscribe, publish and receive its own message. */
    void assertServes(Options.Builder options) throws Exception {
        try (Connection nc = Nats.connect(options.server(server.clientUrl()).noReconnect().build())) {
            assertServes(nc);
        }
    }

    /** {@code nc} can subscribe, publish and receive its own message. */
    static void assertServes(Connection nc) throws Exception {
        String subject = "health." + UUID.randomUUID();
        Subscription sub = nc.subscribe(subject);
        nc.flush(WAIT);
        nc.publish(subject, "ok".getBytes(StandardCharsets.UTF_8));
        Message m = sub.nextMessage(WAIT);
        assertThat(m).as("own message on a healthy server").isNotNull();
        assertThat(m.getData()).asString(StandardCharsets.UTF_8).isEqualTo("ok");
        sub.unsubscribe();
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : clients) {
            c.close();
        }
        server.close();
    }
}
