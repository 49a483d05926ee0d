package io.natsj.server.config;

import io.natsj.server.ServerOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** nats-server config files mapped onto {@link ServerOptions}: every supported key, its aliases and its errors. */
@Timeout(10)
class ConfigLoaderTest {

    @TempDir
    Path dir;

    private static Path sample(String name) throws URISyntaxException {
        return Path.of(ConfigLoaderTest.class.getResource("/configs/" + name).toURI());
    }

    private ConfigLoader.Loaded load(String text) throws IOException {
        return load(text, Map.of());
    }

    private ConfigLoader.Loaded load(String text, Map<String, String> env) throws IOException {
        Path file = dir.resolve("test.conf");
        Files.writeString(file, text);
        return ConfigLoader.load(file, env::get);
    }

    private ServerOptions options(String text) throws IOException {
        return load(text).options().build();
    }

    @Test
    void simpleDevelopmentConfig() throws Exception {
        ServerOptions o = ConfigLoader.load(sample("simple.conf"), Map.<String, String>of()::get).options().build();
        assertThat(o.host()).isEqualTo("127.0.0.1");
        assertThat(o.port()).isEqualTo(4222);
        assertThat(o.httpPort()).isEqualTo(8222);
        assertThat(o.serverName()).isEqualTo("dev-box");
        assertThat(o.logtime()).isTrue();
        assertThat(o.configFile()).isEqualTo(sample("simple.conf"));
    }

    @Test
    void productionConfigWithLimitsAuthAndJetStream() throws Exception {
        ConfigLoader.Loaded loaded = ConfigLoader.load(sample("production.conf"), Map.<String, String>of()::get);
        ServerOptions o = loaded.options().build();
        assertThat(loaded.warnings()).isEmpty();
        assertThat(o.serverName()).isEqualTo("nats-prod-1");
        assertThat(o.host()).isEqualTo("0.0.0.0");
        assertThat(o.httpPort()).isEqualTo(8222);
        assertThat(o.maxConnections()).isEqualTo(10_000);
        assertThat(o.maxPayload()).isEqualTo(8 * 1024 * 1024);
        assertThat(o.maxPending()).isEqualTo(64L * 1024 * 1024);
        assertThat(o.maxControlLine()).isEqualTo(8 * 1024);
        assertThat(o.maxSubscriptions()).isEqualTo(1000);
        assertThat(o.writeDeadline()).isEqualTo(Duration.ofSeconds(5));
        assertThat(o.pingInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(o.pingMax()).isEqualTo(3);
        assertThat(o.pidFile()).isEqualTo(Path.of("/var/run/nats/nats.pid"));
        assertThat(o.logFile()).isEqualTo(Path.of("/var/log/nats/nats.log"));
        assertThat(o.user()).isEqualTo("operator");
        assertThat(o.password()).isEqualTo("op-secret");
        assertThat(o.authTimeout()).isEqualTo(Duration.ofSeconds(3));
        ServerOptions.JetStreamOptions js = o.jetStream();
        assertThat(js.enabled()).isTrue();
        assertThat(js.storeDir()).isEqualTo(Path.of("/var/lib/nats/jetstream"));
        assertThat(js.maxMemory()).isEqualTo(1L << 30);
        assertThat(js.maxStore()).isEqualTo(10L << 30);
        assertThat(js.syncInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(js.domain()).isEqualTo("hub");
    }

    @Test
    void jsonStyleConfig() throws Exception {
        ServerOptions o = ConfigLoader.load(sample("json-style.conf"), Map.<String, String>of()::get)
                .options().build();
        assertThat(o.port()).isEqualTo(4250);
        assertThat(o.httpPort()).isEqualTo(8250);
        assertThat(o.maxPayload()).isEqualTo(65536);
        assertThat(o.token()).isEqualTo("s3cr3t");
        assertThat(o.authTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(o.jetStream().enabled()).isTrue();
        assertThat(o.jetStream().storeDir()).isEqualTo(Path.of("/tmp/js-json"));
    }

    @Test
    void includedFilesAndEnvironmentVariables() throws Exception {
        ServerOptions o = ConfigLoader.load(sample("includes.conf"), Map.of("NATS_TOKEN", "from-env")::get)
                .options().build();
        assertThat(o.port()).isEqualTo(4260);
        assertThat(o.token()).isEqualTo("from-env");
        assertThat(o.jetStream().enabled()).isTrue();
        assertThat(o.jetStream().storeDir()).isEqualTo(Path.of("/tmp/included-js"));
    }

    @Test
    void keysAreCaseInsensitiveAndHaveAliases() throws IOException {
        ServerOptions o = options("""
                PORT: 5000
                Net: 10.1.2.3
                max_conn: 7
                max_subs: 9
                MonItor_Port: 9000
                pidfile: p.pid
                logfile: l.log
                """);
        assertThat(o.port()).isEqualTo(5000);
        assertThat(o.host()).isEqualTo("10.1.2.3");
        assertThat(o.maxConnections()).isEqualTo(7);
        assertThat(o.maxSubscriptions()).isEqualTo(9);
        assertThat(o.httpPort()).isEqualTo(9000);
        assertThat(o.pidFile()).isEqualTo(Path.of("p.pid"));
        assertThat(o.logFile()).isEqualTo(Path.of("l.log"));
    }

    @Test
    void listenTakesAPortOrHostAndPort() throws IOException {
        assertThat(options("listen: 4999").port()).isEqualTo(4999);
        ServerOptions o = options("listen: \"[::1]:4998\"\nhttp: 127.0.0.1:8998");
        assertThat(o.host()).isEqualTo("::1");
        assertThat(o.port()).isEqualTo(4998);
        assertThat(o.httpHost()).isEqualTo("127.0.0.1");
        assertThat(o.httpPort()).isEqualTo(8998);
    }

    @Test
    void sizeSuffixesFollowNatsServer() throws IOException {
        ServerOptions o = options("max_payload: 2K\nmax_pending: 3KB");
        assertThat(o.maxPayload()).isEqualTo(2000);
        assertThat(o.maxPending()).isEqualTo(3072);
    }

    @Test
    void durationsAsNumbersAreSecondsWithAWarning() throws IOException {
        ConfigLoader.Loaded loaded = load("ping_interval: 5\nwrite_deadline: \"250ms\"");
        assertThat(loaded.options().build().pingInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(loaded.options().build().writeDeadline()).isEqualTo(Duration.ofMillis(250));
        assertThat(loaded.warnings()).containsExactly(dir.resolve("test.conf")
                + ":1:1: invalid use of field \"ping_interval\": ping_interval should be converted to a duration");
    }

    @Test
    void jetStreamForms() throws IOException {
        assertThat(options("jetstream: true").jetStream().enabled()).isTrue();
        assertThat(options("jetstream: enabled").jetStream().enabled()).isTrue();
        assertThat(options("jetstream: disabled").jetStream().enabled()).isFalse();
        assertThat(options("jetstream: {enabled: false}").jetStream().enabled()).isFalse();
        assertThat(options("jetstream {}").jetStream().enabled()).isTrue();
        ServerOptions.JetStreamOptions js = options("jetstream { sync_interval: always, max_mem: 512M }")
                .jetStream();
        assertThat(js.syncAlways()).isTrue();
        assertThat(js.maxMemory()).isEqualTo(512_000_000L);
        assertThat(options("store_dir: /a\njetstream: on").jetStream().storeDir()).isEqualTo(Path.of("/a"));
        assertThat(options("jetstream { sync_always: true }").jetStream().syncAlways()).isTrue();
    }

    @Test
    void errorsAreCollectedWithFileLineAndColumn() {
        Path file = dir.resolve("test.conf");
        assertThatThrownBy(() -> load("""
                port: "abc"
                bogus_key: 1
                authorization {
                  user: a
                  token: b
                }
                server_name: "has space"
                """))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).errors()).containsExactly(
                        file + ":1:1: port: expected an integer, got string \"abc\"",
                        file + ":2:1: unknown field \"bogus_key\"",
                        file + ":3:1: Cannot have a user/pass and token",
                        file + ":7:1: server name can not contain spaces"));
    }

    @Test
    void serverTagsAreTrimmedLowerCasedAndKeptOnce() throws IOException {
        assertThat(options("server_tags: [\" AZ:1 \", ssd, \"SSD\", \"\"]").serverTags())
                .containsExactly("az:1", "ssd");
        assertThat(options("server_tags: \"Single\"").serverTags()).containsExactly("single");
        assertThat(options("port: 1").serverTags()).isEmpty();
        assertThatThrownBy(() -> load("server_tags: [a, 1]"))
                .hasMessageEndingWith(":1:18: error parsing tags: unsupported type integer where string is expected");
    }

    @Test
    void storeDirTwiceIsAnError() {
        assertThatThrownBy(() -> load("store_dir: /a\njetstream { store_dir: /b }"))
                .hasMessageEndingWith(":2:13: Duplicate 'store_dir' configuration");
    }

    @Test
    void featuresNotImplementedYetAreRefusedOrIgnoredVisibly() throws IOException {
        assertThatThrownBy(() -> load("ocsp: true"))
                .hasMessageEndingWith(":1:1: natsj does not support field \"ocsp\" yet");
        assertThatThrownBy(() -> load("authorization { auth_callout: {} }"))
                .hasMessageEndingWith(":1:17: natsj does not support field \"auth_callout\" yet");
        ConfigLoader.Loaded loaded = load("gateway { port: 7222 }\nport: 1");
        assertThat(loaded.warnings()).singleElement().asString()
                .endsWith(":1:1: natsj does not support field \"gateway\" yet; it is ignored");
    }

    @Test
    void keysOnlyUsedAsVariablesAreNotUnknown() throws IOException {
        assertThat(options("MY_PORT: 4555\nport: $MY_PORT").port()).isEqualTo(4555);
    }

    @Test
    void tooBigValuesAreRejected() {
        assertThatThrownBy(() -> load("max_payload: 4GB")).hasMessageEndingWith("max_payload value is too big");
    }
}
