package io.natsj.server;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Subscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A quick end-to-end check of the embedded server through jnats: the full suites live in {@code io.natsj.server.it}. */
@Timeout(30)
class NatsServerSmokeTest {

    @Test
    void publishesSubscribesAndAnswersRequests() throws Exception {
        try (NatsServer server = NatsServer.start(ServerOptions.builder().host("127.0.0.1").port(0).noLog(true).build());
             Connection nc = Nats.connect(server.clientUrl())) {
            assertThat(server.port()).isPositive();
            Subscription sub = nc.subscribe("greet.*");
            Dispatcher responder = nc.createDispatcher(m -> nc.publish(m.getReplyTo(), m.getData()));
            responder.subscribe("echo");
            nc.flush(Duration.ofSeconds(5));

            nc.publish("greet.joe", "hello".getBytes(StandardCharsets.UTF_8));
            Message m = sub.nextMessage(Duration.ofSeconds(5));
            assertThat(m).isNotNull();
            assertThat(m.getSubject()).isEqualTo("greet.joe");
            assertThat(new String(m.getData(), StandardCharsets.UTF_8)).isEqualTo("hello");

            Message reply = nc.request("echo", "ping".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5));
            assertThat(new String(reply.getData(), StandardCharsets.UTF_8)).isEqualTo("ping");

            CompletableFuture<Message> none = nc.request("nobody.home", new byte[0]);
            // jnats cancels the request future when the server answers 503 no-responders
            assertThatThrownBy(() -> none.get(5, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
        }
    }
}
