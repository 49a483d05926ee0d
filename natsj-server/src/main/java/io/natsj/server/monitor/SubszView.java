package io.natsj.server.monitor;

import io.natsj.server.json.GoFormats;
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

    static Map<String, Object> build(MonitoredServer server, QueryParams q) {
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
        SubjectIndex.Stats stats = SubjectIndex.Stats.EMPTY;
        List<Map<String, Object>> details = new ArrayList<>();
        for (Account account : server.accounts().all()) {
            if (!acc.isEmpty() && !acc.equals(account.name())) {
                continue;
            }
            stats = stats.plus(account.index().stats());
            if (!subs) {
                continue;
            }
            for (Subscription s : account.index().subscriptions()) {
                if (!test.isEmpty() && !Subjects.matches(s.subject(), test)) {
                    continue;
                }
                long cid = s.subscriber() instanceof ClientConnection c ? c.cid() : 0;
                details.add(ConnzView.subDetail(s, cid, account.name()));
            }
        }
        List<Map<String, Object>> page = List.of();
        if (subs) {
            int from = Math.min(offset, details.size());
            int to = (int) Math.min(details.size(), (long) offset + limit);
            page = details.subList(from, to);
        }

        Map<String, Object> m = new LinkedHashMap<>();
        if (!page.isEmpty()) {
            m.put("server_id", server.serverId());
            m.put("now", GoFormats.rfc3339Nano(server.clock().now()));
        }
        m.putAll(AccountzView.sublistStats(stats));
        if (!page.isEmpty()) {
            m.put("total", page.size());
            m.put("offset", offset);
            m.put("limit", limit);
            m.put("subscriptions_list", page);
        }
        return m;
    }
}
