package io.natsj.server.config;

import io.natsj.server.NatsServer;
import io.natsj.server.ServerOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The same config files given to nats-server (2.9.10 where installed) and to natsj: both accept or both reject
 * each file ({@code -t}), and a server started from a file reports the same limits in {@code /varz}. Skipped when
 * nats-server is not installed.
 */
@Timeout(60)
class ConfigDifferentialIT {

    private static final Path NATS_SERVER = Path.of("/usr/sbin/nats-server");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Files both servers must accept. */
    private static final List<String> VALID = List.of(
            "port: 4222",
            "listen: 127.0.0.1:4222\nhttp: 8222",
            "{ \"port\": 4222, \"max_payload\": 65536 }",
            "max_payload = 2MB; max_pending = 3KB, max_connections 1k",
            "A: 10\nping_max: $A",
            "authorization {\n  user: a\n  password: \"b\"\n  timeout: 1.5\n}",
            "jetstream {\n  store_dir: \"/tmp/x\"\n  max_mem: 1G\n  max_file: \"2G\"\n}",
            "jetstream: enabled",
            "write_deadline: \"2s\" // comment\n# another\nping_interval: \"1m\"",
            "pid_file: (\n/tmp/free text\n)\nport: 1",
            "server_tags: [\n  az:1\n  \"region:b\"\n]\nport: 5",
            "authorization {\n  default_permissions: { publish: \">\" }\n  users: [\n    { user: a, password: b, "
                    + "permissions: { publish: { allow: [\"a.>\"], deny: \"a.b\" }, subscribe: [\"c\", \"d q\"], "
                    + "allow_responses: { max: 2, expires: \"1m\" } } }\n    { user: e, password: f, "
                    + "allowed_connection_types: [standard] }\n    "
                    + "{ nkey: UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4 }\n  ]\n}",
            "accounts: [A, B]",
            "system_account: SYS\naccounts {\n  SYS: { users: [ { user: s, password: s } ] }\n  A: {\n"
                    + "    users: [ { user: a, password: a } ]\n    default_permissions: { subscribe: \"x.>\" }\n"
                    + "    jetstream: { max_mem: 1MB, max_file: 1GB, max_streams: 2, max_consumers: 3,"
                    + " max_ack_pending: 10, max_bytes_required: true }\n"
                    + "    exports: [ { stream: \"news.>\" }, { service: \"help.*\", accounts: [B],"
                    + " response_type: stream, response_threshold: \"5s\" } ]\n  }\n"
                    + "  B: {\n    jetstream: enabled\n    imports: [ { stream: { account: A, subject: \"news.>\" },"
                    + " prefix: a }, { service: { account: A, subject: \"help.*\" }, to: \"ask.*\" } ]\n  }\n}\n"
                    + "no_auth_user: a");

    /**
     * Files both servers must reject. (A server name with spaces and a key without a value are rejected by the
     * 2.11 parser natsj follows, accepted by 2.9.10: they are tested in the unit tests, not here. So is a
     * {@code no_auth_user} naming nobody, which nats-server refuses when it starts but not with {@code -t}.)
     */
    private static final List<String> INVALID = List.of(
            "port: 4222 x",
            "unknown_key: 1",
            "port: \"abc\"",
            "authorization { user: a, token: b }",
            "a: $MISSING_VAR_FOR_TEST",
            "a {",
            "max_payload: 4GB",
            "store_dir: /a\njetstream { store_dir: /b }",
            "authorization { user: a, password: b, users: [ { user: c, password: d } ] }",
            "authorization { token: t, users: [] }",
            "authorization { users: [ { user: a }, { user: a } ] }",
            "authorization { users: [ { nkey: UABC } ] }",
            "authorization { users: [ { password: x } ] }",
            "authorization { users: [ { user: a, permissions: { publish: \"a..b\" } } ] }",
            "authorization { users: [ { user: a, permissions: { subscribe: { permit: x } } } ] }",
            "authorization { users: [ { user: a, permissions: { allow_responses: { expires: 5 } } } ] }",
            "authorization { users: [ { user: a, allowed_connection_types: [ PIGEON ] } ] }",
            "accounts { $G: {} }",
            "accounts { A: 1 }",
            "accounts { A: {}, B: { imports: [ { stream: { account: A, subject: foo } } ] } }",
            "accounts { A: { exports: [ { service: foo, accounts: [C] } ] }, C: {},"
                    + " B: { imports: [ { service: { account: A, subject: foo } } ] } }",
            "accounts { B: { imports: [ { service: { account: Z, subject: foo } } ] } }",
            "accounts { A: { exports: [ { stream: \">\" } ] }, B: { imports: [ { stream: { account: A, subject: x },"
                    + " prefix: \"p.*\" } ] } }",
            "accounts { A: { exports: [ { stream: foo, response_type: single } ] } }",
            "accounts { A: { jetstream: maybe } }",
            "accounts { A: { users: [ { user: a } ] }, B: { users: [ { user: a } ] } }",
            "authorization { user: x, password: y }\naccounts { A: { users: [ { user: a } ] } }");

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    private static boolean natsServerAccepts(Path file) throws Exception {
        Process p = new ProcessBuilder(NATS_SERVER.toString(), "-t", "-c", file.toString())
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return p.exitValue() == 0;
    }

    private static boolean natsjAccepts(Path file) {
        try {
            ConfigLoader.load(file, Map.<String, String>of()::get);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Test
    void bothAcceptAndRejectTheSameFiles() throws Exception {
        assumeTrue(Files.isExecutable(NATS_SERVER), "nats-server is not installed");
        List<String> disagreements = new ArrayList<>();
        for (int i = 0; i < VALID.size() + INVALID.size(); i++) {
            boolean valid = i < VALID.size();
            String text = valid ? VALID.get(i) : INVALID.get(i - VALID.size());
            Path file = write("case" + i + ".conf", text);
            boolean ns = natsServerAccepts(file);
            boolean nj = natsjAccepts(file);
            if (ns != valid || nj != valid) {
                disagreements.add("expected " + (valid ? "valid" : "invalid") + ", nats-server=" + ns + " natsj="
                        + nj + ": " + text.replace("\n", "\\n"));
            }
        }
        assertThat(disagreements).isEmpty();
    }

    @Test
    void serversStartedFromTheSameFileReportTheSameLimits() throws Exception {
        assumeTrue(Files.isExecutable(NATS_SERVER), "nats-server is not installed");
        String limits = """
                max_payload: 512KB
                max_pending: 2MB
                max_connections: 1K
                max_control_line: 2KB
                max_subscriptions: 77
                write_deadline: "3s"
                ping_interval: "45s"
                ping_max: 4
                authorization { user: u, password: p, timeout: 2.5 }
                """;
        int nsPort = freePort(14800);
        int nsHttp = freePort(nsPort);
        Path nsConf = write("ns.conf", limits + "listen: 127.0.0.1:" + nsPort + "\nhttp: 127.0.0.1:" + nsHttp);
        Path njConf = write("nj.conf", limits + "listen: 127.0.0.1:0\nhttp: 127.0.0.1:-1");
        Process ns = new ProcessBuilder(NATS_SERVER.toString(), "-c", nsConf.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("ns.log").toFile()).start();
        ServerOptions options = ConfigLoader.load(njConf, Map.<String, String>of()::get).options()
                .noLog(true).build();
        try (NatsServer nj = new NatsServer(options)) {
            nj.start();
            JsonNode a = varz(nsHttp);
            JsonNode b = varz(nj.httpPort());
            for (String key : List.of("max_payload", "max_pending", "max_connections", "max_control_line",
                    "max_subscriptions", "write_deadline", "ping_interval", "ping_max", "auth_timeout")) {
                assertThat(b.get(key)).as(key).isEqualTo(a.get(key));
            }
        } finally {
            ns.destroy();
            ns.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static JsonNode varz(int port) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/varz"))
                .timeout(Duration.ofSeconds(5)).build();
        String[] body = new String[1];
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> {
            HttpResponse<String> r = http.send(get, HttpResponse.BodyHandlers.ofString());
            body[0] = r.body();
            return r.statusCode() == 200;
        });
        return JSON.readTree(body[0]);
    }

    /** A free loopback port from {@code from} on. */
    private static int freePort(int from) {
        for (int port = from + 1; port < from + 100; port++) {
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException e) {
                // taken: try the next
            }
        }
        throw new IllegalStateException("no free port after " + from);
    }
}
