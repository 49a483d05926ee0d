package io.natsj.server.config;

import io.natsj.server.ClusterOptions;
import io.natsj.server.ServerOptions;
import io.natsj.server.auth.Permissions.SubjectPermission;
import io.natsj.server.tls.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * nats-server's {@code cluster {}} block and the top-level lame duck keys in config files: every key with its
 * aliases and value forms, and nats-server's errors (positions as natsj prints them).
 */
@Timeout(30)
class ClusterConfigTest {

    @TempDir
    static Path dir;

    private static ConfigLoader.Loaded load(String text) throws IOException {
        Path file = dir.resolve("cluster.conf");
        Files.writeString(file, text);
        return ConfigLoader.load(file, Map.<String, String>of()::get);
    }

    private static ClusterOptions cluster(String text) throws IOException {
        return load(text).options().build().cluster();
    }

    /** The errors of {@code text}, each without its file name. */
    private static List<String> errors(String text) {
        try {
            load(text);
        } catch (ConfigException e) {
            String prefix = dir.resolve("cluster.conf").toString();
            return e.errors().stream().map(s -> s.startsWith(prefix) ? s.substring(prefix.length()) : s).toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("accepted: " + text);
    }

    @Test
    void everyKeyOfAFullBlock() throws IOException {
        ClusterOptions c = cluster("""
                cluster {
                  name: east
                  listen: "127.0.0.1:6222"
                  routes: [ "nats-route://u:p@127.0.0.1:6223", " nats://10.0.0.2:6222 " ]
                  advertise: "east-1:6222"
                  no_advertise: true
                  connect_retries: 5
                  authorization { user: ruser, password: rpass, timeout: 1.5 }
                  pool_size: 5
                  accounts: [ A, B ]
                  compression: s2_best
                  permissions { import: ">", export: { allow: "a.>", deny: "a.secret" } }
                }
                """);
        assertThat(c.name()).isEqualTo("east");
        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.port()).isEqualTo(6222);
        assertThat(c.routes()).containsExactly(URI.create("nats-route://u:p@127.0.0.1:6223"),
                URI.create("nats://10.0.0.2:6222"));
        assertThat(c.advertise()).isEqualTo("east-1:6222");
        assertThat(c.noAdvertise()).isTrue();
        assertThat(c.connectRetries()).isEqualTo(5);
        assertThat(c.user()).isEqualTo("ruser");
        assertThat(c.password()).isEqualTo("rpass");
        assertThat(c.authTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(c.poolSize()).isEqualTo(5);
        assertThat(c.pinnedAccounts()).containsExactly("A", "B");
        assertThat(c.compression()).isEqualTo("s2_best");
        assertThat(c.permissions().publish()).as("import").isEqualTo(new SubjectPermission(List.of(">"), null));
        assertThat(c.permissions().subscribe()).as("export")
                .isEqualTo(new SubjectPermission(List.of("a.>"), List.of("a.secret")));
        assertThat(c.tls()).isNull();
    }

    @Test
    void defaultsAreNatsServers() throws IOException {
        ClusterOptions c = cluster("cluster { port: 6222 }");
        assertThat(c.host()).isEqualTo("0.0.0.0");
        assertThat(c.name()).isEmpty();
        assertThat(c.routes()).isEmpty();
        assertThat(c.poolSize()).isEqualTo(ClusterOptions.DEFAULT_POOL_SIZE);
        assertThat(c.compression()).isEqualTo("off");
        assertThat(c.authTimeout()).isEqualTo(ClusterOptions.DEFAULT_AUTH_TIMEOUT);
        assertThat(c.connectRetries()).isZero();
        assertThat(c.user()).isNull();
        assertThat(c.permissions()).isNull();
        assertThat(cluster("cluster { port: 6222, pool_size: 0 }").poolSize()).isEqualTo(3);
        assertThat(cluster("cluster { port: 6222, pool_size: -1 }").poolSize()).isEqualTo(-1);
    }

    @Test
    void listenHostAndPortForms() throws IOException {
        assertThat(cluster("cluster { listen: 7222 }").port()).isEqualTo(7222);
        assertThat(cluster("cluster { listen: 7222 }").host()).isEqualTo("0.0.0.0");
        ClusterOptions c = cluster("cluster { host: 10.1.2.3, port: 7333 }");
        assertThat(c.host()).isEqualTo("10.1.2.3");
        assertThat(c.port()).isEqualTo(7333);
        assertThat(cluster("cluster { net: \"::1\", port: 1 }").host()).isEqualTo("::1");
        assertThat(cluster("cluster { listen: \"[::1]:7444\" }").host()).isEqualTo("::1");
        assertThat(cluster("cluster { listen: \"127.0.0.1:-1\" }").port()).isEqualTo(ServerOptions.RANDOM_PORT);
        assertThat(cluster("CLUSTER { PORT: 1, Cluster_Advertise: \"x:1\" }").advertise()).isEqualTo("x:1");
    }

    @Test
    void withoutAPortThereIsNoClusterAsInNatsServer() throws IOException {
        assertThat(cluster("cluster { name: c, routes: [ \"nats://127.0.0.1:6222\" ] }")).isNull();
        assertThat(cluster("cluster { port: 0 }")).isNull();
        assertThat(cluster("port: 4222")).isNull();
    }

    @Test
    void compressionFormsAreNormalisedAsNatsServerDoes() throws IOException {
        assertThat(cluster("cluster { port: 1, compression: true }").compression()).isEqualTo("s2_fast");
        assertThat(cluster("cluster { port: 1, compression: false }").compression()).isEqualTo("off");
        assertThat(cluster("cluster { port: 1, compression: \"on\" }").compression()).isEqualTo("s2_fast");
        assertThat(cluster("cluster { port: 1, compression: accept }").compression()).isEqualTo("accept");
        assertThat(cluster("cluster { port: 1, compression: better }").compression()).isEqualTo("s2_better");
        assertThat(cluster("cluster { port: 1, compression: { mode: s2_auto, rtt_thresholds: [\"10ms\", \"50ms\"] } }")
                .compression()).isEqualTo("s2_auto");
        assertThat(cluster("cluster { port: 1, compression: { mode: disabled } }").compression()).isEqualTo("off");
    }

    @Test
    void routeTlsReusesTheTlsBlock() throws IOException {
        TestPki pki = TestPki.shared();
        ClusterOptions c = cluster("cluster { port: 1, tls { cert_file: \"" + pki.serverCert() + "\", key_file: \""
                + pki.serverKey() + "\", ca_file: \"" + pki.caFile() + "\", verify: true, timeout: 3 } }");
        assertThat(c.tls().verifyClients()).isTrue();
        assertThat(c.tls().timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.authTimeout()).as("nats-server's default with TLS: its timeout + 1 s")
                .isEqualTo(Duration.ofSeconds(4));
        assertThat(cluster("cluster { port: 1, authorization { timeout: 5 }, tls { cert_file: \"" + pki.serverCert()
                + "\", key_file: \"" + pki.serverKey() + "\" } }").authTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(errors("cluster { port: 1, tls { cert_file: 5 } }"))
                .containsExactly(":1:26: error parsing tls config, expected 'cert_file' to be filename");
    }

    @Test
    void permissionsInTheAuthorizationBlockAreDeprecatedAndYieldToTheBlocksOwn() throws IOException {
        ConfigLoader.Loaded loaded = load("cluster { port: 1, authorization { permissions { import: \"a\" } } }");
        assertThat(loaded.options().build().cluster().permissions().publish().allow()).containsExactly("a");
        assertThat(loaded.warnings()).singleElement().asString().endsWith(":1:20: invalid use of field "
                + "\"authorization\": setting \"permissions\" within cluster authorization block is deprecated");
        ClusterOptions both = cluster("cluster { port: 1, permissions { import: \"b\" },"
                + " authorization { permissions { import: \"a\" } } }");
        assertThat(both.permissions().publish().allow()).containsExactly("b");
    }

    @Test
    void aRepeatedRouteIsDroppedWithAWarning() throws IOException {
        ConfigLoader.Loaded loaded = load("cluster { port: 1, routes: [ \"nats://a:1\", \"nats://a:1\" ] }");
        assertThat(loaded.options().build().cluster().routes()).containsExactly(URI.create("nats://a:1"));
        assertThat(loaded.warnings()).singleElement().asString()
                .endsWith(":1:44: invalid use of field \"nats://a:1\": Duplicate route entry detected");
    }

    @Test
    void natsServersErrors() {
        assertThat(errors("cluster: 5")).containsExactly(":1:1: Expected map to define cluster, got int64");
        assertThat(errors("cluster { port: 1, name: \"a b\" }"))
                .containsExactly(":1:20: cluster name cannot contain spaces");
        assertThat(errors("cluster { listen: \"abc\" }"))
                .containsExactly(":1:11: could not parse address string \"abc\"");
        assertThat(errors("cluster { listen: \"1.2.3.4:x\" }")).containsExactly(":1:11: could not parse port \"x\"");
        assertThat(errors("cluster { port: 1, authorization { user: a, password: b, users: [ {user: c} ] } }"))
                .containsExactly(":1:20: Cluster authorization does not allow multiple users");
        assertThat(errors("cluster { port: 1, authorization { token: t } }"))
                .containsExactly(":1:20: Cluster authorization does not support tokens");
        assertThat(errors("cluster { port: 1, authorization { auth_callout { issuer: x } } }"))
                .containsExactly(":1:20: Cluster authorization does not support callouts");
        assertThat(errors("cluster { port: 1, routes: [ \"nats://a b:1\" ] }"))
                .containsExactly(":1:30: error parsing route url [\"nats://a b:1\"]");
        assertThat(errors("cluster { port: 1, permissions { allow_responses: true } }"))
                .containsExactly(":1:20: Cluster permissions do not support dynamic responses");
        assertThat(errors("cluster { port: 1, permissions { import: \"a..b\" } }"))
                .containsExactly(":1:34: subject \"a..b\" is not a valid subject");
        assertThat(errors("cluster { port: 1, permissions { export: { deny: \"a q\" } } }"))
                .containsExactly(":1:20: cluster export deny: subject \"a q\" is not a valid subject");
        assertThat(errors("cluster { port: 1, compression: 5 }"))
                .containsExactly(":1:20: field \"compression\" should be a boolean or a structure, got int64");
        assertThat(errors("cluster { port: 1, compression: turbo }"))
                .containsExactly(":1:20: unsupported compression mode \"turbo\"");
        assertThat(errors("cluster { port: 1, compression: { mode: s2_auto, rtt: [ \"x\" ] } }"))
                .containsExactly(":1:50: time: invalid duration \"x\"");
        assertThat(errors("cluster { port: 1, accounts: [ A, 5 ] }"))
                .containsExactly(":1:35: error parsing accounts: unsupported type in array int64");
        assertThat(errors("cluster { port: 1, accounts: true }"))
                .containsExactly(":1:20: error parsing accounts: unsupported type bool");
        assertThat(errors("cluster { port: 1, accounts: [ A, B, A ] }"))
                .containsExactly(":1:1: found duplicate account name \"A\" in pinned accounts list [\"A\" \"B\" \"A\"]");
        assertThat(errors("cluster { port: 1, pool_size: -1, accounts: [ A ] }"))
                .containsExactly(":1:1: pool_size cannot be negative if pinned accounts are specified");
        assertThat(errors("cluster { port: 1, bogus: 1 }")).containsExactly(":1:20: unknown field \"bogus\"");
    }

    @Test
    void wrongTypesAreErrorsAtTheirKey() {
        assertThat(errors("cluster { name: 5 }")).containsExactly(":1:11: name: expected a string, got integer 5");
        assertThat(errors("cluster { port: \"x\" }"))
                .containsExactly(":1:11: port: expected an integer, got string \"x\"");
        assertThat(errors("cluster { port: 1, no_advertise: \"x\" }"))
                .containsExactly(":1:20: no_advertise: expected a boolean, got string x");
        assertThat(errors("cluster { port: 1, routes: \"nats://a:1\" }"))
                .containsExactly(":1:20: routes: expected an array of route URLs, got string");
        assertThat(errors("cluster { port: 1, routes: [ 5 ] }"))
                .containsExactly(":1:30: route: expected a string, got integer 5");
    }

    @Test
    void keysNatsjDoesNotUseYetAreAcceptedWithAWarning() throws IOException {
        ConfigLoader.Loaded loaded = load("cluster { port: 1, ping_interval: \"1m\", connect_backoff: true }");
        assertThat(loaded.warnings()).hasSize(2).allSatisfy(w -> assertThat(w)
                .contains("natsj does not support field").contains("in the cluster block yet; it is ignored"));
    }

    @Test
    void lameDuckDurationAndGracePeriod() throws IOException {
        ServerOptions o = load("lame_duck_duration: \"45s\"\nlame_duck_grace_period: \"2s\"").options().build();
        assertThat(o.lameDuckDuration()).isEqualTo(Duration.ofSeconds(45));
        assertThat(o.lameDuckGracePeriod()).isEqualTo(Duration.ofSeconds(2));
        ServerOptions defaults = load("port: 1").options().build();
        assertThat(defaults.lameDuckDuration()).isEqualTo(Duration.ofMinutes(2));
        assertThat(defaults.lameDuckGracePeriod()).isEqualTo(Duration.ofSeconds(10));
        assertThat(load("lame_duck_grace_period: \"0s\"").options().build().lameDuckGracePeriod()).isZero();
    }

    @Test
    void lameDuckErrorsAreNatsServers() {
        assertThat(errors("lame_duck_duration: \"10s\""))
                .containsExactly(":1:1: invalid lame_duck_duration of 10s, minimum is 30 seconds");
        assertThat(errors("lame_duck_duration: \"x\""))
                .containsExactly(":1:1: error parsing lame_duck_duration: time: invalid duration \"x\"");
        assertThat(errors("lame_duck_grace_period: \"-1s\""))
                .containsExactly(":1:1: invalid lame_duck_grace_period, needs to be positive");
        assertThat(errors("lame_duck_grace_period: \"y\""))
                .containsExactly(":1:1: error parsing lame_duck_grace_period: time: invalid duration \"y\"");
        assertThat(errors("lame_duck_duration: 60"))
                .containsExactly(":1:1: lame_duck_duration: expected a string, got integer 60");
    }
}
