package io.natsj.server.monitor;

import tools.jackson.databind.JsonNode;
import io.natsj.server.ClusterOptions;
import io.natsj.server.NatsServer;
import io.natsj.server.ServerOptions;
import io.natsj.server.ServerStats;
import io.natsj.server.account.Accounts;
import io.natsj.server.client.ClientConnection;
import io.natsj.server.jetstream.JetStream;
import io.natsj.server.jetstream.JetStreamAccountView;
import io.natsj.server.json.GoJson;
import io.natsj.server.routing.Subscriber;
import io.natsj.server.routing.Subscription;
import io.natsj.server.tls.ServerTls;
import io.natsj.server.util.ServerClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /routez}, the route counts and {@code cluster} object of {@code /varz}, and the route metrics, from the
 * routes the cluster layer reports (given here directly), shaped as nats-server shapes them.
 */
class RoutezViewTest {

    private static final Instant START = Instant.parse("2026-12-07T10:00:00Z");
    private NatsServer real;

    @BeforeEach
    void start() throws Exception {
        real = NatsServer.start(ServerOptions.builder().host("127.0.0.1").port(ServerOptions.RANDOM_PORT)
                .noLog(true).serverName("n1").build());
    }

    @AfterEach
    void stop() {
        real.close();
    }

    private static RouteFacts route(long rid, String remoteId, List<RouteFacts.AccountSubscription> subs) {
        return new RouteFacts(rid, remoteId, "peer-" + rid, true, rid == 1, "127.0.0.1", 40000 + (int) rid, START,
                START.plusSeconds(5), Duration.ofNanos(236_000), 0, 5, 4, 2752, 2290, subs, "", "off");
    }

    private static RouteFacts.AccountSubscription sub(String account, String subject, String queue) {
        Subscriber nobody = (s, subj, reply, buf, off, hdr, len, batch) -> false;
        return new RouteFacts.AccountSubscription(account, new Subscription(nobody, subject, queue, "x"));
    }

    private static JsonNode json(Object view) {
        return MonitorHttp.MAPPER.readTree(GoJson.COMPACT.writeValueAsString(view));
    }

    @Test
    void listsEachRouteWithItsPeerAndCounters() {
        MonitoredServer s = withRoutes(List.of(route(1, "P1", List.of(sub("$G", "foo", null))),
                route(2, "P1", List.of()), route(3, "P2", List.of())));

        JsonNode z = json(RoutezView.build(s, new QueryParams(URI.create("/routez"))));

        assertThat(z.get("server_id").asText()).isEqualTo(real.serverId());
        assertThat(z.get("server_name").asText()).isEqualTo("n1");
        assertThat(z.get("num_routes").asInt()).isEqualTo(3);
        JsonNode r = z.get("routes").get(0);
        assertThat(r.get("rid").asLong()).isEqualTo(1);
        assertThat(r.get("remote_id").asText()).isEqualTo("P1");
        assertThat(r.get("remote_name").asText()).isEqualTo("peer-1");
        assertThat(r.get("did_solicit").asBoolean()).isTrue();
        assertThat(r.get("is_configured").asBoolean()).isTrue();
        assertThat(r.get("port").asInt()).isEqualTo(40001);
        assertThat(r.get("rtt").asText()).isEqualTo("236µs");
        assertThat(r.get("in_msgs").asLong()).isEqualTo(5);
        assertThat(r.get("out_bytes").asLong()).isEqualTo(2290);
        assertThat(r.get("subscriptions").asInt()).isEqualTo(1);
        assertThat(r.has("subscriptions_list")).isFalse();
        assertThat(r.get("compression").asText()).isEqualTo("off");
        assertThat(r.has("account")).isFalse();
    }

    @Test
    void subsListsSubjectsAndDetailListsThemAsNatsServerDoesUnderARoute() {
        MonitoredServer s = withRoutes(List.of(route(7, "P1",
                List.of(sub("$G", "foo.*", null), sub("A", "work", "q")))));

        JsonNode list = json(RoutezView.build(s, new QueryParams(URI.create("/routez?subs=1"))))
                .get("routes").get(0).get("subscriptions_list");
        JsonNode detail = json(RoutezView.build(s, new QueryParams(URI.create("/routez?subs=detail"))))
                .get("routes").get(0).get("subscriptions_list_detail");

        assertThat(list).extracting(JsonNode::asText).containsExactly("foo.*", "work");
        assertThat(detail.get(0).has("account")).isFalse();
        assertThat(detail.get(0).get("sid").asText()).isEqualTo("$G foo.*");
        assertThat(detail.get(1).get("sid").asText()).isEqualTo("A work q");
        assertThat(detail.get(1).get("qgroup").asText()).isEqualTo("q");
        assertThat(detail.get(1).get("cid").asLong()).isEqualTo(7);
    }

    @Test
    void varzCountsRoutesAndDistinctRemotesAndShowsTheClusterOptions() {
        MonitoredServer s = withRoutes(List.of(route(1, "P1", List.of()), route(2, "P1", List.of()),
                route(3, "P2", List.of())));

        JsonNode v = json(VarzView.build(s, 0, 0, Map.of()));

        assertThat(v.get("routes").asInt()).isEqualTo(3);
        assertThat(v.get("remotes").asInt()).isEqualTo(2);
        JsonNode c = v.get("cluster");
        assertThat(c.get("name").asText()).isEqualTo("c1");
        assertThat(c.get("addr").asText()).isEqualTo("127.0.0.1");
        assertThat(c.get("cluster_port").asInt()).isEqualTo(6222);
        assertThat(c.get("auth_timeout").asDouble()).isEqualTo(2.0);
        assertThat(c.get("urls")).extracting(JsonNode::asText).containsExactly("127.0.0.1:6223");
        assertThat(c.get("tls_timeout").asDouble()).isEqualTo(2.0);
        assertThat(c.has("tls_required")).isFalse();
        assertThat(c.get("pool_size").asInt()).isEqualTo(3);
    }

    @Test
    void metricsCarryOneSeriesPerRoute() {
        MonitoredServer s = withRoutes(List.of(route(1, "P1", List.of(sub("$G", "foo", null)))));

        String text = new String(new MetricsEndpoint(s, Map::of).scrape(), java.nio.charset.StandardCharsets.UTF_8);

        assertThat(text).contains("natsj_routes{server_id=\"" + real.serverId() + "\"} 1.0");
        assertThat(text).containsPattern("natsj_route_in_messages_total\\{[^}]*remote_id=\"P1\"[^}]*} 5.0");
        assertThat(text).containsPattern("natsj_route_subscriptions\\{[^}]*remote_id=\"P1\"[^}]*} 1.0");
    }

    /** The embedded server as monitoring sees it, with the given routes. */
    private MonitoredServer withRoutes(List<RouteFacts> routes) {
        NatsServer r = real;
        // the options of a server in a cluster, without running one (no route layer is started here)
        ServerOptions clustered = r.options().toBuilder()
                .cluster(ClusterOptions.listen("127.0.0.1", 6222).withName("c1")
                        .withRoutes(List.of(URI.create("nats-route://127.0.0.1:6223"))))
                .build();
        return new MonitoredServer() {
            public ServerOptions options() { return clustered; }
            public String serverId() { return r.serverId(); }
            public String serverName() { return r.serverName(); }
            public Instant startTime() { return r.startTime(); }
            public ServerClock clock() { return r.clock(); }
            public ServerStats stats() { return r.stats(); }
            public Accounts accounts() { return r.accounts(); }
            public Collection<ClientConnection> connections() { return r.connections(); }
            public List<ClientConnection> closedConnections() { return r.closedConnections(); }
            public JetStream jetStreamServer() { return r.jetStreamServer(); }
            public List<JetStreamAccountView> jetStreamAccounts() { return r.jetStreamAccounts(); }
            public ServerTls tls() { return r.tls(); }
            public int port() { return r.port(); }
            public int httpPort() { return r.httpPort(); }
            public int httpsPort() { return r.httpsPort(); }
            public List<RouteFacts> routeFacts() { return routes; }
        };
    }
}
