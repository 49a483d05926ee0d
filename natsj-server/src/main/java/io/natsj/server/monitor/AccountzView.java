package io.natsj.server.monitor;

import io.natsj.server.account.Account;
import io.natsj.server.account.AccountConfig;
import io.natsj.server.json.GoFormats;
import io.natsj.server.routing.SubjectIndex;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /accountz}: without {@code acc}, the server id, the system account and every account's name; with
 * {@code acc=NAME}, that account's detail (connections, subscriptions, JetStream, exports, imports, its subject
 * index's statistics) with nats-server's field names. An unknown account is a 400 with nats-server's text.
 *
 * <p>Threading: a read-only snapshot, built on the request's thread.
 */
final class AccountzView {

    private AccountzView() {
    }

    static Map<String, Object> build(MonitoredServer server, QueryParams q) {
        String acc = q.get("acc");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("server_id", server.serverId());
        m.put("now", GoFormats.rfc3339Nano(server.clock().now()));
        m.put("system_account", server.accounts().system().name());
        if (acc.isEmpty()) {
            m.put("accounts", server.accounts().all().stream().map(Account::name).toList());
            return m;
        }
        Account account = server.accounts().get(acc);
        if (account == null) {
            throw new QueryParams.BadRequest("Account " + acc + " does not exist");
        }
        m.put("account_detail", detail(server, account));
        return m;
    }

    /** nats-server's {@code AccountInfo} of one account. */
    static Map<String, Object> detail(MonitoredServer server, Account account) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("account_name", account.name());
        d.put("update_time", GoFormats.rfc3339Nano(server.startTime()));
        if (account == server.accounts().system()) {
            d.put("is_system", true);
        }
        d.put("expired", false);
        d.put("complete", true);
        d.put("jetstream_enabled", server.jetStreamServer() != null
                && server.jetStreamServer().account(account.name()) != null);
        d.put("leafnode_connections", 0);
        d.put("client_connections", server.connections().stream().filter(c -> c.account() == account).count());
        d.put("subscriptions", account.index().count());
        List<Map<String, Object>> exports = new ArrayList<>();
        for (AccountConfig.Export e : account.config().exports()) {
            exports.add(export(e));
        }
        if (!exports.isEmpty()) {
            d.put("exports", exports);
        }
        List<Map<String, Object>> imports = new ArrayList<>();
        for (AccountConfig.Import i : account.config().imports()) {
            imports.add(importInfo(i));
        }
        if (!imports.isEmpty()) {
            d.put("imports", imports);
        }
        d.put("sublist_stats", sublistStats(account.index().stats()));
        return d;
    }

    private static Map<String, Object> export(AccountConfig.Export e) {
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("subject", e.subject());
        boolean service = e.kind() == AccountConfig.Kind.SERVICE;
        x.put("type", service ? "service" : "stream");
        if (service) {
            x.put("response_type", e.responseType().json());
            if (!e.threshold().equals(AccountConfig.DEFAULT_RESPONSE_THRESHOLD)) {
                x.put("response_threshold", e.threshold().toNanos());
            }
        }
        if (!e.accounts().isEmpty()) {
            x.put("approved_accounts", e.accounts());
        }
        return x;
    }

    private static Map<String, Object> importInfo(AccountConfig.Import i) {
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("subject", i.subject());
        x.put("account", i.account());
        boolean service = i.kind() == AccountConfig.Kind.SERVICE;
        if (service) {
            x.put("to", i.localSubject());
        }
        x.put("local_subject", i.localSubject());
        x.put("type", service ? "service" : "stream");
        x.put("invalid", false);
        x.put("share", false);
        x.put("tracking", false);
        return x;
    }

    static Map<String, Object> sublistStats(SubjectIndex.Stats stats) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("num_subscriptions", stats.numSubscriptions());
        m.put("num_cache", stats.numCache());
        m.put("num_inserts", stats.numInserts());
        m.put("num_removes", stats.numRemoves());
        m.put("num_matches", stats.numMatches());
        m.put("cache_hit_rate", stats.cacheHitRate());
        m.put("max_fanout", stats.maxFanout());
        m.put("avg_fanout", stats.avgFanout());
        return m;
    }
}
