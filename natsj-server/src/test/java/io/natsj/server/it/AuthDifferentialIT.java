package io.natsj.server.it;

import io.nats.client.NKey;
import io.natsj.server.config.ConfigLoader;
import io.natsj.server.it.ProtocolCases.Case;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static io.natsj.server.it.ProtocolCases.err;
import static io.natsj.server.it.ProtocolCases.open;
import static io.natsj.server.it.ProtocolCases.silent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * natsj and nats-server 2.9.10 started from the same config file (users with permissions, an NKey user) answer
 * the same bytes: permission violations (publish, subscribe, queue, reserved subjects, Go-quoted subjects),
 * deliveries filtered by deny lists, {@code allow_responses}, and every way authentication fails, including bad
 * input (malformed CONNECT, oversized or non-UTF-8 credentials). Skipped when nats-server is not installed.
 */
@Timeout(180)
class AuthDifferentialIT {

    private static final NKey NKEY_USER = newUser();
    private static final String NKEY = new String(publicKey(NKEY_USER));

    static final String CONFIG = """
            authorization {
              users: [
                { user: admin, password: admin }
                { user: pubfoo, password: pubfoo, permissions: { publish: { allow: "foo.*", deny: "foo.secret" }, subscribe: ">" } }
                { user: subfoo, password: subfoo, permissions: { subscribe: ["foo.*", "q.* v1"] } }
                { user: subdeny, password: subdeny, permissions: { subscribe: { deny: ["foo.bar", "x", "x v1"] } } }
                { user: svc, password: svc, permissions: { publish: "svc", subscribe: ["svc", "_INBOX.>"], allow_responses: true } }
                { user: ok, password: ok, permissions: { publish: "ok" } }
                { nkey: %s }
              ]
            }
            """.formatted(NKEY);

    private static String connect(String user) {
        return "CONNECT {\"verbose\":false,\"user\":\"" + user + "\",\"pass\":\"" + user + "\"}\r\n";
    }

    private static String pubErr(String quotedSubject) {
        return "-ERR 'Permissions Violation for Publish to " + quotedSubject + "'\r\n";
    }

    static final List<Case> CASES = List.of(
            open("allowed publish", connect("pubfoo"), "SUB foo.* 1\r\nPUB foo.bar 2\r\nhi\r\n",
                    "MSG foo.bar 1 2\r\nhi\r\n"),
            open("denied publish", connect("pubfoo"), "SUB > 1\r\nPUB foo.secret 2\r\nhi\r\n",
                    pubErr("\"foo.secret\"")),
            open("publish outside the allow list", connect("pubfoo"), "PUB foo.a.b 0\r\n\r\n", pubErr("\"foo.a.b\"")),
            open("verbose: no +OK for a refused publish", "CONNECT {\"verbose\":true,\"user\":\"ok\",\"pass\":\"ok\"}\r\n",
                    "PUB no 0\r\n\r\nPUB ok 0\r\n\r\n", "+OK\r\n" + pubErr("\"no\"") + "+OK\r\n"),
            open("quote and backslash quoted as Go does", connect("ok"), "PUB a\"b\\c 0\r\n\r\n",
                    pubErr("\"a\\\"b\\\\c\"")),
            open("form feed and UTF-8 quoted as Go does", connect("ok"), "PUB é\fx 0\r\n\r\n",
                    new String(pubErr("\"é\\fx\"").getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1)),
            open("subscription allowed by a wildcard", connect("subfoo"), "SUB foo.bar 1\r\n", ""),
            open("foo.* also allows SUB foo.>", connect("subfoo"), "SUB foo.> 1\r\n", ""),
            open("subscription refused", connect("subfoo"), "SUB > 1\r\n",
                    "-ERR 'Permissions Violation for Subscription to \">\"'\r\n"),
            open("queue subscription in the listed group", connect("subfoo"), "SUB q.a v1 1\r\n", ""),
            open("queue subscription in another group", connect("subfoo"), "SUB q.a v2 1\r\n",
                    "-ERR 'Permissions Violation for Subscription to \"q.a\" using queue \"v2\"'\r\n"),
            open("plain subscription to a queue-only entry", connect("subfoo"), "SUB q.a 1\r\n",
                    "-ERR 'Permissions Violation for Subscription to \"q.a\"'\r\n"),
            open("invalid subject under an allow list", connect("subfoo"), "SUB foo..bar 1\r\n",
                    "-ERR 'Permissions Violation for Subscription to \"foo..bar\"'\r\n"),
            open("the _sys_ queue", connect("admin"), "SUB a _sys_ 1\r\n",
                    "-ERR 'Permissions Violation for Subscription to \"a\" using queue \"_sys_\"'\r\n"),
            open("deny list filters a wildcard subscription", connect("subdeny"),
                    "SUB foo.* 1\r\nPUB foo.bar 1\r\na\r\nPUB foo.baz 1\r\nb\r\n", "MSG foo.baz 1 1\r\nb\r\n"),
            open("denied subscription", connect("subdeny"), "SUB foo.bar 1\r\n",
                    "-ERR 'Permissions Violation for Subscription to \"foo.bar\"'\r\n"),
            open("a deny entry for another queue overrides the plain deny", connect("subdeny"), "SUB x v2 1\r\n", ""),
            open("denied queue", connect("subdeny"), "SUB x v1 1\r\n",
                    "-ERR 'Permissions Violation for Subscription to \"x\" using queue \"v1\"'\r\n"),
            open("allow_responses: one response per request", connect("svc"),
                    "SUB svc 1\r\nSUB _INBOX.r 2\r\nPUB _INBOX.r 1\r\na\r\nPUB svc _INBOX.r 1\r\nq\r\n"
                            + "PUB _INBOX.r 1\r\nb\r\nPUB _INBOX.r 1\r\nc\r\n",
                    pubErr("\"_INBOX.r\"") + "MSG svc 1 _INBOX.r 1\r\nq\r\nMSG _INBOX.r 2 1\r\nb\r\n"
                            + pubErr("\"_INBOX.r\"")),
            open("reserved subject _GR_.", connect("admin"), "PUB _GR_.x 0\r\n\r\n", pubErr("\"_GR_.x\"")),
            open("reserved reply _R_.", connect("admin"), "PUB a _R_.x 0\r\n\r\n",
                    "-ERR 'Permissions Violation for Publish with Reply of \"_R_.x\"'\r\n"),
            open("reserved reply $JS.ACK.", connect("admin"), "PUB a $JS.ACK.x 0\r\n\r\n",
                    "-ERR 'Permissions Violation for Publish with Reply of \"$JS.ACK.x\"'\r\n"),
            err("unknown user", "", connect("nobody"), "Authorization Violation"),
            err("wrong password", "", "CONNECT {\"user\":\"admin\",\"pass\":\"x\"}\r\n", "Authorization Violation"),
            err("no credentials", "", "CONNECT {}\r\n", "Authorization Violation"),
            err("a token where users are configured", "", "CONNECT {\"auth_token\":\"admin\"}\r\n",
                    "Authorization Violation"),
            err("nkey without signature", "", "CONNECT {\"nkey\":\"" + NKEY + "\"}\r\n", "Authorization Violation"),
            err("nkey with a bad signature", "", "CONNECT {\"nkey\":\"" + NKEY + "\",\"sig\":\"AAAA\"}\r\n",
                    "Authorization Violation"),
            err("unknown nkey", "", "CONNECT {\"nkey\":\"" + new String(publicKey(newUser())) + "\",\"sig\":\"x\"}\r\n",
                    "Authorization Violation"),
            silent("malformed CONNECT JSON", "", "CONNECT {\"user\":\r\n"),
            silent("CONNECT user of the wrong type", "", "CONNECT {\"user\":5}\r\n"),
            err("100 KB password", "", "CONNECT {\"user\":\"admin\",\"pass\":\"" + "p".repeat(100_000) + "\"}\r\n",
                    "maximum control line exceeded"));

    private static NatsServerProcess natsServer;
    private static ServerFixture natsj;

    @BeforeAll
    static void startServers() throws IOException {
        assumeTrue(NatsServerProcess.installed(), "nats-server is not installed");
        natsServer = NatsServerProcess.withConfig(CONFIG);
        Path conf = Files.createTempFile("natsj-auth", ".conf");
        try {
            Files.writeString(conf, CONFIG);
            natsj = ServerFixture.start(ConfigLoader.load(conf, Map.<String, String>of()::get).options()
                    .host("127.0.0.1").port(0).noLog(true));
        } finally {
            Files.delete(conf);
        }
    }

    @AfterAll
    static void stopServers() throws Exception {
        if (natsServer != null) {
            natsServer.close();
        }
        if (natsj != null) {
            natsj.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("CASES")
    void sameBytesAsNatsServer(Case exchange) throws Exception {
        RawClient.Reply reference = exchange.run(natsServer.port());
        assertThat(reference).as("nats-server answers as the case says").isEqualTo(exchange.expected());

        assertThat(exchange.run(natsj.port())).isEqualTo(reference);
        natsj.assertServes(io.nats.client.Options.builder().userInfo("admin", "admin"));
    }

    @Test
    void nonUtf8BytesInTheUserNameAreRefusedLikeAnyWrongUser() throws Exception {
        ByteArrayOutputStream connect = new ByteArrayOutputStream();
        connect.writeBytes("CONNECT {\"user\":\"adm".getBytes(StandardCharsets.US_ASCII));
        connect.write(0xff);
        connect.write(0xc3);
        connect.writeBytes("in\",\"pass\":\"admin\"}\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
        RawClient.Reply reference = rawExchange(natsServer.port(), connect.toByteArray());
        assertThat(reference).isEqualTo(RawClient.Reply.closed("-ERR 'Authorization Violation'\r\n"));
        assertThat(rawExchange(natsj.port(), connect.toByteArray())).isEqualTo(reference);
    }

    private static RawClient.Reply rawExchange(int port, byte[] bytes) throws IOException {
        try (RawClient raw = RawClient.open(port)) {
            return raw.send(bytes).readReply();
        }
    }

    @Test
    void nkeyUserSigningTheNonceIsAcceptedByBoth() throws Exception {
        for (int port : new int[] {natsServer.port(), natsj.port()}) {
            try (RawClient raw = RawClient.open(port)) {
                String nonce = JsonMapper.shared().readTree(raw.infoJson()).get("nonce").asString();
                String sig = Base64.getUrlEncoder().withoutPadding()
                        .encodeToString(NKEY_USER.sign(nonce.getBytes(StandardCharsets.US_ASCII)));
                raw.send("CONNECT {\"verbose\":false,\"nkey\":\"" + NKEY + "\",\"sig\":\"" + sig + "\"}\r\n");
                raw.assertPingPong();
            }
        }
    }

    @Test
    void infoHasTheNonceWhereNatsServerPutsIt() throws Exception {
        List<String> ref = infoKeys(natsServer.port());
        List<String> nj = infoKeys(natsj.port());
        assertThat(ref).contains("nonce", "auth_required");
        List<String> common = new ArrayList<>(nj);
        common.retainAll(ref);
        assertThat(common).isEqualTo(ref.stream().filter(nj::contains).toList());
        assertThat(nj).containsAll(ref);
    }

    private static List<String> infoKeys(int port) throws IOException {
        try (RawClient raw = RawClient.open(port)) {
            JsonNode info = JsonMapper.shared().readTree(raw.infoJson());
            assertThat(info.get("nonce").asString()).hasSize(15);
            return new ArrayList<>(info.propertyNames());
        }
    }

    private static NKey newUser() {
        try {
            return NKey.createUser(new SecureRandom());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static char[] publicKey(NKey key) {
        try {
            return key.getPublicKey();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
