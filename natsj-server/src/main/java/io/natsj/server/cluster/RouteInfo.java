package io.natsj.server.cluster;

import io.natsj.server.json.GoJson;
import io.natsj.server.json.GoJsonReader;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A route {@code INFO} as a peer sent it (the fields the route layer acts on, plus the whole JSON object to forward
 * to other peers when gossiping), and the JSON of this server's own route INFO and CONNECT in nats-server's field
 * order and names ({@code server/route.go}'s {@code Info} and {@code connectInfo}).
 *
 * <p>Threading: immutable once built; the {@link #json()} object must not be changed by callers (copy it).
 */
public record RouteInfo(String serverId, String serverName, String version, int proto, String host, int port,
                        boolean headers, boolean authRequired, boolean tlsRequired, String cluster, boolean dynamic,
                        List<String> connectUrls, String ip, boolean lnoc, boolean lnocu, boolean jetStream,
                        boolean lameDuck, int poolSize, int poolIdx, String routeAccount, ObjectNode json) {

    /** Parses INFO's JSON argument; throws {@link IllegalArgumentException} when it is not a JSON object. */
    public static RouteInfo parse(byte[] buf, int off, int len) {
        JsonNode n = readObject(buf, off, len);
        List<String> urls = new ArrayList<>();
        for (JsonNode u : n.path("connect_urls")) {
            urls.add(u.asString());
        }
        String name = n.path("server_name").asString("");
        return new RouteInfo(n.path("server_id").asString(""), name, n.path("version").asString(""),
                n.path("proto").asInt(0), n.path("host").asString(""), n.path("port").asInt(0),
                n.path("headers").asBoolean(false), n.path("auth_required").asBoolean(false),
                n.path("tls_required").asBoolean(false), n.path("cluster").asString(""),
                n.path("cluster_dynamic").asBoolean(false), List.copyOf(urls), n.path("ip").asString(""),
                n.path("lnoc").asBoolean(false), n.path("lnocu").asBoolean(false),
                n.path("jetstream").asBoolean(false), n.path("ldm").asBoolean(false),
                n.path("route_pool_size").asInt(0), n.path("route_pool_idx").asInt(0), n.path("route_account").asString(""), (ObjectNode) n);
    }

    /** A peer's CONNECT on a route: the fields nats-server reads. */
    public record Connect(String name, String user, String pass, String cluster, boolean dynamic, boolean headers,
                          boolean lnoc, boolean lnocu, String gateway, String lang, boolean tlsRequired) {

        /** Parses CONNECT's JSON argument; throws {@link IllegalArgumentException} when it is not a JSON object. */
        public static Connect parse(byte[] buf, int off, int len) {
            JsonNode n = readObject(buf, off, len);
            return new Connect(n.path("name").asString(""), n.path("user").asString(""),
                    n.path("pass").asString(""), n.path("cluster").asString(""),
                    n.path("cluster_dynamic").asBoolean(false), n.path("headers").asBoolean(false),
                    n.path("lnoc").asBoolean(false), n.path("lnocu").asBoolean(false),
                    n.path("gateway").asString(""), n.path("lang").asString(""),
                    n.path("tls_required").asBoolean(false));
        }
    }

    /**
     * The INFO line to forward to other peers so that they connect to this one (gossip): no nonce, with {@code ip},
     * and with {@code route_account} when it announces a route for that pinned account (or null).
     */
    public byte[] gossipLine(String routeUrl, String account) {
        ObjectNode copy = json.deepCopy();
        copy.remove("nonce");
        if (ip.isEmpty()) {
            copy.put("ip", routeUrl);
        }
        if (account != null) {
            copy.put("route_account", account);
        }
        return line("INFO ", copy, false);
    }

    /**
     * {@code <verb><json>\r\n} with Go's JSON encoding; with {@code spaceBeforeCrlf} a space ends the JSON, as in
     * the INFO nats-server writes of its own ({@code generateInfoJSON}); forwarded INFO and CONNECT have none.
     */
    static byte[] line(String verb, ObjectNode json, boolean spaceBeforeCrlf) {
        byte[] body = GoJson.COMPACT.writeValueAsBytes(json);
        byte[] v = verb.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] out = Arrays.copyOf(v, v.length + body.length + (spaceBeforeCrlf ? 3 : 2));
        System.arraycopy(body, 0, out, v.length, body.length);
        if (spaceBeforeCrlf) {
            out[out.length - 3] = ' ';
        }
        out[out.length - 2] = '\r';
        out[out.length - 1] = '\n';
        return out;
    }

    /** The CONNECT a dialing server sends, as nats-server's {@code sendRouteConnect}. */
    static byte[] connectLine(String user, String pass, boolean tlsRequired, String serverId, String cluster,
                              boolean dynamic) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("echo", true);
        o.put("verbose", false);
        o.put("pedantic", false);
        if (user != null && !user.isEmpty()) {
            o.put("user", user);
        }
        if (pass != null && !pass.isEmpty()) {
            o.put("pass", pass);
        }
        o.put("tls_required", tlsRequired);
        o.put("headers", true);
        o.put("name", serverId);
        o.put("cluster", cluster);
        if (dynamic) {
            o.put("cluster_dynamic", true);
        }
        o.put("lnoc", true);
        return line("CONNECT ", o, false);
    }

    private static JsonNode readObject(byte[] buf, int off, int len) {
        JsonNode n;
        try {
            n = GoJsonReader.parse(Arrays.copyOfRange(buf, off, off + len));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        if (!(n instanceof ObjectNode)) {
            throw new IllegalArgumentException("not a JSON object");
        }
        return n;
    }
}
