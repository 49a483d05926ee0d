package io.natsj.server.jetstream.consumer;

import io.nats.client.ConsumeOptions;
import io.nats.client.ConsumerContext;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.MessageConsumer;
import io.nats.client.PullRequestOptions;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.Subscription;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.PriorityGroupState;
import io.nats.client.api.PriorityPolicy;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static io.natsj.server.jetstream.consumer.ConsumerFixture.JSON;
import static io.natsj.server.jetstream.consumer.ConsumerFixture.WAIT;
import static io.natsj.server.jetstream.consumer.ConsumerFixture.data;
import static io.natsj.server.jetstream.consumer.ConsumerFixture.errCode;
import static io.natsj.server.jetstream.consumer.ConsumerFixture.errDescription;
import static io.natsj.server.jetstream.consumer.ConsumerFixture.next;
import static io.natsj.server.jetstream.consumer.ConsumerFixture.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Priority groups as nats-server 2.11 has them: the config checks (10159, 10161, 10162, 10178, 2.12's
 * {@code prioritized} refused as invalid JSON), the {@code priority_timeout} default, the pull request checks
 * (400 and 423 status messages), the {@code overflow} policy's {@code min_pending} / {@code min_ack_pending}, the
 * {@code pinned_client} policy (one client gets everything with {@code Nats-Pin-Id}, 423 for a stale or wrong id,
 * the pin moving after {@code priority_timeout} or on {@code CONSUMER.UNPIN}, the PINNED / UNPINNED advisories,
 * {@code priority_groups} in the info), through raw requests and jnats' APIs. nats-server 2.9.10 has no priority
 * groups, so there is no side-by-side run; the expectations come from nats-server 2.11's consumer.go and
 * jetstream_api.go and from nats.java's own tests (testOverflow, testPinnedClient).
 */
@Timeout(120)
class PriorityGroupsIT extends ConsumerTestBase {

    private static final Duration QUIET = Duration.ofMillis(300);
    private static final String ADVISORIES = "$JS.EVENT.ADVISORY.CONSUMER.*.S.";
    private static final String PINNED = ",\"priority_policy\":\"pinned_client\",\"priority_groups\":[\"g\"]";
    private static final String OVERFLOW = ",\"priority_policy\":\"overflow\",\"priority_groups\":[\"g\"]";


    @BeforeEach
    void start() throws Exception {
        f.stream("S", "s.>");
    }

    private JsonNode create(String name, String extra) throws Exception {
        return f.createConsumer("S", "{\"durable_name\":\"" + name + "\",\"ack_policy\":\"explicit\"" + extra + "}");
    }

    /** Creates the pinned_client consumer "c" (group "g") and subscribes to its advisories. */
    private Subscription pinnedConsumerC() throws Exception {
        create("c", PINNED);
        Subscription advisories = f.nc().subscribe(ADVISORIES + "c");
        f.nc().flush(WAIT);
        return advisories;
    }

    private static String pinId(Message m) {
        return m.getHeaders() == null ? null : m.getHeaders().getFirst("Nats-Pin-Id");
    }

    /** The next advisory on {@code sub} of {@code type} (consumer_group_pinned, ...), skipping others. */
    private static JsonNode advisory(Subscription sub, String type) throws Exception {
        while (true) {
            JsonNode a = JSON.readTree(next(sub).getData());
            if (a.get("type").asString().equals("io.nats.jetstream.advisory.v1." + type)) {
                return a;
            }
        }
    }

    // ---- configuration -------------------------------------------------------------------------------------------

    @Test
    void configChecksAnswerNatsServersErrors() throws Exception {
        assertThat(errCode(create("a", ",\"priority_policy\":\"overflow\""))).isEqualTo(10159);
        assertThat(errCode(create("a", ",\"priority_policy\":\"pinned_client\",\"priority_groups\":[]")))
                .isEqualTo(10159);
        assertThat(errCode(create("a", ",\"priority_policy\":\"overflow\",\"priority_groups\":[\"g\",\"\"]")))
                .isEqualTo(10161);
        JsonNode tooLong = create("a", ",\"priority_policy\":\"overflow\",\"priority_groups\":[\"abcdefghijklmnopq\"]");
        assertThat(errCode(tooLong)).isEqualTo(10162);
        assertThat(errDescription(tooLong)).isEqualTo(
                "Valid priority group name must match A-Z, a-z, 0-9, -_/=)+ and may not exceed 16 characters");
        assertThat(errCode(create("a", ",\"priority_policy\":\"overflow\",\"priority_groups\":[\"a.b\"]")))
                .isEqualTo(10162);
        assertThat(errCode(create("a", ",\"priority_policy\":\"overflow\",\"priority_groups\":[\"a\\nb\"]")))
                .isEqualTo(10162);
        JsonNode push = create("a", ",\"deliver_subject\":\"d\",\"priority_policy\":\"overflow\","
                + "\"priority_groups\":[\"g\"]");
        assertThat(errCode(push)).isEqualTo(10178);
        assertThat(errDescription(push)).isEqualTo("priority groups can not be used with push consumers");
        JsonNode prioritized = create("a", ",\"priority_policy\":\"prioritized\",\"priority_groups\":[\"g\"]");
        assertThat(errCode(prioritized)).isEqualTo(10025);
        assertThat(errDescription(prioritized)).isEqualTo("invalid JSON: unknown priority policy: \"prioritized\"");
        // names of 16 characters from the whole alphabet are fine
        assertThat(errCode(create("a", ",\"priority_policy\":\"overflow\",\"priority_groups\":[\"aZ09-_/=aZ09-_/=\"]")))
                .isZero();

        // through jnats, as nats.java's testOverflow checks it
        ConsumerConfiguration noGroup = ConsumerConfiguration.builder().priorityPolicy(PriorityPolicy.Overflow).build();
        assertThatThrownBy(() -> f.jsm().addOrUpdateConsumer("S", noGroup))
                .isInstanceOfSatisfying(JetStreamApiException.class, e -> assertThat(e.getApiErrorCode())
                        .isEqualTo(10159));
    }

    @Test
    void pinnedClientDefaultsItsTimeoutAndInfoShowsTheGroup() throws Exception {
        JsonNode pinned = create("p", ",\"priority_policy\":\"pinned_client\",\"priority_groups\":[\"g\",\"h\"]");
        assertThat(errCode(pinned)).isZero();
        assertThat(pinned.get("config").get("priority_policy").asString()).isEqualTo("pinned_client");
        assertThat(pinned.get("config").get("priority_timeout").asLong()).isEqualTo(120_000_000_000L);
        // one entry, for the first group, not pinned yet
        assertThat(pinned.get("priority_groups").toString())
                .isEqualTo("[{\"group\":\"g\",\"pinned_ts\":\"0001-01-01T00:00:00Z\"}]");

        JsonNode overflow = create("o", OVERFLOW);
        assertThat(overflow.get("config").has("priority_timeout")).isFalse();

        // 2.11 accepts groups without a policy ("none" is not written back)
        JsonNode none = create("n", ",\"priority_policy\":\"none\",\"priority_groups\":[\"g\"]");
        assertThat(errCode(none)).isZero();
        assertThat(none.get("config").has("priority_policy")).isFalse();
        assertThat(none.get("priority_groups").get(0).get("group").asString()).isEqualTo("g");
        assertThat(create("plain", "").has("priority_groups")).isFalse();

        ConsumerInfo info = f.jsm().getConsumerInfo("S", "p");
        assertThat(info.getConsumerConfiguration().getPriorityPolicy()).isEqualTo(PriorityPolicy.PinnedClient);
        assertThat(info.getConsumerConfiguration().getPriorityTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(info.getPriorityGroupStates()).extracting(PriorityGroupState::getGroup).containsExactly("g");
    }

    // ---- pull requests -------------------------------------------------------------------------------------------

    @Test
    void pullRequestChecksAnswerWithStatusMessages() throws Exception {
        create("o", OVERFLOW);
        create("p", PINNED);
        create("plain", "");
        assertThat(status(next(f.pull("S", "o", "{\"batch\":1}")))).isEqualTo("400 Bad Request - Priority Group missing");
        assertThat(status(next(f.pull("S", "o", "{\"batch\":1,\"group\":\"bogus\"}"))))
                .isEqualTo("400 Bad Request - Invalid Priority Group");
        assertThat(status(next(f.pull("S", "o", "{\"batch\":1,\"group\":\"g\",\"id\":\"X\"}"))))
                .isEqualTo("400 Bad Request - Not a Pinned Client Priority consumer");
        assertThat(status(next(f.pull("S", "p", "{\"batch\":1,\"group\":\"g\",\"min_pending\":1}"))))
                .isEqualTo("400 Bad Request - Not a Overflow Priority consumer");
        Subscription refused = f.pull("S", "plain", "{\"batch\":1,\"min_ack_pending\":1}");
        assertThat(status(next(refused))).isEqualTo("400 Bad Request - Not a Overflow Priority consumer");
        // a consumer without a policy ignores a group
        Subscription plain = f.pull("S", "plain", "{\"batch\":1,\"group\":\"anything\"}");
        f.publish("s.a", "one");
        Message m = next(plain);
        assertThat(data(m)).isEqualTo("one");
        assertThat(pinId(m)).isNull();
        // the refused request did not wait (nats-server 2.11.0 queues it after the 400; later versions do not)
        assertThat(refused.nextMessage(QUIET)).isNull();

        // jnats: a fetch without a group fails, as nats.java's testPinnedClient expects
        ConsumerContext cc = f.nc().getStreamContext("S").getConsumerContext("p");
        assertThatThrownBy(() -> cc.fetchMessages(10)).isInstanceOf(IOException.class);
    }

    // ---- overflow ------------------------------------------------------------------------------------------------

    /** Pulls with {@code pro} and counts what arrives (acking when asked), as nats.java's _overflowCheck. */
    private static int pullAndCount(JetStreamSubscription sub, PullRequestOptions pro, boolean ack)
            throws Exception {
        sub.pull(pro);
        int count = 0;
        Message m = sub.nextMessage(Duration.ofSeconds(1));
        while (m != null) {
            count++;
            if (ack) {
                m.ack();
            }
            m = sub.nextMessage(QUIET);
        }
        return count;
    }

    @Test
    void overflowMinAckPendingDeliversOnlyWhileThatManyAcksAreOutstanding() throws Exception {
        f.publish("s.a", 100);
        f.jsm().addOrUpdateConsumer("S", ConsumerConfiguration.builder().durable("c")
                .priorityPolicy(PriorityPolicy.Overflow).priorityGroups("g").ackWait(60_000).build());
        PullSubscribeOptions so = PullSubscribeOptions.fastBind("S", "c");
        JetStreamSubscription prime = f.js().subscribe(null, so);
        JetStreamSubscription over = f.js().subscribe(null, so);
        PullRequestOptions noMin = PullRequestOptions.builder(5).group("g").build();

        assertThat(pullAndCount(prime, noMin, true)).isEqualTo(5);
        assertThat(pullAndCount(over, noMin, true)).isEqualTo(5);
        assertThat(pullAndCount(prime, noMin, false)).isEqualTo(5); // 5 acks outstanding now
        assertThat(pullAndCount(over, PullRequestOptions.builder(5).group("g").minAckPending(5).build(), true))
                .isEqualTo(5);
        assertThat(pullAndCount(over, PullRequestOptions.builder(5).group("g").minAckPending(10).build(), true))
                .isZero();
    }

    @Test
    void overflowMinPendingDeliversOnlyWhileThatManyMessagesArePending() throws Exception {
        f.publish("s.a", 100);
        f.jsm().addOrUpdateConsumer("S", ConsumerConfiguration.builder().durable("c")
                .priorityPolicy(PriorityPolicy.Overflow).priorityGroups("g").build());
        PullSubscribeOptions so = PullSubscribeOptions.fastBind("S", "c");
        JetStreamSubscription prime = f.js().subscribe(null, so);
        JetStreamSubscription over = f.js().subscribe(null, so);
        PullRequestOptions noMin = PullRequestOptions.builder(5).group("g").build();
        PullRequestOptions min78 = PullRequestOptions.builder(5).group("g").minPending(78).build();

        assertThat(pullAndCount(prime, noMin, true)).isEqualTo(5);
        assertThat(pullAndCount(over, noMin, true)).isEqualTo(5);
        assertThat(pullAndCount(over, min78, true)).isEqualTo(5);
        assertThat(pullAndCount(over, min78, true)).isEqualTo(5);
        // 80 pending: delivered at 80, 79 and 78 pending, then 77 is below the threshold
        assertThat(pullAndCount(over, min78, true)).isEqualTo(3);
        assertThat(pullAndCount(over, min78, true)).isZero();
        // the waiting overflow requests do not hold back a request without a threshold
        assertThat(pullAndCount(prime, noMin, true)).isEqualTo(5);
    }

    @Test
    void overflowWithBothThresholdsNeedsBoth() throws Exception {
        create("c", OVERFLOW);
        f.publish("s.a", 10);
        // 10 pending, no ack outstanding: min_pending is met, min_ack_pending is not (nats-server 2.11)
        Subscription both = f.pull("S", "c", "{\"batch\":1,\"group\":\"g\",\"min_pending\":5,\"min_ack_pending\":1}");
        assertThat(both.nextMessage(QUIET)).isNull();
        Message first = next(f.pull("S", "c", "{\"batch\":1,\"group\":\"g\"}"));
        assertThat(data(first)).isEqualTo("m1");
        // one ack outstanding and 9 pending: the waiting request gets the next message at once
        Message m = next(both);
        assertThat(data(m)).isEqualTo("m2");
    }

    @Test
    void overflowRequestsTakeTurnsAndOnesBelowTheirThresholdArePassedOver() throws Exception {
        create("c", OVERFLOW);
        Subscription a = f.pull("S", "c", "{\"batch\":4,\"group\":\"g\",\"expires\":5000000000}");
        Subscription high = f.pull("S", "c", "{\"batch\":4,\"group\":\"g\",\"min_pending\":100,"
                + "\"expires\":5000000000}");
        Subscription b = f.pull("S", "c", "{\"batch\":4,\"group\":\"g\",\"expires\":5000000000}");
        await().atMost(WAIT).until(() -> f.consumerInfo("S", "c").get("num_waiting").asInt() == 3);
        f.publish("s.a", 4);
        assertThat(List.of(data(next(a)), data(next(a)))).containsExactly("m1", "m3");
        assertThat(List.of(data(next(b)), data(next(b)))).containsExactly("m2", "m4");
        assertThat(high.nextMessage(QUIET)).isNull();
    }

    // ---- pinned client -------------------------------------------------------------------------------------------

    @Test
    void pinnedClientGetsEverythingWithItsPinIdAndOthersWait() throws Exception {
        Subscription advisories = pinnedConsumerC();
        f.publish("s.a", 3);

        Subscription a = f.pull("S", "c", "{\"batch\":2,\"group\":\"g\"}");
        Message a1 = next(a);
        Message a2 = next(a);
        String pin = pinId(a1);
        assertThat(pin).hasSize(22);
        assertThat(pinId(a2)).isEqualTo(pin);
        assertThat(List.of(data(a1), data(a2))).containsExactly("m1", "m2");
        JsonNode pinned = advisory(advisories, "consumer_group_pinned");
        assertThat(pinned.get("account").asString()).isEqualTo("$G");
        assertThat(pinned.get("stream").asString()).isEqualTo("S");
        assertThat(pinned.get("consumer").asString()).isEqualTo("c");
        assertThat(pinned.get("group").asString()).isEqualTo("g");
        assertThat(pinned.get("pinned_id").asString()).isEqualTo(pin);

        JsonNode info = f.consumerInfo("S", "c").get("priority_groups").get(0);
        assertThat(info.get("group").asString()).isEqualTo("g");
        assertThat(info.get("pinned_client_id").asString()).isEqualTo(pin);
        assertThat(info.get("pinned_ts").asString()).isNotEqualTo("0001-01-01T00:00:00Z");
        assertThat(f.jsm().getConsumerInfo("S", "c").getPriorityGroupStates().get(0).getPinnedClientId())
                .isEqualTo(pin);

        // another client without the id waits, even though its request came first
        Subscription b = f.pull("S", "c", "{\"batch\":5,\"group\":\"g\",\"expires\":30000000000}");
        assertThat(status(next(f.pull("S", "c", "{\"batch\":1,\"group\":\"g\",\"id\":\"WRONG\"}"))))
                .isEqualTo("423 Nats-Pin-Id mismatch");
        Subscription a3 = f.pull("S", "c", "{\"batch\":1,\"group\":\"g\",\"id\":\"" + pin + "\"}");
        Message m3 = next(a3);
        assertThat(data(m3)).isEqualTo("m3");
        assertThat(pinId(m3)).isEqualTo(pin);
        f.publish("s.a", "m4");
        assertThat(b.nextMessage(QUIET)).isNull();
        assertThat(f.consumerInfo("S", "c").get("num_pending").asLong()).isEqualTo(1);
    }

    @Test
    void unpinMovesThePinAndAStaleIdGets423() throws Exception {
        Subscription advisories = pinnedConsumerC();
        f.publish("s.a", 1);
        String pin = pinId(next(f.pull("S", "c", "{\"batch\":1,\"group\":\"g\"}")));
        advisory(advisories, "consumer_group_pinned");
        // the pinned client waits for more, carrying its id
        Subscription waiting = f.pull("S", "c", "{\"batch\":5,\"group\":\"g\",\"id\":\"" + pin + "\"}");

        JsonNode unpinned = f.api("CONSUMER.UNPIN.S.c", "{\"group\":\"g\"}");
        assertThat(unpinned.toString()).isEqualTo("{\"type\":\"io.nats.jetstream.api.v1.consumer_unpin_response\"}");
        JsonNode adv = advisory(advisories, "consumer_group_unpinned");
        assertThat(adv.get("group").asString()).isEqualTo("g");
        assertThat(adv.get("reason").asString()).isEqualTo("admin");
        assertThat(f.consumerInfo("S", "c").get("priority_groups").toString())
                .isEqualTo("[{\"group\":\"g\",\"pinned_ts\":\"0001-01-01T00:00:00Z\"}]");

        // the next message finds the request with the old id first: it is told its pin is gone
        f.publish("s.a", "m2");
        assertThat(status(next(waiting))).isEqualTo("423 Nats-Wrong-Pin-Id");
        Message m2 = next(f.pull("S", "c", "{\"batch\":1,\"group\":\"g\"}"));
        assertThat(data(m2)).isEqualTo("m2");
        assertThat(pinId(m2)).isNotEqualTo(pin).hasSize(22);
        assertThat(advisory(advisories, "consumer_group_pinned").get("pinned_id").asString()).isEqualTo(pinId(m2));

        // through jnats
        assertThat(f.jsm().unpinConsumer("S", "c", "g")).isTrue();
        assertThat(f.nc().getStreamContext("S").getConsumerContext("c").unpin("g")).isTrue();
        assertThat(advisory(advisories, "consumer_group_unpinned").get("reason").asString()).isEqualTo("admin");
    }

    @Test
    void thePinHeaderJoinsTheMessagesOwnHeaders() throws Exception {
        create("c", ",\"priority_policy\":\"pinned_client\",\"priority_groups\":[\"g\"],\"headers_only\":true");
        f.nc().publish(io.nats.client.impl.NatsMessage.builder().subject("s.a")
                .headers(new io.nats.client.impl.Headers().add("X-Own", "v")).data("payload").build());
        f.nc().flush(WAIT);
        await().atMost(WAIT).until(() -> f.jsm().getStreamInfo("S").getStreamState().getMsgCount() == 1);
        Message m = next(f.pull("S", "c", "{\"batch\":1,\"group\":\"g\"}"));
        assertThat(ConsumerFixture.headers(m)).containsOnlyKeys("X-Own", "Nats-Msg-Size", "Nats-Pin-Id")
                .containsEntry("X-Own", "v").containsEntry("Nats-Msg-Size", "7");
        assertThat(m.getData()).isEmpty();
    }

    @Test
    void aRequestTooSmallForTheMessageDoesNotKeepThePin() throws Exception {
        create("c", PINNED);
        f.publish("s.a", "a message larger than ten bytes");
        Subscription small = f.pull("S", "c", "{\"batch\":1,\"group\":\"g\",\"max_bytes\":10}");
        assertThat(status(next(small))).isEqualTo("409 Message Size Exceeds MaxBytes");
        assertThat(f.consumerInfo("S", "c").get("priority_groups").get(0).has("pinned_client_id")).isFalse();
        Message m = next(f.pull("S", "c", "{\"batch\":1,\"group\":\"g\"}"));
        assertThat(data(m)).isEqualTo("a message larger than ten bytes");
        assertThat(pinId(m)).hasSize(22);
    }

    @Test
    void unpinErrors() throws Exception {
        create("c", PINNED);
        create("plain", "");
        JsonNode empty = f.api("CONSUMER.UNPIN.S.c", "");
        assertThat(errCode(empty)).isEqualTo(10025);
        assertThat(errDescription(empty)).isEqualTo("invalid JSON: unexpected end of JSON input");
        assertThat(empty.get("type").asString()).isEqualTo("io.nats.jetstream.api.v1.consumer_unpin_response");
        assertThat(errDescription(f.api("CONSUMER.UNPIN.S.c", "{}")))
                .isEqualTo("invalid JSON: consumer group not specified");
        assertThat(errCode(f.api("CONSUMER.UNPIN.S.c", "{\"group\":\"a.b\"}"))).isEqualTo(10162);
        assertThat(errCode(f.api("CONSUMER.UNPIN.X.c", "{\"group\":\"g\"}"))).isEqualTo(10059);
        assertThat(errCode(f.api("CONSUMER.UNPIN.S.x", "{\"group\":\"g\"}"))).isEqualTo(10014);
        assertThat(errCode(f.api("CONSUMER.UNPIN.S.c", "{\"group\":\"h\"}"))).isEqualTo(10160);
        assertThat(errCode(f.api("CONSUMER.UNPIN.S.plain", "{\"group\":\"g\"}"))).isEqualTo(10160);
        assertThatThrownBy(() -> f.jsm().unpinConsumer("S", "c", "h"))
                .isInstanceOfSatisfying(JetStreamApiException.class, e -> assertThat(e.getApiErrorCode())
                        .isEqualTo(10160));
    }

    @Test
    void thePinMovesWhenThePinnedClientStopsPullingForPriorityTimeout() throws Exception {
        f.jsm().addOrUpdateConsumer("S", ConsumerConfiguration.builder().durable("c").ackPolicy(AckPolicy.Explicit)
                .priorityPolicy(PriorityPolicy.PinnedClient).priorityGroups("g")
                .priorityTimeout(Duration.ofSeconds(2)).build());
        Subscription advisories = f.nc().subscribe(ADVISORIES + "c");
        f.nc().flush(WAIT);
        ConsumerContext ctxA = f.connectNew().getStreamContext("S").getConsumerContext("c");
        ConsumerContext ctxB = f.connectNew().getStreamContext("S").getConsumerContext("c");
        ConsumeOptions co = ConsumeOptions.builder().batchSize(10).expiresIn(1000).group("g").build();
        List<Message> gotA = Collections.synchronizedList(new ArrayList<>());
        List<Message> gotB = Collections.synchronizedList(new ArrayList<>());

        f.publish("s.a", "first");
        MessageConsumer mcA = ctxA.consume(co, m -> {
            gotA.add(m);
            m.ack();
        });
        await().atMost(WAIT).until(() -> gotA.size() == 1);
        String pinA = advisory(advisories, "consumer_group_pinned").get("pinned_id").asString();
        try (MessageConsumer mcB = ctxB.consume(co, m -> {
            gotB.add(m);
            m.ack();
        })) {
            // A keeps its pin by pulling again (each pull carries its id): every message goes to A
            for (int i = 0; i < 10; i++) {
                f.publish("s.a", "a" + i);
            }
            await().atMost(WAIT).until(() -> gotA.size() == 11);
            assertThat(gotA).extracting(PriorityGroupsIT::pinId).containsOnly(pinA);
            assertThat(gotB).isEmpty();

            // A stops; priority_timeout (2 s) after its last pull (at most expires, 1 s, before it stopped) the pin
            // lapses and B, waiting all along, gets it with the next message (published once the pin lapsed: a
            // message published before could still go to A's last pull, if A's inbox still listened)
            mcA.close();
            long stoppedAt = System.nanoTime();
            JsonNode unpinned = advisory(advisories, "consumer_group_unpinned");
            assertThat(unpinned.get("reason").asString()).isEqualTo("timeout");
            assertThat(Duration.ofNanos(System.nanoTime() - stoppedAt)).isGreaterThan(Duration.ofMillis(500));
            f.publish("s.a", "b0");
            String pinB = advisory(advisories, "consumer_group_pinned").get("pinned_id").asString();
            assertThat(pinB).isNotEqualTo(pinA);
            await().atMost(WAIT).until(() -> gotB.size() == 1);
            assertThat(data(gotB.get(0))).isEqualTo("b0");
            assertThat(pinId(gotB.get(0))).isEqualTo(pinB);
            assertThat(f.jsm().getConsumerInfo("S", "c").getPriorityGroupStates().get(0).getPinnedClientId())
                    .isEqualTo(pinB);
            mcB.stop();
        }
    }
}
