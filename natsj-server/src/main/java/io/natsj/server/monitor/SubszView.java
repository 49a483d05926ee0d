package io.natsj.server.monitor;

import io.natsj.server.json.GoFormats;
import io.natsj.server.NatsServer;
import io.natsj.server.account.Account;
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
 * subscriptions themselves (paged; {@code test=<subject>} keeps those a message on that literal subject would reach;
 * {@code acc=} keeps one account).
 *
 * <p>Shapes as nats-server: when the page of subscriptions is empty (no {@code subs=1}, nothing matches, or the
 * offset is past the end) the body is the bare statistics object; otherwise it carries {@code server_id},
 * {@code now}, the statistics, {@code total} (the number of entries on this page, as nats-server counts it),
 * {@code offset}, {@code limit} and {@code subscriptions_list}.
 *
 * <p>Threading: builds a snapshot on the HTTP thread.
 */
final class SubszView {

    private SubszView() {
    }

    static Map<String, Object> build(NatsServer server, QueryParams q) {
        boolean subs = q.bool("subs");
        long offsetParam = q.integer("offset");
        long limitParam = q.integer("limit");
        String test = q.get("test");
        String acc = q.get("acc");
        int offset = (int) Math.max(0, Math.min(Integer.MAX_VALUE, offsetParam));
        int limit = limitParam <= 0 ? ConnzView.DEFAULT_LIMIT : (int) Math.min(Integer.MAX_VALUE, limitParam);
        if (!test.isEmpty() && !Subjects.isValidLiteralSubject(test)) {
            throw new QueryParams.BadRequest("invalid test subject, must be valid publish subject: " + test);
        }
        Account account = server.globalAccount();
        boolean included = acc.isEmpty() || acc.equals(account.name());
        SubjectIndex index = account.index();
        SubjectIndex.Stats stats = included ? index.stats() : new SubjectIndex.Stats(0, 0, 0, 0, 0, 0, 0, 0);

        List<Map<String, Object>> page = List.of();
        if (subs && included) {
            List<Map<String, Object>> details = new ArrayList<>();
            for (Subscription s : index.subscriptions()) {
                if (!test.isEmpty() && !Subjects.matches(s.subject(), test)) {
                    continue;
                }
                long cid = s.subscriber() instanceof ClientConnection c ? c.cid() : 0;
                details.add(ConnzView.subDetail(s, cid, account.name()));
            }
            int from = Math.min(offset, details.size());
            int to = (int) Math.min(details.size(), (long) offset + limit);
            page = details.subList(from, to);
        }

        Map<String, Object> m = new LinkedHashMap<>();
        if (!page.isEmpty()) {
            m.put("server_id", server.serverId());
            m.put("now", GoFormats.rfc3339Nano(server.clock().now()));
        }
        m.put("num_subscriptions", stats.numSubscriptions());
        m.put("num_cache", stats.numCache());
        m.put("num_inserts", stats.numInserts());
        m.put("num_removes", stats.numRemoves());
        m.put("num_matches", stats.numMatches());
        m.put("cache_hit_rate", stats.cacheHitRate());
        m.put("max_fanout", stats.maxFanout());
        m.put("avg_fanout", stats.avgFanout());
        if (!page.isEmpty()) {
            m.put("total", page.size());
            m.put("offset", offset);
            m.put("limit", limit);
            m.put("subscriptions_list", page);
        }
        return m;
    }
}
