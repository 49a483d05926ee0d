package io.natsj.server.jetstream.cluster;

import io.natsj.server.ClusterOptions;
import io.natsj.server.raft.Membership;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * How a fresh cluster picks the meta group's first voters (ADR 0009): the number of servers is the distinct
 * configured routes that are not this server, plus this one (nats-server sizes its meta group from the configured
 * routes as well); once this server is routed to that many other JetStream servers, the voters are their names and
 * its own. With every server listing the others (or all servers, itself included), every server finds the same set.
 *
 * <p>Threading: stateless; safe from any thread (it resolves host names: call it once at start).
 */
public final class MetaBootstrap {

    private MetaBootstrap() {
    }

    /**
     * The servers the meta group starts with; 1 when no route is configured (the size cannot be known: such a server
     * does not start a meta group of its own).
     *
     * @param clusterPort the port this server's route listener is bound to
     */
    public static int expectedServers(ClusterOptions cluster, int clusterPort) {
        Set<String> others = new HashSet<>();
        for (URI u : cluster.routes()) {
            if (u.getHost() != null && !isThisServer(u, clusterPort)) {
                others.add(u.getHost().toLowerCase(java.util.Locale.ROOT) + ":" + u.getPort());
            }
        }
        return others.size() + 1;
    }

    /** The first voters, or null while fewer than {@code expected - 1} other JetStream servers are routed. */
    public static Membership voters(String self, int expected, Collection<String> routedJetStreamServers) {
        TreeSet<String> names = new TreeSet<>(routedJetStreamServers);
        names.remove(self);
        if (expected < 2 || names.size() < expected - 1) {
            return null;
        }
        names.add(self);
        return new Membership(names);
    }

    private static boolean isThisServer(URI u, int clusterPort) {
        if (u.getPort() != clusterPort) {
            return false;
        }
        try {
            for (InetAddress a : InetAddress.getAllByName(u.getHost())) {
                if (a.isLoopbackAddress() || a.isAnyLocalAddress() || NetworkInterface.getByInetAddress(a) != null) {
                    return true;
                }
            }
        } catch (UnknownHostException | SocketException e) {
            return false;
        }
        return false;
    }
}
