package io.natsj.server.it;

import io.natsj.server.ClusterOptions;
import io.natsj.server.NatsServer;
import io.natsj.server.ServerOptions;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A cluster of JetStream servers in this JVM, as a full mesh (each lists every other in {@code routes}) on fixed
 * loopback route ports, so a server can be stopped and started again with its store directory. Close it to stop
 * every server.
 */
public final class JsClusterFixture implements AutoCloseable {

    private final Path dir;
    private final String clusterName;
    private final Map<String, Integer> routePorts = new LinkedHashMap<>();
    private final Map<String, NatsServer> servers = new LinkedHashMap<>();

    /** Picks a route port for each of {@code names}; nothing starts yet. */
    public JsClusterFixture(Path dir, String clusterName, List<String> names) throws IOException {
        this.dir = dir;
        this.clusterName = clusterName;
        for (String n : names) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                routePorts.put(n, s.getLocalPort());
            }
        }
    }

    /** Starts server {@code name} (its store under the fixture's directory). */
    public NatsServer start(String name) throws IOException {
        return start(name, UnaryOperator.identity());
    }

    /** Starts server {@code name}, with {@code extra} applied to its options. */
    public NatsServer start(String name, UnaryOperator<ServerOptions.Builder> extra) throws IOException {
        return start(name, List.copyOf(routePorts.keySet()), extra);
    }

    /** Starts server {@code name} with routes to the servers {@code routeTo} names only (itself left out). */
    public NatsServer start(String name, List<String> routeTo, UnaryOperator<ServerOptions.Builder> extra)
            throws IOException {
        List<URI> routes = new ArrayList<>();
        routePorts.forEach((n, p) -> {
            if (!n.equals(name) && routeTo.contains(n)) {
                routes.add(URI.create("nats-route://127.0.0.1:" + p));
            }
        });
        ServerOptions.Builder b = ServerOptions.builder().host("127.0.0.1").port(0).serverName(name)
                .cluster(ClusterOptions.listen("127.0.0.1", routePorts.get(name)).withName(clusterName)
                        .withRoutes(routes))
                .jetStream(ServerOptions.JetStreamOptions.DISABLED.withEnabled(true).withStoreDir(dir.resolve(name)));
        NatsServer s = NatsServer.start(extra.apply(b).build());
        servers.put(name, s);
        return s;
    }

    /** Stops server {@code name}. */
    public void stop(String name) {
        NatsServer s = servers.remove(name);
        if (s != null) {
            s.close();
        }
    }

    /** The running servers by name. */
    public Map<String, NatsServer> servers() {
        return servers;
    }

    public NatsServer server(String name) {
        return servers.get(name);
    }

    /** Where server {@code name} keeps its files. */
    public Path storeDir(String name) {
        return dir.resolve(name);
    }

    @Override
    public void close() {
        servers.values().forEach(NatsServer::close);
        servers.clear();
    }
}
