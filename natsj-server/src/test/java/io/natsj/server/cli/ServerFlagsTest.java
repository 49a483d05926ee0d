package io.natsj.server.cli;

import io.natsj.server.ServerOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(10)
class ServerFlagsTest {

    private static ServerOptions run(String... args) {
        ServerFlags.Result r = ServerFlags.parse(args);
        assertThat(r.action()).as(String.valueOf(r.error())).isEqualTo(ServerFlags.Action.RUN);
        return r.options();
    }

    @Test
    void defaultsAreNatsServers() {
        ServerOptions o = run();
        assertThat(o.host()).isEqualTo("0.0.0.0");
        assertThat(o.port()).isEqualTo(4222);
        assertThat(o.httpPort()).isZero();
        assertThat(o.jetStream().enabled()).isFalse();
    }

    @Test
    void shortLongAndSingleDashLongFormsAllWork() {
        ServerOptions o = run("-a", "127.0.0.1", "--port", "5222", "-m", "8333", "-n", "east", "-P", "/tmp/x.pid");
        assertThat(o.host()).isEqualTo("127.0.0.1");
        assertThat(o.port()).isEqualTo(5222);
        assertThat(o.httpPort()).isEqualTo(8333);
        assertThat(o.serverName()).isEqualTo("east");
        assertThat(o.pidFile()).isEqualTo(Path.of("/tmp/x.pid"));
        assertThat(run("-port", "6222", "-addr", "::1").port()).isEqualTo(6222);
        assertThat(run("--server_name", "west").serverName()).isEqualTo("west");
    }

    @Test
    void randomPortIsMinusOne() {
        assertThat(run("-p", "-1").port()).isEqualTo(ServerOptions.RANDOM_PORT);
    }

    @Test
    void jetStreamFlagsSetTheJetStreamOptions() {
        ServerOptions o = run("-js", "-sd", "/tmp/js");
        assertThat(o.jetStream().enabled()).isTrue();
        assertThat(o.jetStream().storeDir()).isEqualTo(Path.of("/tmp/js"));
        assertThat(run("--jetstream").jetStream().enabled()).isTrue();
    }

    @Test
    void loggingFlagsIncludingCombinedOnes() {
        assertThat(run("-D").debug()).isTrue();
        assertThat(run("-V").trace()).isTrue();
        ServerOptions dv = run("-DV");
        assertThat(dv.debug()).isTrue();
        assertThat(dv.trace()).isTrue();
        assertThat(run("-T=false").logtime()).isFalse();
        assertThat(run("-l", "/tmp/natsj.log").logFile()).isEqualTo(Path.of("/tmp/natsj.log"));
    }

    @Test
    void authFlags() {
        ServerOptions o = run("--user", "derek", "--pass", "s3cr3t");
        assertThat(o.user()).isEqualTo("derek");
        assertThat(o.password()).isEqualTo("s3cr3t");
        assertThat(o.authRequired()).isTrue();
        assertThat(run("--auth", "tok").token()).isEqualTo("tok");
    }

    @Test
    void pingIntervalTakesGoDurations() {
        assertThat(run("--ping_interval", "1m30s").pingInterval()).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void helpVersionAndUnknownFlags() {
        assertThat(ServerFlags.parse("-h").action()).isEqualTo(ServerFlags.Action.HELP);
        assertThat(ServerFlags.parse("--version").action()).isEqualTo(ServerFlags.Action.VERSION);
        ServerFlags.Result bad = ServerFlags.parse("--nope");
        assertThat(bad.action()).isEqualTo(ServerFlags.Action.ERROR);
        assertThat(bad.error()).as("nats-server's words").isEqualTo("flag provided but not defined: -nope");
    }

    @Test
    void flagsParseLikeGosFlagPackage() {
        assertThat(run("--addr=127.0.0.1", "-p=5333", "--js=true", "-T=0").port()).isEqualTo(5333);
        assertThat(run("-js=f").jetStream().enabled()).isFalse();
        assertThat(run("-p", "0x10").port()).as("Go's integer syntax").isEqualTo(16);
        assertThat(run("-p", "5444", "--").port()).isEqualTo(5444);
        assertThat(error("-nope")).isEqualTo("flag provided but not defined: -nope");
        assertThat(error("-p")).isEqualTo("flag needs an argument: -p");
        assertThat(error("-p", "x")).isEqualTo("invalid value \"x\" for flag -p: parse error");
        assertThat(error("-js=maybe")).isEqualTo("invalid boolean value \"maybe\" for -js: parse error");
        assertThat(error("-p", "5444", "foo")).isEqualTo("unrecognized command: \"foo\"");
        assertThat(error("---p", "1")).isEqualTo("bad flag syntax: ---p");
    }

    private static String error(String... args) {
        ServerFlags.Result r = ServerFlags.parse(args);
        assertThat(r.action()).isEqualTo(ServerFlags.Action.ERROR);
        return r.error();
    }

    @Test
    void mainPrintsTheVersionAndFailsOnBadFlags() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertThat(Main.run(new String[]{"-v"}, o, e)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("natsj-server: v").contains("nats-server API v2.11.0");
        assertThat(Main.run(new String[]{"--nope"}, o, e)).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Usage: natsj-server");
    }

    @Test
    void flagsOverrideTheConfigFile(@TempDir Path dir) throws IOException {
        Path conf = dir.resolve("s.conf");
        Files.writeString(conf, "port: 4111\nserver_name: from-file\nmax_payload: 2KB\njetstream: enabled\n");
        ServerOptions o = run("-c", conf.toString(), "-p", "4555", "-sd", "/tmp/sd");
        assertThat(o.port()).isEqualTo(4555);
        assertThat(o.serverName()).isEqualTo("from-file");
        assertThat(o.maxPayload()).isEqualTo(2048);
        assertThat(o.jetStream().enabled()).isTrue();
        assertThat(o.jetStream().storeDir()).isEqualTo(Path.of("/tmp/sd"));
        assertThat(o.configFile()).isEqualTo(conf);
    }

    @Test
    void testConfigReportsValidFilesAndErrorsWithTheirPosition(@TempDir Path dir) throws IOException {
        Path good = dir.resolve("good.conf");
        Files.writeString(good, "port: 4111\nping_interval: 60\n");
        Path bad = dir.resolve("bad.conf");
        Files.writeString(bad, "port: 4111\n  nonsense_key: 1\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertThat(Main.run(new String[]{"-t", "-c", good.toString()}, o, e)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .isEqualTo("natsj-server: configuration file " + good + " is valid\n");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("natsj-server: " + good
                + ":2:1: invalid use of field \"ping_interval\": ping_interval should be converted to a duration\n");
        err.reset();
        assertThat(Main.run(new String[]{"-t", "-c", bad.toString()}, o, e)).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .isEqualTo("natsj-server: " + bad + ":2:3: unknown field \"nonsense_key\"\n");
        err.reset();
        assertThat(Main.run(new String[]{"-c", dir.resolve("missing.conf").toString()}, o, e)).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("missing.conf: no such file or directory");
    }
}
