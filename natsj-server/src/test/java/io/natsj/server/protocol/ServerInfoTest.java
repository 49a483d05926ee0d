package io.natsj.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The INFO line, compared byte for byte with lines captured from nats-server 2.9.10. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ServerInfoTest {

    private static final String ID = "NBW6CW5UAKLLHUUBUS3M6PCYBU2MSTCAZZLHVZBT6NGNBSNBZKZDHNS4";

    private static ServerInfo base(int port) {
        return new ServerInfo().serverId(ID).serverName(ID).version("2.9.10").proto(1).go("go1.19.8")
            .host("127.0.0.1").port(port).headers(true).maxPayload(1048576);
    }

    private static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void encodesThePlainInfoLineOfNatsServer() {
        String captured = "INFO {\"server_id\":\"" + ID + "\",\"server_name\":\"" + ID + "\",\"version\":\"2.9.10\","
            + "\"proto\":1,\"go\":\"go1.19.8\",\"host\":\"127.0.0.1\",\"port\":14101,\"headers\":true,"
            + "\"max_payload\":1048576,\"client_id\":72,\"client_ip\":\"127.0.0.1\"} \r\n";
        ServerInfo info = base(14101);
        assertThat(str(info.copy().clientId(72).clientIp("127.0.0.1").encodeLine())).isEqualTo(captured);
        assertThat(str(InfoLineTemplate.of(info).encode(72, "127.0.0.1", null))).isEqualTo(captured);
    }

    @Test
    void encodesAuthNonceAndJetStreamInNatsServerOrder() {
        String captured = "INFO {\"server_id\":\"" + ID + "\",\"server_name\":\"srv1\",\"version\":\"2.9.10\","
            + "\"proto\":1,\"go\":\"go1.19.8\",\"host\":\"127.0.0.1\",\"port\":14105,\"headers\":true,"
            + "\"auth_required\":true,\"max_payload\":1048576,\"jetstream\":true,\"client_id\":4,"
            + "\"client_ip\":\"127.0.0.1\",\"nonce\":\"8tXPjicZNg3vlTc\"} \r\n";
        ServerInfo info = base(14105).serverName("srv1").authRequired(true).jetStream(true);
        assertThat(str(info.copy().clientId(4).clientIp("127.0.0.1").nonce("8tXPjicZNg3vlTc").encodeLine()))
            .isEqualTo(captured);
        assertThat(str(InfoLineTemplate.of(info).encode(4, "127.0.0.1", "8tXPjicZNg3vlTc"))).isEqualTo(captured);
    }

    @Test
    void encodesClusterFieldsAfterTheClientFields() {
        String captured = "INFO {\"server_id\":\"" + ID + "\",\"server_name\":\"" + ID + "\",\"version\":\"2.9.10\","
            + "\"proto\":1,\"go\":\"go1.19.8\",\"host\":\"127.0.0.1\",\"port\":14106,\"headers\":true,"
            + "\"max_payload\":1048576,\"client_id\":6,\"client_ip\":\"127.0.0.1\",\"cluster\":\"C1\","
            + "\"connect_urls\":[\"127.0.0.1:14106\",\"127.0.0.1:14108\"]} \r\n";
        ServerInfo info = base(14106).cluster("C1").connectUrls(List.of("127.0.0.1:14106", "127.0.0.1:14108"));
        assertThat(str(info.copy().clientId(6).clientIp("127.0.0.1").encodeLine())).isEqualTo(captured);
        assertThat(str(InfoLineTemplate.of(info).encode(6, "127.0.0.1", null))).isEqualTo(captured);
    }

    @Test
    void omitsEmptyOptionalFieldsAndKeepsTheMandatoryOnes() {
        String json = str(new ServerInfo().toJson());
        assertThat(json).isEqualTo("{\"server_id\":\"\",\"server_name\":\"\",\"version\":\"\",\"proto\":1,\"go\":\"\","
            + "\"host\":\"\",\"port\":0,\"headers\":false,\"max_payload\":0}");
    }

    @Test
    void writesEveryFieldInOrderWhenSet() {
        ServerInfo info = base(4222).gitCommit("abc").authRequired(true).tlsRequired(true).tlsVerify(true)
            .tlsAvailable(true).jetStream(true).clientId(9).clientIp("::1").nonce("n").cluster("c").domain("d")
            .connectUrls(List.of("a:1")).wsConnectUrls(List.of("b:2")).lameDuckMode(true).connectInfo(true)
            .apiLevel(1).xkey("X");
        String json = str(info.toJson());
        assertThat(json).containsSubsequence("\"server_id\"", "\"server_name\"", "\"version\"", "\"proto\"",
            "\"git_commit\":\"abc\"", "\"go\"", "\"host\"", "\"port\"", "\"headers\"", "\"auth_required\":true",
            "\"tls_required\":true", "\"tls_verify\":true", "\"tls_available\":true", "\"max_payload\"",
            "\"jetstream\":true", "\"client_id\":9", "\"client_ip\":\"::1\"", "\"nonce\":\"n\"", "\"cluster\":\"c\"",
            "\"domain\":\"d\"", "\"connect_urls\":[\"a:1\"]", "\"ws_connect_urls\":[\"b:2\"]", "\"ldm\":true",
            "\"connect_info\":true", "\"api_lvl\":1", "\"xkey\":\"X\"");
        assertThat(str(InfoLineTemplate.of(info).encode(9, "::1", "n"))).isEqualTo(str(info.encodeLine()));
    }

    @Test
    void templateOmitsAZeroClientIdAndEscapesOddStrings() {
        ServerInfo info = base(1).cluster("c");
        assertThat(str(InfoLineTemplate.of(info).encode(0, null, null)))
            .isEqualTo(str(info.encodeLine()));
        assertThat(str(InfoLineTemplate.of(info).encode(3, "a\"b\\c", "\u00e9")))
            .isEqualTo(str(info.copy().clientId(3).clientIp("a\"b\\c").nonce("\u00e9").encodeLine()));
    }

    @Test
    void natsjReportsItsOwnVersionStrings() {
        String json = str(new ServerInfo().version("2.11.0").go("natsj 0.1.0 (java 25)").toJson());
        assertThat(json).contains("\"version\":\"2.11.0\"", "\"go\":\"natsj 0.1.0 (java 25)\"");
    }

    @Test
    void parsesAnInfoAndRejectsMalformedOnes() {
        byte[] line = base(4222).clientId(5).toJson();
        ServerInfo back = ServerInfo.parse(line, 0, line.length);
        assertThat(back.serverId()).isEqualTo(ID);
        assertThat(back.clientId()).isEqualTo(5);
        assertThat(ServerInfo.parse("{}".getBytes(), 0, 2).port()).isZero();
        assertThatThrownBy(() -> ServerInfo.parse("garbage".getBytes(), 0, 7))
            .isInstanceOfSatisfying(ProtocolException.class,
                e -> assertThat(e.error()).isEqualTo(ProtocolError.MALFORMED_INFO));
        assertThatThrownBy(() -> ServerInfo.parse("{\"port\":\"x\"}".getBytes(), 0, 12))
            .isInstanceOf(ProtocolException.class);
    }
}
