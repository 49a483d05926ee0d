package io.natsj.server.it;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.Message;
import io.nats.client.Options;
import io.nats.client.Subscription;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.natsj.server.ServerOptions;
import io.natsj.server.auth.Permissions;
import io.natsj.server.auth.Permissions.ResponsePermission;
import io.natsj.server.auth.Permissions.SubjectPermission;
import io.natsj.server.auth.UserEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Permissions through the real jnats client, JetStream API included: refused operations reach the client's error
 * listener with nats-server's text while the connection stays connected; a denied JetStream API call changes
 * nothing; {@code allow_responses} lets a service answer each request once.
 */
@Timeout(120)
class PermissionsJnatsIT {

    private static final Duration WAIT = ServerFixture.WAIT;

    @TempDir
    static Path store;

    private static ServerFixture server;

    static final List<UserEntry> USERS = List.of(
            UserEntry.user("admin", "admin"),
            UserEntry.user("js", "js").withPermissions(new Permissions(
                    new SubjectPermission(List.of(">"), List.of("$JS.API.STREAM.CREATE.>", "$JS.API.STREAM.DELETE.>")),
                    null, null)),
            UserEntry.user("reader", "reader").withPermissions(new Permissions(
                    new SubjectPermission(List.of("none"), null),
                    new SubjectPermission(List.of("news.*", "_INBOX.>"), List.of("news.secret")), null)),
            UserEntry.user("svc", "svc").withPermissions(new Permissions(null,
                    new SubjectPermission(List.of("svc.*"), null), ResponsePermission.DEFAULT)));

    @BeforeAll
    static void start() throws IOException {
        server = ServerFixture.start(ServerFixture.options().users(USERS)
                .jetStream(ServerOptions.JetStreamOptions.DISABLED.withEnabled(true).withStoreDir(store)));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    /** Errors the server sent to one connection, as jnats reports them. */
    static final class Errors implements ErrorListener {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @Override
        public void errorOccurred(Connection conn, String error) {
            seen.add(error);
        }

        void await(String... expected) {
            org.awaitility.Awaitility.await().atMost(WAIT).untilAsserted(() ->
                    assertThat(seen).containsExactlyInAnyOrder(expected));
        }
    }

    private static Connection connect(String user, Errors errors) throws Exception {
        return server.connect(Options.builder().userInfo(user, user).errorListener(errors));
    }

    private static String pubViolation(String subject) {
        return "Permissions Violation for Publish to \"" + subject + "\"";
    }

    @Test
    void refusedPublishesAndSubscriptionsReachTheErrorListenerAndTheConnectionStays() throws Exception {
        Errors errors = new Errors();
        Connection admin = connect("admin", new Errors());
        Connection reader = connect("reader", errors);
        Subscription all = admin.subscribe(">");
        admin.flush(WAIT);

        Subscription news = reader.subscribe("news.*");
        Subscription secret = reader.subscribe("news.secret");
        Subscription queue = reader.subscribe("other", "q");
        reader.publish("news.a", "x".getBytes(StandardCharsets.UTF_8));
        reader.flush(WAIT);
        errors.await(pubViolation("news.a"),
                "Permissions Violation for Subscription to \"news.secret\"",
                "Permissions Violation for Subscription to \"other\" using queue \"q\"");
        assertThat(reader.getStatus()).isEqualTo(Connection.Status.CONNECTED);

        admin.publish("news.secret", "s".getBytes(StandardCharsets.UTF_8));
        admin.publish("news.open", "o".getBytes(StandardCharsets.UTF_8));
        admin.publish("other", "q".getBytes(StandardCharsets.UTF_8));
        Message m = news.nextMessage(WAIT);
        assertThat(m.getSubject()).as("news.secret is filtered from news.*").isEqualTo("news.open");
        assertThat(secret.nextMessage(Duration.ofMillis(200))).isNull();
        assertThat(queue.nextMessage(Duration.ofMillis(200))).isNull();
        for (String expected : List.of("news.secret", "news.open", "other")) {
            assertThat(all.nextMessage(WAIT).getSubject()).as("admin sees only what was published").isEqualTo(expected);
        }
        assertThat(all.nextMessage(Duration.ofMillis(200))).as("the reader's refused publish was dropped").isNull();
    }

    @Test
    void aServiceWithAllowResponsesAnswersEachRequestOnce() throws Exception {
        Errors errors = new Errors();
        Connection svc = connect("svc", errors);
        Dispatcher d = svc.createDispatcher(msg -> {
            svc.publish(msg.getReplyTo(), "first".getBytes(StandardCharsets.UTF_8));
            svc.publish(msg.getReplyTo(), "second".getBytes(StandardCharsets.UTF_8));
        });
        d.subscribe("svc.echo");
        svc.flush(WAIT);
        Connection admin = connect("admin", new Errors());
        Message reply = admin.request("svc.echo", "hi".getBytes(StandardCharsets.UTF_8), WAIT);
        assertThat(reply).isNotNull();
        assertThat(new String(reply.getData(), StandardCharsets.UTF_8)).isEqualTo("first");
        await().atMost(WAIT).until(() -> errors.seen.size() == 1);
        assertThat(errors.seen.get(0)).startsWith("Permissions Violation for Publish to \"_INBOX.");
        svc.publish("svc.other", new byte[0]);
        svc.flush(WAIT);
        await().atMost(WAIT).until(() -> errors.seen.contains(pubViolation("svc.other")));
        assertThat(svc.getStatus()).isEqualTo(Connection.Status.CONNECTED);
    }

    @Test
    void jetStreamApiCallsGoThroughPublishPermissions() throws Exception {
        Errors errors = new Errors();
        JetStreamManagement adminJsm = connect("admin", new Errors()).jetStreamManagement();
        adminJsm.addStream(StreamConfiguration.builder().name("ORDERS").subjects("orders.>")
                .storageType(StorageType.Memory).build());
        Connection js = connect("js", errors);
        JetStreamManagement jsm = js.jetStreamManagement(JetStreamOptions.builder()
                .requestTimeout(Duration.ofMillis(500)).build());

        assertThatThrownBy(() -> jsm.addStream(StreamConfiguration.builder().name("EVIL").subjects("evil.>")
                .storageType(StorageType.Memory).build())).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> jsm.deleteStream("ORDERS")).isInstanceOf(IOException.class);
        errors.await(pubViolation("$JS.API.STREAM.CREATE.EVIL"), pubViolation("$JS.API.STREAM.DELETE.ORDERS"));

        assertThatThrownBy(() -> adminJsm.getStreamInfo("EVIL")).isInstanceOf(JetStreamApiException.class);
        assertThat(jsm.getStreamInfo("ORDERS").getConfiguration().getName()).isEqualTo("ORDERS");
        PublishAck ack = js.jetStream().publish("orders.1", "o".getBytes(StandardCharsets.UTF_8));
        assertThat(ack.getSeqno()).isEqualTo(1);
        assertThat(js.getStatus()).isEqualTo(Connection.Status.CONNECTED);
    }
}
