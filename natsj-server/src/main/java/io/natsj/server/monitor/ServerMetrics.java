package io.natsj.server.monitor;

import io.natsj.server.ServerStats;
import io.natsj.server.Versions;
import io.natsj.server.account.Account;
import io.natsj.server.client.ClientConnection;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The server's core-NATS metrics for {@code /metrics}, read at scrape time from the same counters {@code /varz}
 * shows (nothing is counted twice): identity, uptime, memory, connections, subscriptions, messages and bytes in
 * and out, slow and stale connections, monitoring requests; and per account its connections and subscriptions.
 * Every sample carries {@code server_id}. The names are listed in {@code docs/monitoring.md}.
 *
 * <p>Threading: {@link #collect} runs on the HTTP thread of each scrape.
 */
final class ServerMetrics implements MultiCollector {

    private final MonitoredServer server;
    private final Supplier<Map<String, Long>> httpRequests;

    ServerMetrics(MonitoredServer server, Supplier<Map<String, Long>> httpRequests) {
        this.server = server;
        this.httpRequests = httpRequests;
    }

    @Override
    public MetricSnapshots collect() {
        String id = server.serverId();
        Labels srv = Labels.of("server_id", id);
        ServerStats st = server.stats();
        MetricSet m = new MetricSet();
        m.gauge("natsj_info", "Server identity: name, implemented nats-server version and natsj version (always 1)",
                Labels.of("server_id", id, "server_name", server.serverName(), "version",
                        Versions.natsApiVersion(), "natsj_version", Versions.natsjVersion()), 1);
        m.gauge("natsj_uptime_seconds", "Seconds since the server started", srv,
                Duration.between(server.startTime(), server.clock().now()).toMillis() / 1000.0);
        m.gauge("natsj_memory_bytes", "Resident memory of the server process (varz mem)", srv,
                VarzView.residentMemory());
        m.gauge("natsj_connections", "Client connections open now", srv, server.connections().size());
        m.counter("natsj_accepted_connections", "Client connections accepted since start (varz total_connections)",
                srv, st.totalConnections());
        m.counter("natsj_in_messages", "Messages received from clients", srv, st.inMsgs());
        m.counter("natsj_out_messages", "Messages delivered to clients", srv, st.outMsgs());
        m.counter("natsj_in_bytes", "Payload bytes received from clients", srv, st.inBytes());
        m.counter("natsj_out_bytes", "Payload bytes delivered to clients", srv, st.outBytes());
        m.counter("natsj_slow_consumers", "Connections closed as slow consumers", srv, st.slowConsumers());
        m.counter("natsj_stale_connections", "Connections closed as stale (unanswered pings)", srv,
                st.staleConnections());
        routes(m, id);
        raft(m, id);
        accounts(m, id);
        httpRequests.get().forEach((path, n) -> m.counter("natsj_http_requests",
                "Monitoring requests served, by endpoint (varz http_req_stats)",
                Labels.of("server_id", id, "endpoint", path), n));
        return m.snapshots();
    }

    /** Each Raft group of this server (clustered JetStream): term, leadership, log positions, leader changes. */
    private void raft(MetricSet m, String id) {
        for (RaftGroupFacts g : server.raftGroups()) {
            Labels l = Labels.of("server_id", id, "group", g.group());
            m.gauge("natsj_raft_term", "The group's current term as this replica knows it", l, g.term());
            m.gauge("natsj_raft_leader", "1 when this server leads the group, else 0", l, g.isLeader() ? 1 : 0);
            m.gauge("natsj_raft_commit_index", "The highest log index this replica knows committed", l, g.commit());
            m.gauge("natsj_raft_applied_index", "The last log index applied here", l, g.applied());
            m.gauge("natsj_raft_last_index", "The last index of this replica's log", l, g.last());
            m.gauge("natsj_raft_commit_lag", "Committed entries not applied here yet", l,
                    Math.max(0, g.commit() - g.applied()));
            m.counter("natsj_raft_leader_changes", "New leaders this replica has seen", l, g.leaderChanges());
            m.gauge("natsj_raft_recovering", "1 while this replica recovers from damaged storage (no vote, no lead)",
                    l, g.recovering() ? 1 : 0);
        }
    }

    /** The route connections, and per connection its peer's messages, bytes and interest. */
    private void routes(MetricSet m, String id) {
        List<RouteFacts> routes = server.routeFacts();
        m.gauge("natsj_routes", "Route connections open now (varz routes)", Labels.of("server_id", id), routes.size());
        for (RouteFacts r : routes) {
            Labels l = Labels.of("server_id", id, "remote_id", r.remoteId(), "remote_name", r.remoteName(), "rid",
                    Long.toString(r.rid()));
            m.counter("natsj_route_in_messages", "Messages received from the route", l, r.inMsgs());
            m.counter("natsj_route_out_messages", "Messages sent over the route", l, r.outMsgs());
            m.counter("natsj_route_in_bytes", "Payload bytes received from the route", l, r.inBytes());
            m.counter("natsj_route_out_bytes", "Payload bytes sent over the route", l, r.outBytes());
            m.gauge("natsj_route_subscriptions", "Interest the route's peer has sent", l, r.subscriptions().size());
            m.gauge("natsj_route_pending_bytes", "Bytes queued for the route's peer", l, r.pendingBytes());
        }
    }

    /** The subscriptions over all accounts, then per account its connections and subscriptions. */
    private void accounts(MetricSet m, String id) {
        Map<String, Integer> connections = new TreeMap<>();
        long subscriptions = 0;
        for (Account a : server.accounts().all()) {
            connections.put(a.name(), 0);
            subscriptions += a.index().count();
        }
        for (ClientConnection c : server.connections()) {
            connections.merge(c.account().name(), 1, Integer::sum);
        }
        m.gauge("natsj_subscriptions", "Subscriptions over all accounts (varz subscriptions)",
                Labels.of("server_id", id), subscriptions);
        connections.forEach((name, n) -> m.gauge("natsj_account_connections", "Client connections of the account",
                Labels.of("server_id", id, "account", name), n));
        for (Account a : server.accounts().all()) {
            m.gauge("natsj_account_subscriptions", "Subscriptions of the account",
                    Labels.of("server_id", id, "account", a.name()), a.index().count());
        }
    }
}
