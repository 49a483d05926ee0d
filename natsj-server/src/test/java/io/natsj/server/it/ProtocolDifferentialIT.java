package io.natsj.server.it;

import io.natsj.server.it.ProtocolCases.Case;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static io.natsj.server.it.ProtocolCases.CONNECT_HEADERS;
import static io.natsj.server.it.ProtocolCases.open;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * natsj answers raw client input byte for byte like nats-server 2.9.10: the error table, PING, MSG and HMSG
 * delivery, UNSUB with a max, verbose acknowledgements and the no-responders status, each on a fresh connection to
 * either server. The INFO line is compared as JSON (plus its {@code " \r\n"} ending): natsj has every key nats-server
 * sends, in the same order, and the same protocol-relevant values. Skipped when nats-server is not installed.
 */
@Timeout(120)
class ProtocolDifferentialIT {

    /** INFO keys natsj sends that nats-server 2.9.10 does not (for the same options). */
    private static final Set<String> INFO_ONLY_NATSJ = Set.of();
    /** INFO keys whose values must be equal. */
    private static final List<String> INFO_EQUAL = List.of("proto", "host", "headers", "max_payload", "client_ip");

    private static final String HEADER = "NATS/1.0\r\nA: b\r\n\r\n";

    /** Exchanges beyond the error table: ordinary traffic whose bytes must be identical. */
    static final List<Case> TRAFFIC = List.of(
            open("PING", "PING\r\n", "PONG\r\n"),
            open("PING with junk", "PINGxyz\r\n", "PONG\r\n"),
            open("SUB and PUB", "SUB foo 1\r\nPUB foo 5\r\nhello\r\n", "MSG foo 1 5\r\nhello\r\n"),
            open("PUB with reply", "SUB foo 1\r\nPUB foo bar 2\r\nhi\r\n", "MSG foo 1 bar 2\r\nhi\r\n"),
            open("lower-case verbs, tabs, bare LF", "sub\tfoo\t1\npub foo 1\nx\r\n", "MSG foo 1 1\r\nx\r\n"),
            open("plain subscriber served before a queue member", "SUB foo.* q 1\r\nSUB > 2\r\nPUB foo.a 1\r\nx\r\n",
                    "MSG foo.a 2 1\r\nx\r\nMSG foo.a 1 1\r\nx\r\n"),
            open("empty payload", "SUB foo 1\r\nPUB foo 0\r\n\r\n", "MSG foo 1 0\r\n\r\n"),
            open("HPUB to HMSG", CONNECT_HEADERS, "SUB foo 1\r\nHPUB foo r 18 20\r\n" + HEADER + "hi\r\n",
                    "HMSG foo 1 r 18 20\r\n" + HEADER + "hi\r\n"),
            open("HPUB with header size 0", CONNECT_HEADERS, "SUB foo 1\r\nHPUB foo 0 2\r\nhi\r\n",
                    "MSG foo 1 2\r\nhi\r\n"),
            open("a second CONNECT enables headers", "SUB foo 1\r\n" + CONNECT_HEADERS
                    + "HPUB foo 18 20\r\n" + HEADER + "hi\r\n", "HMSG foo 1 18 20\r\n" + HEADER + "hi\r\n"),
            open("UNSUB with max 2", "SUB foo 1\r\nUNSUB 1 2\r\nPUB foo 1\r\na\r\nPUB foo 1\r\nb\r\nPUB foo 1\r\nc\r\n",
                    "MSG foo 1 1\r\na\r\nMSG foo 1 1\r\nb\r\n"),
            open("UNSUB", "SUB foo 1\r\nUNSUB 1\r\nPUB foo 1\r\na\r\n", ""),
            open("no echo", "CONNECT {\"verbose\":false,\"echo\":false}\r\n", "SUB foo 1\r\nPUB foo 1\r\na\r\n", ""),
            open("verbose", "CONNECT {\"verbose\":true}\r\n", "SUB foo 1\r\nPUB foo 1\r\nx\r\nUNSUB 1\r\nPING\r\n",
                    "+OK\r\n+OK\r\n+OK\r\nMSG foo 1 1\r\nx\r\n+OK\r\nPONG\r\n"),
            open("verbose with an invalid subject", "CONNECT {\"verbose\":true}\r\n", "SUB foo..bar 1\r\n",
                    "+OK\r\n-ERR 'Invalid Subject'\r\n"),
            open("CONNECT keys in upper case", "CONNECT {\"VERBOSE\":false}\r\n", "PING\r\n", "PONG\r\n"),
            open("CONNECT null", "CONNECT null\r\n", "PING\r\n", "+OK\r\nPONG\r\n"),
            open("no responders", "CONNECT {\"verbose\":false,\"headers\":true,\"no_responders\":true}\r\n",
                    "SUB _INBOX.abc 7\r\nPUB nobody _INBOX.abc 2\r\nhi\r\n",
                    "HMSG _INBOX.abc 7 16 16\r\nNATS/1.0 503\r\n\r\n\r\n"),
            open("payload of exactly max_payload", "PUB foo 1048576\r\n" + "x".repeat(1048576) + "\r\n", ""));

    static final List<Case> EXCHANGES = Stream.of(ProtocolCases.ERROR_TABLE, TRAFFIC).flatMap(List::stream).toList();
    static final List<Case> AUTH_TABLE = ProtocolCases.AUTH_TABLE;

    private static NatsServerProcess natsServer;
    private static NatsServerProcess natsServerAuth;
    private static ServerFixture natsj;
    private static ServerFixture natsjAuth;

    @BeforeAll
    static void startServers() throws IOException {
        assumeTrue(NatsServerProcess.installed(), "nats-server is not installed");
        natsServer = NatsServerProcess.start();
        natsServerAuth = NatsServerProcess.start("--user", ProtocolCases.USER, "--pass", ProtocolCases.PASSWORD);
        natsj = ServerFixture.start();
        natsjAuth = ServerFixture.start(ServerFixture.options().user(ProtocolCases.USER)
                .password(ProtocolCases.PASSWORD));
    }

    @AfterAll
    static void stopServers() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {natsServer, natsServerAuth, natsj, natsjAuth}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("EXCHANGES")
    void sameBytesAsNatsServer(Case exchange) throws Exception {
        RawClient.Reply reference = exchange.run(natsServer.port());
        assertThat(reference).as("nats-server answers as the case says").isEqualTo(exchange.expected());

        assertThat(exchange.run(natsj.port())).isEqualTo(reference);
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("AUTH_TABLE")
    void sameBytesAsNatsServerWithAuth(Case exchange) throws Exception {
        RawClient.Reply reference = exchange.run(natsServerAuth.port());
        assertThat(reference).as("nats-server answers as the case says").isEqualTo(exchange.expected());

        assertThat(exchange.run(natsjAuth.port())).isEqualTo(reference);
    }

    @Test
    void infoHasNatsServersKeysInItsOrderAndItsLineEnding() throws Exception {
        compareInfo(natsServer.port(), natsj.port(), false);
        compareInfo(natsServerAuth.port(), natsjAuth.port(), true);
    }

    private static void compareInfo(int referencePort, int natsjPort, boolean auth) throws IOException {
        String ref;
        String nj;
        try (RawClient a = RawClient.open(referencePort); RawClient b = RawClient.open(natsjPort)) {
            ref = a.infoLine();
            nj = b.infoLine();
        }
        assertThat(ref).startsWith("INFO {").endsWith("} \r\n");
        assertThat(nj).startsWith("INFO {").endsWith("} \r\n");
        JsonNode r = JsonMapper.shared().readTree(ref.substring(5).strip());
        JsonNode n = JsonMapper.shared().readTree(nj.substring(5).strip());
        List<String> refKeys = new ArrayList<>(r.propertyNames());
        List<String> natsjKeys = new ArrayList<>(n.propertyNames());

        assertThat(natsjKeys).as("natsj's INFO keys").containsAll(refKeys);
        assertThat(natsjKeys.stream().filter(k -> !refKeys.contains(k)).toList()).as("keys only natsj sends")
                .containsExactlyInAnyOrderElementsOf(INFO_ONLY_NATSJ);
        assertThat(natsjKeys.stream().filter(refKeys::contains).toList()).as("order of the common keys")
                .isEqualTo(refKeys);
        for (String key : INFO_EQUAL) {
            assertThat(n.get(key)).as(key).isEqualTo(r.get(key));
        }
        assertThat(n.get("port").asInt()).isEqualTo(natsjPort);
        assertThat(r.has("auth_required")).as("nats-server sends auth_required").isEqualTo(auth);
        assertThat(n.has("auth_required")).as("natsj sends auth_required").isEqualTo(auth);
        if (auth) {
            assertThat(n.get("auth_required").asBoolean()).isTrue();
        }
    }
}
