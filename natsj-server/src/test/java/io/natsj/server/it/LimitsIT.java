package io.natsj.server.it;

import io.nats.client.Connection;
import io.nats.client.impl.Headers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static io.natsj.server.it.ServerFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The server's limits and connection policing as clients see them: slow consumers are cut off without harming
 * others, stale connections are closed, verbose mode acknowledges, headers are stripped for clients that did not ask
 * for them, and max connections, auth timeout and max subscriptions answer with nats-server's -ERR texts (max
 * subscriptions also compared byte for byte against nats-server where installed).
 */
@Timeout(60)
class LimitsIT {

    private ServerFixture fixture;

    @AfterEach
    void stopServer() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void slowConsumerIsClosedWhileOtherSubscribersKeepReceiving() throws Exception {
        // a write into the full socket of the slow client may hold its writer (or a publisher flushing inline) up to
        // write_deadline, after which the slow client is closed: keep that short so the publisher's flushes return
        fixture = ServerFixture.start(ServerFixture.options().maxPending(128 * 1024)
                .writeDeadline(Duration.ofSeconds(2)));
        RawClient slow = fixture.track(RawClient.open(fixture.port(), 1024));
        slow.send(RawClient.CONNECT + "SUB flood 1\r\n").assertPingPong();
        // from now on the raw client reads nothing
        Connection good = fixture.connect();
        AtomicInteger received = new AtomicInteger();
        good.createDispatcher(m -> received.incrementAndGet()).subscribe("flood");
        good.flush(WAIT);
        Connection pub = fixture.connect();
        byte[] payload = new byte[512];
        AtomicInteger published = new AtomicInteger();

        // small flushed rounds keep the healthy subscriber under max_pending; the kernel's socket buffers absorb a
        // lot before the slow one's queue fills, so a loaded machine may need more than WAIT
        await().atMost(Duration.ofSeconds(45)).until(() -> {
            for (int i = 0; i < 100; i++) {
                pub.publish("flood", payload);
            }
            pub.flush(WAIT);
            published.addAndGet(100);
            return fixture.server().connections().size() == 2;
        });

        assertThat(slow.drainUntilClosed(WAIT)).as("the slow consumer's socket is closed").isTrue();
        pub.publish("flood", "after".getBytes(StandardCharsets.UTF_8));
        pub.flush(WAIT);
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(received.get()).as("every message, and the one after").isEqualTo(published.get() + 1));
        assertThat(good.getStatus()).isEqualTo(Connection.Status.CONNECTED);
    }

    @Test
    void connectionThatNeverAnswersPingIsClosedAsStale() throws Exception {
        fixture = ServerFixture.start(ServerFixture.options().pingInterval(Duration.ofMillis(100)).pingMax(2));
        RawClient raw = fixture.rawConnected();

        List<String> lines = new ArrayList<>();
        for (String line = raw.readLine(); line != null; line = raw.readLine()) {
            lines.add(line);
        }

        assertThat(lines).isNotEmpty();
        assertThat(lines.getLast()).isEqualTo("-ERR 'Stale Connection'");
        assertThat(lines.subList(0, lines.size() - 1)).containsOnly("PING").hasSize(2);
        fixture.assertServes();
    }

    @Test
    void verboseClientGetsOkAfterConnectSubAndPubButNotPing() throws Exception {
        fixture = ServerFixture.start();
        RawClient raw = fixture.raw();

        raw.send("CONNECT {\"verbose\":true}\r\n");
        assertThat(raw.readLine()).isEqualTo("+OK");
        raw.send("SUB v 1\r\n");
        assertThat(raw.readLine()).isEqualTo("+OK");
        raw.send("PUB v 2\r\nhi\r\n");
        assertThat(raw.readLine()).isEqualTo("+OK");
        assertThat(raw.readLine()).isEqualTo("MSG v 1 2");
        assertThat(raw.readLine()).isEqualTo("hi");
        raw.assertPingPong();
    }

    @Test
    void headersAreStrippedForASubscriberThatDidNotEnableThem() throws Exception {
        fixture = ServerFixture.start();
        RawClient raw = fixture.rawConnected();
        raw.send("SUB hdr 9\r\n").assertPingPong();
        Connection nc = fixture.connect();

        nc.publish("hdr", new Headers().add("X-Secret", "v"), "hello".getBytes(StandardCharsets.UTF_8));
        nc.flush(WAIT);

        assertThat(raw.readReply().text()).isEqualTo("MSG hdr 9 5\r\nhello\r\n");
    }

    @Test
    void connectionBeyondMaxConnectionsIsRefused() throws Exception {
        fixture = ServerFixture.start(ServerFixture.options().maxConnections(1));
        Connection first = fixture.connect();

        RawClient second = fixture.raw();

        assertThat(second.readReply())
                .isEqualTo(RawClient.Reply.closed("-ERR 'maximum connections exceeded'\r\n"));
        ServerFixture.assertServes(first);
    }

    @Test
    void clientThatNeverSendsConnectIsClosedByTheAuthTimeout() throws Exception {
        fixture = ServerFixture.start(ServerFixture.options().user("u").password("p")
                .authTimeout(Duration.ofMillis(200)));
        RawClient raw = fixture.raw();

        assertThat(raw.infoJson()).contains("\"auth_required\":true");
        assertThat(raw.readLine()).isEqualTo("-ERR 'Authentication Timeout'");
        assertThat(raw.readLine()).as("EOF").isNull();
    }

    @Test
    void subscriptionBeyondMaxSubscriptionsIsRefusedAndTheConnectionStaysOpenLikeNatsServer() throws Exception {
        fixture = ServerFixture.start(ServerFixture.options().maxSubscriptions(2));
        String exchange = "SUB a 1\r\nSUB b 2\r\nSUB c 3\r\nPUB a 1\r\nx\r\nPUB c 1\r\ny\r\nPING\r\n";
        String expected = "-ERR 'maximum subscriptions exceeded'\r\nMSG a 1 1\r\nx\r\nPONG\r\n";

        RawClient raw = fixture.rawConnected();
        assertThat(raw.send(exchange).readReply()).isEqualTo(RawClient.Reply.open(expected));

        if (NatsServerProcess.installed()) {
            try (NatsServerProcess ns = NatsServerProcess.withConfig("max_subscriptions: 2\n");
                 RawClient ref = RawClient.connected(ns.port())) {
                assertThat(ref.send(exchange).readReply().text()).as("nats-server").isEqualTo(expected);
            }
        }
    }
}
