package io.natsj.server.monitor;

import io.natsj.server.jetstream.JetStream;
import io.natsj.server.jetstream.JetStreamAccountView;
import io.natsj.server.jetstream.JetStreamService;
import io.natsj.server.jetstream.stream.Stream;
import io.natsj.server.json.GoFormats;
import io.natsj.server.store.StreamState;
import io.natsj.server.util.NodeHash;


import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /jsz}: JetStream's configuration, usage and API counters for the whole server, and per account, stream and
 * consumer on request, as nats-server 2.11's {@code JSInfo}.
 *
 * <p>Options, decoded in nats-server's order (the first bad one is the 400): {@code accounts}, {@code streams},
 * {@code consumers}, {@code config}, {@code offset}, {@code limit} (0 = 1024), {@code leader-only}, {@code raft},
 * {@code stream-leader-only} and {@code acc}. {@code consumers} implies {@code streams}; {@code streams} without
 * {@code acc} implies {@code accounts}. {@code acc} naming a JetStream account lists that account alone (whatever
 * {@code accounts} says); otherwise {@code accounts} lists all, sorted by name, from {@code offset}, at most
 * {@code limit}. A single server is always its own leader, so the leader options filter nothing while JetStream runs;
 * without JetStream {@code leader-only} is a 400 {@code filtered response: not leader}, as nats-server answers.
 * {@code raft} adds nothing: natsj has no Raft groups. natsj lists accounts, streams and consumers sorted by name
 * (nats-server's order follows its maps).
 *
 * <p>Threading: builds a snapshot on the HTTP thread; consumer counters are read on each consumer's worker.
 */
final class JszView {

    static final int DEFAULT_LIMIT = 1024;

    /** The decoded options. */
    record Options(boolean accounts, boolean streams, boolean consumers, boolean config, int offset, int limit,
                   boolean leaderOnly, String account) {

        static Options decode(QueryParams q) {
            boolean accounts = q.bool("accounts");
            boolean streams = q.bool("streams");
            boolean consumers = q.bool("consumers");
            boolean config = q.bool("config");
            long offset = q.integer("offset");
            long limit = q.integer("limit");
            boolean leaderOnly = q.bool("leader-only");
            q.bool("raft");
            q.bool("stream-leader-only");
            String account = q.get("acc");
            if (limit == 0) {
                limit = DEFAULT_LIMIT;
            }
            streams |= consumers;
            accounts |= streams && account.isEmpty();
            return new Options(accounts, streams, consumers, config, clamp(offset), clamp(limit), leaderOnly,
                    account);
        }

        /** Go would panic on a negative slice bound; natsj reads a negative offset or limit as 0. */
        private static int clamp(long v) {
            return (int) Math.max(0, Math.min(Integer.MAX_VALUE, v));
        }
    }

    private JszView() {
    }

    static Map<String, Object> build(MonitoredServer server, QueryParams q) {
        Options opts = Options.decode(q);
        JetStream js = server.jetStreamServer();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("server_id", server.serverId());
        m.put("now", GoFormats.rfc3339Nano(server.clock().now()));
        if (js == null) {
            if (opts.leaderOnly()) {
                throw new QueryParams.BadRequest("filtered response: not leader");
            }
            m.put("disabled", true);
            m.put("config", JetStreamJson.disabledConfig());
            JetStreamJson.putZeroStats(m);
            putTotals(m, List.of());
            return m;
        }
        MetaFacts meta = server.metaFacts();
        if (opts.leaderOnly() && meta != null && !server.serverName().equals(meta.leader())) {
            throw new QueryParams.BadRequest("filtered response: not leader");
        }
        List<JetStreamAccountView> all = server.jetStreamAccounts();
        m.put("config", JetStreamJson.config(js));
        m.put("limits", JetStreamJson.limits());
        JetStreamJson.putStats(m, all);
        putTotals(m, all);
        if (meta != null && meta.formed()) {
            m.put("meta_cluster", metaCluster(meta));
        }
        List<JetStreamAccountView> listed = listed(all, opts);
        if (!listed.isEmpty()) {
            List<Object> details = new ArrayList<>();
            for (JetStreamAccountView a : listed) {
                details.add(JszDetails.account(server, a, opts));
            }
            m.put("account_details", details);
        }
        return m;
    }

    /**
     * {@code meta_cluster}: the meta group's name, leader (and its node hash), on the leader the other servers
     * ({@code replicas}), and size.
     */
    private static Map<String, Object> metaCluster(MetaFacts meta) {
        Map<String, Object> mc = new LinkedHashMap<>();
        if (!meta.cluster().isEmpty()) {
            mc.put("name", meta.cluster());
        }
        if (meta.leader() != null) {
            mc.put("leader", meta.leader());
            mc.put("peer", NodeHash.of(meta.leader()));
        }
        if (!meta.replicas().isEmpty()) {
            List<Object> replicas = new ArrayList<>();
            for (MetaFacts.Replica r : meta.replicas()) {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("name", r.name());
                p.put("current", r.current());
                if (r.offline()) {
                    p.put("offline", true);
                }
                p.put("active", r.activeNanos());
                if (r.lag() > 0) {
                    p.put("lag", r.lag());
                }
                p.put("peer", NodeHash.of(r.name()));
                replicas.add(p);
            }
            mc.put("replicas", replicas);
        }
        mc.put("cluster_size", meta.size());
        mc.put("pending", 0);
        return mc;
    }

    /** {@code streams}, {@code consumers}, {@code messages}, {@code bytes} over every account. */
    private static void putTotals(Map<String, Object> m, List<JetStreamAccountView> accounts) {
        long streams = 0;
        long consumers = 0;
        long messages = 0;
        long bytes = 0;
        for (JetStreamAccountView a : accounts) {
            for (Stream s : a.streams()) {
                StreamState st = s.store().state();
                streams++;
                consumers += s.consumers().size();
                messages += st.msgs();
                bytes += st.bytes();
            }
        }
        m.put("streams", streams);
        m.put("consumers", consumers);
        m.put("messages", messages);
        m.put("bytes", bytes);
    }

    private static List<JetStreamAccountView> listed(List<JetStreamAccountView> all, Options opts) {
        for (JetStreamAccountView a : all) {
            if (a.accountName().equals(opts.account())) {
                return List.of(a);
            }
        }
        if (!opts.accounts()) {
            return List.of();
        }
        List<JetStreamAccountView> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparing(JetStreamAccountView::accountName));
        int from = Math.min(opts.offset(), sorted.size());
        int to = (int) Math.min(sorted.size(), (long) from + opts.limit());
        return sorted.subList(from, to);
    }
}
