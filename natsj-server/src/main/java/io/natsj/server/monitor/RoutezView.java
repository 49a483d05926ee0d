package io.natsj.server.monitor;

import io.natsj.server.json.GoFormats;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /routez} (and {@code $SYS.REQ.SERVER.*.ROUTEZ}) as nats-server shapes it: the server, then each route
 * connection with its peer, counters and, with {@code subs=1} or {@code subs=detail}, the interest it carried.
 *
 * <p>Threading: stateless; called on the HTTP or system-request thread.
 */
final class RoutezView {

    private RoutezView() {
    }

    static Map<String, Object> build(MonitoredServer server, QueryParams q) {
        boolean detail = q.get("subs").equalsIgnoreCase("detail");
        boolean subs = !detail && q.bool("subs");
        Instant now = server.clock().now();
        List<RouteFacts> routes = server.routeFacts();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("server_id", server.serverId());
        m.put("server_name", server.serverName());
        m.put("now", GoFormats.rfc3339Nano(now));
        m.put("num_routes", routes.size());
        List<Map<String, Object>> list = new ArrayList<>();
        for (RouteFacts r : routes) {
            list.add(route(r, now, subs, detail));
        }
        m.put("routes", list);
        return m;
    }

    private static Map<String, Object> route(RouteFacts r, Instant now, boolean subs, boolean detail) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rid", r.rid());
        m.put("remote_id", r.remoteId());
        m.put("remote_name", r.remoteName());
        m.put("did_solicit", r.didSolicit());
        m.put("is_configured", r.isConfigured());
        m.put("ip", r.ip());
        m.put("port", r.port());
        m.put("start", GoFormats.rfc3339Nano(r.start()));
        m.put("last_activity", GoFormats.rfc3339Nano(r.lastActivity()));
        m.put("rtt", GoFormats.goDuration(r.rtt() == null ? Duration.ZERO : r.rtt()));
        m.put("uptime", GoFormats.uptime(Duration.between(r.start(), now)));
        m.put("idle", GoFormats.uptime(Duration.between(r.lastActivity(), now)));
        m.put("pending_size", r.pendingBytes());
        m.put("in_msgs", r.inMsgs());
        m.put("out_msgs", r.outMsgs());
        m.put("in_bytes", r.inBytes());
        m.put("out_bytes", r.outBytes());
        m.put("subscriptions", r.subscriptions().size());
        if (!r.subscriptions().isEmpty()) {
            if (detail) {
                m.put("subscriptions_list_detail", r.subscriptions().stream().map(s -> subDetail(s, r.rid(), r.account().isEmpty())).toList());
            } else if (subs) {
                m.put("subscriptions_list", r.subscriptions().stream()
                        .map(s -> s.subscription().subject()).toList());
            }
        }
        ConnzView.putIfNotEmpty(m, "account", r.account());
        ConnzView.putIfNotEmpty(m, "compression", r.compression());
        return m;
    }

    /**
     * A route's subscription as nats-server lists it under a route: no account field, the sid being
     * {@code <account> <subject>} (with {@code <queue>} after it for a queue group); on a route pinned to one account
     * the protocol has no account, and neither has the sid.
     */
    private static Map<String, Object> subDetail(RouteFacts.AccountSubscription as, long rid, boolean withAccount) {
        var sub = as.subscription();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("subject", sub.subject());
        if (sub.queue() != null) {
            d.put("qgroup", sub.queue());
        }
        d.put("sid", (withAccount ? as.account() + " " : "") + sub.subject() + (sub.queue() == null ? "" : " " + sub.queue()));
        d.put("msgs", sub.delivered());
        if (sub.maxMsgs() > 0) {
            d.put("max", sub.maxMsgs());
        }
        d.put("cid", rid);
        return d;
    }

    /** The number of distinct peers among the routes ({@code /varz remotes}). */
    static long remotes(List<RouteFacts> routes) {
        return routes.stream().map(RouteFacts::remoteId).distinct().count();
    }
}
