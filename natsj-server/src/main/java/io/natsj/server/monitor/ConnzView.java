package io.natsj.server.monitor;

import io.natsj.server.NatsServer;
import io.natsj.server.client.ClientConnection;
import io.natsj.server.protocol.ConnectOptions;
import io.natsj.server.routing.Subscription;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /connz}: open and/or closed connections with nats-server's fields, sort orders, paging and subscription
 * lists ({@code subs=1} or {@code subs=detail}).
 *
 * <p>Threading: builds a snapshot on the HTTP thread; reads connection counters without stopping them.
 */
final class ConnzView {

    static final int DEFAULT_LIMIT = 1024;

    private ConnzView() {
    }

    static Map<String, Object> build(NatsServer server, QueryParams q) {
        String sort = q.get("sort");
        boolean auth = q.bool("auth");
        boolean subsDetail = q.get("subs").equalsIgnoreCase("detail");
        boolean subs = !subsDetail && q.bool("subs");
        int offset = Math.max(0, q.integer("offset"));
        int limit = q.integer("limit");
        if (limit <= 0) {
            limit = DEFAULT_LIMIT;
        }
        long cid = q.integer("cid");
        String state = q.get("state").toLowerCase();
        if (!state.isEmpty() && !List.of("open", "closed", "any", "all").contains(state)) {
            throw new QueryParams.BadRequest("Error decoding state for " + q.get("state"));
        }
        boolean open = state.isEmpty() || !state.equals("closed");
        boolean closed = state.equals("closed") || state.equals("any") || state.equals("all");
        Comparator<ClientConnection> order = comparator(sort.isEmpty() ? "cid" : sort, server.clock().now());
        if ((sort.equals("stop") || sort.equals("reason")) && !state.equals("closed")) {
            throw new QueryParams.BadRequest("sort by " + sort + " only valid on closed connections");
        }
        String user = q.get("user");
        String acc = q.get("acc");

        List<ClientConnection> all = new ArrayList<>();
        if (open) {
            all.addAll(server.connections());
        }
        if (closed) {
            all.addAll(server.closedConnections());
        }
        all.removeIf(c -> (cid > 0 && c.cid() != cid)
                || (!user.isEmpty() && !user.equals(c.authorizedUser()))
                || (!acc.isEmpty() && !acc.equals(c.account().name())));
        all.sort(order);
        int total = all.size();
        List<ClientConnection> page = offset >= total ? List.of()
                : all.subList(offset, Math.min(total, offset + limit));

        Instant now = server.clock().now();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("server_id", server.serverId());
        out.put("now", GoFormats.rfc3339Nano(now));
        out.put("num_connections", page.size());
        out.put("total", total);
        out.put("offset", offset);
        out.put("limit", cid > 0 ? 1 : limit);
        List<Map<String, Object>> conns = new ArrayList<>();
        for (ClientConnection c : page) {
            conns.add(connInfo(c, now, auth, subs, subsDetail));
        }
        out.put("connections", conns);
        return out;
    }

    private static Map<String, Object> connInfo(ClientConnection c, Instant now, boolean auth, boolean subs,
                                                boolean detail) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cid", c.cid());
        m.put("kind", "Client");
        m.put("type", "nats");
        m.put("ip", c.remoteIp());
        m.put("port", c.remotePort());
        m.put("start", GoFormats.rfc3339Nano(c.startTime()));
        m.put("last_activity", GoFormats.rfc3339Nano(c.lastActivity()));
        Instant end = c.isClosed() && c.stopTime() != null ? c.stopTime() : now;
        if (c.isClosed() && c.stopTime() != null) {
            m.put("stop", GoFormats.rfc3339Nano(c.stopTime()));
            m.put("reason", c.closedReason().text());
        }
        m.put("uptime", GoFormats.uptime(Duration.between(c.startTime(), end)));
        m.put("idle", GoFormats.uptime(Duration.between(c.lastActivity(), end)));
        m.put("pending_bytes", c.isClosed() ? 0 : c.pendingBytes());
        m.put("in_msgs", c.inMsgs());
        m.put("out_msgs", c.outMsgs());
        m.put("in_bytes", c.inBytes());
        m.put("out_bytes", c.outBytes());
        m.put("subscriptions", c.subscriptionCount());
        ConnectOptions co = c.connectOptions();
        if (co != null) {
            putIfNotEmpty(m, "name", co.name());
            putIfNotEmpty(m, "lang", co.lang());
            putIfNotEmpty(m, "version", co.version());
        }
        if (auth) {
            putIfNotEmpty(m, "authorized_user", c.authorizedUser());
            putIfNotEmpty(m, "account", c.account().name());
        }
        List<Subscription> list = c.subscriptions();
        if (subs && !list.isEmpty()) {
            m.put("subscriptions_list", list.stream().map(Subscription::subject).toList());
        }
        if (detail && !list.isEmpty()) {
            m.put("subscriptions_list_detail", list.stream().map(s -> subDetail(s, c.cid(), null)).toList());
        }
        return m;
    }

    /** One {@code SubDetail} as nats-server shapes it (used by /connz and /subsz). */
    static Map<String, Object> subDetail(Subscription s, long cid, String account) {
        Map<String, Object> d = new LinkedHashMap<>();
        if (account != null) {
            d.put("account", account);
        }
        d.put("subject", s.subject());
        if (s.queue() != null) {
            d.put("qgroup", s.queue());
        }
        d.put("sid", s.sid());
        d.put("msgs", s.delivered());
        if (s.maxMsgs() > 0) {
            d.put("max", s.maxMsgs());
        }
        d.put("cid", cid);
        return d;
    }

    private static void putIfNotEmpty(Map<String, Object> m, String key, String value) {
        if (value != null && !value.isEmpty()) {
            m.put(key, value);
        }
    }

    private static Comparator<ClientConnection> comparator(String sort, Instant now) {
        Comparator<ClientConnection> byCid = Comparator.comparingLong(ClientConnection::cid);
        return switch (sort) {
            case "cid", "start" -> byCid;
            case "subs" -> Comparator.comparingInt(ClientConnection::subscriptionCount).reversed();
            case "pending" -> Comparator.comparingLong(ClientConnection::pendingBytes).reversed();
            case "msgs_to" -> Comparator.comparingLong(ClientConnection::outMsgs).reversed();
            case "msgs_from" -> Comparator.comparingLong(ClientConnection::inMsgs).reversed();
            case "bytes_to" -> Comparator.comparingLong(ClientConnection::outBytes).reversed();
            case "bytes_from" -> Comparator.comparingLong(ClientConnection::inBytes).reversed();
            case "last" -> Comparator.comparing(ClientConnection::lastActivity).reversed();
            case "idle" -> Comparator.comparing(ClientConnection::lastActivity);
            case "uptime" -> Comparator.comparing(ClientConnection::startTime);
            case "stop" -> Comparator.comparing((ClientConnection c) -> c.stopTime() == null ? now : c.stopTime()).reversed();
            case "reason" -> Comparator.comparing((ClientConnection c) ->
                    c.closedReason() == null ? "" : c.closedReason().text());
            case "rtt" -> byCid;
            default -> throw new QueryParams.BadRequest("invalid sorting option: " + sort);
        };
    }
}
