package io.natsj.server.cluster;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.natsj.server.NatsServer;
import io.natsj.server.ServerOptions;
import io.natsj.server.config.ConfigLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Three embedded servers joined by in-memory routes, with jnats clients on different servers: messages cross to
 * exactly the servers with interest, once per server, queue groups deliver once cluster-wide preferring local members,
 * and request-reply, no-responders, headers, auto-unsubscribe, imports and system requests work across servers.
 */
@Timeout(60)
class ClusterMessagingIT {

    private static final Duration WAIT = InMemoryCluster.WAIT;
    private static final Duration NONE = Duration.ofMillis(200);

    @TempDir
    Path dir;
    private InMemoryCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Message m) {
        return new String(m.getData(), StandardCharsets.UTF_8);
    }

    /** Subscribes and makes sure the interest reached every server. */
    private Subscription sub(Connection nc, String subject, String queue) throws Exception {
        Subscription s = queue == null ? nc.subscribe(subject) : nc.subscribe(subject, queue);
        nc.flush(WAIT);
        cluster.awaitQuiet();
        return s;
    }

    @Test
    void plainAndWildcardSubscribersOnOtherServersGetOneCopyEachWhileEachServerGetsTheMessageOnce() throws Exception {
        cluster = InMemoryCluster.start(3, InMemoryCluster::defaults);
        Connection c1 = cluster.connect(1);
        Connection c2 = cluster.connect(2);
        Subscription star = sub(c1, "foo.*", null);
        Subscription exact = sub(c1, "foo.bar", null);
        Subscription gt = sub(c2, "foo.>", null);
        Connection pub = cluster.connect(0);

        pub.publish("foo.bar", utf8("hello"));
        pub.publish("other", utf8("nobody"));
        pub.flush(WAIT);

        for (Subscription s : List.of(star, exact, gt)) {
            Message m = s.nextMessage(WAIT);
            assertThat(m).as(s.getSubject()).isNotNull();
            assertThat(m.getSubject()).isEqualTo("foo.bar");
            assertThat(text(m)).isEqualTo("hello");
        }
        cluster.awaitQuiet();
        assertThat(cluster.messagesSent(0, 1)).as("one RMSG to s1 for its two subscriptions").isEqualTo(1);
        assertThat(cluster.messagesSent(0, 2)).isEqualTo(1);
        for (Subscription s : List.of(star, exact, gt)) {
            assertThat(s.nextMessage(NONE)).as("no second copy").isNull();
        }
    }

    @Test
    void aMessageFromARouteIsNeverForwardedToAnotherRoute() throws Exception {
        cluster = InMemoryCluster.start(3, InMemoryCluster::defaults);
        Subscription s1 = sub(cluster.connect(1), "x", null);
        Subscription s2 = sub(cluster.connect(2), "x", null);
        Connection pub = cluster.connect(0);

        pub.publish("x", utf8("1"));
        pub.flush(WAIT);

        assertThat(s1.nextMessage(WAIT)).isNotNull();
        assertThat(s2.nextMessage(WAIT)).isNotNull();
        cluster.awaitQuiet();
        assertThat(cluster.messagesSent(1, 2) + cluster.messagesSent(2, 1)).isZero();
        assertThat(s2.nextMessage(NONE)).isNull();
    }

    @Test
    void aQueueGroupPrefersItsLocalMemberAndOtherwiseDeliversOnceClusterWide() throws Exception {
        cluster = InMemoryCluster.start(3, InMemoryCluster::defaults);
        Subscription q0 = sub(cluster.connect(0), "work", "q");
        Subscription q1 = sub(cluster.connect(1), "work", "q");
        Connection pub0 = cluster.connect(0);
        Connection pub2 = cluster.connect(2);

        for (int i = 0; i < 50; i++) {
            pub0.publish("work", utf8("local-" + i));
        }
        pub0.flush(WAIT);
        cluster.awaitQuiet();
        assertThat(cluster.messagesSent(0, 1)).as("the local member is preferred").isZero();
        assertThat(drain(q0)).hasSize(50);
        assertThat(drain(q1)).isEmpty();

        for (int i = 0; i < 60; i++) {
            pub2.publish("work", utf8("remote-" + i));
        }
        pub2.flush(WAIT);
        cluster.awaitQuiet();
        cluster.connect(0).flush(WAIT);
        List<String> got0 = drain(q0);
        List<String> got1 = drain(q1);
        assertThat(got0.size() + got1.size()).isEqualTo(60);
        assertThat(new HashSet<>(concat(got0, got1))).hasSize(60);
        assertThat(got0).as("spread over both servers").isNotEmpty();
        assertThat(got1).isNotEmpty();
    }

    @Test
    void aServerWithMoreQueueMembersGetsProportionallyMoreOfTheGroupsMessages() throws Exception {
        cluster = InMemoryCluster.start(3, InMemoryCluster::defaults);
        Connection c1 = cluster.connect(1);
        List<Subscription> many = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            many.add(sub(c1, "w", "g"));
        }
        Subscription one = sub(cluster.connect(2), "w", "g");
        Connection pub = cluster.connect(0);
        assertThat(cluster.server(1).clusterInterest().localInterest("$G", "w", "g")).isEqualTo(4);

        for (int i = 0; i < 400; i++) {
            pub.publish("w", utf8(Integer.toString(i)));
        }
        pub.flush(WAIT);
        cluster.awaitQuiet();
        c1.flush(WAIT);
        int onMany = 0;
        for (Subscription s : many) {
            onMany += drain(s).size();
        }
        int onOne = drain(one).size();
        assertThat(onMany + onOne).isEqualTo(400);
        assertThat(onMany).as("weight 4 against 1").isGreaterThan(2 * onOne);
    }

    @Test
    void requestReplyAcrossServersAndNoRespondersOnlyWhenNobodyInTheClusterListens() throws Exception {
        cluster = InMemoryCluster.start(3, InMemoryCluster::defaults);
        Connection responder = cluster.connect(2);
        var d = responder.createDispatcher(m -> responder.publish(m.getReplyTo(), utf8("re:" + text(m))));
        d.subscribe("svc", "workers");
        responder.flush(WAIT);
        cluster.awaitQuiet();
        Connection requester = cluster.connect(0);

        Message answer = requester.request("svc", utf8("ping")).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(text(answer)).isEqualTo("re:ping");

        assertNoResponders(requester, "nobody");
        d.unsubscribe("svc");
        responder.flush(WAIT);
        cluster.awaitQuiet();
        assertNoResponders(requester, "svc");
    }

    private static void assertNoResponders(Connection requester, String subject) {
        long start = System.nanoTime();
        assertThatThrownBy(() -> requester.request(subject, utf8("?")).get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .as("a 503, not a timeout").isInstanceOfAny(ExecutionException.class, CancellationException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void headersCrossTheRoute() throws Exception {
        cluster = InMemoryCluster.start(3, InMemoryCluster::defaults);
        Subscription s = sub(cluster.connect(1), "h", null);
        Connection pub = cluster.connect(0);

        Headers headers = new Headers().add("X-Trace", "abc", "def");
        pub.publish(NatsMessage.builder().subject("h").headers(headers).data(utf8("body")).build());

        Message m = s.nextMessage(WAIT);
        assertThat(m).isNotNull();
        assertThat(m.getHeaders().get("X-Trace")).containsExactly("abc", "def");
        assertThat(text(m)).isEqualTo("body");
    }

    @Test
    void autoUnsubscribeOnAnotherServerStopsAtItsLimitAndWithdrawsTheInterest() throws Exception {
        cluster = InMemoryCluster.start(3, InMemoryCluster::defaults);
        Connection c1 = cluster.connect(1);
        Subscription s = sub(c1, "limited", null);
        s.unsubscribe(3);
        c1.flush(WAIT);
        Connection pub = cluster.connect(0);

        for (int i = 0; i < 10; i++) {
            pub.publish("limited", utf8(Integer.toString(i)));
        }
        pub.flush(WAIT);
        cluster.awaitQuiet();
        c1.flush(WAIT);

        assertThat(drain(s)).containsExactly("0", "1", "2");
        assertThat(cluster.server(1).clusterInterest().localInterest("$G", "limited", null)).isZero();
        assertNoResponders(pub, "limited");
    }

    @Test
    void aServerLeavingTakesItsInterestWithIt() throws Exception {
        cluster = InMemoryCluster.start(3, InMemoryCluster::defaults);
        Connection c2 = cluster.connect(2);
        var d = c2.createDispatcher(m -> c2.publish(m.getReplyTo(), utf8("here")));
        d.subscribe("only.on.2");
        c2.flush(WAIT);
        cluster.awaitQuiet();
        Connection requester = cluster.connect(0);
        assertThat(text(requester.request("only.on.2", utf8("?")).get(WAIT.toSeconds(), TimeUnit.SECONDS)))
                .isEqualTo("here");

        cluster.isolate(2);

        assertNoResponders(requester, "only.on.2");
        assertThat(cluster.server(0).accounts().global().index().count())
                .as("no subscription of s2 left on s0").isEqualTo(countLocal(cluster.server(0)));
    }

    private static int countLocal(NatsServer server) {
        int n = 0;
        for (var sub : server.accounts().global().index().subscriptions()) {
            if (!(sub.subscriber() instanceof RouteInterest)) {
                n++;
            }
        }
        return n;
    }

    private static final String ACCOUNTS = """
            accounts {
              SYS: { users: [ { user: sys, password: psys } ] }
              A: {
                users: [ { user: a, password: pa } ]
                exports: [ { stream: "news.>" }, { service: "help.>" } ]
              }
              B: {
                users: [ { user: b, password: pb } ]
                imports: [
                  { stream: { account: A, subject: "news.>" }, prefix: "a" }
                  { service: { account: A, subject: "help.>" }, to: "ask.>" }
                ]
              }
            }
            system_account: SYS
            """;

    private static final String USERS = """
            authorization {
              users: [
                { user: pub, password: p, permissions: { publish: { deny: "forbidden.>" } } }
                { user: sub, password: s, permissions: { subscribe: { allow: ">", deny: "secret.>" } } }
              ]
            }
            """;

    @Test
    void permissionsApplyOnTheServerOfThePublisherAndOfTheSubscriber() throws Exception {
        cluster = configured(USERS);
        Subscription all = sub(cluster.connect(1, "sub", "s"), ">", null);
        Connection pub = cluster.connect(0, "pub", "p");

        pub.publish("secret.plans", utf8("denied to the subscriber"));
        pub.publish("forbidden.x", utf8("denied to the publisher"));
        pub.publish("open.news", utf8("allowed"));
        pub.flush(WAIT);

        Message m = all.nextMessage(WAIT);
        assertThat(m).isNotNull();
        assertThat(m.getSubject()).isEqualTo("open.news");
        cluster.awaitQuiet();
        assertThat(all.nextMessage(NONE)).isNull();
    }

    private InMemoryCluster accountsCluster() throws Exception {
        return configured(ACCOUNTS);
    }

    private InMemoryCluster configured(String config) throws Exception {
        Path conf = Files.createTempFile(dir, "cluster", ".conf");
        Files.writeString(conf, config);
        return InMemoryCluster.start(3, () -> {
            try {
                return ConfigLoader.load(conf, Map.<String, String>of()::get).options()
                        .host("127.0.0.1").port(0).noLog(true).disableShortFirstPing(true);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void aStreamImportDeliversOnceToAnImporterOnAnotherServer() throws Exception {
        cluster = accountsCluster();
        Subscription news = sub(cluster.connect(1, "b", "pb"), "a.news.>", null);
        Subscription direct = sub(cluster.connect(2, "a", "pa"), "news.>", null);
        Connection pub = cluster.connect(0, "a", "pa");

        pub.publish("news.today", utf8("extra"));
        pub.flush(WAIT);

        Message m = news.nextMessage(WAIT);
        assertThat(m).isNotNull();
        assertThat(m.getSubject()).isEqualTo("a.news.today");
        assertThat(direct.nextMessage(WAIT)).isNotNull();
        cluster.awaitQuiet();
        assertThat(news.nextMessage(NONE)).as("exactly once").isNull();
        assertThat(direct.nextMessage(NONE)).isNull();
    }

    @Test
    void aServiceImportReachesAResponderOnAnotherServerAndTheResponseComesBack() throws Exception {
        cluster = accountsCluster();
        Connection responder = cluster.connect(2, "a", "pa");
        var d = responder.createDispatcher(m -> responder.publish(m.getReplyTo(),
                utf8(m.getSubject() + ":" + text(m))));
        d.subscribe("help.>");
        responder.flush(WAIT);
        cluster.awaitQuiet();
        Connection requester = cluster.connect(0, "b", "pb");

        Message answer = requester.request("ask.me", utf8("q")).get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(text(answer)).isEqualTo("help.me:q");
        assertNoResponders(requester, "nothing.here");
        d.unsubscribe("help.>");
        responder.flush(WAIT);
        cluster.awaitQuiet();
        assertNoResponders(requester, "ask.me");
    }

    @Test
    void everyServerAnswersServerPing() throws Exception {
        cluster = accountsCluster();
        Connection sys = cluster.connect(1, "sys", "psys");
        Subscription inbox = sub(sys, "_INBOX.ping", null);

        sys.publish("$SYS.REQ.SERVER.PING", "_INBOX.ping", new byte[0]);
        sys.flush(WAIT);

        Set<String> servers = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            Message m = inbox.nextMessage(WAIT);
            assertThat(m).as("answer " + i).isNotNull();
            String json = text(m);
            for (int s = 0; s < 3; s++) {
                if (json.contains(cluster.server(s).serverId())) {
                    servers.add(cluster.server(s).serverId());
                }
            }
        }
        assertThat(servers).hasSize(3);
        cluster.awaitQuiet();
        assertThat(inbox.nextMessage(NONE)).isNull();
    }

    @Test
    void aJetStreamPushConsumerDeliversToASubscriberOnAnotherServerWithTheStoredSubjectAndTakesItsAcks()
            throws Exception {
        cluster = InMemoryCluster.start(3, i -> i == 0
                ? InMemoryCluster.defaults().jetStream(ServerOptions.JetStreamOptions.DISABLED.withEnabled(true)
                        .withStoreDir(dir.resolve("js")))
                : InMemoryCluster.defaults());
        Connection remote = cluster.connect(1);
        JetStreamManagement jsm = remote.jetStreamManagement();
        jsm.addStream(StreamConfiguration.builder().name("ORDERS").subjects("orders.>")
                .storageType(StorageType.Memory).build());
        remote.jetStream().publish("orders.1", utf8("first"));
        jsm.addOrUpdateConsumer("ORDERS", ConsumerConfiguration.builder().durable("push")
                .deliverSubject("deliver.push").ackPolicy(AckPolicy.Explicit).build());
        Subscription sub = sub(remote, "deliver.push", null);

        Message m = sub.nextMessage(WAIT);

        assertThat(m).isNotNull();
        assertThat(m.getSubject()).as("the stored subject, not the deliver subject").isEqualTo("orders.1");
        assertThat(m.getReplyTo()).startsWith("$JS.ACK.ORDERS.push.").doesNotContain("@");
        m.ackSync(WAIT);
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(jsm.getConsumerInfo("ORDERS", "push").getAckFloor().getStreamSequence()).isEqualTo(1));
    }

    private static List<String> drain(Subscription s) throws InterruptedException {
        List<String> got = new ArrayList<>();
        try {
            Message m;
            while ((m = s.nextMessage(Duration.ofMillis(50))) != null) {
                got.add(text(m));
            }
        } catch (IllegalStateException e) {
            // jnats ends a subscription once it reached its auto-unsubscribe limit
        }
        return got;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
