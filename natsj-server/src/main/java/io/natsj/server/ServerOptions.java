package io.natsj.server;

import io.natsj.server.account.AccountConfig;
import io.natsj.server.auth.Permissions;
import io.natsj.server.auth.UserEntry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Immutable server options: what nats-server calls its "opts". Built in code with {@link #builder()}, from a
 * config file ({@code io.natsj.server.config}) or from command-line flags ({@code io.natsj.server.cli}); the
 * command line overrides the file. Defaults are nats-server's.
 *
 * <p>Threading: immutable, safe to share.
 */
public final class ServerOptions {

    /** nats-server's default client port. */
    public static final int DEFAULT_PORT = 4222;
    /** nats-server's default monitoring port (used when {@code -m} is given without a value in configs). */
    public static final int DEFAULT_HTTP_PORT = 8222;
    /** A port value meaning "pick a free port" (nats-server's {@code -1}). */
    public static final int RANDOM_PORT = -1;
    public static final int DEFAULT_MAX_PAYLOAD = 1024 * 1024;
    public static final int DEFAULT_MAX_CONTROL_LINE = 4096;
    public static final int DEFAULT_MAX_CONNECTIONS = 64 * 1024;
    public static final long DEFAULT_MAX_PENDING = 64L * 1024 * 1024;
    public static final Duration DEFAULT_WRITE_DEADLINE = Duration.ofSeconds(10);
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofMinutes(2);
    public static final int DEFAULT_PING_MAX = 2;
    public static final Duration DEFAULT_AUTH_TIMEOUT = Duration.ofSeconds(2);
    /** nats-server's lame duck mode: clients are closed spread over this time. */
    public static final Duration DEFAULT_LAME_DUCK_DURATION = Duration.ofMinutes(2);
    /** nats-server's wait in lame duck mode before the first client is closed. */
    public static final Duration DEFAULT_LAME_DUCK_GRACE_PERIOD = Duration.ofSeconds(10);

    private final String host;
    private final int port;
    private final String serverName;
    private final String httpHost;
    private final int httpPort;
    private final int maxPayload;
    private final int maxControlLine;
    private final int maxConnections;
    private final int maxSubscriptions;
    private final long maxPending;
    private final Duration writeDeadline;
    private final Duration pingInterval;
    private final int pingMax;
    private final boolean disableShortFirstPing;
    /** As given; null means nats-server's default, which depends on TLS (see {@link #authTimeout()}). */
    private final Duration authTimeout;
    private final String user;
    private final String password;
    private final String token;
    private final List<UserEntry> users;
    private final Permissions defaultPermissions;
    private final boolean debug;
    private final boolean trace;
    private final boolean logtime;
    private final Path logFile;
    private final Path pidFile;
    private final Path configFile;
    private final JetStreamOptions jetStream;
    private final List<String> serverTags;
    private final String clientAdvertise;
    private final boolean noLog;
    private final List<AccountConfig> accounts;
    private final String systemAccount;
    private final String noAuthUser;
    private final TlsOptions tls;
    private final boolean allowNonTls;
    private final int httpsPort;
    private final ClusterOptions cluster;
    private final Duration lameDuckDuration;
    private final Duration lameDuckGracePeriod;

    private ServerOptions(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.serverName = b.serverName;
        this.httpHost = b.httpHost;
        this.httpPort = b.httpPort;
        this.maxPayload = b.maxPayload;
        this.maxControlLine = b.maxControlLine;
        this.maxConnections = b.maxConnections;
        this.maxSubscriptions = b.maxSubscriptions;
        this.maxPending = b.maxPending;
        this.writeDeadline = b.writeDeadline;
        this.pingInterval = b.pingInterval;
        this.pingMax = b.pingMax;
        this.disableShortFirstPing = b.disableShortFirstPing;
        this.authTimeout = b.authTimeout;
        this.user = b.user;
        this.password = b.password;
        this.token = b.token;
        this.users = List.copyOf(b.users);
        this.defaultPermissions = b.defaultPermissions;
        this.debug = b.debug;
        this.trace = b.trace;
        this.logtime = b.logtime;
        this.logFile = b.logFile;
        this.pidFile = b.pidFile;
        this.configFile = b.configFile;
        this.jetStream = b.jetStream;
        this.serverTags = b.serverTags;
        this.clientAdvertise = b.clientAdvertise;
        this.noLog = b.noLog;
        this.accounts = List.copyOf(b.accounts);
        this.systemAccount = b.systemAccount;
        this.noAuthUser = b.noAuthUser;
        this.tls = b.tls;
        this.allowNonTls = b.allowNonTls;
        this.httpsPort = b.httpsPort;
        this.cluster = b.cluster;
        this.lameDuckDuration = b.lameDuckDuration;
        this.lameDuckGracePeriod = b.lameDuckGracePeriod;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding a copy of these options, to derive changed options (e.g. flags over a file). */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.host = host;
        b.port = port;
        b.serverName = serverName;
        b.httpHost = httpHost;
        b.httpPort = httpPort;
        b.maxPayload = maxPayload;
        b.maxControlLine = maxControlLine;
        b.maxConnections = maxConnections;
        b.maxSubscriptions = maxSubscriptions;
        b.maxPending = maxPending;
        b.writeDeadline = writeDeadline;
        b.pingInterval = pingInterval;
        b.pingMax = pingMax;
        b.disableShortFirstPing = disableShortFirstPing;
        b.authTimeout = authTimeout;
        b.user = user;
        b.password = password;
        b.token = token;
        b.users = users;
        b.defaultPermissions = defaultPermissions;
        b.debug = debug;
        b.trace = trace;
        b.logtime = logtime;
        b.logFile = logFile;
        b.pidFile = pidFile;
        b.configFile = configFile;
        b.jetStream = jetStream;
        b.serverTags = serverTags;
        b.clientAdvertise = clientAdvertise;
        b.noLog = noLog;
        b.accounts = accounts;
        b.systemAccount = systemAccount;
        b.noAuthUser = noAuthUser;
        b.tls = tls;
        b.allowNonTls = allowNonTls;
        b.httpsPort = httpsPort;
        b.cluster = cluster;
        b.lameDuckDuration = lameDuckDuration;
        b.lameDuckGracePeriod = lameDuckGracePeriod;
        return b;
    }

    /** Interface to listen on for clients; nats-server's default {@code 0.0.0.0}. */
    public String host() { return host; }
    /** Client port; {@link #RANDOM_PORT} or 0 picks a free port (see {@code NatsServer.port()}). */
    public int port() { return port; }
    /** Server name; empty means "use the server id", as nats-server does. */
    public String serverName() { return serverName; }
    /** Interface for monitoring; like nats-server, the client host when not set. */
    public String httpHost() { return httpHost != null ? httpHost : host; }
    /** Monitoring port: 0 = monitoring off, {@link #RANDOM_PORT} = a free port. */
    public int httpPort() { return httpPort; }
    public int maxPayload() { return maxPayload; }
    public int maxControlLine() { return maxControlLine; }
    public int maxConnections() { return maxConnections; }
    /** Maximum subscriptions per connection; 0 = unlimited. */
    public int maxSubscriptions() { return maxSubscriptions; }
    /** Maximum bytes queued for one connection before it is closed as a slow consumer. */
    public long maxPending() { return maxPending; }
    public Duration writeDeadline() { return writeDeadline; }
    public Duration pingInterval() { return pingInterval; }
    public int pingMax() { return pingMax; }
    /**
     * True when the first PING after CONNECT waits a whole {@code ping_interval} instead of about 2 s (nats-server's
     * embedding option {@code DisableShortFirstPing}, which its own tests set; no config key).
     */
    public boolean disableShortFirstPing() { return disableShortFirstPing; }
    /** As set, or nats-server's default: the TLS timeout + 1 s with TLS, else 2 s. */
    public Duration authTimeout() {
        return authTimeout != null ? authTimeout : tls != null ? tls.timeout().plusSeconds(1) : DEFAULT_AUTH_TIMEOUT;
    }
    /** Single-user authorization; null when unset. */
    public String user() { return user; }
    public String password() { return password; }
    /** Token authorization; null when unset. */
    public String token() { return token; }
    /**
     * Users with passwords or NKeys ({@code authorization { users }}, and the users of accounts, which carry their
     * account); empty when unset.
     */
    public List<UserEntry> users() { return users; }
    /** Permissions for users of the global account configured without their own; null when unset. */
    public Permissions defaultPermissions() { return defaultPermissions; }
    public boolean debug() { return debug; }
    public boolean trace() { return trace; }
    public boolean logtime() { return logtime; }
    public Path logFile() { return logFile; }
    public Path pidFile() { return pidFile; }
    /** The config file these options were read from, or null. */
    public Path configFile() { return configFile; }
    public JetStreamOptions jetStream() { return jetStream; }
    /** {@code server_tags}: trimmed, lower-cased, without repeats (placement matches them; {@code /varz tags}). */
    public List<String> serverTags() { return serverTags; }
    /** Client URL to advertise instead of the listen address; null when unset. */
    public String clientAdvertise() { return clientAdvertise; }
    /** True when the server should not configure logging (embedded use leaves logging to the host). */
    public boolean noLog() { return noLog; }
    /** The configured accounts (besides the global account {@code $G}); empty when none. */
    public List<AccountConfig> accounts() { return accounts; }
    /** The system account's name, or null for nats-server's default {@code $SYS}. */
    public String systemAccount() { return systemAccount; }
    /** The user a client that presents no credentials is taken to be ({@code no_auth_user}), or null. */
    public String noAuthUser() { return noAuthUser; }
    /** TLS on the client port (and for HTTPS monitoring); null when off. */
    public TlsOptions tls() { return tls; }
    /** With TLS: also accept clients that do not start a handshake ({@code allow_non_tls}). */
    public boolean allowNonTls() { return allowNonTls; }
    /** HTTPS monitoring port (uses the {@link #tls()} certificate): 0 = off, {@link #RANDOM_PORT} = a free port. */
    public int httpsPort() { return httpsPort; }
    /** The cluster layer (routes), or null when this server runs alone. */
    public ClusterOptions cluster() { return cluster; }
    /** Lame duck mode: the time over which clients are closed ({@code lame_duck_duration}). */
    public Duration lameDuckDuration() { return lameDuckDuration; }
    /** Lame duck mode: the wait before the first client is closed ({@code lame_duck_grace_period}). */
    public Duration lameDuckGracePeriod() { return lameDuckGracePeriod; }

    /** True when any client authentication is configured. */
    public boolean authRequired() {
        return user != null || token != null || !users.isEmpty();
    }

    @Override
    public String toString() {
        return "ServerOptions{host=" + host + ", port=" + port + ", serverName=" + serverName + ", httpPort=" + httpPort
                + ", maxPayload=" + maxPayload + ", maxConnections=" + maxConnections + ", jetStream=" + jetStream
                + ", tls=" + tls + "}";
    }

    /** JetStream options, nats-server's {@code jetstream {}} block and {@code -js}/{@code -sd} flags. */
    public record JetStreamOptions(boolean enabled, Path storeDir, long maxMemory, long maxStore,
                                   Duration syncInterval, boolean syncAlways, String domain, String uniqueTag) {
        /** Limits of -1 mean "compute from the machine", as nats-server does. */
        public static final JetStreamOptions DISABLED =
                new JetStreamOptions(false, null, -1, -1, Duration.ofMinutes(2), false, null, null);

        public JetStreamOptions withEnabled(boolean on) {
            return new JetStreamOptions(on, storeDir, maxMemory, maxStore, syncInterval, syncAlways, domain, uniqueTag);
        }

        public JetStreamOptions withStoreDir(Path dir) {
            return new JetStreamOptions(enabled, dir, maxMemory, maxStore, syncInterval, syncAlways, domain, uniqueTag);
        }
    }

    /** Mutable builder; not thread-safe. */
    public static final class Builder {
        private String host = "0.0.0.0";
        private int port = DEFAULT_PORT;
        private String serverName = "";
        private String httpHost;
        private int httpPort = 0;
        private int maxPayload = DEFAULT_MAX_PAYLOAD;
        private int maxControlLine = DEFAULT_MAX_CONTROL_LINE;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private int maxSubscriptions = 0;
        private long maxPending = DEFAULT_MAX_PENDING;
        private Duration writeDeadline = DEFAULT_WRITE_DEADLINE;
        private Duration pingInterval = DEFAULT_PING_INTERVAL;
        private int pingMax = DEFAULT_PING_MAX;
        private boolean disableShortFirstPing;
        /** Null until set: nats-server's default depends on TLS (the TLS timeout + 1 s, else 2 s). */
        private Duration authTimeout;
        private String user;
        private String password;
        private String token;
        private List<UserEntry> users = List.of();
        private Permissions defaultPermissions;
        private boolean debug;
        private boolean trace;
        private boolean logtime = true;
        private Path logFile;
        private Path pidFile;
        private Path configFile;
        private JetStreamOptions jetStream = JetStreamOptions.DISABLED;
        private List<String> serverTags = List.of();
        private String clientAdvertise;
        private boolean noLog;
        private List<AccountConfig> accounts = List.of();
        private String systemAccount;
        private String noAuthUser;
        private TlsOptions tls;
        private boolean allowNonTls;
        private int httpsPort;
        private ClusterOptions cluster;
        private Duration lameDuckDuration = DEFAULT_LAME_DUCK_DURATION;
        private Duration lameDuckGracePeriod = DEFAULT_LAME_DUCK_GRACE_PERIOD;

        private Builder() {
        }

        public Builder host(String v) { this.host = Objects.requireNonNull(v); return this; }
        public Builder port(int v) { this.port = v; return this; }
        public Builder serverName(String v) { this.serverName = v == null ? "" : v; return this; }
        public Builder httpHost(String v) { this.httpHost = v; return this; }
        public Builder httpPort(int v) { this.httpPort = v; return this; }
        public Builder maxPayload(int v) { this.maxPayload = v; return this; }
        public Builder maxControlLine(int v) { this.maxControlLine = v; return this; }
        public Builder maxConnections(int v) { this.maxConnections = v; return this; }
        public Builder maxSubscriptions(int v) { this.maxSubscriptions = v; return this; }
        public Builder maxPending(long v) { this.maxPending = v; return this; }
        public Builder writeDeadline(Duration v) { this.writeDeadline = Objects.requireNonNull(v); return this; }
        public Builder pingInterval(Duration v) { this.pingInterval = Objects.requireNonNull(v); return this; }
        public Builder pingMax(int v) { this.pingMax = v; return this; }
        public Builder disableShortFirstPing(boolean v) { this.disableShortFirstPing = v; return this; }
        public Builder authTimeout(Duration v) { this.authTimeout = Objects.requireNonNull(v); return this; }
        public Builder user(String v) { this.user = v; return this; }
        public Builder password(String v) { this.password = v; return this; }
        public Builder token(String v) { this.token = v; return this; }
        public Builder users(List<UserEntry> v) { this.users = List.copyOf(v); return this; }
        public Builder defaultPermissions(Permissions v) { this.defaultPermissions = v; return this; }
        public Builder debug(boolean v) { this.debug = v; return this; }
        public Builder trace(boolean v) { this.trace = v; return this; }
        public Builder logtime(boolean v) { this.logtime = v; return this; }
        public Builder logFile(Path v) { this.logFile = v; return this; }
        public Builder pidFile(Path v) { this.pidFile = v; return this; }
        public Builder configFile(Path v) { this.configFile = v; return this; }
        public Builder jetStream(JetStreamOptions v) { this.jetStream = Objects.requireNonNull(v); return this; }
        public Builder serverTags(List<String> v) { this.serverTags = List.copyOf(v); return this; }
        public Builder clientAdvertise(String v) { this.clientAdvertise = v; return this; }
        public Builder noLog(boolean v) { this.noLog = v; return this; }
        public Builder accounts(List<AccountConfig> v) { this.accounts = List.copyOf(v); return this; }
        public Builder systemAccount(String v) { this.systemAccount = v; return this; }
        public Builder noAuthUser(String v) { this.noAuthUser = v; return this; }
        /** TLS on the client port; null turns it off. */
        public Builder tls(TlsOptions v) { this.tls = v; return this; }
        public Builder allowNonTls(boolean v) { this.allowNonTls = v; return this; }
        public Builder httpsPort(int v) { this.httpsPort = v; return this; }
        /** The cluster layer; null runs the server alone. */
        public Builder cluster(ClusterOptions v) { this.cluster = v; return this; }
        public Builder lameDuckDuration(Duration v) { this.lameDuckDuration = Objects.requireNonNull(v); return this; }
        public Builder lameDuckGracePeriod(Duration v) {
            this.lameDuckGracePeriod = Objects.requireNonNull(v);
            return this;
        }

        public String host() { return host; }
        public int port() { return port; }
        public JetStreamOptions jetStream() { return jetStream; }
        public List<UserEntry> users() { return users; }
        public TlsOptions tls() { return tls; }
        public ClusterOptions cluster() { return cluster; }

        public ServerOptions build() {
            return new ServerOptions(this);
        }
    }
}
