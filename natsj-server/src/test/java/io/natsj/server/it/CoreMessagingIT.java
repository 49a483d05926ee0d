package io.natsj.server.it;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Options;
import io.nats.client.Subscription;
import io.nats.client.impl.Headers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.natsj.server.it.ServerFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Core NATS messaging as a jnats 2.25 user sees it on embedded natsj: publish/subscribe, wildcards, case-sensitive
 * subjects, queue groups, request-reply, headers, no-responders, auto-unsubscribe, no-echo and the max payload
 * advertised in INFO.
 */
@Timeout(60)
class CoreMessagingIT {

    /** How long to wait for a message that must not arrive. */
    private static final Duration ABSENT = Duration.ofMillis(300);

    private ServerFixture fixture;

    @BeforeEach
    void startServer() throws Exception {
        fixture = ServerFixture.start(ServerFixture.options().maxPayload(64 * 1024));
    }

    @AfterEach
    void stopServer() throws Exception {
        fixture.close();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Message m) {
        return new String(m.getData(), StandardCharsets.UTF_8);
    }

    /** Receives the next message on {@code sub} and returns its subject. */
    private static String nextSubject(Subscription sub) throws InterruptedException {
        Message m = sub.nextMessage(WAIT);
        assertThat(m).as("a message on %s", sub.getSubject()).isNotNull();
        return m.getSubject();
    }

    private static void assertNothingMore(Subscription sub) throws InterruptedException {
        assertThat(sub.nextMessage(ABSENT)).as("no further message on %s", sub.getSubject()).isNull();
    }

    @Test
    void publishedMessageReachesASubscriberOnAnotherConnection() throws Exception {
        Connection sub = fixture.connect();
        Subscription s = sub.subscribe("greet");
        sub.flush(WAIT);
        Connection pub = fixture.connect();

        pub.publish("greet", "reply.to", utf8("hello"));

        Message m = s.nextMessage(WAIT);
        assertThat(m).isNotNull();
        assertThat(m.getSubject()).isEqualTo("greet");
        assertThat(m.getReplyTo()).isEqualTo("reply.to");
        assertThat(text(m)).isEqualTo("hello");
        assertThat(m.hasHeaders()).isFalse();
    }

    @Test
    void starMatchesExactlyOneTokenAndGreaterThanMatchesOneOrMore() throws Exception {
        Connection nc = fixture.connect();
        Subscription star = nc.subscribe("foo.*");
        Subscription full = nc.subscribe("foo.>");
        Subscription middle = nc.subscribe("*.b.*");
        nc.flush(WAIT);

        for (String subject : List.of("foo", "foo.a", "foo.a.b", "x.b.y", "foo.b.c")) {
            nc.publish(subject, utf8(subject));
        }
        nc.flush(WAIT);

        assertThat(nextSubject(star)).isEqualTo("foo.a");
        assertNothingMore(star);
        assertThat(List.of(nextSubject(full), nextSubject(full), nextSubject(full)))
                .containsExactly("foo.a", "foo.a.b", "foo.b.c");
        assertNothingMore(full);
        assertThat(List.of(nextSubject(middle), nextSubject(middle))).containsExactly("x.b.y", "foo.b.c");
        assertNothingMore(middle);
    }

    @Test
    void subjectsAreCaseSensitive() throws Exception {
        Connection nc = fixture.connect();
        Subscription lower = nc.subscribe("orders.new");
        Subscription upper = nc.subscribe("Orders.New");
        nc.flush(WAIT);

        nc.publish("ORDERS.NEW", utf8("x"));
        nc.publish("Orders.New", utf8("y"));
        nc.flush(WAIT);

        assertThat(text(upper.nextMessage(WAIT))).isEqualTo("y");
        assertNothingMore(upper);
        assertNothingMore(lower);
    }

    @Test
    void queueGroupDeliversEachMessageToExactlyOneMemberAndSpreadsTheLoad() throws Exception {
        int total = 1000;
        List<AtomicInteger> counts = List.of(new AtomicInteger(), new AtomicInteger());
        AtomicInteger plain = new AtomicInteger();
        for (AtomicInteger count : counts) {
            Connection member = fixture.connect();
            Dispatcher d = member.createDispatcher(m -> count.incrementAndGet());
            d.subscribe("jobs", "workers");
            member.flush(WAIT);
        }
        Connection observer = fixture.connect();
        observer.createDispatcher(m -> plain.incrementAndGet()).subscribe("jobs");
        observer.flush(WAIT);
        Connection pub = fixture.connect();

        for (int i = 0; i < total; i++) {
            pub.publish("jobs", utf8(Integer.toString(i)));
        }
        pub.flush(WAIT);

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(plain.get()).as("a plain subscriber still gets every message").isEqualTo(total);
            assertThat(counts.get(0).get() + counts.get(1).get()).isEqualTo(total);
        });
        assertThat(counts.get(0).get()).as("member 1").isPositive();
        assertThat(counts.get(1).get()).as("member 2").isPositive();
        observer.flush(WAIT);
        assertThat(counts.get(0).get() + counts.get(1).get()).as("no message twice").isEqualTo(total);
    }

    @Test
    void requestGetsTheReplyOfAResponder() throws Exception {
        Connection responder = fixture.connect();
        Dispatcher d = responder.createDispatcher(m -> responder.publish(m.getReplyTo(), utf8("re: " + text(m))));
        d.subscribe("svc.echo");
        responder.flush(WAIT);
        Connection requester = fixture.connect();

        Message reply = requester.request("svc.echo", utf8("ping"), WAIT);
        Message async = requester.request("svc.echo", utf8("async")).get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(reply).isNotNull();
        assertThat(text(reply)).isEqualTo("re: ping");
        assertThat(text(async)).isEqualTo("re: async");
    }

    @Test
    void headersRoundTripWithMultipleValues() throws Exception {
        Connection nc = fixture.connect();
        Subscription s = nc.subscribe("with.headers");
        nc.flush(WAIT);
        Headers h = new Headers().add("X-Trace", "abc").add("X-Multi", "1", "2").add("Content-Type", "text/plain");

        nc.publish("with.headers", h, utf8("body"));

        Message m = s.nextMessage(WAIT);
        assertThat(m).isNotNull();
        assertThat(m.hasHeaders()).isTrue();
        assertThat(m.getHeaders().get("X-Trace")).containsExactly("abc");
        assertThat(m.getHeaders().get("X-Multi")).containsExactly("1", "2");
        assertThat(m.getHeaders().getFirst("Content-Type")).isEqualTo("text/plain");
        assertThat(text(m)).isEqualTo("body");
    }

    @Test
    void requestWithoutRespondersFailsFastInsteadOfTimingOut() throws Exception {
        Connection nc = fixture.connect();
        long start = System.nanoTime();

        CompletableFuture<Message> f = nc.request("nobody.home", utf8("anyone?"));

        assertThatThrownBy(() -> f.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .isInstanceOfAny(CancellationException.class, ExecutionException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("answered by a 503, not a timeout")
                .isLessThan(Duration.ofSeconds(3));
        ServerFixture.assertServes(nc);
    }

    @Test
    void autoUnsubscribeDeliversExactlyN() throws Exception {
        Connection nc = fixture.connect();
        Subscription s = nc.subscribe("limited");
        s.unsubscribe(3);
        nc.flush(WAIT);
        Connection pub = fixture.connect();

        for (int i = 0; i < 10; i++) {
            pub.publish("limited", utf8(Integer.toString(i)));
        }
        pub.flush(WAIT);

        List<String> got = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Message m = s.nextMessage(WAIT);
            assertThat(m).isNotNull();
            got.add(text(m));
        }
        assertThat(got).containsExactly("0", "1", "2");
        await().atMost(WAIT).until(() -> !s.isActive());
        assertThat(nc.getStatistics().getInMsgs()).as("the server stopped after 3").isEqualTo(3);
    }

    @Test
    void noEchoHidesOwnMessagesButNotThoseOfOthers() throws Exception {
        Connection quiet = fixture.connect(Options.builder().noEcho());
        Subscription s = quiet.subscribe("chat");
        quiet.flush(WAIT);
        Connection other = fixture.connect();

        quiet.publish("chat", utf8("mine"));
        quiet.flush(WAIT);
        other.publish("chat", utf8("theirs"));
        other.flush(WAIT);

        assertThat(text(s.nextMessage(WAIT))).isEqualTo("theirs");
        assertNothingMore(s);
    }

    @Test
    void maxPayloadIsAdvertisedAndEnforcedByTheClient() throws Exception {
        Connection nc = fixture.connect();
        Subscription s = nc.subscribe("big");
        nc.flush(WAIT);

        assertThat(nc.getMaxPayload()).isEqualTo(64 * 1024);
        assertThat(nc.getServerInfo().getMaxPayload()).isEqualTo(64 * 1024);
        assertThatThrownBy(() -> nc.publish("big", new byte[64 * 1024 + 1]))
                .isInstanceOf(IllegalArgumentException.class);
        nc.publish("big", new byte[64 * 1024]);

        Message m = s.nextMessage(WAIT);
        assertThat(m).isNotNull();
        assertThat(m.getData()).hasSize(64 * 1024);
        assertThat(nc.getStatus()).isEqualTo(Connection.Status.CONNECTED);
    }
}
