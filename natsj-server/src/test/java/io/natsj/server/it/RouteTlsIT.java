package io.natsj.server.it;

import io.natsj.server.ClusterOptions;
import io.natsj.server.NatsServer;
import io.natsj.server.ServerOptions;
import io.natsj.server.TlsOptions;
import io.natsj.server.cluster.RouteConnection;
import io.natsj.server.tls.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** TLS on routes: the handshake before any protocol, between natsj servers and with nats-server 2.9.10. */
@Timeout(60)
class RouteTlsIT {

    static final TestPki pki = TestPki.shared();
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
    }

    private static TlsOptions tls() {
        return TlsOptions.files(pki.routeCert(), pki.routeKey()).withCaFile(pki.caFile());
    }

    private NatsServer natsj(String name, int... routePorts) throws IOException {
        List<URI> routes = new ArrayList<>();
        for (int p : routePorts) {
            routes.add(URI.create("nats-route://127.0.0.1:" + p));
        }
        NatsServer s = NatsServer.start(ServerOptions.builder().host("127.0.0.1").port(0).serverName(name)
                .cluster(ClusterOptions.listen("127.0.0.1", ServerOptions.RANDOM_PORT).withName("c1")
                        .withRoutes(routes).withTls(tls())).build());
        closing.add(s);
        return s;
    }

    @Test
    void natsjServersRouteOverTls() throws IOException {
        NatsServer a = natsj("A");
        NatsServer b = natsj("B", a.clusterPort());
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(a.routes()).extracting(RouteConnection::remoteServerName).containsExactly("B");
            assertThat(b.routes()).extracting(RouteConnection::remoteServerName).containsExactly("A");
        });
    }

    @Test
    void aPeerWithoutACertificateIsRefused() throws Exception {
        NatsServer a = natsj("A");
        javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) pki.clientContext().getSocketFactory()
                .createSocket("127.0.0.1", a.clusterPort());
        try (s) {
            s.setSoTimeout(5000);
            // TLS 1.3: the refusal of a missing client certificate shows on the first read
            s.startHandshake();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.getInputStream().read())
                    .isInstanceOf(IOException.class);
        }
        assertThat(a.routes()).isEmpty();
    }

    @Test
    void aPlainTextPeerGetsNoInfoAndIsClosed() throws IOException {
        NatsServer a = natsj("A");
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", a.clusterPort())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("CONNECT {}\r\n".getBytes());
            // the server waits for a TLS ClientHello: no INFO in plain text, and the garbage ends the connection
            assertThat(s.getInputStream().readAllBytes()).asString().doesNotContain("INFO");
        }
        assertThat(a.routes()).isEmpty();
    }

    @Test
    void natsServerAndNatsjRouteOverTlsBothWays() throws Exception {
        int cp = RouteIT.freePort();
        int hp = RouteIT.freePort();
        String tlsBlock = "  tls {\n    cert_file: \"" + pki.routeCert() + "\"\n    key_file: \"" + pki.routeKey()
                + "\"\n    ca_file: \"" + pki.caFile() + "\"\n  }\n";
        NatsServer j = natsj("J");
        String conf = "server_name: NS\nhttp: \"127.0.0.1:" + hp + "\"\ncluster {\n  name: c1\n  listen: \"127.0.0.1:"
                + cp + "\"\n  routes: [\"nats-route://127.0.0.1:" + j.clusterPort() + "\"]\n" + tlsBlock + "}\n";
        closing.add(NatsServerProcess.withConfig(conf));
        NatsServer k = natsj("K", cp);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(j.routes()).extracting(RouteConnection::remoteServerName).contains("NS");
            assertThat(k.routes()).extracting(RouteConnection::remoteServerName).contains("NS");
            try (HttpClient http = HttpClient.newHttpClient()) {
                String routez = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hp + "/routez"))
                        .build(), HttpResponse.BodyHandlers.ofString()).body();
                assertThat(routez).contains("\"remote_id\": \"" + j.serverId() + "\"",
                        "\"remote_id\": \"" + k.serverId() + "\"");
            }
        });
    }
}
