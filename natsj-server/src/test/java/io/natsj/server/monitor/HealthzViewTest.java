package io.natsj.server.monitor;

import io.natsj.server.json.GoJson;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /healthz} for a server configured for JetStream whose JetStream does not run (nats-server reaches this when
 * JetStream is disabled at run time; natsj's start fails instead, so only this unit test reaches it).
 */
class HealthzViewTest {

    private static final HealthzView.JetStreamFacts CONFIGURED_NOT_RUNNING =
            new HealthzView.JetStreamFacts(true, false, null, List.of());

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
        MonitorReply r = healthz(new HealthzView.JetStreamFacts(false, false, null, List.of()),
                "?js-enabled-only=true");

        assertThat(r.status()).isEqualTo(200);
    }
}
