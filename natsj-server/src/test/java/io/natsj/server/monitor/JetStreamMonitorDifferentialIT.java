package io.natsj.server.monitor;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.natsj.server.NatsServer;
import io.natsj.server.ServerOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs {@link JetStreamWorkload} on nats-server (2.9.10 where installed, {@code -js}) and on natsj, then compares
 * the field names of {@code /jsz} (with every detail option) and of {@code /varz}'s {@code jetstream} section,
 * recursively (paths such as {@code account_details[].stream_detail[].state.messages}), and the values the same
 * workload must give on both. Also {@code /jsz} and {@code /healthz?js-enabled-only=true} without JetStream.
 * Skipped when nats-server is not installed.
 *
 * <p>natsj follows nats-server 2.11.0; the paths that differ from 2.9.10 are listed below, each with its reason
 * (checked in nats-server's sources); any other difference fails.
 */
@Timeout(120)
class JetStreamMonitorDifferentialIT {

    private static final String DETAILS = "/jsz?accounts=true&streams=true&consumers=true&config=true";

    /** Paths natsj (as 2.11.0) writes and 2.9.10 does not, with where 2.11 has them. */
    private static final Map<String, String> ONLY_NATSJ = Map.ofEntries(
            Map.entry("limits", "JSInfo.Limits (JSLimitOpts), added in 2.10; empty: natsj sets no such limit"),
            Map.entry("api.level", "JetStreamAPIStats.Level, added in 2.11 (0 per account, as 2.11 leaves it)"),
            Map.entry("config.sync_interval", "JetStreamConfig.SyncInterval, added in 2.10"),
            Map.entry("config.compress_ok", "JetStreamConfig.CompressOK, set by 2.10+ servers"),
            Map.entry("stream_config.compression", "StreamConfig.Compression, added in 2.10"),
            Map.entry("stream_config.consumer_limits", "StreamConfig.ConsumerLimits, added in 2.10"),
            Map.entry("stream_config.allow_msg_ttl", "StreamConfig.AllowMsgTTL, added in 2.11"),
            Map.entry("stream_config.subject_delete_marker_ttl", "StreamConfig.SubjectDeleteMarkerTTL, added in 2.11"),
            Map.entry("stream_config.metadata", "StreamConfig.Metadata, added in 2.10 (with _nats.req.level)"),
            Map.entry("stream_config.metadata._nats.req.level", "static metadata set by 2.11"),
            Map.entry("stream_config.first_seq", "StreamConfig.FirstSeq, added in 2.10"),
            Map.entry("account_details[].stream_detail[].consumer_detail[].ts",
                    "ConsumerInfo.TimeStamp, added in 2.10"),
            Map.entry("consumer_config.metadata", "ConsumerConfig.Metadata, added in 2.10 (with _nats.req.level)"),
            Map.entry("consumer_config.metadata._nats.req.level", "static metadata set by 2.11"));

    /** Paths 2.9.10 writes and natsj does not, with the reason. */
    private static final Map<String, String> ONLY_NATS_SERVER = Map.of();

    private final List<Connection> clients = new ArrayList<>();
    private ReferenceNatsServer natsServer;
    private NatsServer natsj;
    @TempDir
    private Path tempDir;

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
    }

    private Connection connect(String url) throws Exception {
        Connection nc = Nats.connect(Options.builder().server(url).noReconnect().build());
        clients.add(nc);
        return nc;
    }

    private static ServerOptions.Builder natsjOptions() {
        return ServerOptions.builder().host("127.0.0.1").port(0).httpHost("127.0.0.1")
                .httpPort(ServerOptions.RANDOM_PORT).noLog(true);
    }

    /** The documents compared, fetched the same way from either server. */
    private record Documents(JsonNode jsz, JsonNode details, JsonNode varzJetStream) {
    }

    private Documents collect(String url, MonitorHttp http) throws Exception {
        JetStreamWorkload.run(connect(url));
        return new Documents(http.json("/jsz"), http.json(DETAILS), http.json("/varz").get("jetstream"));
    }

    @Test
    void jszAndVarzJetStreamHaveNatsServerFieldsAfterTheSameWorkload() throws Exception {
        Path binary = ReferenceNatsServer.binary();
        assumeTrue(binary != null, "nats-server is not installed");
        natsServer = ReferenceNatsServer.start(binary, "-js", "-sd", tempDir.resolve("nats-server").toString());
        Documents ns = collect(natsServer.clientUrl(), natsServer.http());
        natsj = NatsServer.start(natsjOptions().jetStream(ServerOptions.JetStreamOptions.DISABLED.withEnabled(true)
                .withStoreDir(tempDir.resolve("natsj"))).build());
        Documents nj;
        try (MonitorHttp http = new MonitorHttp(natsj.httpPort())) {
            nj = collect(natsj.clientUrl(), http);
        }

        compareNames("/jsz", ns.jsz(), nj.jsz());
        compareNames(DETAILS, ns.details(), nj.details());
        compareNames("/varz jetstream", ns.varzJetStream(), nj.varzJetStream());
        compareValues(ns, nj);
    }

    private static void compareNames(String what, JsonNode ns, JsonNode nj) {
        Set<String> a = MonitorHttp.paths(ns);
        Set<String> b = MonitorHttp.paths(nj);
        Set<String> onlyNatsj = generalised(minus(b, a));
        Set<String> onlyNatsServer = generalised(minus(a, b));
        assertThat(onlyNatsj).as("%s: paths natsj writes and nats-server does not", what)
                .isSubsetOf(ONLY_NATSJ.keySet());
        assertThat(onlyNatsServer).as("%s: paths nats-server writes and natsj does not", what)
                .isSubsetOf(ONLY_NATS_SERVER.keySet());
        Map<String, List<String>> orderA = keyOrders(ns);
        Map<String, List<String>> orderB = keyOrders(nj);
        for (String path : orderA.keySet()) {
            if (orderB.containsKey(path)) {
                List<String> common = new ArrayList<>(orderA.get(path));
                common.retainAll(orderB.get(path));
                List<String> mine = new ArrayList<>(orderB.get(path));
                mine.retainAll(orderA.get(path));
                assertThat(mine).as("%s: order of the fields of %s", what, path.isEmpty() ? "the top" : path)
                        .containsExactlyElementsOf(common);
            }
        }
    }

    /** For every object (by path, array elements under {@code []}), its field names in order (first element's). */
    private static Map<String, List<String>> keyOrders(JsonNode root) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        keyOrders(root, "", out);
        return out;
    }

    private static void keyOrders(JsonNode n, String path, Map<String, List<String>> out) {
        if (n.isObject()) {
            out.putIfAbsent(path, new ArrayList<>(n.propertyNames()));
            n.properties().forEach(e -> keyOrders(e.getValue(), path.isEmpty() ? e.getKey()
                    : path + "." + e.getKey(), out));
        } else if (n.isArray()) {
            n.forEach(e -> keyOrders(e, path + "[]", out));
        }
    }

    private void compareValues(Documents ns, Documents nj) {
        for (String key : List.of("reserved_memory", "reserved_storage", "accounts", "ha_assets", "streams",
                "consumers", "messages", "bytes", "memory", "storage")) {
            assertThat(nj.jsz().get(key)).as("/jsz %s", key).isEqualTo(ns.jsz().get(key));
        }
        for (String key : List.of("total", "errors")) {
            assertThat(nj.jsz().get("api").get(key)).as("/jsz api.%s", key)
                    .isEqualTo(ns.jsz().get("api").get(key));
        }
        JsonNode accA = ns.details().get("account_details").get(0);
        JsonNode accB = nj.details().get("account_details").get(0);
        for (String key : List.of("name", "id", "memory", "reserved_memory", "reserved_storage")) {
            assertThat(accB.get(key)).as("account detail %s", key).isEqualTo(accA.get(key));
        }
        Map<String, JsonNode> streamsA = byName(accA.get("stream_detail"));
        Map<String, JsonNode> streamsB = byName(accB.get("stream_detail"));
        assertThat(streamsB.keySet()).isEqualTo(streamsA.keySet());
        for (String stream : streamsA.keySet()) {
            JsonNode a = streamsA.get(stream);
            JsonNode b = streamsB.get(stream);
            for (String key : List.of("messages", "first_seq", "last_seq", "num_subjects", "consumer_count")) {
                assertThat(b.get("state").get(key)).as("%s state.%s", stream, key).isEqualTo(a.get("state").get(key));
            }
            assertThat(b.get("cluster").has("leader")).isEqualTo(a.get("cluster").has("leader"));
            JsonNode consumerA = a.get("consumer_detail").get(0);
            JsonNode consumerB = b.get("consumer_detail").get(0);
            for (String key : List.of("name", "stream_name", "num_ack_pending", "num_redelivered",
                    "num_waiting", "num_pending")) {
                assertThat(consumerB.get(key)).as("%s consumer %s", stream, key).isEqualTo(consumerA.get(key));
            }
            for (String seq : List.of("delivered", "ack_floor")) {
                for (String key : List.of("consumer_seq", "stream_seq")) {
                    assertThat(consumerB.get(seq).get(key)).as("%s %s.%s", stream, seq, key)
                            .isEqualTo(consumerA.get(seq).get(key));
                }
            }
        }
        assertThat(nj.varzJetStream().get("stats").get("memory"))
                .isEqualTo(ns.varzJetStream().get("stats").get("memory"));
        assertThat(nj.varzJetStream().get("stats").get("accounts"))
                .isEqualTo(ns.varzJetStream().get("stats").get("accounts"));
    }

    @Test
    void withoutJetStreamJszIsDisabledAndJetStreamHealthChecksPass() throws Exception {
        Path binary = ReferenceNatsServer.binary();
        assumeTrue(binary != null, "nats-server is not installed");
        natsServer = ReferenceNatsServer.start(binary);
        natsj = NatsServer.start(natsjOptions().build());
        try (MonitorHttp http = new MonitorHttp(natsj.httpPort())) {
            compareNames("/jsz without JetStream", natsServer.http().json("/jsz?accounts=true"),
                    http.json("/jsz?accounts=true"));
            for (String query : List.of("?js-enabled-only=true", "?js-server-only=true", "?js-enabled=true",
                    "?js-enabled-only=maybe")) {
                HttpResponse<String> a = natsServer.http().get("/healthz" + query);
                HttpResponse<String> b = http.get("/healthz" + query);
                assertThat(b.statusCode()).as("status of /healthz%s", query).isEqualTo(a.statusCode());
                assertThat(b.body()).as("body of /healthz%s", query).isEqualTo(a.body());
            }
            HttpResponse<String> a = natsServer.http().get("/jsz?limit=ten");
            HttpResponse<String> b = http.get("/jsz?limit=ten");
            assertThat(b.statusCode()).isEqualTo(a.statusCode());
            assertThat(b.body()).isEqualTo(a.body());
        }
    }

    private static Map<String, JsonNode> byName(JsonNode array) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        array.forEach(n -> out.put(n.get("name").asString(), n));
        return out;
    }

    private static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> out = new TreeSet<>(a);
        out.removeAll(b);
        return out;
    }

    /**
     * The paths with their place generalised, so one allowance covers every place the object appears: a stream's
     * config as {@code stream_config.*}, a consumer's as {@code consumer_config.*}, the API counters as
     * {@code api.*} (top level, per account, {@code stats.api} of /varz), a JetStream config as {@code config.*}.
     */
    private static Set<String> generalised(Set<String> paths) {
        Set<String> out = new TreeSet<>();
        for (String p : paths) {
            out.add(p.replaceFirst("^.*consumer_detail\\[\\]\\.config\\.", "consumer_config.")
                    .replaceFirst("^.*stream_detail\\[\\]\\.config\\.", "stream_config.")
                    .replaceFirst("^(.*\\.)?api\\.", "api.")
                    .replaceFirst("^(stats\\.)", ""));
        }
        return out;
    }
}
