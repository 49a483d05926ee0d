package io.natsj.server.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import tools.jackson.core.JacksonException;

/**
 * The JSON the server sends in {@code INFO <json> \r\n}, with nats-server's field names, order and
 * {@code omitempty} behaviour (fields marked "omitted when empty" disappear when false/0/null/empty).
 *
 * <pre>
 * INFO {"server_id":"NC..","server_name":"NC..","version":"2.11.0","proto":1,"go":"natsj 0.1.0 (java 25)",
 *       "host":"0.0.0.0","port":4222,"headers":true,"max_payload":1048576,"client_id":5,"client_ip":"127.0.0.1"} \r\n
 * </pre>
 * Note the space before CRLF: nats-server 2.9.10 and 2.11 both send it.
 *
 * <p>Use {@link #encodeLine()} for an occasional INFO (async updates) and {@link InfoLineTemplate} to produce the
 * per-connection INFO on every accept without running Jackson each time.
 *
 * <p>Threading: a mutable value built by one thread; publish it safely (or copy) before sharing.
 */
@JsonPropertyOrder({"server_id", "server_name", "version", "proto", "git_commit", "go", "host", "port", "headers",
    "auth_required", "tls_required", "tls_verify", "tls_available", "max_payload", "jetstream", "client_id",
    "client_ip", "nonce", "cluster", "domain", "connect_urls", "ws_connect_urls", "ldm", "connect_info", "api_lvl",
    "xkey"})
public final class ServerInfo {

    @JsonProperty("server_id")
    private String serverId = "";
    @JsonProperty("server_name")
    private String serverName = "";
    @JsonProperty("version")
    private String version = "";
    @JsonProperty("proto")
    private int proto = 1;
    @JsonProperty("git_commit")
    @JsonInclude(JsonInclude.Include.NON_DEFAULT)
    private String gitCommit;
    @JsonProperty("go")
    private String go = "";
    @JsonProperty("host")
    private String host = "";
    @JsonProperty("port")
    private int port;
    @JsonProperty("headers")
    private boolean headers;
    @JsonProperty("auth_required")
    @JsonInclude(JsonInclude.Include.NON_DEFAULT)
    private boolean authRequired;
    @JsonProperty("tls_required")
    @JsonInclude(JsonInclude.Include.NON_DEFAULT)
    private boolean tlsRequired;
    @JsonProperty("tls_verify")
    @JsonInclude(JsonInclude.Include.NON_DEFAULT)
    private boolean tlsVerify;
    @JsonProperty("tls_available")
    @JsonInclude(JsonInclude.Include.NON_DEFAULT)
    private boolean tlsAvailable;
    @JsonProperty("max_payload")
    private int maxPayload;
    @JsonProperty("jetstream")
    @JsonInclude(JsonInclude.Include.NON_DEFAULT)
    private boolean jetStream;
    @JsonProperty("client_id")
    @JsonInclude(JsonInclude.Include.NON_DEFAULT)
    private long clientId;
    @JsonProperty("client_ip")
    @JsonInclude(JsonInclude.Include.NON_DEFAULT)
    private String clientIp;
    @JsonProperty("nonce")
    @JsonInclude(JsonInclude.Include.NON_DEFAULT)
    private String nonce;
    @JsonProperty("cluster")
    @JsonInclude(JsonInclude.Include.NON_DEFAULT)
    private String cluster;
    @JsonProperty("domain")
    @JsonInclude(JsonInclude.Include.NON_DEFAULT)
    private String domain;
    @JsonProperty("connect_urls")
    @JsonInclude(JsonInclude.Include.NON_DEFAULT)
    private List<String> connectUrls;
    @JsonProperty("ws_connect_urls")
    @JsonInclude(JsonInclude.Include.NON_DEFAULT)
    private List<String> wsConnectUrls;
    @JsonProperty("ldm")
    @JsonInclude(JsonInclude.Include.NON_DEFAULT)
    private boolean lameDuckMode;
    @JsonProperty("connect_info")
    @JsonInclude(JsonInclude.Include.NON_DEFAULT)
    private boolean connectInfo;
    @JsonProperty("api_lvl")
    @JsonInclude(JsonInclude.Include.NON_DEFAULT)
    private int apiLevel;
    @JsonProperty("xkey")
    @JsonInclude(JsonInclude.Include.NON_DEFAULT)
    private String xkey;

    public ServerInfo() {
    }

    /** A field-by-field copy (lists are shared; they are never modified here). */
    public ServerInfo copy() {
        ServerInfo c = new ServerInfo();
        c.serverId = serverId;
        c.serverName = serverName;
        c.version = version;
        c.proto = proto;
        c.gitCommit = gitCommit;
        c.go = go;
        c.host = host;
        c.port = port;
        c.headers = headers;
        c.authRequired = authRequired;
        c.tlsRequired = tlsRequired;
        c.tlsVerify = tlsVerify;
        c.tlsAvailable = tlsAvailable;
        c.maxPayload = maxPayload;
        c.jetStream = jetStream;
        c.clientId = clientId;
        c.clientIp = clientIp;
        c.nonce = nonce;
        c.cluster = cluster;
        c.domain = domain;
        c.connectUrls = connectUrls;
        c.wsConnectUrls = wsConnectUrls;
        c.lameDuckMode = lameDuckMode;
        c.connectInfo = connectInfo;
        c.apiLevel = apiLevel;
        c.xkey = xkey;
        return c;
    }

    /** The JSON object, UTF-8. */
    public byte[] toJson() {
        return ProtocolJson.MAPPER.writeValueAsBytes(this);
    }

    /** The whole line: {@code INFO <json> \r\n}. */
    public byte[] encodeLine() {
        return ServerOps.infoLine(toJson());
    }

    /**
     * Decodes an INFO JSON (e.g. sent by a peer), with the same strictness as nats-server: a client whose INFO
     * does not decode is closed without {@code -ERR}.
     *
     * @throws ProtocolException with {@link ProtocolError#MALFORMED_INFO}
     */
    public static ServerInfo parse(byte[] buf, int off, int len) {
        try {
            ServerInfo info = ProtocolJson.MAPPER.readValue(buf, off, len, ServerInfo.class);
            return info != null ? info : new ServerInfo();
        } catch (JacksonException e) {
            throw new ProtocolException(ProtocolError.MALFORMED_INFO, "INFO: " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public String toString() {
        return new String(toJson(), StandardCharsets.UTF_8);
    }

    // Accessors: fluent setters return this.

    public String serverId() { return serverId; }
    public ServerInfo serverId(String v) { serverId = v; return this; }
    public String serverName() { return serverName; }
    public ServerInfo serverName(String v) { serverName = v; return this; }
    /** The version reported to clients (natsj reports the nats-server version it is compatible with). */
    public String version() { return version; }
    public ServerInfo version(String v) { version = v; return this; }
    public int proto() { return proto; }
    public ServerInfo proto(int v) { proto = v; return this; }
    /** Omitted when empty. */
    public String gitCommit() { return gitCommit; }
    public ServerInfo gitCommit(String v) { gitCommit = v; return this; }
    /** nats-server puts its Go version here; natsj e.g. {@code "natsj 0.1.0 (java 25)"}. */
    public String go() { return go; }
    public ServerInfo go(String v) { go = v; return this; }
    public String host() { return host; }
    public ServerInfo host(String v) { host = v; return this; }
    public int port() { return port; }
    public ServerInfo port(int v) { port = v; return this; }
    public boolean headers() { return headers; }
    public ServerInfo headers(boolean v) { headers = v; return this; }
    public boolean authRequired() { return authRequired; }
    public ServerInfo authRequired(boolean v) { authRequired = v; return this; }
    public boolean tlsRequired() { return tlsRequired; }
    public ServerInfo tlsRequired(boolean v) { tlsRequired = v; return this; }
    public boolean tlsVerify() { return tlsVerify; }
    public ServerInfo tlsVerify(boolean v) { tlsVerify = v; return this; }
    public boolean tlsAvailable() { return tlsAvailable; }
    public ServerInfo tlsAvailable(boolean v) { tlsAvailable = v; return this; }
    public int maxPayload() { return maxPayload; }
    public ServerInfo maxPayload(int v) { maxPayload = v; return this; }
    public boolean jetStream() { return jetStream; }
    public ServerInfo jetStream(boolean v) { jetStream = v; return this; }
    /** Omitted when 0. */
    public long clientId() { return clientId; }
    public ServerInfo clientId(long v) { clientId = v; return this; }
    public String clientIp() { return clientIp; }
    public ServerInfo clientIp(String v) { clientIp = v; return this; }
    /** The nonce a client signs with its nkey (only when nkey/JWT auth is possible). */
    public String nonce() { return nonce; }
    public ServerInfo nonce(String v) { nonce = v; return this; }
    public String cluster() { return cluster; }
    public ServerInfo cluster(String v) { cluster = v; return this; }
    public String domain() { return domain; }
    public ServerInfo domain(String v) { domain = v; return this; }
    public List<String> connectUrls() { return connectUrls; }
    public ServerInfo connectUrls(List<String> v) { connectUrls = v == null ? null : List.copyOf(v); return this; }
    public List<String> wsConnectUrls() { return wsConnectUrls; }
    public ServerInfo wsConnectUrls(List<String> v) { wsConnectUrls = v == null ? null : List.copyOf(v); return this; }
    /** Lame duck mode ({@code ldm}). */
    public boolean lameDuckMode() { return lameDuckMode; }
    public ServerInfo lameDuckMode(boolean v) { lameDuckMode = v; return this; }
    public boolean connectInfo() { return connectInfo; }
    public ServerInfo connectInfo(boolean v) { connectInfo = v; return this; }
    /** JetStream API level ({@code api_lvl}, sent by nats-server 2.12+); omitted when 0. */
    public int apiLevel() { return apiLevel; }
    public ServerInfo apiLevel(int v) { apiLevel = v; return this; }
    public String xkey() { return xkey; }
    public ServerInfo xkey(String v) { xkey = v; return this; }
}
