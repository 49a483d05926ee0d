package io.natsj.server.monitor;

import io.natsj.server.json.GoJson;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import io.nats.client.impl.Headers;
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
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Drives the same clients and traffic against nats-server (2.9.10 where installed) and embedded natsj, then compares
 * {@code /varz}, {@code /connz}, {@code /subsz}, error answers and the JSON layout. Skipped when nats-server is not
 * installed.
 *
 * <p>Known, allowed differences are listed in the constants below; everything else must agree.
 */
@Timeout(90)
class MonitorDifferentialIT {

    /** /varz keys nats-server has and natsj does not: natsj has no system account. */
    private static final Set<String> VARZ_ONLY_NATS_SERVER = Set.of("system_account");
    /**
     * /varz keys natsj has and nats-server 2.9.10 does not: natsj's own version, counters nats-server added after
     * 2.9.10 (2.11 has {@code config_digest}, {@code slow_consumer_stats}; later ones {@code stale_connections}).
     */
    private static final Set<String> VARZ_ONLY_NATSJ =
            Set.of("natsj_version", "stale_connections", "slow_consumer_stats", "config_digest");
    /** /varz values that must be equal after the same traffic and the same monitoring requests. */
    private static final List<String> VARZ_EQUAL = List.of("proto", "host", "max_connections", "ping_interval",
            "ping_max", "http_host", "http_base_path", "https_port", "auth_timeout", "max_control_line",
            "max_payload", "max_pending", "cluster", "gateway", "leaf", "mqtt", "websocket", "jetstream",
            "tls_timeout", "write_deadline", "connections", "total_connections", "routes", "remotes", "leafnodes",
            "in_msgs", "out_msgs", "in_bytes", "out_bytes", "slow_consumers");
    /** Per-connection /connz values that must be equal (cids differ: nats-server numbers its internal clients). */
    private static final List<String> CONN_EQUAL = List.of("kind", "type", "ip", "pending_bytes", "in_msgs",
            "out_msgs", "in_bytes", "out_bytes", "subscriptions", "name", "lang", "version", "reason");

    private static final Duration WAIT = Duration.ofSeconds(10);

    private ReferenceNatsServer natsServer;
    private Path natsServerConfig;
    private NatsServer natsj;
    private final List<Connection> clients = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (Connection c : clients) {
            c.close();
        }
        if (natsj != null) {
            natsj.close();
        }
        if (natsServer != null) {
            natsServer.close();
        }
        if (natsServerConfig != null) {
            Files.deleteIfExists(natsServerConfig);
        }
    }

    private Connection connect(String url, String name) throws Exception {
        Connection nc = Nats.connect(Options.builder().server(url).connectionName(name).noReconnect().build());
        clients.add(nc);
        return nc;
    }

    /** The same clients and messages for either server; returns once every subscriber has its messages. */
    private void driveTraffic(String url) throws Exception {
        Connection a = connect(url, "sub-a");
        Subscription aFan = a.subscribe("fan");
        Subscription aOther = a.subscribe("other.*");
        Subscription aWork = a.subscribe("work", "g");
        Connection b = connect(url, "sub-b");
        Subscription bFan = b.subscribe("fan");
        Connection c = connect(url, "sub-c");
        Subscription cFan = c.subscribe("fan");
        Subscription cBar = c.subscribe("bar");
        cBar.unsubscribe(3);
        connect(url, "idle");
        Connection closer = connect(url, "closer");
        closer.subscribe("gone.a");
        closer.subscribe("gone.b");
        closer.publish("nobody", new byte[9]);
        for (Connection nc : List.of(a, b, c, closer)) {
            nc.flush(WAIT);
        }
        closer.close();

        Connection pub = connect(url, "pub");
        for (int i = 0; i < 10; i++) {
            pub.publish("fan", new byte[100]);
        }
        Headers headers = new Headers().add("X-Trace", "abc");
        pub.publish("fan", headers, new byte[10]);
        for (int i = 0; i < 5; i++) {
            pub.publish("other.x", new byte[20]);
        }
        for (int i = 0; i < 4; i++) {
            pub.publish("work", new byte[1]);
        }
        for (int i = 0; i < 5; i++) {
            pub.publish("bar", new byte[2]);
        }
        pub.publish("nobody", new byte[50]);
        pub.publish("nobody", new byte[50]);
        pub.flush(WAIT);

        receive(aFan, 11);
        receive(aOther, 5);
        receive(aWork, 4);
        receive(bFan, 11);
        receive(cFan, 11);
        receive(cBar, 3);
    }

    private static void receive(Subscription sub, int count) throws InterruptedException {
        for (int i = 0; i < count; i++) {
            assertThat(sub.nextMessage(WAIT)).as("message %d on %s", i, sub.getSubject()).isNotNull();
        }
    }

    /** The documents compared, fetched in the same order from either server. */
    private record Documents(JsonNode varzBefore, JsonNode subszBefore, String connz, String connzClosed,
                             String subsz, String subszList, Map<String, HttpResponse<String>> errors,
                             HttpResponse<String> healthz, String varz) {
    }

    private static final List<String> BAD_REQUESTS = List.of("/connz?sort=bogus", "/connz?state=bogus",
            "/connz?sort=stop", "/connz?sort=reason&state=open", "/connz?subs=yes", "/connz?auth=2",
            "/connz?limit=ten", "/connz?offset=1.5", "/connz?cid=-1", "/connz?cid=x",
            "/connz?limit=99999999999999999999", "/subsz?test=foo.*", "/subsz?subs=maybe", "/nope",
            "/varz/extra");

    private Documents collect(MonitorHttp http, String url) throws Exception {
        JsonNode varzBefore = http.json("/varz");
        JsonNode subszBefore = http.json("/subsz");
        driveTraffic(url);
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode v = http.json("/varz");
            assertThat(v.get("in_msgs").asLong()).isEqualTo(28);
            assertThat(v.get("connections").asInt()).isEqualTo(5);
        });
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(http.json("/connz?state=closed").get("total").asInt()).isEqualTo(1));
        String connz = http.get("/connz?subs=1").body();
        String connzClosed = http.get("/connz?state=closed&subs=1").body();
        String subsz = http.get("/subsz").body();
        String subszList = http.get("/subsz?subs=1&acc=$G").body();
        Map<String, HttpResponse<String>> errors = new LinkedHashMap<>();
        for (String path : BAD_REQUESTS) {
            errors.put(path, http.get(path));
        }
        HttpResponse<String> healthz = http.get("/healthz");
        String varz = http.get("/varz").body();
        return new Documents(varzBefore, subszBefore, connz, connzClosed, subsz, subszList, errors, healthz,
                varz);
    }

    @Test
    void natsjAnswersLikeNatsServerForTheSameTraffic() throws Exception {
        Path binary = ReferenceNatsServer.binary();
        assumeTrue(binary != null, "nats-server is not installed");
        natsServer = ReferenceNatsServer.start(binary);
        Documents ns = collect(natsServer.http(), natsServer.clientUrl());
        for (Connection c : clients) {
            c.close();
        }
        clients.clear();
        natsj = NatsServer.start(ServerOptions.builder().host("127.0.0.1").port(0).httpHost("127.0.0.1")
                .httpPort(ServerOptions.RANDOM_PORT).noLog(true).build());
        Documents nj;
        try (MonitorHttp http = new MonitorHttp(natsj.httpPort())) {
            nj = collect(http, natsj.clientUrl());
        }

        compareVarz(ns, nj);
        compareConnz(json(ns.connz()), json(nj.connz()));
        compareConnz(json(ns.connzClosed()), json(nj.connzClosed()));
        compareSubsz(ns, nj);
        compareErrors(ns, nj);
        compareLayout(ns, nj);
    }

    private static JsonNode json(String body) {
        return MonitorHttp.MAPPER.readTree(body);
    }

    private static Set<String> keys(JsonNode n) {
        return new TreeSet<>(n.propertyNames());
    }

    private static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> out = new TreeSet<>(a);
        out.removeAll(b);
        return out;
    }

    private static void compareVarz(Documents ns, Documents nj) {
        JsonNode a = json(ns.varz());
        JsonNode b = json(nj.varz());
        assertThat(minus(keys(a), keys(b))).as("/varz keys only nats-server has")
                .isSubsetOf(VARZ_ONLY_NATS_SERVER);
        assertThat(minus(keys(b), keys(a))).as("/varz keys only natsj has").isSubsetOf(VARZ_ONLY_NATSJ);
        for (String key : VARZ_EQUAL) {
            assertThat(b.get(key)).as("/varz %s", key).isEqualTo(a.get(key));
        }
        // the polling loops make the counts differ; the endpoints counted must not
        assertThat(keys(b.get("http_req_stats"))).as("/varz http_req_stats keys")
                .isEqualTo(keys(a.get("http_req_stats")));
        // nats-server's system account holds subscriptions of its own: compare what the clients added
        long nsClientSubs = a.get("subscriptions").asLong() - ns.varzBefore().get("subscriptions").asLong();
        long njClientSubs = b.get("subscriptions").asLong() - nj.varzBefore().get("subscriptions").asLong();
        assertThat(njClientSubs).as("/varz subscriptions added by the clients").isEqualTo(nsClientSubs);
        List<String> commonOrderNs = new ArrayList<>(a.propertyNames());
        commonOrderNs.retainAll(keys(b));
        List<String> commonOrderNj = new ArrayList<>(b.propertyNames());
        commonOrderNj.retainAll(keys(a));
        assertThat(commonOrderNj).as("/varz key order").containsExactlyElementsOf(commonOrderNs);
    }

    private static void compareConnz(JsonNode a, JsonNode b) {
        assertThat(keys(b)).as("/connz keys").isEqualTo(keys(a));
        for (String key : List.of("num_connections", "total", "offset", "limit")) {
            assertThat(b.get(key)).as("/connz %s", key).isEqualTo(a.get(key));
        }
        Map<String, JsonNode> nsByName = byName(a);
        Map<String, JsonNode> njByName = byName(b);
        assertThat(njByName.keySet()).isEqualTo(nsByName.keySet());
        List<String> orderNs = new ArrayList<>(nsByName.keySet());
        List<String> orderNj = new ArrayList<>(njByName.keySet());
        assertThat(orderNj).as("connections in cid order").containsExactlyElementsOf(orderNs);
        for (String name : nsByName.keySet()) {
            JsonNode x = nsByName.get(name);
            JsonNode y = njByName.get(name);
            assertThat(new ArrayList<>(y.propertyNames())).as("keys and their order for %s", name)
                    .containsExactlyElementsOf(x.propertyNames());
            for (String key : CONN_EQUAL) {
                assertThat(y.get(key)).as("%s of %s", key, name).isEqualTo(x.get(key));
            }
            assertThat(subjects(y.get("subscriptions_list"))).as("subscriptions_list of %s", name)
                    .isEqualTo(subjects(x.get("subscriptions_list")));
        }
    }

    private static Map<String, JsonNode> byName(JsonNode connz) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (JsonNode c : connz.get("connections")) {
            out.put(c.get("name").asString(), c);
        }
        return out;
    }

    private static Set<String> subjects(JsonNode list) {
        Set<String> out = new TreeSet<>();
        if (list != null) {
            for (JsonNode s : list) {
                out.add(s.asString());
            }
        }
        return out;
    }

    private static void compareSubsz(Documents ns, Documents nj) {
        JsonNode a = json(ns.subsz());
        JsonNode b = json(nj.subsz());
        assertThat(new ArrayList<>(b.propertyNames())).as("/subsz keys")
                .containsExactlyElementsOf(a.propertyNames());
        for (String key : List.of("num_subscriptions", "num_inserts", "num_removes")) {
            long nsDelta = a.get(key).asLong() - ns.subszBefore().get(key).asLong();
            long njDelta = b.get(key).asLong() - nj.subszBefore().get(key).asLong();
            assertThat(njDelta).as("/subsz %s added by the clients", key).isEqualTo(nsDelta);
        }
        // num_matches, num_cache, cache_hit_rate and the fan-outs also count nats-server's $SYS traffic

        JsonNode la = json(ns.subszList());
        JsonNode lb = json(nj.subszList());
        assertThat(new ArrayList<>(lb.propertyNames())).as("/subsz?subs=1 keys")
                .containsExactlyElementsOf(la.propertyNames());
        for (String key : List.of("offset", "limit")) {
            assertThat(lb.get(key)).as("/subsz?subs=1&acc=$G %s", key).isEqualTo(la.get(key));
        }
        // nats-server's global account also holds its system service imports ($SYS.REQ.*.PING.*)
        int nsSystemSubs = 0;
        for (JsonNode d : la.get("subscriptions_list")) {
            if (d.get("subject").asString().startsWith("$SYS.")) {
                nsSystemSubs++;
            }
        }
        for (String key : List.of("total", "num_subscriptions")) {
            assertThat(lb.get(key).asInt()).as("/subsz?subs=1&acc=$G %s", key)
                    .isEqualTo(la.get(key).asInt() - nsSystemSubs);
        }
        assertThat(subDetails(lb, json(nj.connz()))).isEqualTo(subDetails(la, json(ns.connz())));
    }

    /** The listed subscriptions with their cid replaced by the connection's name. */
    private static Set<String> subDetails(JsonNode subsz, JsonNode connz) {
        Map<Long, String> names = new HashMap<>();
        for (JsonNode c : connz.get("connections")) {
            names.put(c.get("cid").asLong(), c.get("name").asString());
        }
        Set<String> out = new TreeSet<>();
        for (JsonNode d : subsz.get("subscriptions_list")) {
            if (d.get("subject").asString().startsWith("$SYS.")) {
                continue;
            }
            Map<String, Object> m = new TreeMap<>();
            d.properties().forEach(e -> m.put(e.getKey(), e.getValue().toString()));
            m.put("cid", names.get(d.get("cid").asLong()));
            out.add(m.toString());
        }
        return out;
    }

    private static void compareErrors(Documents ns, Documents nj) {
        for (String path : BAD_REQUESTS) {
            HttpResponse<String> a = ns.errors().get(path);
            HttpResponse<String> b = nj.errors().get(path);
            assertThat(b.statusCode()).as("status of %s", path).isEqualTo(a.statusCode());
            assertThat(b.body()).as("body of %s", path).isEqualTo(a.body());
            assertThat(b.headers().firstValue("Content-Type")).as("type of %s", path)
                    .isEqualTo(a.headers().firstValue("Content-Type"));
        }
        assertThat(nj.healthz().statusCode()).isEqualTo(ns.healthz().statusCode());
        assertThat(nj.healthz().body()).isEqualTo(ns.healthz().body());
    }

    /** natsj's writer must reproduce nats-server's documents byte for byte, and its own answers are stable. */
    private static void compareLayout(Documents ns, Documents nj) {
        for (String doc : List.of(ns.varz(), ns.connz(), ns.connzClosed(), ns.subsz(), ns.subszList())) {
            Object tree = MonitorHttp.MAPPER.readValue(doc, LinkedHashMap.class);
            assertThat(GoJson.INDENTED.writeValueAsString(tree)).isEqualTo(doc);
        }
        for (String doc : List.of(nj.varz(), nj.connz(), nj.connzClosed(), nj.subsz(), nj.subszList())) {
            Object tree = MonitorHttp.MAPPER.readValue(doc, LinkedHashMap.class);
            assertThat(GoJson.INDENTED.writeValueAsString(tree)).isEqualTo(doc);
        }
    }

    @Test
    void slowConsumersAreCountedAndReportedLikeNatsServer() throws Exception {
        Path binary = ReferenceNatsServer.binary();
        assumeTrue(binary != null, "nats-server is not installed");
        natsServerConfig = Files.createTempFile("nats-server", ".conf");
        Files.writeString(natsServerConfig, "max_payload: 2048\nmax_pending: 4096\n");
        natsServer = ReferenceNatsServer.start(binary, "-c", natsServerConfig.toString());
        JsonNode[] ns = forceSlowConsumer(natsServer.http(), natsServer.clientUrl());
        natsj = NatsServer.start(ServerOptions.builder().host("127.0.0.1").port(0).httpHost("127.0.0.1")
                .httpPort(ServerOptions.RANDOM_PORT).maxPayload(2048).maxPending(4096).noLog(true).build());
        JsonNode[] nj;
        try (MonitorHttp http = new MonitorHttp(natsj.httpPort())) {
            nj = forceSlowConsumer(http, natsj.clientUrl());
        }

        for (String key : List.of("slow_consumers", "connections", "total_connections", "max_pending",
                "max_payload")) {
            assertThat(nj[0].get(key)).as("/varz %s", key).isEqualTo(ns[0].get(key));
        }
        JsonNode a = ns[1].get("connections").get(0);
        JsonNode b = nj[1].get("connections").get(0);
        assertThat(new ArrayList<>(b.propertyNames())).containsExactlyElementsOf(a.propertyNames());
        for (String key : List.of("reason", "name", "subscriptions", "in_msgs", "subscriptions_list")) {
            assertThat(b.get(key)).as("closed %s", key).isEqualTo(a.get(key));
        }
    }

    /**
     * A raw client subscribes and then reads nothing while jnats publishes until the server gives up on it.
     * Returns {@code /varz} and {@code /connz?state=closed&subs=1} afterwards.
     */
    private JsonNode[] forceSlowConsumer(MonitorHttp http, String url) throws Exception {
        URI uri = URI.create(url);
        try (Socket slow = new Socket()) {
            slow.setReceiveBufferSize(1024);
            slow.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5000);
            slow.setSoTimeout(5000);
            BufferedReader in = new BufferedReader(new InputStreamReader(slow.getInputStream(),
                    StandardCharsets.UTF_8));
            assertThat(in.readLine()).startsWith("INFO ");
            slow.getOutputStream().write("CONNECT {\"verbose\":false,\"name\":\"slow\"}\r\nSUB big 1\r\nPING\r\n"
                    .getBytes(StandardCharsets.UTF_8));
            assertThat(in.readLine()).isEqualTo("PONG");
            Connection pub = connect(url, "pub");
            byte[] payload = new byte[2000];
            await().atMost(WAIT).until(() -> {
                for (int i = 0; i < 500; i++) {
                    pub.publish("big", payload);
                }
                pub.flush(WAIT);
                return http.json("/varz").get("slow_consumers").asLong() > 0;
            });
            await().atMost(WAIT).until(() -> http.json("/connz?state=closed").get("total").asInt() == 1);
            JsonNode[] out = {http.json("/varz"), http.json("/connz?state=closed&subs=1")};
            pub.close();
            clients.remove(pub);
            return out;
        }
    }
}
