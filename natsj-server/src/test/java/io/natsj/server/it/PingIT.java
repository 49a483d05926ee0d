package io.natsj.server.it;

import io.natsj.server.ServerOptions;
import io.natsj.server.util.GoDuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The server's PINGs on raw sockets, as nats-server sends them: the first about 2 s after CONNECT (plus up to 20 %)
 * whatever the client does, since it measures the round trip (test harnesses wait for it); later ones every
 * {@code ping_interval} to a client that stays quiet (its PONGs do not count as activity), none to a client that
 * keeps publishing; the PONG's round trip shows in {@code /connz}.
 */
@Timeout(60)
class PingIT {

    private static final Duration FIRST_PING = Duration.ofSeconds(2);
    /** The first PING's random offset (20 % of 2 s) plus slack for a busy machine. */
    private static final Duration FIRST_PING_LATEST = Duration.ofMillis(3000);

    /** The test fixture's options with nats-server's default first PING. */
    private static ServerOptions.Builder options() {
        return ServerFixture.options().disableShortFirstPing(false);
    }

    @Test
    void firstPingComesTwoSecondsAfterConnectEvenToABusyClient() throws Exception {
        try (ServerFixture natsj = ServerFixture.start(options())) {
            assertThat(timeToFirstPingWhilePublishing(natsj.port())).isBetween(FIRST_PING, FIRST_PING_LATEST);
        }
    }

    @Test
    void natsServerSendsTheFirstPingTheSameWay() throws Exception {
        try (NatsServerProcess reference = NatsServerProcess.start()) {
            assertThat(timeToFirstPingWhilePublishing(reference.port())).isBetween(FIRST_PING, FIRST_PING_LATEST);
        }
    }

    /** CONNECT, PING, then a PUB every 50 ms; returns how long after CONNECT the server's PING came. */
    private static Duration timeToFirstPingWhilePublishing(int port) throws Exception {
        ExecutorService publisher = Executors.newSingleThreadExecutor();
        AtomicBoolean publishing = new AtomicBoolean(true);
        try (RawClient raw = RawClient.open(port)) {
            long connected = System.nanoTime();
            raw.send(RawClient.CONNECT + "PING\r\n");
            assertThat(raw.readLine()).isEqualTo("PONG");
            publisher.submit(() -> {
                while (publishing.get()) {
                    raw.send("PUB busy 2\r\nhi\r\n");
                    TimeUnit.MILLISECONDS.sleep(50);
                }
                return null;
            });
            assertThat(raw.readLine()).as("the server's first PING").isEqualTo("PING");
            return Duration.ofNanos(System.nanoTime() - connected);
        } finally {
            publishing.set(false);
            publisher.shutdown();
            assertThat(publisher.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void laterPingsComeEveryIntervalToAQuietClientAndNotToABusyOne() throws Exception {
        Duration interval = Duration.ofSeconds(1);
        try (ServerFixture natsj = ServerFixture.start(options().pingInterval(interval))) {
            RawClient quiet = natsj.rawConnected();
            RawClient busy = natsj.rawConnected();
            ExecutorService publisher = Executors.newSingleThreadExecutor();
            AtomicBoolean publishing = new AtomicBoolean(true);
            List<Long> quietPings = new ArrayList<>();
            try {
                publisher.submit(() -> {
                    while (publishing.get()) {
                        busy.send("PUB busy 2\r\nhi\r\n");
                        TimeUnit.MILLISECONDS.sleep(50);
                    }
                    return null;
                });
                long start = System.nanoTime();
                for (int i = 0; i < 3; i++) {
                    assertThat(quiet.readLine()).isEqualTo("PING");
                    quietPings.add(System.nanoTime() - start);
                    quiet.send("PONG\r\n");
                }
                assertThat(busy.readLine()).as("the busy client's one PING, for the round trip").isEqualTo("PING");
                busy.send("PONG\r\n");
            } finally {
                publishing.set(false);
                publisher.shutdown();
                assertThat(publisher.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
            }
            for (int i = 1; i < quietPings.size(); i++) {
                assertThat(Duration.ofNanos(quietPings.get(i) - quietPings.get(i - 1)))
                        .as("gap before PING %d", i + 1).isBetween(interval.minusMillis(50), interval.multipliedBy(3).dividedBy(2));
            }
            busy.assertPingPong();
            assertThat(busy.readReply(Duration.ofMillis(100)).text()).as("nothing more for the busy client")
                    .isEmpty();
        }
    }

    @Test
    void connzShowsTheRoundTripOfTheServersPing() throws Exception {
        Duration answerDelay = Duration.ofMillis(400);
        try (ServerFixture natsj = ServerFixture.start(options().httpPort(ServerOptions.RANDOM_PORT))) {
            RawClient raw = natsj.rawConnected();
            raw.assertPingPong();
            assertThat(rtt(natsj)).as("estimated at CONNECT").isLessThan(answerDelay);

            assertThat(raw.readLine()).isEqualTo("PING");
            TimeUnit.MILLISECONDS.sleep(answerDelay.toMillis()); // the delay is what is measured
            raw.send("PONG\r\n");

            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(rtt(natsj)).isBetween(answerDelay, answerDelay.plusSeconds(2)));
        }
    }

    private static Duration rtt(ServerFixture natsj) throws IOException, InterruptedException {
        HttpRequest get = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + natsj.server().httpPort() + "/connz")).build();
        try (HttpClient http = HttpClient.newHttpClient()) {
            JsonNode connz = JsonMapper.builder().build().readTree(
                    http.send(get, HttpResponse.BodyHandlers.ofString()).body());
            return GoDuration.parse(connz.get("connections").get(0).get("rtt").asString());
        }
    }
}
