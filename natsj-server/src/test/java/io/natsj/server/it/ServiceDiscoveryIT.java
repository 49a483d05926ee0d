package io.natsj.server.it;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.service.Discovery;
import io.nats.service.Endpoint;
import io.nats.service.InfoResponse;
import io.nats.service.PingResponse;
import io.nats.service.Service;
import io.nats.service.ServiceBuilder;
import io.nats.service.ServiceEndpoint;
import io.nats.service.StatsResponse;
import io.natsj.server.NatsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * nats.java's service framework ({@code io.nats.service}) with two instances on two connections: requests to an
 * endpoint shared through its queue group reach one instance each, and discovery ({@code $SRV.PING},
 * {@code $SRV.INFO}, {@code $SRV.STATS}), one request collecting several answers on one inbox within a time limit,
 * hears from both instances, as from nats-server.
 */
@Timeout(60)
class ServiceDiscoveryIT {

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private Connection connect(String url) throws Exception {
        Connection c = Nats.connect(Options.builder().server(url).noReconnect().build());
        closeables.add(c);
        return c;
    }

    private Service startService(Connection nc, String name) {
        ServiceEndpoint echo = ServiceEndpoint.builder()
                .endpoint(Endpoint.builder().name("Echo").subject("echo").queueGroup("q").build())
                .handler(msg -> msg.respond(nc, msg.getData()))
                .build();
        Service service = new ServiceBuilder().name(name).version("1.0.0").connection(nc).addServiceEndpoint(echo)
                .build();
        service.startService();
        closeables.add(service::stop);
        return service;
    }

    /** Two services, ten echo requests, then every kind of discovery; what the client saw. */
    private List<String> scenario(String url) throws Exception {
        Connection nc1 = connect(url);
        Connection nc2 = connect(url);
        Connection client = connect(url);
        Service s1 = startService(nc1, "Service1");
        Service s2 = startService(nc2, "Service2");
        nc1.flush(Duration.ofSeconds(2));
        nc2.flush(Duration.ofSeconds(2));
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String data = "r" + i;
            seen.add("echo " + new String(client.request("echo", data.getBytes(StandardCharsets.UTF_8),
                    Duration.ofSeconds(2)).getData(), StandardCharsets.UTF_8).equals(data));
        }
        String id1 = s1.getId();
        String id2 = s2.getId();
        Discovery discovery = new Discovery(client, 500, 5);
        seen.add("ping " + ids(discovery.ping().stream().map(PingResponse::getId).toList(), id1, id2));
        seen.add("ping Service1 " + ids(discovery.ping("Service1").stream().map(PingResponse::getId).toList(), id1,
                id2));
        seen.add("ping Service1 by id " + ids(List.of(discovery.ping("Service1", id1).getId()), id1, id2));
        seen.add("info " + ids(discovery.info().stream().map(InfoResponse::getId).toList(), id1, id2));
        seen.add("stats " + ids(discovery.stats().stream().map(StatsResponse::getId).toList(), id1, id2));
        long requests = s1.getStatsResponse().getEndpointStatsList().get(0).getNumRequests()
                + s2.getStatsResponse().getEndpointStatsList().get(0).getNumRequests();
        seen.add("echo requests served " + requests);
        return seen;
    }

    private static String ids(List<String> ids, String id1, String id2) {
        TreeSet<String> named = new TreeSet<>();
        for (String id : ids) {
            named.add(id.equals(id1) ? "s1" : id.equals(id2) ? "s2" : "?");
        }
        return ids.size() + " " + named;
    }

    static final List<String> EXPECTED = List.of("echo true", "echo true", "echo true", "echo true", "echo true",
            "echo true", "echo true", "echo true", "echo true", "echo true", "ping 2 [s1, s2]",
            "ping Service1 1 [s1]", "ping Service1 by id 1 [s1]", "info 2 [s1, s2]", "stats 2 [s1, s2]",
            "echo requests served 10");

    @Test
    void discoveryHearsFromBothInstances() throws Exception {
        NatsServer server = NatsServer.start(ServerFixture.options().build());
        closeables.add(server);
        assertThat(scenario(server.clientUrl())).containsExactlyElementsOf(EXPECTED);
    }

    @Test
    void discoveryHearsFromBothInstancesOnNatsServer() throws Exception {
        NatsServerProcess ns = NatsServerProcess.start();
        closeables.add(ns);
        assertThat(scenario("nats://127.0.0.1:" + ns.port())).containsExactlyElementsOf(EXPECTED);
    }
}
