package io.natsj.server.monitor;

import io.natsj.server.ServerOptions;
import io.natsj.server.ServerStats;
import io.natsj.server.account.Accounts;
import io.natsj.server.client.ClientConnection;
import io.natsj.server.jetstream.JetStream;
import io.natsj.server.jetstream.JetStreamAccountView;
import io.natsj.server.tls.ServerTls;
import io.natsj.server.util.ServerClock;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * What monitoring reads of the server it reports on: identity, options, counters, connections, accounts and
 * JetStream. The server implements it; the monitoring views and system services know the server only through it, so
 * this package never reaches back into {@code NatsServer}.
 *
 * <p>Threading: every method is safe from any thread and returns a current value or snapshot.
 */
public interface MonitoredServer {

    /** The options the server runs with. */
    ServerOptions options();

    /** The server id, as in INFO {@code server_id}. */
    String serverId();

    /** The server name (its id when none was configured). */
    String serverName();

    Instant startTime();

    ServerClock clock();

    ServerStats stats();

    /** The server's accounts. */
    Accounts accounts();

    /** The open client connections (a snapshot view). */
    Collection<ClientConnection> connections();

    /** Recently closed connections, oldest first. */
    List<ClientConnection> closedConnections();

    /** JetStream of the whole server, or null when it is not enabled. */
    JetStream jetStreamServer();

    /** Every account's JetStream as monitoring sees it. */
    List<JetStreamAccountView> jetStreamAccounts();

    /** TLS on the client port, or null when off. */
    ServerTls tls();

    /** The bound client port. */
    int port();

    /** The bound monitoring port, or 0 when HTTP monitoring is off. */
    int httpPort();

    /** The bound HTTPS monitoring port, or 0 when it is off. */
    int httpsPort();

    /** The cluster's name as the servers agreed on it; empty without a cluster. */
    default String clusterName() {
        var c = options().cluster();
        return c == null ? "" : c.name();
    }

    /** The bound route port; 0 without a cluster. */
    default int clusterPort() {
        var c = options().cluster();
        return c == null ? 0 : c.port();
    }

    /** This server's Raft groups (clustered JetStream); empty otherwise. */
    default List<RaftGroupFacts> raftGroups() {
        return List.of();
    }

    /** The JetStream meta group as monitoring shows it; null when this server is not clustered JetStream. */
    default MetaFacts metaFacts() {
        return null;
    }

    /** The route connections now (a snapshot, one entry per connection); empty without a cluster. */
    default List<RouteFacts> routeFacts() {
        return List.of();
    }
}
