package io.natsj.server.it;

import io.natsj.server.auth.Permissions;
import io.natsj.server.auth.Permissions.ResponsePermission;
import io.natsj.server.auth.Permissions.SubjectPermission;
import io.natsj.server.auth.UserEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Permissions as clients see them, over raw sockets: for each row a user publishes or subscribes; a refused
 * operation gets nats-server's exact {@code -ERR} text, the message is not delivered (or the subscription receives
 * nothing) and the connection stays open; an allowed one works. An unrestricted user observes what is delivered.
 */
@Timeout(120)
class PermissionsIT {

    /** The users of the test server, by name (password = name). */
    static final Map<String, Permissions> USERS = Map.of(
            "admin", new Permissions(null, null, null),
            "pubfoo", new Permissions(sp(List.of("foo.*"), List.of("foo.secret")), null, null),
            "pubdeny", new Permissions(sp(null, List.of("secret.>", "a\"b")), null, null),
            "subfoo", new Permissions(null, sp(List.of("foo.*", "q.* v1", "g.* grp.*"), null), null),
            "subdeny", new Permissions(null, sp(null, List.of("foo.bar", "foo v1")), null),
            "resp", new Permissions(null, sp(List.of("svc"), null), new ResponsePermission(2, Duration.ofMinutes(1))));

    static SubjectPermission sp(List<String> allow, List<String> deny) {
        return new SubjectPermission(allow, deny);
    }

    /** A publish by {@code user}; {@code err} null when it must be delivered. */
    record Pub(String user, String subject, String reply, String err) {
        @Override
        public String toString() {
            return user + ": PUB " + subject + (reply == null ? "" : " " + reply) + (err == null ? " ok" : " refused");
        }
    }

    /**
     * A subscription by {@code user}; {@code err} null when accepted. Then each probe subject is published by the
     * observer and must reach the subscription or not.
     */
    record Sub(String user, String subject, String queue, String err, Map<String, Boolean> probes) {
        @Override
        public String toString() {
            return user + ": SUB " + subject + (queue == null ? "" : " " + queue) + (err == null ? " ok" : " refused");
        }
    }

    static String pubErr(String subject) {
        return "-ERR 'Permissions Violation for Publish to \"" + subject + "\"'\r\n";
    }

    static String subErr(String subject, String queue) {
        return "-ERR 'Permissions Violation for Subscription to \"" + subject + "\""
                + (queue == null ? "" : " using queue \"" + queue + "\"") + "'\r\n";
    }

    static final List<Pub> PUBS = List.of(
            new Pub("pubfoo", "foo.bar", null, null),
            new Pub("pubfoo", "foo.bar", "anything.reply", null),
            new Pub("pubfoo", "foo.secret", null, pubErr("foo.secret")),
            new Pub("pubfoo", "bar", null, pubErr("bar")),
            new Pub("pubfoo", "foo.a.b", null, pubErr("foo.a.b")),
            new Pub("pubdeny", "open.x", null, null),
            new Pub("pubdeny", "secret.x.y", null, pubErr("secret.x.y")),
            new Pub("pubdeny", "a\"b", null, "-ERR 'Permissions Violation for Publish to \"a\\\"b\"'\r\n"),
            new Pub("resp", "svc", null, pubErr("svc")),
            new Pub("admin", "_GR_.x", null, pubErr("_GR_.x")),
            new Pub("admin", "foo", "_R_.x", "-ERR 'Permissions Violation for Publish with Reply of \"_R_.x\"'\r\n"),
            new Pub("admin", "foo", "$JS.ACK.x", "-ERR 'Permissions Violation for Publish with Reply of "
                    + "\"$JS.ACK.x\"'\r\n"),
            new Pub("admin", "foo", "$JS.ACK.", null));

    static final List<Sub> SUBS = List.of(
            new Sub("subfoo", "foo.bar", null, null, Map.of("foo.bar", true)),
            new Sub("subfoo", "foo.*", null, null, Map.of("foo.x", true, "foo", false)),
            new Sub("subfoo", "foo.>", null, null, Map.of("foo.x.y", true)),
            new Sub("subfoo", ">", null, subErr(">", null), Map.of("foo.x", false)),
            new Sub("subfoo", "bar", null, subErr("bar", null), Map.of("bar", false)),
            new Sub("subfoo", "foo.bar", "anyq", null, Map.of("foo.bar", true)),
            new Sub("subfoo", "q.a", "v1", null, Map.of("q.a", true)),
            new Sub("subfoo", "q.a", "v2", subErr("q.a", "v2"), Map.of("q.a", false)),
            new Sub("subfoo", "q.a", null, subErr("q.a", null), Map.of("q.a", false)),
            new Sub("subfoo", "g.a", "grp.one", null, Map.of("g.a", true)),
            new Sub("subfoo", "g.a", "grp", subErr("g.a", "grp"), Map.of()),
            new Sub("subfoo", "foo.bar", "_sys_", subErr("foo.bar", "_sys_"), Map.of("foo.bar", false)),
            new Sub("subdeny", "foo.bar", null, subErr("foo.bar", null), Map.of("foo.bar", false)),
            new Sub("subdeny", "foo.*", null, null, Map.of("foo.bar", false, "foo.baz", true)),
            new Sub("subdeny", ">", null, null, Map.of("foo.bar", false, "other", true)),
            new Sub("subdeny", "foo", "v1", subErr("foo", "v1"), Map.of("foo", false)),
            new Sub("subdeny", "foo", "v2", null, Map.of("foo", true)),
            new Sub("subdeny", "foo", null, null, Map.of("foo", true)),
            new Sub("admin", "x", "_sys_", subErr("x", "_sys_"), Map.of()));

    private static ServerFixture server;

    @BeforeAll
    static void start() throws IOException {
        List<UserEntry> users = USERS.entrySet().stream()
                .map(e -> UserEntry.user(e.getKey(), e.getKey()).withPermissions(e.getValue())).toList();
        server = ServerFixture.start(ServerFixture.options().users(users));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static RawClient connectAs(String user) throws IOException {
        return connectAs(user, false);
    }

    static RawClient connectAs(String user, boolean verbose) throws IOException {
        RawClient raw = RawClient.open(server.port());
        raw.send("CONNECT {\"verbose\":" + verbose + ",\"user\":\"" + user + "\",\"pass\":\"" + user + "\"}\r\n");
        return raw;
    }

    /** Sends PING and returns what came before the PONG; the connection must still be open. */
    static String untilPong(RawClient raw) throws IOException {
        RawClient.Reply reply = raw.send("PING\r\n").readReply();
        assertThat(reply.closed()).as("connection still open").isFalse();
        assertThat(reply.text()).endsWith("PONG\r\n");
        return reply.text().substring(0, reply.text().length() - "PONG\r\n".length());
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("PUBS")
    void publish(Pub c) throws Exception {
        try (RawClient observer = connectAs("admin"); RawClient user = connectAs(c.user())) {
            observer.send("SUB " + c.subject() + " 9\r\n");
            assertThat(untilPong(observer)).isEmpty();
            assertThat(untilPong(user)).isEmpty();
            user.send("PUB " + c.subject() + (c.reply() == null ? "" : " " + c.reply()) + " 2\r\nhi\r\n");
            assertThat(untilPong(user)).isEqualTo(c.err() == null ? "" : c.err());
            String seen = untilPong(observer);
            if (c.err() == null) {
                assertThat(seen).startsWith("MSG " + c.subject() + " 9 ");
            } else {
                assertThat(seen).as("a refused message is dropped").isEmpty();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("SUBS")
    void subscribe(Sub c) throws Exception {
        try (RawClient observer = connectAs("admin"); RawClient user = connectAs(c.user())) {
            user.send("SUB " + c.subject() + (c.queue() == null ? "" : " " + c.queue()) + " 1\r\n");
            assertThat(untilPong(user)).isEqualTo(c.err() == null ? "" : c.err());
            for (Map.Entry<String, Boolean> probe : c.probes().entrySet()) {
                observer.send("PUB " + probe.getKey() + " 2\r\nhi\r\n");
                assertThat(untilPong(observer)).isEmpty();
                String got = untilPong(user);
                assertThat(got).as("probe " + probe.getKey())
                        .isEqualTo(probe.getValue() ? "MSG " + probe.getKey() + " 1 2\r\nhi\r\n" : "");
            }
        }
    }

    @Test
    void aRefusedOperationSendsNoOkInVerboseMode() throws Exception {
        try (RawClient user = connectAs("pubfoo", true)) {
            assertThat(untilPong(user)).isEqualTo("+OK\r\n");
            user.send("PUB bar 1\r\nx\r\nPUB foo.a 1\r\nx\r\n");
            assertThat(untilPong(user)).isEqualTo(pubErr("bar") + "+OK\r\n");
        }
    }

    @Test
    void aReceivedRequestAllowsResponsesUpToTheMaximum() throws Exception {
        try (RawClient requester = connectAs("admin"); RawClient service = connectAs("resp")) {
            service.send("SUB svc 1\r\n");
            requester.send("SUB _INBOX.r1 5\r\n");
            assertThat(untilPong(service)).isEmpty();
            assertThat(untilPong(requester)).isEmpty();
            service.send("PUB _INBOX.r1 1\r\nx\r\n");
            assertThat(untilPong(service)).as("no request received yet").isEqualTo(pubErr("_INBOX.r1"));

            requester.send("PUB svc _INBOX.r1 3\r\nreq\r\n");
            assertThat(untilPong(requester)).isEmpty();
            assertThat(untilPong(service)).isEqualTo("MSG svc 1 _INBOX.r1 3\r\nreq\r\n");
            service.send("PUB _INBOX.r1 1\r\na\r\nPUB _INBOX.r1 1\r\nb\r\nPUB _INBOX.r1 1\r\nc\r\n"
                    + "PUB _INBOX.other 1\r\nd\r\n");
            assertThat(untilPong(service)).isEqualTo(pubErr("_INBOX.r1") + pubErr("_INBOX.other"));
            assertThat(untilPong(requester)).isEqualTo("MSG _INBOX.r1 5 1\r\na\r\nMSG _INBOX.r1 5 1\r\nb\r\n");
        }
    }

    @Test
    void permissionsDoNotLeakAcrossConnectionsOfOtherUsers() throws Exception {
        try (RawClient restricted = connectAs("pubfoo"); RawClient admin = connectAs("admin")) {
            restricted.send("PUB bar 1\r\nx\r\n");
            admin.send("PUB bar 1\r\nx\r\n");
            assertThat(untilPong(restricted)).isEqualTo(pubErr("bar"));
            assertThat(untilPong(admin)).isEmpty();
        }
    }
}
