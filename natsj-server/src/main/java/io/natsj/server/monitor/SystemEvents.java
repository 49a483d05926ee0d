package io.natsj.server.monitor;

import io.natsj.server.account.Account;
import io.natsj.server.client.ClientConnection;
import io.natsj.server.client.ClosedReason;
import io.natsj.server.json.GoFormats;
import io.natsj.server.json.GoJson;
import io.natsj.server.protocol.ConnectOptions;
import io.natsj.server.routing.DeliveryBatch;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The account events nats-server publishes in the system account: {@code $SYS.ACCOUNT.<account>.CONNECT} when a
 * client of a configured account has connected (its CONNECT accepted) and {@code $SYS.ACCOUNT.<account>.DISCONNECT}
 * when it has gone, with nats-server's {@code client_connect} / {@code client_disconnect} advisory JSON. Clients of
 * the global account cause no event, as in nats-server; nothing is built while no one in the system account listens.
 * Also the server's {@code $SYS.SERVER.<id>.LAMEDUCK} when lame duck mode starts.
 *
 * <p>Threading: called from connections' threads; the system account's routing is thread-safe.
 */
public final class SystemEvents {

    private static final String CONNECT_TYPE = "io.nats.server.advisory.v1.client_connect";
    private static final String DISCONNECT_TYPE = "io.nats.server.advisory.v1.client_disconnect";
    private static final char[] ID_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
            .toCharArray();

    private final MonitoredServer server;
    private final Account system;
    private final SystemServerInfo info;

    public SystemEvents(MonitoredServer server) {
        this.server = server;
        this.system = server.accounts().system();
        this.info = new SystemServerInfo(server);
    }

    /** A client's CONNECT was accepted. */
    public void connected(ClientConnection c) {
        String subject = "$SYS.ACCOUNT." + c.account().name() + ".CONNECT";
        if (ignored(c) || !system.index().hasInterest(subject)) {
            return;
        }
        Map<String, Object> m = event(CONNECT_TYPE, server.clock().now());
        m.put("client", client(c, null));
        publish(subject, m);
    }

    /** A client that had connected is gone. */
    public void disconnected(ClientConnection c) {
        String subject = "$SYS.ACCOUNT." + c.account().name() + ".DISCONNECT";
        if (ignored(c) || c.connectOptions() == null || !system.index().hasInterest(subject)) {
            return;
        }
        Instant stop = c.stopTime() != null ? c.stopTime() : server.clock().now();
        Map<String, Object> m = event(DISCONNECT_TYPE, stop);
        m.put("client", client(c, stop));
        m.put("sent", stats(c.inMsgs(), c.inBytes()));
        m.put("received", stats(c.outMsgs(), c.outBytes()));
        ClosedReason reason = c.closedReason();
        m.put("reason", reason == null ? "" : reason.text());
        publish(subject, m);
    }

    /**
     * Lame duck mode has started: nats-server's (2.10+) {@code $SYS.SERVER.<id>.LAMEDUCK}, the server's info as the
     * body; other servers of a cluster treat it as this server's shutdown.
     */
    public void lameDuck() {
        String subject = "$SYS.SERVER." + server.serverId() + ".LAMEDUCK";
        if (system.index().hasInterest(subject)) {
            publish(subject, info.next());
        }
    }

    private boolean ignored(ClientConnection c) {
        return c.account() == server.accounts().global();
    }

    private Map<String, Object> event(String type, Instant time) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        m.put("id", eventId());
        m.put("timestamp", GoFormats.rfc3339Nano(time));
        m.put("server", info.next());
        return m;
    }

    private static Map<String, Object> client(ClientConnection c, Instant stop) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("start", GoFormats.rfc3339Nano(c.startTime()));
        m.put("host", c.remoteIp());
        m.put("id", c.cid());
        m.put("acc", c.account().name());
        String user = ConnzView.rawAuthUser(c);
        if (!user.isEmpty()) {
            m.put("user", user);
        }
        ConnectOptions co = c.connectOptions();
        if (co != null) {
            ConnzView.putIfNotEmpty(m, "name", co.name());
            ConnzView.putIfNotEmpty(m, "lang", co.lang());
            ConnzView.putIfNotEmpty(m, "ver", co.version());
        }
        if (stop != null) {
            m.put("rtt", c.rttNanos());
            m.put("stop", GoFormats.rfc3339Nano(stop));
        }
        m.put("kind", "Client");
        m.put("client_type", "nats");
        return m;
    }

    private static Map<String, Object> stats(long msgs, long bytes) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("msgs", msgs);
        m.put("bytes", bytes);
        return m;
    }

    /** An id in the shape of nats-server's (a NUID: 22 characters of base 62). */
    private String eventId() {
        char[] id = new char[22];
        for (int i = 0; i < id.length; i++) {
            id[i] = ID_CHARS[EventIds.RANDOM.nextInt(ID_CHARS.length)];
        }
        return new String(id);
    }

    private void publish(String subject, Map<String, Object> event) {
        byte[] body = GoJson.COMPACT.writeValueAsBytes(event);
        system.publish(null, true, subject, null, 0, body, 0, body.length, DeliveryBatch.IMMEDIATE);
    }

    /** Made on the first event: a server nobody watches never needs it, and creating one takes a moment at start. */
    private static final class EventIds {
        static final SecureRandom RANDOM = new SecureRandom();
    }
}
