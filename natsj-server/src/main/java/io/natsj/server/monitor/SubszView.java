package io.natsj.server.monitor;

import io.natsj.server.NatsServer;
import io.natsj.server.client.ClientConnection;
import io.natsj.server.routing.SubjectIndex;
import io.natsj.server.routing.Subjects;
import io.natsj.server.routing.Subscription;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /subsz} (alias {@code /subscriptionsz}): the subject index's statistics, and with {@code subs=1} the
 * subscriptions themselves (paged; {@code test=<subject>} keeps those matching a literal subject).
 *
 * <p>Threading: builds a snapshot on the HTTP thread.
 */
final class SubszView {

    private SubszView() {
    }

    static Map<String, Object> build(NatsServer server, QueryParams q) {
        boolean subs = q.bool("subs");
        int offset = Math.max(0, q.integer("offset"));
        int limit = q.integer("limit");
        if (limit <= 0) {
            limit = ConnzView.DEFAULT_LIMIT;
        }
        String test = q.get("test");
        if (!test.isEmpty() && !Subjects.isValidLiteralSubject(test)) {
            throw new QueryParams.BadRequest("Invalid test subject, must be valid publish subject: " + test);
        }
        SubjectIndex index = server.globalAccount().index();
        SubjectIndex.Stats stats = index.stats();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("server_id", server.serverId());
        m.put("now", GoFormats.rfc3339Nano(server.clock().now()));
        m.put("num_subscriptions", stats.numSubscriptions());
        m.put("num_cache", stats.numCache());
        m.put("num_inserts", stats.numInserts());
        m.put("num_removes", stats.numRemoves());
        m.put("num_matches", stats.numMatches());
        m.put("cache_hit_rate", stats.cacheHitRate());
        m.put("max_fanout", stats.maxFanout());
        m.put("avg_fanout", stats.avgFanout());
        List<Map<String, Object>> details = new ArrayList<>();
        if (subs) {
            for (Subscription s : index.subscriptions()) {
                if (!test.isEmpty() && !Subjects.matches(s.subject(), test)) {
                    continue;
                }
                long cid = s.subscriber() instanceof ClientConnection c ? c.cid() : 0;
                details.add(ConnzView.subDetail(s, cid, server.globalAccount().name()));
            }
        }
        int total = details.size();
        m.put("total", total);
        m.put("offset", offset);
        m.put("limit", limit);
        if (!details.isEmpty()) {
            m.put("subscriptions_list", offset >= total ? List.of()
                    : details.subList(offset, Math.min(total, offset + limit)));
        }
        return m;
    }
}
