package io.natsj.server.jetstream.cluster;

import io.natsj.server.ClusterOptions;
import io.natsj.server.raft.Membership;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MetaBootstrapTest {

    private static ClusterOptions routes(String... urls) {
        return ClusterOptions.listen("127.0.0.1", 6222).withRoutes(List.of(urls).stream().map(URI::create).toList());
    }

    @Test
    void theGroupSizeIsTheOtherConfiguredServersPlusThisOne() {
        assertThat(MetaBootstrap.expectedServers(routes("nats-route://10.0.0.2:6222", "nats-route://10.0.0.3:6222"),
                6222)).isEqualTo(3);
    }

    @Test
    void thisServersOwnRouteAndRepeatsAreNotCounted() {
        assertThat(MetaBootstrap.expectedServers(routes("nats-route://127.0.0.1:6222", "nats-route://localhost:6222",
                "nats-route://10.0.0.2:6222", "nats-route://10.0.0.2:6222", "nats-route://127.0.0.1:7222"), 6222))
                .isEqualTo(3);
    }

    @Test
    void withoutRoutesTheSizeIsUnknown() {
        assertThat(MetaBootstrap.expectedServers(routes(), 6222)).isEqualTo(1);
        assertThat(MetaBootstrap.voters("n1", 1, List.of("n2"))).isNull();
    }

    @Test
    void votersAreKnownOnceEveryOtherServerIsRouted() {
        assertThat(MetaBootstrap.voters("n2", 3, List.of("n1"))).isNull();
        assertThat(MetaBootstrap.voters("n2", 3, List.of("n1", "n2"))).isNull();
        assertThat(MetaBootstrap.voters("n2", 3, List.of("n3", "n1"))).isEqualTo(Membership.of("n1", "n2", "n3"));
    }
}
