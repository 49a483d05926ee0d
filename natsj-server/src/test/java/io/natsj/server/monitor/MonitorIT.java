package io.natsj.server.monitor;

import io.natsj.server.json.GoFormats;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import io.natsj.server.NatsServer;
import io.natsj.server.ServerOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The monitoring endpoints as users see them: real jnats clients for traffic, HTTP and JSON for the answers. */
@Timeout(60)
class MonitorIT {

    private static final Pattern RFC3339 = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,9})?Z");
    private static final Pattern UPTIME = Pattern.compile("(\\d+y)?(\\d+d)?(\\d+h)?(\\d+m)?\\d+s");
    private static final Duration WAIT = Duration.ofSeconds(10);

    private NatsServer server;
    private MonitorHttp http;
    private final List<Connection> clients = new ArrayList<>();

    @AfterEach
    void tearDown() throws InterruptedException {
        for (Connection c : clients) {
            c.close();
        }
        if (http != null) {
            http.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static ServerOptions.Builder options() {
        return ServerOptions.builder().host("127.0.0.1").port(0).httpHost("127.0.0.1")
                .httpPort(ServerOptions.RANDOM_PORT).noLog(true);
    }

    private void start(ServerOptions.Builder options) throws Exception {
        server = NatsServer.start(options.build());
        http = new MonitorHttp(server.httpPort());
    }

    private void start() throws Exception {
        start(options());
    }

    private Connection connect(String name) throws Exception {
        return connect(Options.builder().server(server.clientUrl()).connectionName(name));
    }

    private Connection connect(Options.Builder options) throws Exception {
        Connection nc = Nats.connect(options.noReconnect().build());
        clients.add(nc);
        return nc;
    }

    private JsonNode json(String path) {
        return http.json(path);
    }

    private static List<Long> cids(JsonNode connz) {
        List<Long> out = new ArrayList<>();
        for (JsonNode c : connz.get("connections")) {
            out.add(c.get("cid").asLong());
        }
        return out;
    }

    private static long cid(Connection nc) {
        return nc.getServerInfo().getClientId();
    }

    private static byte[] bytes(int n) {
        return new byte[n];
    }

    // ----------------------------------------------------------------------------------------------- /routez

    @Test
    void routezOfAServerWithoutClusterListsNoRoutesAsNatsServer() throws Exception {
        start();

        JsonNode z = json("/routez");

        assertThat(z.get("server_id").asString()).isEqualTo(server.serverId());
        assertThat(z.get("num_routes").asInt()).isZero();
        assertThat(z.get("routes").isArray()).isTrue();
        assertThat(z.get("routes")).isEmpty();
        assertThat(json("/varz").get("cluster")).isEmpty();
        assertThat(http.get("/").body()).contains("href=\"routez\"");
    }

    // ------------------------------------------------------------------------------------------------- /varz

    @Test
    void varzShowsIdentityAndTheConfiguredOptions() throws Exception {
        start(options().maxPayload(512 * 1024).maxConnections(100).pingInterval(Duration.ofSeconds(30))
                .writeDeadline(Duration.ofSeconds(3)).maxPending(2 * 1024 * 1024)
                .authTimeout(Duration.ofMillis(1500)).maxControlLine(2048));

        JsonNode v = json("/varz");

        assertThat(v.get("server_id").asString()).isEqualTo(server.serverId());
        assertThat(v.get("server_name").asString()).isEqualTo(server.serverName());
        assertThat(v.get("version").asString()).isEqualTo("2.11.0");
        assertThat(v.get("natsj_version").asString()).isNotBlank();
        assertThat(v.get("proto").asInt()).isEqualTo(1);
        assertThat(v.get("host").asString()).isEqualTo("127.0.0.1");
        assertThat(v.get("port").asInt()).isEqualTo(server.port());
        assertThat(v.get("http_host").asString()).isEqualTo("127.0.0.1");
        assertThat(v.get("http_port").asInt()).isEqualTo(server.httpPort());
        assertThat(v.get("max_payload").asLong()).isEqualTo(512 * 1024);
        assertThat(v.get("max_connections").asLong()).isEqualTo(100);
        assertThat(v.get("ping_interval").asLong()).isEqualTo(30_000_000_000L);
        assertThat(v.get("ping_max").asInt()).isEqualTo(2);
        assertThat(v.get("write_deadline").asLong()).isEqualTo(3_000_000_000L);
        assertThat(v.get("max_pending").asLong()).isEqualTo(2 * 1024 * 1024);
        assertThat(v.get("max_control_line").asInt()).isEqualTo(2048);
        assertThat(v.get("auth_timeout").isNumber()).isTrue();
        assertThat(v.get("auth_timeout").asDouble()).isEqualTo(1.5);
        assertThat(v.get("tls_timeout").asDouble()).isEqualTo(2.0);
        assertThat(v.has("auth_required")).as("omitted when false").isFalse();
        assertThat(v.has("max_subscriptions")).as("omitted when 0").isFalse();
        for (String empty : List.of("cluster", "gateway", "leaf", "mqtt", "websocket", "jetstream")) {
            assertThat(v.get(empty).isObject()).as(empty).isTrue();
            assertThat(v.get(empty).size()).as(empty + " is empty while off").isZero();
        }
    }

    @Test
    void varzListsTheServerTagsOnlyWhenThereAreSome() throws Exception {
        start(options().serverTags(List.of("az:1", "ssd")));
        assertThat(http.json("/varz").path("tags")).extracting(JsonNode::asString).containsExactly("az:1", "ssd");
        server.close();
        http.close();
        start();
        assertThat(http.json("/varz").has("tags")).isFalse();
    }

    @Test
    void varzWritesWholeFloatsAsIntegersLikeGo() throws Exception {
        start();

        String body = http.get("/varz").body();

        assertThat(body).contains("\n  \"auth_timeout\": 2,\n").contains("\n  \"tls_timeout\": 2,\n")
                .contains("\n  \"jetstream\": {},\n");
    }

    @Test
    void varzCountsMessagesAndBytesIncludingFanOutToThreeSubscribers() throws Exception {
        start();
        List<Subscription> subs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Connection sub = connect("sub" + i);
            subs.add(sub.subscribe("fan"));
            sub.flush(WAIT);
        }
        Connection pub = connect("pub");
        for (int i = 0; i < 10; i++) {
            pub.publish("fan", bytes(100));
        }
        pub.publish("nobody", bytes(7));
        pub.flush(WAIT);
        for (Subscription s : subs) {
            for (int i = 0; i < 10; i++) {
                assertThat(s.nextMessage(WAIT)).isNotNull();
            }
        }

        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode v = json("/varz");
            assertThat(v.get("in_msgs").asLong()).isEqualTo(11);
            assertThat(v.get("in_bytes").asLong()).isEqualTo(1007);
            assertThat(v.get("out_msgs").asLong()).isEqualTo(30);
            assertThat(v.get("out_bytes").asLong()).isEqualTo(3000);
            assertThat(v.get("connections").asInt()).isEqualTo(4);
            assertThat(v.get("total_connections").asLong()).isEqualTo(4);
            // the system account's own request subscriptions count too, as in nats-server
            assertThat(v.get("subscriptions").asInt())
                    .isEqualTo(3 + server.accounts().system().index().count());
        });

        clients.getFirst().close();
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode v = json("/varz");
            assertThat(v.get("connections").asInt()).isEqualTo(3);
            assertThat(v.get("total_connections").asLong()).isEqualTo(4);
            assertThat(v.get("subscriptions").asInt())
                    .isEqualTo(2 + server.accounts().system().index().count());
        });
    }

    @Test
    void slowConsumerIsCountedAndClosedWithItsReason() throws Exception {
        start(options().maxPayload(2048).maxPending(4096));
        try (Socket slow = new Socket()) {
            slow.setReceiveBufferSize(1024);
            slow.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
            slow.setSoTimeout(5000);
            BufferedReader in = new BufferedReader(new InputStreamReader(slow.getInputStream(),
                    StandardCharsets.UTF_8));
            long slowCid = MonitorHttp.MAPPER.readTree(in.readLine().substring(5)).get("client_id").asLong();
            slow.getOutputStream().write("CONNECT {\"verbose\":false,\"name\":\"slow\"}\r\nSUB big 1\r\nPING\r\n"
                    .getBytes(StandardCharsets.UTF_8));
            assertThat(in.readLine()).isEqualTo("PONG");
            // from now on the raw client reads nothing: the kernel buffers fill, then natsj's pending bytes grow
            Connection pub = connect("pub");
            byte[] payload = bytes(2000);
            await().atMost(WAIT).until(() -> {
                for (int i = 0; i < 500; i++) {
                    pub.publish("big", payload);
                }
                pub.flush(WAIT);
                return json("/varz").get("slow_consumers").asLong() > 0;
            });

            await().atMost(WAIT).untilAsserted(() -> {
                JsonNode v = json("/varz");
                assertThat(v.get("slow_consumers").asLong()).isEqualTo(1);
                assertThat(v.get("slow_consumer_stats").get("clients").asLong()).isEqualTo(1);
                assertThat(v.get("slow_consumer_stats").get("routes").asLong()).isZero();
                assertThat(v.get("connections").asInt()).isEqualTo(1);
            });
            JsonNode closed = json("/connz?state=closed");
            assertThat(closed.get("total").asInt()).isEqualTo(1);
            JsonNode c = closed.get("connections").get(0);
            assertThat(c.get("cid").asLong()).isEqualTo(slowCid);
            assertThat(c.get("name").asString()).isEqualTo("slow");
            assertThat(c.get("reason").asString()).isEqualTo("Slow Consumer (Pending Bytes)");
            assertThat(c.get("subscriptions").asInt()).isEqualTo(1);
            assertThat(c.get("out_msgs").asLong()).isPositive();
        }
    }

    @Test
    void httpReqStatsCountEachEndpointWithSubscriptionszCountedAsSubsz() throws Exception {
        start();
        json("/varz");
        json("/connz");
        json("/subscriptionsz");
        json("/subsz");
        assertThat(http.get("/connz?auth=nope").statusCode()).as("undecodable: not counted").isEqualTo(400);
        assertThat(http.get("/connz?sort=nope").statusCode()).as("decoded, then refused: counted").isEqualTo(400);
        assertThat(http.get("/healthz").statusCode()).isEqualTo(200);

        JsonNode stats = json("/varz").get("http_req_stats");

        Map<String, Long> counts = new TreeMap<>();
        stats.properties().forEach(e -> counts.put(e.getKey(), e.getValue().asLong()));
        assertThat(counts).containsExactlyEntriesOf(new TreeMap<>(Map.of(
                "/connz", 2L, "/healthz", 1L, "/subsz", 2L, "/varz", 2L)));
        assertThat(new ArrayList<>(stats.propertyNames())).as("keys sorted as Go sorts map keys").isSorted();
    }

    @Test
    void varzTimesAndUptimeUseGoFormats() throws Exception {
        start();

        JsonNode v = json("/varz");

        assertThat(v.get("start").asString()).matches(RFC3339);
        assertThat(v.get("now").asString()).matches(RFC3339);
        assertThat(v.get("config_load_time").asString()).matches(RFC3339);
        assertThat(v.get("uptime").asString()).matches(UPTIME);
        Instant start = Instant.parse(v.get("start").asString());
        Instant now = Instant.parse(v.get("now").asString());
        assertThat(start).isEqualTo(server.startTime());
        assertThat(now).isAfterOrEqualTo(start);
        assertThat(v.get("mem").asLong()).isPositive();
        assertThat(v.get("cores").asInt()).isPositive();
    }

    // ------------------------------------------------------------------------------------------------ /connz

    @Test
    void connzCountsAndPages() throws Exception {
        start();
        List<Long> expected = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            expected.add(cid(connect("c" + i)));
        }

        JsonNode all = json("/connz");
        assertThat(all.get("server_id").asString()).isEqualTo(server.serverId());
        assertThat(all.get("num_connections").asInt()).isEqualTo(5);
        assertThat(all.get("total").asInt()).isEqualTo(5);
        assertThat(all.get("offset").asInt()).isZero();
        assertThat(all.get("limit").asInt()).isEqualTo(1024);
        assertThat(cids(all)).containsExactlyElementsOf(expected);

        JsonNode page = json("/connz?offset=1&limit=2");
        assertThat(page.get("num_connections").asInt()).isEqualTo(2);
        assertThat(page.get("total").asInt()).isEqualTo(5);
        assertThat(page.get("offset").asInt()).isEqualTo(1);
        assertThat(page.get("limit").asInt()).isEqualTo(2);
        assertThat(cids(page)).containsExactlyElementsOf(expected.subList(1, 3));

        JsonNode past = json("/connz?offset=10");
        assertThat(past.get("num_connections").asInt()).isZero();
        assertThat(past.get("total").asInt()).isEqualTo(5);
        assertThat(past.get("connections").isArray()).isTrue();
        assertThat(past.get("connections").size()).isZero();
    }

    @Test
    void connzSortOrders() throws Exception {
        start();
        Connection c1 = connect("one");
        Connection c2 = connect("two");
        Connection c3 = connect("three");
        Connection c4 = connect("four");
        c1.subscribe("t1");
        for (String s : List.of("t2", "t2b", "t2c")) {
            c2.subscribe(s);
        }
        for (String s : List.of("t3", "t3b")) {
            c3.subscribe(s);
        }
        for (Connection c : List.of(c1, c2, c3)) {
            c.flush(WAIT);
        }
        for (int i = 0; i < 5; i++) {
            c4.publish("t1", bytes(1));     // c1: 5 msgs, 5 bytes
        }
        c4.publish("t2", bytes(100));       // c2: 1 msg, 100 bytes
        for (int i = 0; i < 3; i++) {
            c4.publish("t3", bytes(10));    // c3: 3 msgs, 30 bytes
        }
        c2.publish("nobody", bytes(1));
        c2.publish("nobody", bytes(1));
        c3.publish("nobody", bytes(500));
        for (Connection c : List.of(c2, c3, c4)) {
            c.flush(WAIT);
        }
        long id1 = cid(c1);
        long id2 = cid(c2);
        long id3 = cid(c3);
        long id4 = cid(c4);
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(json("/varz").get("out_msgs").asLong()).isEqualTo(9));
        c1.publish("nobody", bytes(1)); // c1 becomes the most recently active
        c1.flush(WAIT);
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(json("/varz").get("in_msgs").asLong()).isEqualTo(13));

        assertThat(cids(json("/connz?sort=cid"))).containsExactly(id1, id2, id3, id4);
        assertThat(cids(json("/connz?sort=start"))).containsExactly(id1, id2, id3, id4);
        assertThat(cids(json("/connz?sort=subs"))).containsExactly(id2, id3, id1, id4);
        assertThat(cids(json("/connz?sort=msgs_to"))).containsExactly(id1, id3, id2, id4);
        assertThat(cids(json("/connz?sort=bytes_to"))).containsExactly(id2, id3, id1, id4);
        assertThat(cids(json("/connz?sort=msgs_from"))).containsExactly(id4, id2, id1, id3);
        assertThat(cids(json("/connz?sort=bytes_from"))).containsExactly(id3, id4, id2, id1);
        assertThat(cids(json("/connz?sort=uptime"))).as("shortest uptime first")
                .containsExactly(id4, id3, id2, id1);

        JsonNode last = json("/connz?sort=last");
        assertThat(cids(last).getFirst()).isEqualTo(id1);
        assertThat(lastActivities(last)).isSortedAccordingTo(Comparator.reverseOrder());
        JsonNode idle = json("/connz?sort=idle");
        assertThat(cids(idle).getLast()).isEqualTo(id1);
        assertThat(lastActivities(idle)).isSorted();

        assertThat(json("/connz?sort=pending").get("num_connections").asInt()).isEqualTo(4);
        assertThat(json("/connz?sort=rtt").get("num_connections").asInt()).isEqualTo(4);
    }

    private static List<Instant> lastActivities(JsonNode connz) {
        List<Instant> out = new ArrayList<>();
        for (JsonNode c : connz.get("connections")) {
            out.add(Instant.parse(c.get("last_activity").asString()));
        }
        return out;
    }

    @Test
    void connzRefusesUnknownSortsAndStatesWithNatsServerText() throws Exception {
        start();

        HttpResponse<String> sort = http.get("/connz?sort=bogus");
        assertThat(sort.statusCode()).isEqualTo(400);
        assertThat(sort.body()).isEqualTo("invalid sorting option: bogus");
        assertThat(sort.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");

        HttpResponse<String> state = http.get("/connz?state=bogus");
        assertThat(state.statusCode()).isEqualTo(400);
        assertThat(state.body()).isEqualTo("Error decoding state for bogus");

        HttpResponse<String> stop = http.get("/connz?sort=stop");
        assertThat(stop.statusCode()).isEqualTo(400);
        assertThat(stop.body()).isEqualTo("sort by stop only valid on closed connections");
        assertThat(http.get("/connz?sort=reason&state=any").body())
                .isEqualTo("sort by reason only valid on closed connections");

        assertThat(http.get("/connz?subs=yes").body())
                .isEqualTo("Error decoding boolean for 'subs': strconv.ParseBool: parsing \"yes\": invalid syntax");
        assertThat(http.get("/connz?limit=ten").body())
                .isEqualTo("Error decoding int for 'limit': strconv.Atoi: parsing \"ten\": invalid syntax");
        assertThat(http.get("/connz?cid=-1").body())
                .isEqualTo("Error decoding uint64 for 'cid': strconv.ParseUint: parsing \"-1\": invalid syntax");
    }

    @Test
    void connzListsSubscriptionsWithSubsOneAndDetail() throws Exception {
        start();
        Connection nc = connect("subscriber");
        Subscription wild = nc.subscribe("foo.>");
        Subscription queued = nc.subscribe("bar", "workers");
        queued.unsubscribe(5);
        Connection idle = connect("no-subs");
        Connection pub = connect("pub");
        nc.flush(WAIT);
        pub.publish("foo.x", bytes(3));
        pub.flush(WAIT);
        assertThat(wild.nextMessage(WAIT)).isNotNull();

        JsonNode plain = json("/connz");
        assertThat(plain.get("connections").get(0).has("subscriptions_list")).isFalse();

        JsonNode list = json("/connz?subs=1");
        JsonNode first = list.get("connections").get(0);
        assertThat(first.get("subscriptions").asInt()).isEqualTo(2);
        assertThat(strings(first.get("subscriptions_list"))).containsExactlyInAnyOrder("foo.>", "bar");
        assertThat(list.get("connections").get(1).has("subscriptions_list")).as("none held: omitted").isFalse();
        assertThat(list.get("connections").get(1).get("cid").asLong()).isEqualTo(cid(idle));

        JsonNode detail = json("/connz?subs=detail").get("connections").get(0);
        assertThat(detail.has("subscriptions_list")).isFalse();
        Map<String, JsonNode> bySubject = new TreeMap<>();
        for (JsonNode d : detail.get("subscriptions_list_detail")) {
            bySubject.put(d.get("subject").asString(), d);
        }
        JsonNode w = bySubject.get("foo.>");
        assertThat(w.get("msgs").asLong()).isEqualTo(1);
        assertThat(w.get("cid").asLong()).isEqualTo(cid(nc));
        assertThat(w.has("qgroup")).isFalse();
        assertThat(w.has("max")).isFalse();
        assertThat(w.has("account")).as("no account under /connz").isFalse();
        JsonNode q = bySubject.get("bar");
        assertThat(q.get("qgroup").asString()).isEqualTo("workers");
        assertThat(q.get("max").asLong()).isEqualTo(5);
        assertThat(q.get("msgs").asLong()).isZero();
        assertThat(q.get("sid").asString()).isNotEmpty();

        assertThat(http.get("/connz?subs=1").body()).as("'>' escaped as Go escapes it").contains("\"foo.\\u003e\"");
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : array) {
            out.add(n.asString());
        }
        return out;
    }

    @Test
    void connzByCidShowsOneConnectionWithLimitOneAndTheOpenTotal() throws Exception {
        start();
        connect("a");
        Connection b = connect("b");
        connect("c");

        JsonNode one = json("/connz?cid=" + cid(b));
        assertThat(one.get("num_connections").asInt()).isEqualTo(1);
        assertThat(one.get("limit").asInt()).isEqualTo(1);
        assertThat(one.get("total").asInt()).as("nats-server counts every open connection").isEqualTo(3);
        assertThat(cids(one)).containsExactly(cid(b));
        assertThat(one.get("connections").get(0).get("name").asString()).isEqualTo("b");

        JsonNode none = json("/connz?cid=999");
        assertThat(none.get("num_connections").asInt()).isZero();
        assertThat(none.get("connections").size()).isZero();
    }

    @Test
    void connzShowsClosedConnectionsWithReasonStopAndWhatTheyHeld() throws Exception {
        start();
        Connection gone = connect("gone");
        gone.subscribe("kept.a");
        gone.subscribe("kept.b");
        gone.publish("nobody", bytes(4));
        gone.flush(WAIT);
        long goneCid = cid(gone);
        Connection stays = connect("stays");
        gone.close();

        await().atMost(WAIT).untilAsserted(() ->
                assertThat(json("/connz?state=closed").get("total").asInt()).isEqualTo(1));
        JsonNode closed = json("/connz?state=closed&subs=1");
        JsonNode c = closed.get("connections").get(0);
        assertThat(c.get("cid").asLong()).isEqualTo(goneCid);
        assertThat(c.get("reason").asString()).isEqualTo("Client Closed");
        assertThat(c.get("stop").asString()).matches(RFC3339);
        assertThat(Instant.parse(c.get("stop").asString()))
                .isAfterOrEqualTo(Instant.parse(c.get("start").asString()));
        assertThat(c.get("in_msgs").asLong()).isEqualTo(1);
        assertThat(c.get("in_bytes").asLong()).isEqualTo(4);
        assertThat(c.get("subscriptions").asInt()).isEqualTo(2);
        assertThat(strings(c.get("subscriptions_list"))).containsExactlyInAnyOrder("kept.a", "kept.b");
        assertThat(c.get("name").asString()).isEqualTo("gone");

        assertThat(cids(json("/connz"))).containsExactly(cid(stays));
        JsonNode any = json("/connz?state=any");
        assertThat(any.get("total").asInt()).isEqualTo(2);
        assertThat(cids(any)).containsExactly(goneCid, cid(stays));
        assertThat(any.get("connections").get(1).has("stop")).isFalse();
        assertThat(cids(json("/connz?state=closed&sort=reason"))).containsExactly(goneCid);
        assertThat(cids(json("/connz?state=closed&sort=stop"))).containsExactly(goneCid);
        assertThat(cids(json("/connz?state=all&cid=" + goneCid))).containsExactly(goneCid);
    }

    @Test
    void connzShowsNameLangAndVersionFromConnect() throws Exception {
        start();
        Connection nc = connect("monitored");

        JsonNode c = json("/connz").get("connections").get(0);

        assertThat(c.get("name").asString()).isEqualTo("monitored");
        assertThat(c.get("lang").asString()).isEqualTo("java");
        assertThat(c.get("version").asString()).isEqualTo(Nats.CLIENT_VERSION);
        assertThat(c.get("kind").asString()).isEqualTo("Client");
        assertThat(c.get("type").asString()).isEqualTo("nats");
        assertThat(c.get("ip").asString()).isEqualTo("127.0.0.1");
        assertThat(c.get("port").asInt()).isPositive();
        assertThat(c.get("start").asString()).matches(RFC3339);
        assertThat(c.get("uptime").asString()).matches(UPTIME);
        assertThat(c.get("idle").asString()).matches(UPTIME);
        assertThat(c.get("rtt").asString()).matches("\\d+(\\.\\d+)?(ns|µs|ms|s)");
        assertThat(c.get("cid").asLong()).isEqualTo(cid(nc));
    }

    @Test
    void connzAuthShowsTheAuthorizedUserAndFiltersByUser() throws Exception {
        start(options().user("alice").password("secret"));
        connect(Options.builder().server(server.clientUrl()).userInfo("alice", "secret"));

        assertThat(json("/varz").get("auth_required").asBoolean()).isTrue();
        JsonNode without = json("/connz").get("connections").get(0);
        assertThat(without.has("authorized_user")).isFalse();
        JsonNode with = json("/connz?auth=1").get("connections").get(0);
        assertThat(with.get("authorized_user").asString()).isEqualTo("alice");
        assertThat(with.has("account")).as("the global account is not named").isFalse();

        assertThat(json("/connz?user=alice").get("num_connections").asInt()).isEqualTo(1);
        JsonNode bob = json("/connz?user=bob");
        assertThat(bob.get("num_connections").asInt()).isZero();
        assertThat(bob.get("total").asInt()).as("nats-server's total ignores the user filter").isEqualTo(1);
    }

    @Test
    void connzAccountFilterFollowsNatsServer() throws Exception {
        start();
        Connection open = connect(Options.builder().server(server.clientUrl()).userInfo("bob", "any"));
        connect("short-lived").close();
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(json("/connz?state=closed").get("total").asInt()).isEqualTo(1));

        JsonNode unknown = json("/connz?acc=nope");
        assertThat(unknown.get("server_id").asString()).isEmpty();
        assertThat(unknown.get("connections").isNull()).isTrue();
        assertThat(unknown.get("total").asInt()).isZero();

        JsonNode global = json("/connz?acc=$G&state=any");
        assertThat(global.get("total").asInt()).as("closed global connections carry no account").isEqualTo(1);
        assertThat(cids(global)).containsExactly(cid(open));

        JsonNode auth = json("/connz?auth=1").get("connections").get(0);
        assertThat(auth.get("authorized_user").asString()).as("the CONNECT user, checked or not").isEqualTo("bob");
        JsonNode byUser = json("/connz?user=bob&state=any");
        assertThat(byUser.get("total").asInt()).isEqualTo(2);
        assertThat(cids(byUser)).containsExactly(cid(open));
    }

    @Test
    void deliveriesCountAsActivityButPingsDoNot() throws Exception {
        start();
        Connection receiver = connect("receiver");
        Subscription sub = receiver.subscribe("news");
        receiver.flush(WAIT);
        Connection pinger = connect("pinger");
        Connection pub = connect("pub");
        pub.publish("elsewhere", bytes(1));
        pub.flush(WAIT);
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(json("/varz").get("in_msgs").asLong()).isEqualTo(1));
        Instant pubActive = Instant.parse(connection(json("/connz"), cid(pub)).get("last_activity").asString());

        pinger.flush(WAIT); // PING/PONG only
        pub.publish("news", bytes(1));
        pub.flush(WAIT);
        assertThat(sub.nextMessage(WAIT)).isNotNull();

        JsonNode connz = json("/connz?sort=last");
        Instant received = Instant.parse(connection(connz, cid(receiver)).get("last_activity").asString());
        Instant pinged = Instant.parse(connection(connz, cid(pinger)).get("last_activity").asString());
        assertThat(received).as("a delivery is activity").isAfter(pubActive);
        assertThat(pinged).as("a PING is not").isBefore(pubActive);
        assertThat(cids(connz).getLast()).isEqualTo(cid(pinger));
    }

    private static JsonNode connection(JsonNode connz, long cid) {
        for (JsonNode c : connz.get("connections")) {
            if (c.get("cid").asLong() == cid) {
                return c;
            }
        }
        throw new AssertionError("no connection " + cid);
    }

    // ------------------------------------------------------------------------------------------------ /subsz

    @Test
    void subszReportsIndexStatisticsAsABareObject() throws Exception {
        start();
        Connection nc = connect("subs");
        Subscription a = nc.subscribe("a");
        nc.subscribe("b");
        nc.subscribe("c");
        nc.flush(WAIT);
        a.unsubscribe();
        Connection pub = connect("pub");
        pub.publish("b", bytes(1));
        pub.publish("b", bytes(1));
        pub.flush(WAIT);
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(json("/varz").get("out_msgs").asLong()).isEqualTo(2));

        JsonNode s = json("/subsz?acc=%24G");

        assertThat(new ArrayList<>(s.propertyNames())).containsExactly("num_subscriptions", "num_cache",
                "num_inserts", "num_removes", "num_matches", "cache_hit_rate", "max_fanout", "avg_fanout");
        assertThat(s.get("num_subscriptions").asInt()).isEqualTo(2);
        assertThat(s.get("num_inserts").asLong()).isEqualTo(3);
        assertThat(s.get("num_removes").asLong()).isEqualTo(1);
        assertThat(s.get("num_matches").asLong()).isEqualTo(2);
        assertThat(s.get("cache_hit_rate").asDouble()).isEqualTo(0.5);
        assertThat(s.get("num_cache").asInt()).isEqualTo(1);
        assertThat(s.get("max_fanout").asInt()).isEqualTo(1);
        assertThat(s.get("avg_fanout").asDouble()).isEqualTo(1.0);
        assertThat(json("/subscriptionsz?acc=%24G")).isEqualTo(s);
    }

    @Test
    void subszListsSubscriptionsFilteredByTestSubjectAndPaged() throws Exception {
        start();
        Connection nc = connect("subs");
        nc.subscribe("foo.*");
        nc.subscribe("foo.>", "q");
        nc.subscribe("foo");
        nc.subscribe("bar.baz");
        nc.flush(WAIT);

        JsonNode all = json("/subsz?subs=1&acc=%24G");
        assertThat(all.get("server_id").asString()).isEqualTo(server.serverId());
        assertThat(all.get("now").asString()).matches(RFC3339);
        assertThat(all.get("num_subscriptions").asInt()).isEqualTo(4);
        assertThat(all.get("total").asInt()).isEqualTo(4);
        assertThat(all.get("offset").asInt()).isZero();
        assertThat(all.get("limit").asInt()).isEqualTo(1024);
        assertThat(all.get("subscriptions_list").size()).isEqualTo(4);
        JsonNode first = all.get("subscriptions_list").get(0);
        assertThat(first.get("account").asString()).isEqualTo("$G");
        assertThat(first.get("cid").asLong()).isEqualTo(cid(nc));

        JsonNode test = json("/subsz?subs=1&acc=%24G&test=foo.bar");
        List<String> subjects = new ArrayList<>();
        for (JsonNode d : test.get("subscriptions_list")) {
            subjects.add(d.get("subject").asString());
        }
        assertThat(subjects).containsExactlyInAnyOrder("foo.*", "foo.>");
        assertThat(test.get("total").asInt()).isEqualTo(2);
        assertThat(json("/subscriptionsz?subs=1&acc=%24G&test=foo.bar").get("subscriptions_list").size())
                .isEqualTo(2);

        JsonNode page = json("/subsz?subs=1&acc=%24G&offset=1&limit=2");
        assertThat(page.get("subscriptions_list").size()).isEqualTo(2);
        assertThat(page.get("total").asInt()).as("nats-server reports the page's size").isEqualTo(2);
        assertThat(page.get("offset").asInt()).isEqualTo(1);
        assertThat(page.get("limit").asInt()).isEqualTo(2);

        JsonNode past = json("/subsz?subs=1&offset=10");
        assertThat(past.has("subscriptions_list")).isFalse();
        assertThat(past.has("server_id")).as("an empty page answers the bare statistics").isFalse();
        assertThat(json("/subsz?subs=1&test=nothing.here").has("total")).isFalse();

        HttpResponse<String> bad = http.get("/subsz?subs=1&test=foo.*");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).isEqualTo("invalid test subject, must be valid publish subject: foo.*");
    }

    // ------------------------------------------------------------------------------------ /healthz, 404, JSONP

    @Test
    void healthzAnswersOkCompactly() throws Exception {
        start();

        HttpResponse<String> r = http.get("/healthz");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"status\":\"ok\"}");
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(http.get("/healthz?js-enabled-only=true").statusCode()).isEqualTo(200);
        HttpResponse<String> bad = http.get("/healthz?js-enabled-only=maybe");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).isEqualTo(
                "Error decoding boolean for 'js-enabled-only': strconv.ParseBool: parsing \"maybe\": invalid syntax");
    }

    @Test
    void unknownPathsAre404LikeGo() throws Exception {
        start();

        for (String path : List.of("/nope", "/varz/extra", "/connz/", "/subsz2")) {
            HttpResponse<String> r = http.get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.body()).as(path).isEqualTo("404 page not found\n");
            assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
        }
        assertThat(http.get("/").statusCode()).isEqualTo(200);
    }

    @Test
    void jsonpWrapsTheBodyInTheCallback() throws Exception {
        start();

        HttpResponse<String> varz = http.get("/varz?callback=show");
        assertThat(varz.statusCode()).isEqualTo(200);
        assertThat(varz.headers().firstValue("Content-Type")).hasValue("application/javascript");
        assertThat(varz.body()).startsWith("show({\n  \"server_id\": ").endsWith("\n})");
        JsonNode inner = MonitorHttp.MAPPER.readTree(varz.body().substring(5, varz.body().length() - 1));
        assertThat(inner.get("server_id").asString()).isEqualTo(server.serverId());

        assertThat(http.get("/healthz?callback=cb").body()).isEqualTo("cb({\"status\":\"ok\"})");
        assertThat(http.get("/connz?callback=cb").body()).startsWith("cb({");
    }
}
