package io.natsj.server.monitor;

import io.natsj.server.json.GoJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /healthz} for a server configured for JetStream whose JetStream does not run (nats-server reaches this when
 * JetStream is disabled at run time; natsj's start fails instead, so only this unit test reaches it).
 */
class HealthzViewTest {

    private static final HealthzView.JetStreamFacts CONFIGURED_NOT_RUNNING =
            new HealthzView.JetStreamFacts(true, false, null, List.of(), null);

    private static MonitorReply healthz(HealthzView.JetStreamFacts facts, String query) {
        return HealthzView.build(facts, new QueryParams(URI.create("/healthz" + query)));
    }

    private static String body(MonitorReply reply) {
        return GoJson.COMPACT.writeValueAsString(reply.body());
    }

    @Test
    void jetStreamConfiguredButNotRunningIs503Unavailable() {
        for (String query : List.of("", "?js-enabled-only=true", "?js-enabled=true")) {
            MonitorReply r = healthz(CONFIGURED_NOT_RUNNING, query);
            assertThat(r.status()).as(query).isEqualTo(503);
            assertThat(body(r)).as(query)
                    .isEqualTo("{\"status\":\"unavailable\",\"error\":\"JetStream not enabled (10076)\"}");
        }
    }

    @Test
    void detailsListTheJetStreamErrorWithStatusError() {
        MonitorReply r = healthz(CONFIGURED_NOT_RUNNING, "?js-enabled-only=1&details=1");

        assertThat(r.status()).isEqualTo(503);
        assertThat(body(r)).isEqualTo(
                "{\"status\":\"error\",\"errors\":[{\"type\":\"JETSTREAM\","
                        + "\"error\":\"JetStream not enabled (10076)\"}]}");
    }

    @Test
    void serverOnlyCheckSkipsJetStream() {
        MonitorReply r = healthz(CONFIGURED_NOT_RUNNING, "?js-server-only=true");

        assertThat(r.status()).isEqualTo(200);
        assertThat(body(r)).isEqualTo("{\"status\":\"ok\"}");
    }

    @Test
    void notConfiguredIsHealthy() {
        MonitorReply r = healthz(new HealthzView.JetStreamFacts(false, false, null, List.of(), null),
                "?js-enabled-only=true");

        assertThat(r.status()).isEqualTo(200);
    }

    private static HealthzView.JetStreamFacts clustered(Path store, MetaFacts meta) {
        return new HealthzView.JetStreamFacts(true, true, store, List.of(), meta);
    }

    @Test
    void aClusteredServerWithoutAMetaLeaderIsUnavailable(@TempDir Path store) {
        for (MetaFacts meta : List.of(new MetaFacts(false, "c", null, 3, false, List.of()),
                new MetaFacts(true, "c", null, 3, false, List.of()))) {
            MonitorReply r = healthz(clustered(store, meta), "");
            assertThat(r.status()).isEqualTo(503);
            assertThat(body(r)).isEqualTo("{\"status\":\"unavailable\","
                    + "\"error\":\"JetStream has not established contact with a meta leader\"}");
        }
        MetaFacts none = new MetaFacts(false, "c", null, 3, false, List.of());
        assertThat(healthz(clustered(store, none), "?js-server-only=true").status()).isEqualTo(200);
    }

    @Test
    void aReplicaRecoveringFromDamageIsNotCurrent(@TempDir Path store) {
        MetaFacts recovering = new MetaFacts(true, "c", "n2", 3, true, List.of());
        MonitorReply r = healthz(clustered(store, recovering), "?details=true");
        assertThat(r.status()).isEqualTo(503);
        assertThat(body(r)).isEqualTo("{\"status\":\"error\",\"errors\":[{\"type\":\"JETSTREAM\","
                + "\"error\":\"JetStream is not current with the meta leader\"}]}");
    }

    @Test
    void aMetaGroupWithALeaderIsHealthy(@TempDir Path store) {
        MetaFacts ok = new MetaFacts(true, "c", "n2", 3, false, List.of());
        assertThat(healthz(clustered(store, ok), "?js-meta-only=true").status()).isEqualTo(200);
        assertThat(healthz(clustered(store, ok), "").status()).isEqualTo(200);
    }
}
