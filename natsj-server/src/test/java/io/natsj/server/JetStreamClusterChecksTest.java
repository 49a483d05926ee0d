package io.natsj.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** nats-server's start-up requirements for JetStream with a cluster: a server name and a cluster name. */
@Timeout(20)
class JetStreamClusterChecksTest {

    @TempDir
    Path dir;

    private ServerOptions.Builder options(String serverName, String clusterName) {
        return ServerOptions.builder().host("127.0.0.1").port(0).noLog(true).serverName(serverName)
                .jetStream(ServerOptions.JetStreamOptions.DISABLED.withEnabled(true).withStoreDir(dir))
                .cluster(ClusterOptions.listen("127.0.0.1", ServerOptions.RANDOM_PORT).withName(clusterName));
    }

    @Test
    void jetStreamInAClusterNeedsAServerName() {
        NatsServer s = new NatsServer(options("", "c").build());
        assertThatThrownBy(s::start).hasMessage("jetstream cluster requires `server_name` to be set");
        s.close();
    }

    @Test
    void jetStreamInAClusterNeedsAClusterName() {
        NatsServer s = new NatsServer(options("n1", "").build());
        assertThatThrownBy(s::start).hasMessage("jetstream cluster requires `cluster.name` to be set");
        s.close();
    }
}
