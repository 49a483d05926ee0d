package io.natsj.server.it;

import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.natsj.server.NatsServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How a connection ends after a closing {@code -ERR}, on raw sockets, side by side with nats-server 2.9.10: the
 * error line arrives, then a reset when the client sent bytes the server never read (nats-server's plain close does
 * that on Linux), an orderly FIN otherwise. jnats reports the reset as a socket error after the {@code -ERR}, which
 * is what clients (and nats.java's own tests) wait for after a maximum payload violation.
 */
@Timeout(60)
class CloseResetIT {

    /** More than any server reads in one go before it gives up on a connection. */
    private static final String TAIL = "x".repeat(32 * 1024);
    private static final String CONFIG = "max_payload: 1000\nauthorization {\n  user: alice\n  password: secret\n}\n";
    private static final String LOGIN = "CONNECT {\"verbose\":false,\"user\":\"alice\",\"pass\":\"secret\"}\r\n";

    /** One way to get a closing -ERR: what to send, and the error line it brings. */
    private record Case(String name, String input, String err, boolean reset) {
    }

    private static final List<Case> CASES = List.of(
            new Case("maximum payload, as nats.java sends it", LOGIN + "PUB s 1001\r\n" + "y".repeat(1001) + "\r\n",
                    "-ERR 'Maximum Payload Violation'\r\n", true),
            new Case("maximum payload with more after it", LOGIN + "PUB s 1001\r\n" + TAIL,
                    "-ERR 'Maximum Payload Violation'\r\n", true),
            new Case("unknown operation with more after it", LOGIN + "FOO\r\n" + TAIL,
                    "-ERR 'Unknown Protocol Operation'\r\n", true),
            new Case("control line too long", LOGIN + "PUB " + TAIL, "-ERR 'maximum control line exceeded'\r\n",
                    true),
            new Case("wrong password with more after it",
                    "CONNECT {\"verbose\":false,\"user\":\"alice\",\"pass\":\"wrong\"}\r\nPUB s 900\r\n" + TAIL,
                    "-ERR 'Authorization Violation'\r\n", true),
            new Case("unknown operation, nothing after it", LOGIN + "FOO\r\n",
                    "-ERR 'Unknown Protocol Operation'\r\n", false));

    @Test
    void theConnectionEndsLikeNatsServers() throws Exception {
        try (NatsServerProcess reference = NatsServerProcess.withConfig(CONFIG);
             ServerFixture natsj = ServerFixture.start(ServerFixture.options().maxPayload(1000)
                     .user("alice").password("secret"))) {
            for (Case c : CASES) {
                RawClient.End expected = end(reference.port(), c);
                assertThat(expected).as("nats-server, %s", c.name())
                        .isEqualTo(new RawClient.End(c.err(), c.reset()));
                assertThat(end(natsj.port(), c)).as("natsj, %s", c.name()).isEqualTo(expected);
            }
        }
    }

    private static RawClient.End end(int port, Case c) throws IOException {
        try (RawClient raw = RawClient.open(port)) {
            try {
                raw.send(c.input());
            } catch (SocketException e) {
                // the server may reset while the tail is still being written; the reply is read all the same
            }
            return raw.readToEnd();
        }
    }

    @Test
    void jnatsSeesTheErrorAndThenASocketError() throws Exception {
        try (NatsServer natsj = NatsServer.start(ServerFixture.options().maxPayload(1000).build())) {
            List<String> errors = new CopyOnWriteArrayList<>();
            List<Exception> exceptions = new CopyOnWriteArrayList<>();
            Options options = Options.builder().server(natsj.clientUrl()).noReconnect()
                    .clientSideLimitChecks(false)
                    .errorListener(new ErrorListener() {
                        @Override
                        public void errorOccurred(Connection conn, String error) {
                            errors.add(error);
                        }

                        @Override
                        public void exceptionOccurred(Connection conn, Exception exp) {
                            exceptions.add(exp);
                        }
                    }).build();
            try (Connection nc = Nats.connect(options)) {
                nc.publish("subject", new byte[1001]);
                await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                    assertThat(errors).anySatisfy(e -> assertThat(e).contains("Maximum Payload Violation"));
                    assertThat(exceptions).anySatisfy(e -> assertThat(e).isInstanceOf(SocketException.class));
                });
            }
        }
    }
}
