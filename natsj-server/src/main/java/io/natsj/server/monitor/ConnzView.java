package io.natsj.server.monitor;

import io.natsj.server.json.GoFormats;
import io.natsj.server.account.Account;
import io.natsj.server.client.ClientConnection;
import io.natsj.server.protocol.ConnectOptions;
import io.natsj.server.routing.Subscription;
import io.natsj.server.tls.TlsState;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /connz}: open and/or closed connections with nats-server's fields, sort orders, paging and subscription
 * lists ({@code subs=1} or {@code subs=detail}).
 *
 * <p>Follows nats-server's semantics, quirks included, so that tools see the same numbers:
 * <ul>
 *   <li>{@code total} counts the connections in the requested state(s) before the {@code user} and {@code cid}
 *       filters (only {@code acc} reduces it); {@code cid=} forces {@code limit} to 1.</li>
 *   <li>Every order except {@code cid}/{@code start} (ascending cid) and {@code uptime}, {@code reason} (ascending)
 *       is descending; ties keep cid order.</li>
 *   <li>Closed connections show what they had at close: counters, subscriptions, {@code uptime} and {@code idle}
 *       measured up to {@code stop}.</li>
 *   <li>An unknown {@code acc} answers an empty result with {@code "server_id": ""} and {@code "connections": null};
 *       closed connections of the global account never match {@code acc} (nats-server records no account for
 *       them).</li>
 * </ul>
 * One deliberate difference: with {@code cid=} and {@code state=any}, nats-server looks only among closed
 * connections; natsj finds the connection in either state.
 *
 * <p>Threading: builds a snapshot on the HTTP thread; reads connection counters without stopping them.
 */
final class ConnzView {

    static final int DEFAULT_LIMIT = 1024;

    private ConnzView() {
    }

    /**
     * Decodes the request as nats-server does (a bad parameter is a 400 and is not counted), calls {@code count},
     * then builds the page (an invalid sort is a 400 after counting).
     */
    static Map<String, Object> build(MonitoredServer server, QueryParams q, Runnable count) {
        String sort = q.get("sort");
        boolean auth = q.bool("auth");
        boolean subsDetail = q.get("subs").equalsIgnoreCase("detail");
        boolean subs = !subsDetail && q.bool("subs");
        long offsetParam = q.integer("offset");
        long limitParam = q.integer("limit");
        long cid = q.unsigned("cid");
        String stateParam = q.get("state");
        String state = switch (stateParam.toLowerCase()) {
            case "", "open" -> "open";
            case "closed" -> "closed";
            case "any", "all" -> "any";
            default -> throw new QueryParams.BadRequest("Error decoding state for " + stateParam);
        };
        String user = q.get("user");
        String acc = q.get("acc");
        count.run();

        Instant now = server.clock().now();
        Comparator<Snapshot> order = comparator(sort.isEmpty() ? "cid" : sort, now);
        if ((sort.equals("stop") || sort.equals("reason")) && !state.equals("closed")) {
            throw new QueryParams.BadRequest("sort by " + sort + " only valid on closed connections");
        }
        int offset = (int) Math.max(0, Math.min(Integer.MAX_VALUE, offsetParam));
        int limit = limitParam <= 0 ? DEFAULT_LIMIT : (int) Math.min(Integer.MAX_VALUE, limitParam);
        if (cid > 0) {
            limit = 1;
        }

        Map<String, Object> out = new LinkedHashMap<>();
        if (!acc.isEmpty() && server.accounts().get(acc) == null) {
            out.put("server_id", "");
            out.put("now", GoFormats.rfc3339Nano(now));
            out.put("num_connections", 0);
            out.put("total", 0);
            out.put("offset", offset);
            out.put("limit", limit);
            out.put("connections", null);
            return out;
        }

        boolean wantOpen = !state.equals("closed");
        boolean wantClosed = !state.equals("open");
        Collection<ClientConnection> open = wantOpen ? server.connections() : List.of();
        List<ClientConnection> closed = wantClosed ? server.closedConnections() : List.of();
        if (!acc.isEmpty()) {
            open = open.stream().filter(c -> c.account().name().equals(acc)).toList();
            // closed connections of the global account carry no account name to match
            closed = acc.equals(Account.GLOBAL) ? List.of()
                    : closed.stream().filter(c -> c.account().name().equals(acc)).toList();
        }
        int total = open.size() + closed.size();

        List<ClientConnection> matching = new ArrayList<>();
        if (cid > 0) {
            for (ClientConnection c : open) {
                if (c.cid() == cid) {
                    matching.add(c);
                }
            }
            for (ClientConnection c : closed) {
                if (c.cid() == cid) {
                    matching.add(c);
                    break;
                }
            }
        } else {
            for (ClientConnection c : open) {
                if (user.isEmpty() || user.equals(rawAuthUser(c))) {
                    matching.add(c);
                }
            }
            for (ClientConnection c : closed) {
                if (user.isEmpty() || user.equals(rawAuthUser(c))) {
                    matching.add(c);
                }
            }
        }
        // sort snapshots: live counters would change under the sort
        List<Snapshot> selected = new ArrayList<>(matching.size());
        for (ClientConnection c : matching) {
            selected.add(Snapshot.of(c, now));
        }
        selected.sort(Comparator.comparingLong(Snapshot::cid));
        selected.sort(order);
        int from = Math.min(offset, selected.size());
        int to = (int) Math.min(selected.size(), (long) offset + limit);
        List<Snapshot> page = selected.subList(from, to);

        out.put("server_id", server.serverId());
        out.put("now", GoFormats.rfc3339Nano(now));
        out.put("num_connections", page.size());
        out.put("total", total);
        out.put("offset", offset);
        out.put("limit", limit);
        List<Map<String, Object>> conns = new ArrayList<>(page.size());
        for (Snapshot c : page) {
            conns.add(connInfo(c, auth, subs, subsDetail));
        }
        out.put("connections", conns);
        return out;
    }

    /** One connection's figures, read once so that sorting and rendering see the same values. */
    private record Snapshot(ClientConnection conn, long cid, Instant start, Instant last, Instant stop,
                            Instant end, long rtt, long pending, long inMsgs, long outMsgs, long inBytes,
                            long outBytes, List<Subscription> subs) {

        static Snapshot of(ClientConnection c, Instant now) {
            Instant stop = c.isClosed() ? c.stopTime() : null;
            return new Snapshot(c, c.cid(), c.startTime(), c.lastActivity(), stop, stop != null ? stop : now,
                    c.rttNanos(), stop != null ? 0 : c.pendingBytes(), c.inMsgs(), c.outMsgs(), c.inBytes(),
                    c.outBytes(), c.subscriptions());
        }

        int subCount() {
            return subs.size();
        }

        Duration uptime() {
            return Duration.between(start, end);
        }

        String reason() {
            return stop == null || conn.closedReason() == null ? "" : conn.closedReason().text();
        }
    }

    private static Map<String, Object> connInfo(Snapshot c, boolean auth, boolean subs, boolean detail) {
        ClientConnection conn = c.conn();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cid", c.cid());
        m.put("kind", "Client");
        m.put("type", "nats");
        m.put("ip", conn.remoteIp());
        m.put("port", conn.remotePort());
        m.put("start", GoFormats.rfc3339Nano(c.start()));
        m.put("last_activity", GoFormats.rfc3339Nano(c.last()));
        if (c.stop() != null) {
            m.put("stop", GoFormats.rfc3339Nano(c.stop()));
            m.put("reason", c.reason());
        }
        m.put("rtt", GoFormats.goDuration(Duration.ofNanos(displayRtt(c.rtt()))));
        m.put("uptime", GoFormats.uptime(c.uptime()));
        m.put("idle", GoFormats.uptime(Duration.between(c.last(), c.end())));
        m.put("pending_bytes", c.pending());
        m.put("in_msgs", c.inMsgs());
        m.put("out_msgs", c.outMsgs());
        m.put("in_bytes", c.inBytes());
        m.put("out_bytes", c.outBytes());
        if (conn.stalls() > 0) {
            m.put("stalls", conn.stalls());
        }
        m.put("subscriptions", c.subCount());
        ConnectOptions co = conn.connectOptions();
        if (co != null) {
            putIfNotEmpty(m, "name", co.name());
            putIfNotEmpty(m, "lang", co.lang());
            putIfNotEmpty(m, "version", co.version());
        }
        TlsState tls = conn.tls();
        if (tls != null) {
            m.put("tls_version", tls.version());
            m.put("tls_cipher_suite", tls.cipherSuite());
            if (auth && !tls.peerCertificates().isEmpty()) {
                m.put("tls_peer_certs", tls.peerCertificates().stream().map(PeerCertView::of).toList());
            }
            if (tls.handshakeFirst()) {
                m.put("tls_first", true);
            }
        }
        if (auth) {
            putIfNotEmpty(m, "authorized_user", rawAuthUser(conn));
            if (!Account.GLOBAL.equals(conn.account().name())) {
                m.put("account", conn.account().name());
            }
            if (co != null) {
                putIfNotEmpty(m, "jwt", co.jwt());
            }
        }
        List<Subscription> list = c.subs();
        if (!list.isEmpty()) {
            if (detail) {
                m.put("subscriptions_list_detail", list.stream().map(s -> subDetail(s, c.cid(), null)).toList());
            } else if (subs) {
                m.put("subscriptions_list", list.stream().map(Subscription::subject).toList());
            }
        }
        return m;
    }

    /** nats-server shows RTTs between 1µs and 1ms truncated to whole microseconds. */
    private static long displayRtt(long nanos) {
        if (nanos > 1_000 && nanos < 1_000_000) {
            return nanos - nanos % 1_000;
        }
        return nanos;
    }

    /**
     * The identity the client presented, as nats-server's {@code authorized_user} shows it (and {@code user=}
     * filters on): its nkey, else its user name, else its token, whether or not the server checks them.
     */
    static String rawAuthUser(ClientConnection c) {
        ConnectOptions co = c.connectOptions();
        if (co == null) {
            return "";
        }
        for (String candidate : new String[]{co.nkey(), co.user(), co.authToken()}) {
            if (candidate != null && !candidate.isEmpty()) {
                return candidate;
            }
        }
        return "";
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

    static void putIfNotEmpty(Map<String, Object> m, String key, String value) {
        if (value != null && !value.isEmpty()) {
            m.put(key, value);
        }
    }

    private static Comparator<Snapshot> comparator(String sort, Instant now) {
        return switch (sort) {
            case "cid", "start" -> Comparator.comparingLong(Snapshot::cid);
            case "subs" -> Comparator.comparingInt(Snapshot::subCount).reversed();
            case "pending" -> Comparator.comparingLong(Snapshot::pending).reversed();
            case "msgs_to" -> Comparator.comparingLong(Snapshot::outMsgs).reversed();
            case "msgs_from" -> Comparator.comparingLong(Snapshot::inMsgs).reversed();
            case "bytes_to" -> Comparator.comparingLong(Snapshot::outBytes).reversed();
            case "bytes_from" -> Comparator.comparingLong(Snapshot::inBytes).reversed();
            case "last" -> Comparator.comparing(Snapshot::last).reversed();
            case "idle" -> Comparator.comparing(Snapshot::last);
            case "uptime" -> Comparator.comparing(Snapshot::uptime);
            case "stop" -> Comparator.comparing((Snapshot c) -> c.stop() == null ? now : c.stop()).reversed();
            case "reason" -> Comparator.comparing(Snapshot::reason);
            case "rtt" -> Comparator.comparingLong(Snapshot::rtt).reversed();
            default -> throw new QueryParams.BadRequest("invalid sorting option: " + sort);
        };
    }
}
