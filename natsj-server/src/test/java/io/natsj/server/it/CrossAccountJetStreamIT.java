package io.natsj.server.it;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.JetStreamSubscription;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.KeyValueOptions;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamState;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import io.natsj.server.NatsServer;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * JetStream used from another account, the way nats.java's own tests set it up: one account holds JetStream and
 * exports its API as a service and a delivery prefix as a stream; the importing account reaches the API under a
 * prefix ({@code JetStreamOptions.prefix}) and receives deliveries through the stream import. A delivery is routed
 * by its deliver subject (also across the import) while it shows the stored message's subject, so a push consumer
 * delivers each message exactly once, no stream captures a delivery, and a key-value bucket's history, keys and
 * watch read from the importing account see every revision. Each scenario also runs against nats-server 2.9.10.
 */
@Timeout(60)
class CrossAccountJetStreamIT {

    static final Duration WAIT = Duration.ofSeconds(5);
    static final Duration QUIET = Duration.ofMillis(500);

    /** nats.java's js_prefix.conf: JetStream in SOURCE, used by TARGET under the prefix tar.api. */
    static final String JS_PREFIX = """
            jetstream { store_dir: "%s" }
            accounts {
              SOURCE: {
                jetstream: enabled
                users: [ { user: src, password: spass } ]
                exports [ { service: "$JS.API.>" }, { service: "sub-made-by.>" }, { stream: "_INBOX.>" } ]
              }
              TARGET: {
                jetstream: enabled
                users: [ { user: tar, password: tpass } ]
                imports [
                  { service: { account: SOURCE, subject: "$JS.API.>" }, to: tar.api.> }
                  { service: { account: SOURCE, subject: "sub-made-by.>" }, to: sub-made-by.> }
                  { stream: { account: SOURCE, subject: "_INBOX.>" }, to: "_INBOX.>" }
                ]
              }
            }
            """;

    /** nats.java's kv_account.conf: buckets in A, used by I under the prefix FromA, I's inboxes under ForI. */
    static final String KV_ACCOUNT = """
            jetstream { store_dir: "%s" }
            accounts {
              A: {
                jetstream: enabled
                users: [ { user: a, password: a } ]
                exports: [ { service: "$JS.API.>" }, { service: "$KV.>" }, { stream: "ForI.>" } ]
              }
              I: {
                users: [ { user: i, password: i } ]
                imports: [
                  { service: { account: A, subject: "$JS.API.>" }, to: "FromA.>" }
                  { service: { account: A, subject: "$KV.>" }, to: "FromA.$KV.>" }
                  { stream: { subject: "ForI.>", account: A } }
                ]
              }
            }
            """;

    @TempDir
    Path dir;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    /** Starts natsj (or nats-server) with {@code config}; returns its client URL. */
    private String start(String config, boolean reference) throws Exception {
        Path store = Files.createTempDirectory(dir, "store");
        if (reference) {
            NatsServerProcess ns = NatsServerProcess.withConfig(config.formatted(store));
            closeables.add(ns);
            return "nats://127.0.0.1:" + ns.port();
        }
        Path conf = Files.createTempFile(dir, "accounts", ".conf");
        Files.writeString(conf, config.formatted(store));
        NatsServer server = NatsServer.start(ConfigLoader.load(conf, Map.<String, String>of()::get).options()
                .host("127.0.0.1").port(0).noLog(true).build());
        closeables.add(server);
        return server.clientUrl();
    }

    private Connection connect(String url, String user, String pass, String inboxPrefix) throws Exception {
        Options.Builder b = Options.builder().server(url).userInfo(user, pass).noReconnect().connectionTimeout(WAIT)
                .errorListener(new io.nats.client.ErrorListener() {
                });
        if (inboxPrefix != null) {
            b.inboxPrefix(inboxPrefix);
        }
        Connection c = Nats.connect(b.build());
        closeables.add(c);
        return c;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // ---- a push consumer through the import ----------------------------------------------------------------------

    /** What TARGET's push subscriber and SOURCE's stream show after two messages were published. */
    private List<String> pushThroughImport(boolean reference) throws Exception {
        String url = start(JS_PREFIX, reference);
        Connection src = connect(url, "src", "spass", null);
        Connection tar = connect(url, "tar", "tpass", null);
        JetStreamOptions prefixed = JetStreamOptions.builder().prefix("tar.api").build();
        JetStreamManagement jsmTar = tar.jetStreamManagement(prefixed);
        jsmTar.addStream(StreamConfiguration.builder().name("made-by-tar").subjects("sub-made-by.tar")
                .storageType(StorageType.Memory).build());
        JetStream jsTar = tar.jetStream(prefixed);
        src.jetStream().publish("sub-made-by.tar", bytes("src-tar"));
        jsTar.publish("sub-made-by.tar", bytes("tar-tar"));

        JetStreamSubscription sub = jsTar.subscribe("sub-made-by.tar");
        tar.flush(WAIT);
        List<String> seen = new ArrayList<>();
        Message m;
        while ((m = sub.nextMessage(QUIET)) != null) {
            seen.add(m.getSubject() + " " + new String(m.getData(), StandardCharsets.UTF_8));
            m.ack();
            if (seen.size() > 10) {
                break; // a storm: no need to read on
            }
        }
        tar.flush(WAIT);
        StreamState state = src.jetStreamManagement().getStreamInfo("made-by-tar").getStreamState();
        seen.add("stream: " + state.getMsgCount() + " messages, last seq " + state.getLastSequence());
        long delivered = jsmTar.getConsumerInfo("made-by-tar", sub.getConsumerName()).getDelivered()
                .getConsumerSequence();
        seen.add("consumer delivered " + delivered);
        return seen;
    }

    static final List<String> PUSH_EXPECTED = List.of("sub-made-by.tar src-tar", "sub-made-by.tar tar-tar",
            "stream: 2 messages, last seq 2", "consumer delivered 2");

    @Test
    void aPushConsumerDeliversThroughAStreamImportExactlyOnce() throws Exception {
        assertThat(pushThroughImport(false)).containsExactlyElementsOf(PUSH_EXPECTED);
    }

    @Test
    void aPushConsumerThroughAStreamImportAsNatsServer() throws Exception {
        assertThat(pushThroughImport(true)).containsExactlyElementsOf(PUSH_EXPECTED);
    }

    /** nats-server's deliver-subject-interest case: the deliver subject only reaches a subscriber through an import. */
    static final String DELIVER_IMPORT = """
            jetstream { store_dir: "%s" }
            accounts {
              A: { jetstream: enabled, users: [ { user: a, password: a } ], exports [ { stream: "_d_" } ] }
              B: { users: [ { user: b, password: b } ], imports [ { stream: { account: A, subject: "_d_" }, to: "foo" } ] }
            }
            """;

    /** A push consumer whose deliver subject is imported elsewhere waits for a subscriber there. */
    private List<String> deliverOnlyWithInterestThroughTheImport(boolean reference) throws Exception {
        String url = start(DELIVER_IMPORT, reference);
        Connection a = connect(url, "a", "a", null);
        JetStreamManagement jsm = a.jetStreamManagement();
        jsm.addStream(StreamConfiguration.builder().name("TEST").subjects("foo").storageType(StorageType.Memory)
                .build());
        for (int n = 1; n <= 10; n++) {
            a.jetStream().publish("foo", bytes("m" + n));
        }
        jsm.addOrUpdateConsumer("TEST", io.nats.client.api.ConsumerConfiguration.builder().durable("dlc")
                .deliverSubject("_d_").build());
        List<String> seen = new ArrayList<>();
        // nothing listens on foo in B: the import alone is no interest (a delivery now would be lost)
        await("no delivery without a subscriber").during(QUIET).atMost(WAIT).until(() -> jsm.getConsumerInfo("TEST",
                "dlc").getDelivered().getConsumerSequence() == 0);
        seen.add("bound: " + jsm.getConsumerInfo("TEST", "dlc").isPushBound());
        Connection b = connect(url, "b", "b", null);
        io.nats.client.Subscription sub = b.subscribe("foo");
        b.flush(WAIT);
        int got = 0;
        while (got < 10 && sub.nextMessage(WAIT) != null) {
            got++;
        }
        seen.add("received in B: " + got);
        seen.add("bound: " + jsm.getConsumerInfo("TEST", "dlc").isPushBound());
        return seen;
    }

    static final List<String> DELIVER_IMPORT_EXPECTED = List.of("bound: false", "received in B: 10", "bound: true");

    @Test
    void aPushConsumerWaitsForASubscriberBehindTheImport() throws Exception {
        assertThat(deliverOnlyWithInterestThroughTheImport(false)).containsExactlyElementsOf(DELIVER_IMPORT_EXPECTED);
    }

    @Test
    void aPushConsumerWaitsForASubscriberBehindTheImportAsNatsServer() throws Exception {
        assertThat(deliverOnlyWithInterestThroughTheImport(true)).containsExactlyElementsOf(DELIVER_IMPORT_EXPECTED);
    }

    // ---- a pull consumer through the service import --------------------------------------------------------------

    /**
     * What TARGET fetches from a pull consumer through the API import, exported with {@code response: stream} so that
     * one pull request may be answered by several messages (with nats.java's singleton export only the first one
     * comes back, from nats-server as well).
     */
    private List<String> pullThroughImport(boolean reference) throws Exception {
        String url = start(JS_PREFIX.replace("{ service: \"$JS.API.>\" }",
                "{ service: \"$JS.API.>\", response: stream }"), reference);
        Connection src = connect(url, "src", "spass", null);
        Connection tar = connect(url, "tar", "tpass", null);
        JetStreamOptions prefixed = JetStreamOptions.builder().prefix("tar.api").build();
        tar.jetStreamManagement(prefixed).addStream(StreamConfiguration.builder().name("made-by-tar")
                .subjects("sub-made-by.tar").storageType(StorageType.Memory).build());
        JetStream jsTar = tar.jetStream(prefixed);
        src.jetStream().publish("sub-made-by.tar", bytes("one"));
        jsTar.publish("sub-made-by.tar", bytes("two"));
        JetStreamSubscription sub = jsTar.subscribe("sub-made-by.tar", PullSubscribeOptions.builder()
                .durable("d").build());
        List<String> seen = new ArrayList<>();
        for (Message m : sub.fetch(2, WAIT)) {
            seen.add(m.getSubject() + " " + new String(m.getData(), StandardCharsets.UTF_8));
        }
        StreamState state = src.jetStreamManagement().getStreamInfo("made-by-tar").getStreamState();
        seen.add("stream: " + state.getMsgCount() + " messages, last seq " + state.getLastSequence());
        return seen;
    }

    static final List<String> PULL_EXPECTED = List.of("sub-made-by.tar one", "sub-made-by.tar two",
            "stream: 2 messages, last seq 2");

    @Test
    void aPullConsumerAnswersThroughTheApiImportWithTheStoredSubjects() throws Exception {
        assertThat(pullThroughImport(false)).containsExactlyElementsOf(PULL_EXPECTED);
    }

    @Test
    void aPullConsumerThroughTheApiImportAsNatsServer() throws Exception {
        assertThat(pullThroughImport(true)).containsExactlyElementsOf(PULL_EXPECTED);
    }

    // ---- key-value from the importing account --------------------------------------------------------------------

    /** Three revisions of one key written in A; what I reads of them through the prefix. */
    private List<String> keyValueFromImporter(boolean reference) throws Exception {
        String url = start(KV_ACCOUNT, reference);
        Connection a = connect(url, "a", "a", null);
        Connection i = connect(url, "i", "i", "ForI");
        KeyValueManagement kvmA = a.keyValueManagement();
        kvmA.create(KeyValueConfiguration.builder().name("B").storageType(StorageType.Memory).maxHistoryPerKey(10)
                .build());
        KeyValue kvA = a.keyValue("B");
        KeyValue kvI = i.keyValue("B", KeyValueOptions.builder().jsPrefix("FromA").build());
        List<KeyValueEntry> watched = new CopyOnWriteArrayList<>();
        NatsKeyValueWatchSubscription watch = kvI.watchAll(new io.nats.client.api.KeyValueWatcher() {
            @Override
            public void watch(KeyValueEntry e) {
                watched.add(e);
            }

            @Override
            public void endOfData() {
            }
        });
        closeables.add(watch::unsubscribe);
        kvA.put("k", bytes("v1"));
        kvI.put("k", bytes("v2"));
        kvA.put("k", bytes("v3"));
        List<String> seen = new ArrayList<>();
        for (KeyValueEntry e : kvI.history("k")) {
            seen.add("history " + e.getRevision() + " " + e.getValueAsString());
        }
        seen.add("keys " + kvI.keys());
        seen.add("get " + kvI.get("k").getValueAsString());
        await().atMost(WAIT).until(() -> watched.size() >= 3);
        for (KeyValueEntry e : watched) {
            seen.add("watch " + e.getRevision() + " " + (e.getOperation() == KeyValueOperation.PUT
                    ? e.getValueAsString() : e.getOperation()));
        }
        StreamState state = a.jetStreamManagement().getStreamInfo("KV_B").getStreamState();
        seen.add("stream: " + state.getMsgCount() + " messages, last seq " + state.getLastSequence());
        return seen;
    }

    static final List<String> KV_EXPECTED = List.of("history 1 v1", "history 2 v2", "history 3 v3", "keys [k]",
            "get v3", "watch 1 v1", "watch 2 v2", "watch 3 v3", "stream: 3 messages, last seq 3");

    @Test
    void keyValueHistoryKeysAndWatchFromTheImportingAccountSeeEveryRevision() throws Exception {
        assertThat(keyValueFromImporter(false)).containsExactlyElementsOf(KV_EXPECTED);
    }

    @Test
    void keyValueFromTheImportingAccountAsNatsServer() throws Exception {
        assertThat(keyValueFromImporter(true)).containsExactlyElementsOf(KV_EXPECTED);
    }
}
