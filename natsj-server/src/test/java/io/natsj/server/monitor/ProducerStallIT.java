package io.natsj.server.monitor;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.natsj.server.NatsServer;
import io.natsj.server.ServerOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A publisher faster than its subscriber is slowed down rather than the subscriber dropped: once more than 16 MiB
 * (or three quarters of {@code max_pending}) wait for the subscriber, each of the publisher's read batches waits a
 * little for the subscriber's writer, and {@code /connz} counts the subscriber's {@code stalls}, as nats-server does.
 */
@Timeout(60)
class ProducerStallIT {

    @Test
    void aSubscriberThatStopsReadingStallsThePublisherAndConnzCountsIt() throws Exception {
        try (NatsServer server = NatsServer.start(ServerOptions.builder().host("127.0.0.1").port(0)
                .httpHost("127.0.0.1").httpPort(ServerOptions.RANDOM_PORT).noLog(true).build());
             MonitorHttp http = new MonitorHttp(server.httpPort());
             Socket subscriber = new Socket()) {
            subscriber.setReceiveBufferSize(8192); // the kernel holds little for it: the server's queue grows
            subscriber.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
            subscriber.setSoTimeout(5000);
            subscriber.getOutputStream().write("CONNECT {\"verbose\":false,\"name\":\"slow\"}\r\nSUB flood 1\r\nPING\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            awaitPong(subscriber.getInputStream());
            // ... and from here on it reads nothing

            byte[] payload = new byte[1024];
            try (Connection pub = Nats.connect(Options.builder().server(server.clientUrl()).build())) {
                for (int i = 0; i < 30_000; i++) { // about 30 MiB: above the 16 MiB mark, below max_pending (64 MiB)
                    pub.publish("flood", payload);
                }
                pub.flush(Duration.ofSeconds(30));
            }

            JsonNode slow = null;
            for (JsonNode c : http.json("/connz").path("connections")) {
                if ("slow".equals(c.path("name").asString())) {
                    slow = c;
                }
            }
            assertThat(slow).as("the subscriber is still connected (no slow consumer)").isNotNull();
            assertThat(slow.path("stalls").asLong()).isPositive();
            assertThat(slow.path("pending_bytes").asLong()).isGreaterThan(16L << 20);
        }
    }

    private static void awaitPong(InputStream in) throws Exception {
        StringBuilder got = new StringBuilder();
        byte[] buf = new byte[1024];
        while (!got.toString().contains("PONG\r\n")) {
            int n = in.read(buf);
            if (n < 0) {
                throw new IllegalStateException("closed: " + got);
            }
            got.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
        }
    }
}
