package io.natsj.server.monitor;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.StreamInfo;
import io.natsj.server.NatsServer;
import io.natsj.server.ServerOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.natsj.server.monitor.JetStreamWorkload.CACHE;
import static io.natsj.server.monitor.JetStreamWorkload.CACHE_MAX_BYTES;
import static io.natsj.server.monitor.JetStreamWorkload.ORDERS;
import static io.natsj.server.monitor.JetStreamWorkload.ORDERS_MAX_BYTES;
import static io.natsj.server.monitor.JetStreamWorkload.READER;
import static io.natsj.server.monitor.JetStreamWorkload.WAIT;
import static io.natsj.server.monitor.JetStreamWorkload.WORKER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * JetStream monitoring as users see it: {@code /jsz} with each of its options, {@code /varz}'s {@code jetstream}
 * section, {@code /healthz}'s JetStream checks and {@code /metrics}, after the known workload of
 * {@link JetStreamWorkload} run through jnats on an embedded natsj.
 */
@Timeout(60)
class JetStreamMonitorIT {

    /** An account without limits of its own shows -1 as Go's uint64. */
    private static final String UNLIMITED_AS_UINT64 = "18446744073709551615";

    private NatsServer server;
    private MonitorHttp http;
    @TempDir
    private Path storeDir;
    private Connection nc;

    @AfterEach
    void tearDown() throws Exception {
        if (nc != null) {
            nc.close();
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

    private void startWithJetStream() throws Exception {
        start(options().jetStream(ServerOptions.JetStreamOptions.DISABLED.withEnabled(true).withStoreDir(storeDir)));
    }

    private void start(ServerOptions.Builder options) throws Exception {
        server = NatsServer.start(options.build());
        http = new MonitorHttp(server.httpPort());
        nc = Nats.connect(Options.builder().server(server.clientUrl()).noReconnect().build());
    }

    private void startWithWorkload() throws Exception {
        startWithJetStream();
        JetStreamWorkload.run(nc);
    }

    private JsonNode json(String path) {
        return http.json(path);
    }

    private static List<String> names(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null) {
            array.forEach(n -> out.add(n.get("name").asString()));
        }
        return out;
    }

    private static JsonNode byName(JsonNode array, String name) {
        for (JsonNode n : array) {
            if (n.get("name").asString().equals(name)) {
                return n;
            }
        }
        throw new AssertionError(name + " not in " + array);
    }

    private StreamInfo info(String stream) throws Exception {
        return nc.jetStreamManagement().getStreamInfo(stream);
    }

    // ---------------------------------------------------------------------------------------------------- /jsz

    @Test
    void jszReportsServerWideUsageConfigAndTotals() throws Exception {
        startWithWorkload();
        StreamInfo orders = info(ORDERS);
        StreamInfo cache = info(CACHE);

        JsonNode j = json("/jsz");

        assertThat(j.get("server_id").asString()).isEqualTo(server.serverId());
        assertThat(j.has("disabled")).isFalse();
        JsonNode config = j.get("config");
        assertThat(config.get("store_dir").asString()).isEqualTo(storeDir.resolve("jetstream").toString());
        assertThat(config.get("max_memory").asLong()).isEqualTo(server.jetStream().limits().maxMemory());
        assertThat(config.get("max_storage").asLong()).isEqualTo(server.jetStream().limits().maxStore());
        assertThat(config.get("sync_interval").asLong()).isEqualTo(120_000_000_000L);
        assertThat(j.get("limits").isEmpty()).isTrue();
        assertThat(j.get("memory").asLong()).isEqualTo(cache.getStreamState().getByteCount());
        assertThat(j.get("storage").asLong()).isEqualTo(orders.getStreamState().getByteCount());
        assertThat(j.get("reserved_memory").asLong()).isEqualTo(CACHE_MAX_BYTES);
        assertThat(j.get("reserved_storage").asLong()).isEqualTo(ORDERS_MAX_BYTES);
        assertThat(j.get("accounts").asInt()).isEqualTo(1);
        assertThat(j.get("ha_assets").asInt()).isZero();
        assertThat(j.get("api").get("level").asInt()).isEqualTo(1);
        assertThat(j.get("api").get("errors").asLong()).isEqualTo(1);
        assertThat(j.get("api").get("total").asLong()).isGreaterThan(5);
        assertThat(j.get("api").has("inflight")).as("omitted while zero").isFalse();
        assertThat(j.get("streams").asInt()).isEqualTo(2);
        assertThat(j.get("consumers").asInt()).isEqualTo(2);
        assertThat(j.get("messages").asLong()).isEqualTo(15);
        assertThat(j.get("bytes").asLong()).isEqualTo(orders.getStreamState().getByteCount()
                + cache.getStreamState().getByteCount());
        assertThat(j.has("account_details")).as("only with accounts, streams or acc").isFalse();
        assertThat(j.has("meta_cluster")).isFalse();
    }

    @Test
    void jszCountsApiRequestsAndErrorsAsTheyAreAnswered() throws Exception {
        startWithJetStream();
        JsonNode before = json("/jsz").get("api");

        JetStreamWorkload.failedApiRequest(nc);
        nc.jetStreamManagement().getAccountStatistics();

        JsonNode after = json("/jsz").get("api");
        assertThat(after.get("total").asLong()).isEqualTo(before.get("total").asLong() + 2);
        assertThat(after.get("errors").asLong()).isEqualTo(before.get("errors").asLong() + 1);
    }

    @Test
    void jszAccountsListsTheAccountWithItsLimitsAsReservations() throws Exception {
        startWithWorkload();

        JsonNode d = json("/jsz?accounts=true").get("account_details");

        assertThat(d).hasSize(1);
        JsonNode g = d.get(0);
        assertThat(new ArrayList<>(g.propertyNames())).containsExactly("name", "id", "memory", "storage",
                "reserved_memory", "reserved_storage", "accounts", "ha_assets", "api");
        assertThat(g.get("name").asString()).isEqualTo("$G");
        assertThat(g.get("id").asString()).isEqualTo("$G");
        assertThat(g.get("memory").asLong()).isEqualTo(info(CACHE).getStreamState().getByteCount());
        assertThat(g.get("storage").asLong()).isEqualTo(info(ORDERS).getStreamState().getByteCount());
        assertThat(g.get("reserved_memory").toString()).isEqualTo(UNLIMITED_AS_UINT64);
        assertThat(g.get("reserved_storage").toString()).isEqualTo(UNLIMITED_AS_UINT64);
        assertThat(g.get("api").get("level").asInt()).as("nats-server leaves it 0 per account").isZero();
        assertThat(g.get("api").get("errors").asLong()).isEqualTo(1);
    }

    @Test
    void jszStreamsListsEachStreamWithItsStateButNoConfigOrConsumers() throws Exception {
        startWithWorkload();

        JsonNode j = json("/jsz?streams=true");

        JsonNode streams = j.get("account_details").get(0).get("stream_detail");
        assertThat(names(streams)).containsExactly(CACHE, ORDERS);
        JsonNode orders = byName(streams, ORDERS);
        assertThat(new ArrayList<>(orders.propertyNames())).containsExactly("name", "created", "cluster", "state");
        assertThat(orders.get("cluster").get("leader").asString()).isEqualTo(server.serverName());
        assertThat(orders.get("state").get("messages").asLong()).isEqualTo(10);
        assertThat(orders.get("state").get("first_seq").asLong()).isEqualTo(1);
        assertThat(orders.get("state").get("last_seq").asLong()).isEqualTo(10);
        assertThat(orders.get("state").get("num_subjects").asLong()).isEqualTo(3);
        assertThat(orders.get("state").get("consumer_count").asInt()).isEqualTo(1);
        assertThat(byName(streams, CACHE).get("state").get("messages").asLong()).isEqualTo(5);
    }

    @Test
    void jszConsumersShowsEachConsumersCountersWithoutConfig() throws Exception {
        startWithWorkload();

        JsonNode j = json("/jsz?consumers=true");

        JsonNode streams = j.get("account_details").get(0).get("stream_detail");
        JsonNode worker = byName(streams, ORDERS).get("consumer_detail").get(0);
        assertThat(worker.get("name").asString()).isEqualTo(WORKER);
        assertThat(worker.get("stream_name").asString()).isEqualTo(ORDERS);
        assertThat(worker.has("config")).isFalse();
        assertThat(worker.get("delivered").get("stream_seq").asLong()).isEqualTo(4);
        assertThat(worker.get("delivered").get("consumer_seq").asLong()).isEqualTo(4);
        assertThat(worker.get("ack_floor").get("stream_seq").asLong()).isEqualTo(2);
        assertThat(worker.get("num_ack_pending").asInt()).isEqualTo(2);
        assertThat(worker.get("num_pending").asLong()).isEqualTo(6);
        assertThat(worker.get("num_redelivered").asInt()).isZero();
        JsonNode reader = byName(streams, CACHE).get("consumer_detail").get(0);
        assertThat(reader.get("name").asString()).isEqualTo(READER);
        assertThat(reader.get("num_pending").asLong()).as("cache.x messages").isEqualTo(3);
    }

    @Test
    void jszConfigAddsTheStoredStreamAndConsumerConfigs() throws Exception {
        startWithWorkload();

        JsonNode j = json("/jsz?consumers=true&config=true");

        JsonNode orders = byName(j.get("account_details").get(0).get("stream_detail"), ORDERS);
        assertThat(orders.get("config").get("name").asString()).isEqualTo(ORDERS);
        assertThat(orders.get("config").get("subjects").get(0).asString()).isEqualTo("orders.>");
        assertThat(orders.get("config").get("storage").asString()).isEqualTo("file");
        assertThat(orders.get("config").get("max_bytes").asLong()).isEqualTo(ORDERS_MAX_BYTES);
        assertThat(orders.get("config").path("metadata").has("_nats.ver"))
                .as("the server's version is added to API answers only").isFalse();
        JsonNode worker = orders.get("consumer_detail").get(0);
        assertThat(worker.get("config").get("durable_name").asString()).isEqualTo(WORKER);
        assertThat(worker.get("config").get("ack_policy").asString()).isEqualTo("explicit");
        // config alone lists nothing more than the totals
        assertThat(json("/jsz?config=true").has("account_details")).isFalse();
    }

    @Test
    void jszAccFiltersToOneAccountAndPagingSkipsAccounts() throws Exception {
        startWithWorkload();

        JsonNode acc = json("/jsz?acc=$G");
        assertThat(names(acc.get("account_details"))).containsExactly("$G");
        assertThat(acc.get("account_details").get(0).has("stream_detail")).isFalse();
        assertThat(names(json("/jsz?acc=$G&streams=true").get("account_details").get(0).get("stream_detail")))
                .containsExactly(CACHE, ORDERS);
        assertThat(json("/jsz?acc=OTHER").has("account_details")).as("unknown account, no accounts=true")
                .isFalse();
        assertThat(names(json("/jsz?acc=OTHER&accounts=true").get("account_details"))).containsExactly("$G");
        assertThat(json("/jsz?accounts=true&offset=1").has("account_details")).isFalse();
        assertThat(json("/jsz?accounts=true&limit=1").get("account_details")).hasSize(1);
        assertThat(json("/jsz?accounts=true&offset=-3&limit=-1").has("account_details"))
                .as("negative paging reads as 0").isFalse();
        // a single server leads everything; raft groups do not exist
        assertThat(json("/jsz?leader-only=true&raft=true&stream-leader-only=true").get("streams").asInt())
                .isEqualTo(2);
    }

    @Test
    void jszRefusesBadOptionValuesWithNatsServerText() throws Exception {
        startWithJetStream();

        HttpResponse<String> bool = http.get("/jsz?accounts=maybe");
        assertThat(bool.statusCode()).isEqualTo(400);
        assertThat(bool.body()).isEqualTo(
                "Error decoding boolean for 'accounts': strconv.ParseBool: parsing \"maybe\": invalid syntax");
        HttpResponse<String> integer = http.get("/jsz?limit=ten");
        assertThat(integer.statusCode()).isEqualTo(400);
        assertThat(integer.body()).isEqualTo(
                "Error decoding int for 'limit': strconv.Atoi: parsing \"ten\": invalid syntax");
    }

    @Test
    void jszWithoutJetStreamSaysDisabledWithZeroFigures() throws Exception {
        start(options());

        JsonNode j = json("/jsz?accounts=true&streams=true");

        assertThat(new ArrayList<>(j.propertyNames())).containsExactly("server_id", "now", "disabled", "config",
                "memory", "storage", "reserved_memory", "reserved_storage", "accounts", "ha_assets", "api",
                "streams", "consumers", "messages", "bytes");
        assertThat(j.get("disabled").asBoolean()).isTrue();
        assertThat(j.get("config").toString()).isEqualTo("{\"max_memory\":0,\"max_storage\":0}");
        assertThat(j.get("api").toString()).isEqualTo("{\"level\":0,\"total\":0,\"errors\":0}");
        HttpResponse<String> leader = http.get("/jsz?leader-only=true");
        assertThat(leader.statusCode()).isEqualTo(400);
        assertThat(leader.body()).isEqualTo("filtered response: not leader");
        assertThat(json("/varz").get("http_req_stats").get("/jsz").asLong()).isEqualTo(2);
    }

    // --------------------------------------------------------------------------------------------- /varz

    @Test
    void varzJetStreamSectionHasConfigStatsAndLimits() throws Exception {
        startWithWorkload();

        JsonNode v = json("/varz").get("jetstream");
        JsonNode j = json("/jsz");

        assertThat(new ArrayList<>(v.propertyNames())).containsExactly("config", "stats", "limits");
        assertThat(v.get("config")).isEqualTo(j.get("config"));
        JsonNode stats = v.get("stats");
        assertThat(new ArrayList<>(stats.propertyNames())).containsExactly("memory", "storage", "reserved_memory",
                "reserved_storage", "accounts", "ha_assets", "api");
        for (String key : List.of("memory", "storage", "reserved_memory", "reserved_storage", "accounts")) {
            assertThat(stats.get(key)).as(key).isEqualTo(j.get(key));
        }
        assertThat(stats.get("api").get("errors").asLong()).isEqualTo(1);
        assertThat(stats.get("api").get("level").asInt()).isEqualTo(1);
        assertThat(v.get("limits").isEmpty()).isTrue();
    }

    @Test
    void varzJetStreamSectionIsEmptyWithoutJetStream() throws Exception {
        start(options());

        assertThat(json("/varz").get("jetstream").isEmpty()).isTrue();
    }

    // ------------------------------------------------------------------------------------------- /healthz

    private void assertHealth(String query, int status, String body) {
        HttpResponse<String> r = http.get("/healthz" + query);
        assertThat(r.statusCode()).as("status of /healthz%s: %s", query, r.body()).isEqualTo(status);
        assertThat(r.body()).as("body of /healthz%s", query).isEqualTo(body);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    }

    @Test
    void healthzWithJetStreamChecksTheStoredAssets() throws Exception {
        startWithWorkload();
        String ok = "{\"status\":\"ok\"}";

        assertHealth("", 200, ok);
        assertHealth("?js-enabled-only=true", 200, ok);
        assertHealth("?js-enabled=true", 200, ok);
        assertHealth("?js-server-only=true", 200, ok);
        assertHealth("?js-meta-only=true", 200, ok);
        assertHealth("?details=true", 200, ok);
        assertHealth("?account=$G", 200, ok);
        assertHealth("?account=$G&stream=ORDERS", 200, ok);
        assertHealth("?account=$G&stream=ORDERS&consumer=worker", 200, ok);
    }

    @Test
    void healthzAnswers404ForAssetsItCannotFind() throws Exception {
        startWithWorkload();

        assertHealth("?account=OTHER", 404,
                "{\"status\":\"unavailable\",\"error\":\"JetStream account \\\"OTHER\\\" not found\"}");
        assertHealth("?account=$G&stream=NOPE", 404, "{\"status\":\"unavailable\",\"error\":\"JetStream stream "
                + "\\\"NOPE\\\" not found on account \\\"$G\\\"\"}");
        assertHealth("?account=$G&stream=CACHE", 404, "{\"status\":\"unavailable\",\"error\":\"JetStream stream "
                + "\\\"CACHE\\\" not found on account \\\"$G\\\"\"}"); // memory streams have no folder
        assertHealth("?account=$G&stream=ORDERS&consumer=nope", 404, "{\"status\":\"unavailable\",\"error\":"
                + "\"JetStream consumer \\\"nope\\\" not found for stream \\\"ORDERS\\\" on account \\\"$G\\\"\"}");
        assertHealth("?account=$G&stream=ORDERS&consumer=nope&details=true", 404, "{\"status\":\"error\","
                + "\"errors\":[{\"type\":\"CONSUMER\",\"account\":\"$G\",\"stream\":\"ORDERS\",\"consumer\":"
                + "\"nope\",\"error\":\"JetStream consumer \\\"nope\\\" not found for stream \\\"ORDERS\\\" on "
                + "account \\\"$G\\\"\"}]}");
    }

    @Test
    void healthzRefusesAStreamWithoutAccountAndAConsumerWithoutStream() throws Exception {
        startWithJetStream();

        assertHealth("?stream=ORDERS", 400,
                "{\"status\":\"error\",\"error\":\"\\\"account\\\" must not be empty when checking stream health\"}");
        assertHealth("?account=$G&consumer=worker", 400, "{\"status\":\"error\",\"error\":\"\\\"stream\\\" must "
                + "not be empty when checking consumer health\"}");
        assertHealth("?stream=ORDERS&details=1", 400, "{\"status\":\"error\",\"errors\":[{\"type\":"
                + "\"BAD_REQUEST\",\"error\":\"\\\"account\\\" must not be empty when checking stream health\"}]}");
        HttpResponse<String> bad = http.get("/healthz?js-server-only=perhaps");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).startsWith("Error decoding boolean for 'js-server-only'");
    }

    @Test
    void healthzIs503WhenAStoredStreamOrAccountWasNotRecovered() throws Exception {
        startWithWorkload();
        Path streams = storeDir.resolve("jetstream").resolve("$G").resolve("streams");
        Files.createDirectories(streams.resolve("BROKEN"));

        // Go's JSON writes '>' as the escape u003e
        assertHealth("", 503, "{\"status\":\"unavailable\",\"error\":\"JetStream stream '$G \\u003e BROKEN' could not "
                + "be recovered\"}");
        assertHealth("?js-enabled-only=true", 200, "{\"status\":\"ok\"}");
        assertHealth("?account=$G&stream=ORDERS", 200, "{\"status\":\"ok\"}");

        Files.createDirectories(storeDir.resolve("jetstream").resolve("GHOST"));
        assertHealth("?details=true", 503, "{\"status\":\"error\",\"errors\":[{\"type\":\"STREAM\",\"account\":"
                + "\"$G\",\"stream\":\"BROKEN\",\"error\":\"JetStream stream '$G \\u003e BROKEN' could not be "
                + "recovered\"},"
                + "{\"type\":\"ACCOUNT\",\"account\":\"GHOST\",\"error\":\"JetStream account 'GHOST' could not be "
                + "resolved\"}]}");
    }

    @Test
    void healthzWithoutJetStreamConfiguredIsOkEvenForJetStreamChecks() throws Exception {
        start(options());

        // nats-server (2.9.10 and 2.11.0) checks JetStream only when it is configured
        assertHealth("?js-enabled-only=true", 200, "{\"status\":\"ok\"}");
        assertHealth("?js-enabled-only=true&details=true", 200, "{\"status\":\"ok\"}");
    }

    // ------------------------------------------------------------------------------------------- /metrics

    @Test
    void metricsExposeServerAccountStreamAndConsumerValuesInPrometheusText() throws Exception {
        startWithWorkload();
        StreamInfo orders = info(ORDERS);

        HttpResponse<String> r = http.get("/metrics");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        PromText m = PromText.parse(r.body());
        String id = server.serverId();
        Map<String, String> srv = Map.of("server_id", id);
        Map<String, String> acc = Map.of("server_id", id, "account", "$G");
        Map<String, String> ordersLabels = Map.of("server_id", id, "account", "$G", "stream", ORDERS);
        Map<String, String> worker = Map.of("server_id", id, "account", "$G", "stream", ORDERS, "consumer", WORKER);
        Map<String, String> reader = Map.of("account", "$G", "stream", CACHE, "consumer", READER);

        assertThat(m.types).containsEntry("natsj_connections", "gauge")
                .containsEntry("natsj_in_messages_total", "counter")
                .containsEntry("natsj_stream_messages", "gauge")
                .containsEntry("natsj_account_jetstream_api_errors_total", "counter");
        assertThat(m.helps).containsKey("natsj_consumer_num_pending");
        assertThat(m.value("natsj_connections", srv)).hasValue(1.0);
        assertThat(m.value("natsj_accepted_connections_total", srv)).hasValue(1.0);
        assertThat(m.value("natsj_in_messages_total", srv)).get().satisfies(v -> assertThat(v).isGreaterThan(15));
        assertThat(m.value("natsj_info", srv)).hasValue(1.0);
        assertThat(m.value("natsj_jetstream_enabled", srv)).hasValue(1.0);
        assertThat(m.value("natsj_account_connections", acc)).hasValue(1.0);
        assertThat(m.value("natsj_account_jetstream_streams", acc)).hasValue(2.0);
        assertThat(m.value("natsj_account_jetstream_consumers", acc)).hasValue(2.0);
        assertThat(m.value("natsj_account_jetstream_storage_bytes", acc))
                .hasValue((double) orders.getStreamState().getByteCount());
        assertThat(m.value("natsj_account_jetstream_reserved_memory_bytes", acc)).hasValue((double) CACHE_MAX_BYTES);
        assertThat(m.value("natsj_account_jetstream_api_errors_total", acc)).hasValue(1.0);
        assertThat(m.value("natsj_account_jetstream_api_inflight", acc)).hasValue(0.0);
        assertThat(m.value("natsj_stream_messages", ordersLabels)).hasValue(10.0);
        assertThat(m.value("natsj_stream_bytes", ordersLabels))
                .hasValue((double) orders.getStreamState().getByteCount());
        assertThat(m.value("natsj_stream_first_seq", ordersLabels)).hasValue(1.0);
        assertThat(m.value("natsj_stream_last_seq", ordersLabels)).hasValue(10.0);
        assertThat(m.value("natsj_stream_subjects", ordersLabels)).hasValue(3.0);
        assertThat(m.value("natsj_stream_consumers", ordersLabels)).hasValue(1.0);
        assertThat(m.value("natsj_consumer_num_pending", worker)).hasValue(6.0);
        assertThat(m.value("natsj_consumer_num_ack_pending", worker)).hasValue(2.0);
        assertThat(m.value("natsj_consumer_num_redelivered", worker)).hasValue(0.0);
        assertThat(m.value("natsj_consumer_num_waiting", worker)).hasValue(0.0);
        assertThat(m.value("natsj_consumer_delivered_stream_seq", worker)).hasValue(4.0);
        assertThat(m.value("natsj_consumer_ack_floor_stream_seq", worker)).hasValue(2.0);
        assertThat(m.value("natsj_consumer_num_pending", reader)).hasValue(3.0);
    }

    @Test
    void metricsFollowChangesAtTheNextScrape() throws Exception {
        startWithWorkload();
        Map<String, String> orders = Map.of("stream", ORDERS);
        assertThat(PromText.parse(http.get("/metrics").body()).value("natsj_stream_messages", orders))
                .hasValue(10.0);

        nc.jetStream().publish("orders.d", new byte[1]);
        nc.jetStreamManagement().deleteStream(CACHE);

        await().atMost(WAIT).untilAsserted(() -> {
            PromText m = PromText.parse(http.get("/metrics").body());
            assertThat(m.value("natsj_stream_messages", orders)).hasValue(11.0);
            assertThat(m.value("natsj_stream_messages", Map.of("stream", CACHE))).isEmpty();
            assertThat(m.value("natsj_account_jetstream_streams", Map.of("account", "$G"))).hasValue(1.0);
        });
    }

    @Test
    void metricsWithoutJetStreamHaveServerValuesOnly() throws Exception {
        start(options());
        nc.publish("x", new byte[3]);
        nc.flush(WAIT);

        PromText m = PromText.parse(http.get("/metrics").body());

        assertThat(m.value("natsj_jetstream_enabled", Map.of())).hasValue(0.0);
        assertThat(m.samples).noneMatch(s -> s.name().startsWith("natsj_stream_")
                || s.name().startsWith("natsj_account_jetstream_"));
        assertThat(m.value("natsj_in_bytes_total", Map.of())).hasValue(3.0);
        assertThat(m.value("natsj_http_requests_total", Map.of("endpoint", "/metrics"))).hasValue(1.0);
        assertThat(json("/varz").get("http_req_stats").get("/metrics").asLong()).isEqualTo(1);
    }
}
