package io.natsj.server.cli;

import io.natsj.server.ClusterOptions;
import io.natsj.server.ServerOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** nats-server's cluster flags ({@code --cluster}, {@code --routes}, ...) and how they override the config file. */
@Timeout(10)
class ClusterFlagsTest {

    private static ClusterOptions cluster(String... args) {
        ServerFlags.Result r = ServerFlags.parse(args);
        assertThat(r.action()).as(String.valueOf(r.error())).isEqualTo(ServerFlags.Action.RUN);
        return r.options().cluster();
    }

    private static String error(String... args) {
        ServerFlags.Result r = ServerFlags.parse(args);
        assertThat(r.action()).isIn(ServerFlags.Action.ERROR, ServerFlags.Action.CONFIG_ERROR);
        return r.error();
    }

    @Test
    void noClusterByDefault() {
        assertThat(cluster()).isNull();
        assertThat(cluster("--cluster_name", "c", "--no_advertise")).as("nothing to name without --cluster").isNull();
    }

    @Test
    void clusterUrlGivesTheListenAddressAndCredentials() {
        ClusterOptions c = cluster("--cluster", "nats://127.0.0.1:6222");
        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.port()).isEqualTo(6222);
        assertThat(c.user()).isNull();
        assertThat(c.poolSize()).isEqualTo(ClusterOptions.DEFAULT_POOL_SIZE);
        ClusterOptions auth = cluster("--cluster_listen", "nats://ruser:rpass@0.0.0.0:7222");
        assertThat(auth.user()).isEqualTo("ruser");
        assertThat(auth.password()).isEqualTo("rpass");
        assertThat(auth.port()).isEqualTo(7222);
        assertThat(cluster("--cluster", "nats://0.0.0.0:-1").port()).isEqualTo(ServerOptions.RANDOM_PORT);
        assertThat(cluster("--cluster", "nats://[::1]:6222").host()).isEqualTo("::1");
    }

    @Test
    void theOtherClusterFlags() {
        ClusterOptions c = cluster("--cluster", "nats://127.0.0.1:6222", "--cluster_name", "east",
                "--routes", "nats://127.0.0.1:6223, nats-route://u:p@127.0.0.1:6224", "--cluster_advertise",
                "east-1:6222", "--no_advertise", "--connect_retries", "7");
        assertThat(c.name()).isEqualTo("east");
        assertThat(c.routes()).containsExactly(URI.create("nats://127.0.0.1:6223"),
                URI.create("nats-route://u:p@127.0.0.1:6224"));
        assertThat(c.advertise()).isEqualTo("east-1:6222");
        assertThat(c.noAdvertise()).isTrue();
        assertThat(c.connectRetries()).isEqualTo(7);
        assertThat(cluster("--cluster", "nats://127.0.0.1:6222", "--no_advertise=false").noAdvertise()).isFalse();
    }

    @Test
    void flagsOverrideTheFilesClusterBlock(@TempDir Path dir) throws IOException {
        Path conf = dir.resolve("c.conf");
        Files.writeString(conf, """
                cluster {
                  name: from-file
                  listen: "127.0.0.1:6222"
                  authorization { user: fu, password: fp }
                  routes: [ "nats://127.0.0.1:7000" ]
                  pool_size: 5
                }
                """);
        String file = conf.toString();
        ClusterOptions fromFile = cluster("-c", file);
        assertThat(fromFile.name()).isEqualTo("from-file");
        assertThat(fromFile.user()).isEqualTo("fu");

        ClusterOptions c = cluster("-c", file, "--cluster", "nats://127.0.0.1:6333", "--cluster_name", "flag");
        assertThat(c.port()).isEqualTo(6333);
        assertThat(c.name()).isEqualTo("flag");
        assertThat(c.user()).as("--cluster without credentials clears the file's").isNull();
        assertThat(c.password()).isNull();
        assertThat(c.poolSize()).as("the rest of the block stays").isEqualTo(5);
        assertThat(c.routes()).containsExactly(URI.create("nats://127.0.0.1:7000"));

        assertThat(cluster("-c", file, "--routes", "").routes()).as("an empty --routes clears them").isEmpty();
        assertThat(cluster("-c", file, "--routes", "nats://127.0.0.1:7001").routes())
                .containsExactly(URI.create("nats://127.0.0.1:7001"));
        assertThat(cluster("-c", file, "--cluster", "")).as("an empty --cluster turns clustering off").isNull();
    }

    @Test
    void natsServersErrors() {
        assertThat(error("--routes", "nats://127.0.0.1:6222"))
                .isEqualTo("solicited routes require cluster capabilities, e.g. --cluster");
        assertThat(error("--cluster", "0.0.0.0:6222"))
                .isEqualTo("parse \"0.0.0.0:6222\": first path segment in URL cannot contain colon");
        assertThat(error("--cluster", "localhost:6222")).isEqualTo("missing port in address");
        assertThat(error("--cluster", "nats://u@127.0.0.1:6222")).isEqualTo("expected cluster password to be set");
        assertThat(error("--cluster", "nats://127.0.0.1")).isEqualTo("address 127.0.0.1: missing port in address");
        assertThat(error("--cluster", "nats://127.0.0.1:abc"))
                .isEqualTo("parse \"nats://127.0.0.1:abc\": invalid port \":abc\" after host");
        assertThat(error("--connect_retries", "x")).isEqualTo("invalid value \"x\" for flag -connect_retries: "
                + "parse error");
        assertThat(error("--no_advertise", "x")).isEqualTo("unrecognized command: \"x\"");
    }

    @Test
    void signalIsAnActionOfItsOwn() {
        ServerFlags.Result r = ServerFlags.parse("--signal", "ldm=/var/run/natsj.pid");
        assertThat(r.action()).isEqualTo(ServerFlags.Action.SIGNAL);
        assertThat(r.error()).isEqualTo("ldm=/var/run/natsj.pid");
        assertThat(ServerFlags.parse("-sl", "quit").action()).isEqualTo(ServerFlags.Action.SIGNAL);
    }
}
