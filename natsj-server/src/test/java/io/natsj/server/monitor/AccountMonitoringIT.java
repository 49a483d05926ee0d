package io.natsj.server.monitor;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.natsj.server.NatsServer;
import io.natsj.server.config.ConfigLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Accounts as monitoring shows them: {@code /accountz}, {@code /connz} with {@code auth} and {@code acc}, and the
 * same data over NATS for system-account users ({@code $SYS.REQ.SERVER.*}, {@code $SYS.REQ.ACCOUNT.*}); field
 * names compared with nats-server 2.9.10's.
 */
@Timeout(60)
class AccountMonitoringIT {

    static final Duration WAIT = Duration.ofSeconds(5);
    static final String CONFIG = """
            jetstream { store_dir: "%s" }
            system_account: SYS
            accounts {
              SYS: { users: [ { user: sys, password: psys } ] }
              A: {
                users: [ { user: a, password: pa } ]
                jetstream: enabled
                exports: [ { stream: "news.>" }, { service: "help", response_type: stream } ]
              }
              B: {
                users: [ { user: b, password: pb } ]
                imports: [ { stream: { account: A, subject: "news.>" }, prefix: "a" }
                           { service: { account: A, subject: "help" } } ]
              }
            }
            """;

    @TempDir
    Path dir;
    private NatsServer server;
    private MonitorHttp http;
    private final List<Connection> connections = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        Path conf = dir.resolve("monitor.conf");
        Files.writeString(conf, CONFIG.formatted(dir.resolve("store")));
        server = NatsServer.start(ConfigLoader.load(conf, Map.<String, String>of()::get).options()
                .host("127.0.0.1").port(0).httpPort(-1).noLog(true).build());
        http = new MonitorHttp(server.httpPort());
    }

    @AfterEach
    void stop() throws Exception {
        for (Connection c : connections) {
            c.close();
        }
        http.close();
        server.close();
    }

    private Connection connect(String url, String user, String pass) throws Exception {
        Connection c = Nats.connect(Options.builder().server(url).userInfo(user, pass).noReconnect()
                .connectionTimeout(WAIT).build());
        connections.add(c);
        return c;
    }

    private static JsonNode request(Connection c, String subject, String body) throws Exception {
        Message m = c.request(subject, body.getBytes(StandardCharsets.UTF_8), WAIT);
        assertThat(m).as("answer on %s", subject).isNotNull();
        return MonitorHttp.MAPPER.readTree(m.getData());
    }

    @Test
    void accountzListsAccountsAndDescribesOne() throws Exception {
        connect(server.clientUrl(), "a", "pa");
        JsonNode list = http.json("/accountz");
        assertThat(list.get("system_account").asString()).isEqualTo("SYS");
        assertThat(list.get("accounts").valueStream().map(JsonNode::asString)).containsExactlyInAnyOrder(
                "$G", "SYS", "A", "B");
        JsonNode a = http.json("/accountz?acc=A").get("account_detail");
        assertThat(a.get("account_name").asString()).isEqualTo("A");
        assertThat(a.get("jetstream_enabled").asBoolean()).isTrue();
        assertThat(a.get("client_connections").asInt()).isEqualTo(1);
        assertThat(a.get("exports").valueStream().map(e -> e.get("type").asString() + " " + e.get("subject")
                .asString())).containsExactly("stream news.>", "service help");
        assertThat(a.get("exports").get(1).get("response_type").asString()).isEqualTo("Stream");
        JsonNode b = http.json("/accountz?acc=B").get("account_detail");
        assertThat(b.get("jetstream_enabled").asBoolean()).isFalse();
        assertThat(b.get("imports").valueStream().map(i -> i.get("type").asString() + " "
                + i.get("local_subject").asString())).containsExactly("stream a.news.>", "service help");
        assertThat(http.json("/accountz?acc=SYS").get("account_detail").get("is_system").asBoolean()).isTrue();
        assertThat(http.get("/accountz?acc=NOPE").statusCode()).isEqualTo(400);
    }

    @Test
    void connzShowsUsersAndAccountsAndFiltersByAccount() throws Exception {
        connect(server.clientUrl(), "a", "pa");
        connect(server.clientUrl(), "b", "pb");
        JsonNode all = http.json("/connz?auth=true");
        assertThat(all.get("connections").valueStream().map(c -> c.get("authorized_user").asString() + "@"
                + c.get("account").asString())).containsExactlyInAnyOrder("a@A", "b@B");
        PromText metrics = PromText.parse(http.get("/metrics").body());
        for (String acc : List.of("A", "B")) {
            assertThat(metrics.value("natsj_account_connections", Map.of("server_id", server.serverId(),
                    "account", acc))).as("connections of %s", acc).hasValue(1.0);
        }
        assertThat(metrics.value("natsj_account_connections", Map.of("server_id", server.serverId(),
                "account", "SYS"))).hasValue(0.0);
        JsonNode onlyB = http.json("/connz?auth=true&acc=B");
        assertThat(onlyB.get("num_connections").asInt()).isEqualTo(1);
        assertThat(onlyB.get("connections").get(0).get("account").asString()).isEqualTo("B");
    }

    @Test
    void systemAccountUsersGetMonitoringOverNats() throws Exception {
        Connection a = connect(server.clientUrl(), "a", "pa");
        a.subscribe("x");
        a.flush(WAIT);
        Connection sys = connect(server.clientUrl(), "sys", "psys");
        JsonNode varz = request(sys, "$SYS.REQ.SERVER.PING.VARZ", "");
        assertThat(varz.get("server").get("id").asString()).isEqualTo(server.serverId());
        assertThat(varz.get("data").get("server_id").asString()).isEqualTo(server.serverId());
        JsonNode connz = request(sys, "$SYS.REQ.SERVER." + server.serverId() + ".CONNZ", "{\"auth\": true}");
        assertThat(connz.get("data").get("connections").valueStream().map(c -> c.get("account").asString()))
                .contains("A", "SYS");
        JsonNode accConnz = request(sys, "$SYS.REQ.ACCOUNT.A.CONNZ", "{\"subscriptions\": true}");
        assertThat(accConnz.get("data").get("num_connections").asInt()).isEqualTo(1);
        assertThat(accConnz.get("data").get("connections").get(0).get("subscriptions_list").get(0).asString())
                .isEqualTo("x");
        JsonNode statsz = request(sys, "$SYS.REQ.SERVER.PING", "");
        assertThat(statsz.get("statsz").get("connections").asInt()).isEqualTo(2);
        JsonNode routez = request(sys, "$SYS.REQ.SERVER.PING.ROUTEZ", "");
        assertThat(routez.get("data").get("server_id").asString()).isEqualTo(server.serverId());
        assertThat(routez.get("data").get("num_routes").asInt()).isZero();
        JsonNode info = request(sys, "$SYS.REQ.ACCOUNT.A.INFO", "");
        assertThat(info.get("data").get("account_name").asString()).isEqualTo("A");
        JsonNode jsz = request(sys, "$SYS.REQ.ACCOUNT.A.JSZ", "");
        assertThat(jsz.get("data").get("name").asString()).isEqualTo("A");
        String ownName = "{\"server_name\": \"" + server.serverName().substring(2) + "\"}";
        assertThat(request(sys, "$SYS.REQ.SERVER.PING.VARZ", ownName).get("data")).isNotNull();
        for (String filter : List.of("{\"server_name\": \"elsewhere\"}", "{\"cluster\": \"c1\"}",
                "{\"tags\": [\"eu\"]}", "{\"domain\": \"hub\"}")) {
            assertThat(sys.request("$SYS.REQ.SERVER.PING", filter.getBytes(StandardCharsets.UTF_8),
                    Duration.ofMillis(300))).as("no answer for %s", filter).isNull();
        }
        JsonNode bad = request(sys, "$SYS.REQ.SERVER.PING.CONNZ", "{bad json");
        assertThat(bad.get("error").get("code").asInt()).isEqualTo(400);
        // other accounts have no such subjects
        Message none;
        try {
            none = a.request("$SYS.REQ.SERVER.PING.VARZ", new byte[0], Duration.ofMillis(300));
        } catch (RuntimeException e) {
            none = null;
        }
        assertThat(none == null || none.isStatusMessage()).isTrue();
    }

    /** Connects user a (named), publishes one message, closes; returns the CONNECT and DISCONNECT events seen. */
    private List<JsonNode> connectEvents(String url) throws Exception {
        Connection sys = connect(url, "sys", "psys");
        io.nats.client.Subscription events = sys.subscribe("$SYS.ACCOUNT.*.*");
        sys.flush(WAIT);
        Connection a = Nats.connect(Options.builder().server(url).userInfo("a", "pa").connectionName("shop-1")
                .noReconnect().build());
        a.publish("x", new byte[3]);
        a.flush(WAIT);
        a.close();
        List<JsonNode> seen = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Message m = events.nextMessage(WAIT);
            assertThat(m).as("event %d", i).isNotNull();
            seen.add(MonitorHttp.MAPPER.readTree(m.getData()));
        }
        return seen;
    }

    @Test
    void clientsOfConfiguredAccountsAreAnnouncedToTheSystemAccount() throws Exception {
        List<JsonNode> events = connectEvents(server.clientUrl());
        JsonNode connect = events.get(0);
        assertThat(connect.get("type").asString()).isEqualTo("io.nats.server.advisory.v1.client_connect");
        assertThat(connect.get("server").get("id").asString()).isEqualTo(server.serverId());
        assertThat(connect.get("client").get("acc").asString()).isEqualTo("A");
        assertThat(connect.get("client").get("user").asString()).isEqualTo("a");
        assertThat(connect.get("client").get("name").asString()).isEqualTo("shop-1");
        JsonNode disconnect = events.get(1);
        assertThat(disconnect.get("type").asString()).isEqualTo("io.nats.server.advisory.v1.client_disconnect");
        assertThat(disconnect.get("reason").asString()).isEqualTo("Client Closed");
        assertThat(disconnect.get("sent").get("msgs").asLong()).isEqualTo(1);
        assertThat(disconnect.get("sent").get("bytes").asLong()).isEqualTo(3);
        assertThat(disconnect.get("client").has("stop")).isTrue();
    }

    @Test
    void theSystemAccountHearsTheStatszHeartbeat() throws Exception {
        Connection sys = connect(server.clientUrl(), "sys", "psys");
        io.nats.client.Subscription beats = sys.subscribe("$SYS.SERVER.*.STATSZ");
        sys.flush(WAIT);
        Message m = beats.nextMessage(Duration.ofSeconds(12)); // the interval doubles from 250 ms to 10 s
        assertThat(m).as("a STATSZ heartbeat").isNotNull();
        assertThat(m.getSubject()).isEqualTo("$SYS.SERVER." + server.serverId() + ".STATSZ");
        JsonNode beat = MonitorHttp.MAPPER.readTree(m.getData());
        assertThat(beat.get("server").get("id").asString()).isEqualTo(server.serverId());
        assertThat(beat.get("statsz").get("connections").asInt()).isEqualTo(1);
    }

    @Test
    void fieldNamesMatchNatsServer() throws Exception {
        Path binary = ReferenceNatsServer.binary();
        assumeTrue(binary != null, "nats-server is not installed");
        Path conf = dir.resolve("reference.conf");
        Files.writeString(conf, CONFIG.formatted(dir.resolve("reference-store")));
        try (ReferenceNatsServer ns = ReferenceNatsServer.start(binary, "-c", conf.toString())) {
            connect(server.clientUrl(), "a", "pa");
            connect(ns.clientUrl(), "a", "pa");
            // natsj writes no field nats-server does not have (nats-server adds jwt, mappings and system imports)
            assertThat(MonitorHttp.paths(http.json("/accountz?acc=A")))
                    .isSubsetOf(MonitorHttp.paths(ns.http().json("/accountz?acc=A")));
            assertThat(MonitorHttp.paths(http.json("/accountz")))
                    .isEqualTo(MonitorHttp.paths(ns.http().json("/accountz")));
            JsonNode ourJsz = http.json("/jsz?accounts=true");
            JsonNode theirJsz = ns.http().json("/jsz?accounts=true");
            assertThat(ourJsz.get("accounts").asInt()).isEqualTo(theirJsz.get("accounts").asInt());
            assertThat(ourJsz.get("account_details").valueStream().map(d -> d.get("name").asString()))
                    .containsExactlyInAnyOrderElementsOf(theirJsz.get("account_details").valueStream()
                            .map(d -> d.get("name").asString()).toList());
            Connection sys = connect(server.clientUrl(), "sys", "psys");
            Connection refSys = connect(ns.clientUrl(), "sys", "psys");
            for (String subject : List.of("$SYS.REQ.SERVER.PING.CONNZ", "$SYS.REQ.ACCOUNT.A.CONNZ",
                    "$SYS.REQ.SERVER.PING")) {
                Set<String> ours = MonitorHttp.paths(request(sys, subject, ""));
                Set<String> theirs = MonitorHttp.paths(request(refSys, subject, ""));
                ours.removeIf(k -> k.startsWith("data.connections") || k.startsWith("statsz."));
                theirs.removeIf(k -> k.startsWith("data.connections") || k.startsWith("statsz."));
                theirs.remove("server.cluster");
                ours.remove("server.flags"); // added in nats-server 2.10
                assertThat(ours).as(subject).isSubsetOf(theirs);
            }
            List<JsonNode> ourEvents = connectEvents(server.clientUrl());
            List<JsonNode> theirEvents = connectEvents(ns.clientUrl());
            for (int i = 0; i < 2; i++) {
                Set<String> ours = MonitorHttp.paths(ourEvents.get(i));
                ours.remove("server.flags");
                assertThat(ours).as("event %d", i).isEqualTo(MonitorHttp.paths(theirEvents.get(i)));
            }
        }
    }
}
