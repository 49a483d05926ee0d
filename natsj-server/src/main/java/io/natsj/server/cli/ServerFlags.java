package io.natsj.server.cli;

import io.natsj.server.ServerOptions;
import io.natsj.server.TlsOptions;
import io.natsj.server.config.ConfigLoader;
import io.natsj.server.tls.ServerTls;
import io.natsj.server.util.GoDuration;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * nats-server's command-line flags, parsed the way Go's flag package does into {@link ServerOptions}: every flag
 * works with one dash or two ({@code -jetstream}, {@code --port}), takes its value as the next argument or after
 * {@code =}, booleans take no value or {@code =false} ({@code -T=false}), {@code -DV}, {@code -VV}, {@code -DVV} are
 * flags of their own, and parsing stops at {@code --} or the first argument that is not a flag. Errors use Go's
 * wording. Flags override the config file named by {@code -c}. (A small parser of its own: it is on the path from
 * process start to the listening port, and a general command-line library costs a noticeable part of that.)
 *
 * <p>Threading: one instance per parse.
 */
public final class ServerFlags {

    /** What the command line asks for. */
    public enum Action { RUN, HELP, VERSION, TEST_CONFIG, ERROR, CONFIG_ERROR, SIGNAL }

    /**
     * The parse result: the action, the final options (for RUN and TEST_CONFIG) or the error text; for SIGNAL the
     * error field holds the {@code --signal} value ({@code command[=pid]}).
     */
    public record Result(Action action, ServerOptions options, String error, List<String> warnings) {
        Result(Action action, ServerOptions options, String error) {
            this(action, options, error, List.of());
        }
    }

    /** One flag: whether it is a boolean (no value needed) and how its value is stored. */
    private record Flag(boolean bool, BiConsumer<ServerFlags, String> set) {
    }

    private static final Map<String, Flag> FLAGS = new HashMap<>();

    private static void value(BiConsumer<ServerFlags, String> set, String... names) {
        for (String name : names) {
            FLAGS.put(name, new Flag(false, set));
        }
    }

    private static void bool(BiConsumer<ServerFlags, Boolean> set, String... names) {
        for (String name : names) {
            FLAGS.put(name, new Flag(true, (f, v) -> set.accept(f, Boolean.valueOf(v))));
        }
    }

    static {
        value((f, v) -> f.host = v, "a", "addr", "net");
        value((f, v) -> f.port = intValue(v), "p", "port");
        value((f, v) -> f.name = v, "n", "name", "server_name");
        value((f, v) -> f.pidFile = Path.of(v), "P", "pid");
        value((f, v) -> f.httpPort = intValue(v), "m", "http_port");
        value((f, v) -> f.httpsPort = intValue(v), "ms", "https_port");
        value((f, v) -> f.config = Path.of(v), "c", "config");
        bool((f, v) -> f.testConfig = v, "t");
        value((f, v) -> f.clientAdvertise = v, "client_advertise");
        value((f, v) -> f.logFile = Path.of(v), "l", "log");
        bool((f, v) -> f.logtime = v, "T", "logtime");
        bool((f, v) -> f.syslog = v, "s", "syslog");
        bool((f, v) -> f.debug = v, "D", "debug");
        bool((f, v) -> f.trace = v, "V", "trace");
        bool((f, v) -> f.verboseTrace = v, "VV");
        bool((f, v) -> f.debugTrace = v, "DV");
        bool((f, v) -> f.debugVerboseTrace = v, "DVV");
        bool((f, v) -> f.jetstream = v, "js", "jetstream");
        value((f, v) -> f.storeDir = Path.of(v), "sd", "store_dir");
        value((f, v) -> f.user = v, "user");
        value((f, v) -> f.pass = v, "pass");
        value((f, v) -> f.token = v, "auth");
        value((f, v) -> f.pingInterval = v, "ping_interval");
        bool((f, v) -> f.tls = v, "tls");
        value((f, v) -> f.tlsCert = Path.of(v), "tlscert");
        value((f, v) -> f.tlsKey = Path.of(v), "tlskey");
        value((f, v) -> f.tlsCaCert = Path.of(v), "tlscacert");
        bool((f, v) -> f.tlsVerify = v, "tlsverify");
        value((f, v) -> f.signal = v, "sl", "signal");
        value((f, v) -> f.cluster.routes = v, "routes");
        value((f, v) -> f.cluster.listen = v, "cluster", "cluster_listen");
        value((f, v) -> f.cluster.name = v, "cluster_name");
        value((f, v) -> f.cluster.advertise = v, "cluster_advertise");
        bool((f, v) -> f.cluster.noAdvertise = v, "no_advertise");
        value((f, v) -> f.cluster.connectRetries = intValue(v), "connect_retries");
        bool((f, v) -> f.help = v, "h", "help");
        bool((f, v) -> f.version = v, "v", "version");
    }

    String host;
    Integer port;
    String name;
    Path pidFile;
    Integer httpPort;
    Integer httpsPort;
    Path config;
    Boolean testConfig;
    String clientAdvertise;
    Path logFile;
    Boolean logtime;
    Boolean syslog;
    Boolean debug;
    Boolean trace;
    Boolean verboseTrace;
    Boolean debugTrace;
    Boolean debugVerboseTrace;
    Boolean jetstream;
    Path storeDir;
    String user;
    String pass;
    String token;
    String pingInterval;
    Boolean tls;
    Path tlsCert;
    Path tlsKey;
    Path tlsCaCert;
    Boolean tlsVerify;
    Boolean help;
    Boolean version;
    String signal;
    final ClusterFlags cluster = new ClusterFlags();

    private static boolean on(Boolean b) {
        return b != null && b;
    }

    /** A flag's value that is not a number: Go's message, completed by {@link #parseArgs} with the flag. */
    private static final class BadValue extends RuntimeException {
        BadValue() {
            super(null, null, false, false);
        }
    }

    private static int intValue(String v) {
        try {
            return Integer.decode(v);
        } catch (NumberFormatException e) {
            throw new BadValue();
        }
    }

    /** Go's strconv.ParseBool, or null when {@code v} is none of its spellings. */
    private static String boolValue(String v) {
        return switch (v) {
            case "1", "t", "T", "true", "TRUE", "True" -> "true";
            case "0", "f", "F", "false", "FALSE", "False" -> "false";
            default -> null;
        };
    }

    /** Go's flag.Parse over {@code args}; returns the error text, or null when every argument was a known flag. */
    private String parseArgs(String[] args) {
        int i = 0;
        while (i < args.length) {
            String arg = args[i++];
            if (arg.length() < 2 || arg.charAt(0) != '-') {
                return "unrecognized command: \"" + arg + "\"";
            }
            int dashes = arg.charAt(1) == '-' ? 2 : 1;
            if (dashes == 2 && arg.length() == 2) {
                return i < args.length ? "unrecognized command: \"" + args[i] + "\"" : null; // "--" ends the flags
            }
            String body = arg.substring(dashes);
            if (body.isEmpty() || body.charAt(0) == '-' || body.charAt(0) == '=') {
                return "bad flag syntax: " + arg;
            }
            int eq = body.indexOf('=');
            String flagName = eq < 0 ? body : body.substring(0, eq);
            Flag flag = FLAGS.get(flagName);
            if (flag == null) {
                return "flag provided but not defined: -" + flagName;
            }
            String value;
            if (flag.bool()) {
                value = eq < 0 ? "true" : boolValue(body.substring(eq + 1));
                if (value == null) {
                    return "invalid boolean value \"" + body.substring(eq + 1) + "\" for -" + flagName
                            + ": parse error";
                }
            } else if (eq >= 0) {
                value = body.substring(eq + 1);
            } else if (i < args.length) {
                value = args[i++];
            } else {
                return "flag needs an argument: -" + flagName;
            }
            try {
                flag.set().accept(this, value);
            } catch (BadValue | InvalidPathException e) {
                return "invalid value \"" + value + "\" for flag -" + flagName + ": parse error";
            }
        }
        return null;
    }

    /** Parses nats-server's flags. */
    public static Result parse(String... args) {
        ServerFlags flags = new ServerFlags();
        String error = flags.parseArgs(args);
        if (error != null) {
            return new Result(Action.ERROR, null, error);
        }
        if (on(flags.help)) {
            return new Result(Action.HELP, null, null);
        }
        if (on(flags.version)) {
            return new Result(Action.VERSION, null, null);
        }
        if (flags.signal != null && !flags.signal.isEmpty()) {
            return new Result(Action.SIGNAL, null, flags.signal);
        }
        ConfigLoader.Loaded loaded;
        try {
            loaded = ConfigSource.load(flags.config);
        } catch (IllegalArgumentException e) {
            return new Result(Action.CONFIG_ERROR, null, e.getMessage());
        }
        try {
            flags.applyTo(loaded.options());
        } catch (IllegalArgumentException e) {
            return new Result(Action.ERROR, null, e.getMessage());
        }
        ServerOptions options = loaded.options().build();
        return new Result(on(flags.testConfig) ? Action.TEST_CONFIG : Action.RUN, options, null, loaded.warnings());
    }

    /** Applies the flags that were given over {@code b} (flags win over the config file). */
    void applyTo(ServerOptions.Builder b) {
        if (host != null) b.host(host);
        if (port != null) b.port(port);
        if (name != null) b.serverName(name);
        if (pidFile != null) b.pidFile(pidFile);
        if (httpPort != null) b.httpPort(httpPort);
        if (httpsPort != null) b.httpsPort(httpsPort);
        if (clientAdvertise != null) b.clientAdvertise(clientAdvertise);
        if (logFile != null) b.logFile(logFile);
        if (logtime != null) b.logtime(logtime);
        if (on(debug) || on(debugTrace) || on(debugVerboseTrace)) b.debug(true);
        if (on(trace) || on(verboseTrace) || on(debugTrace) || on(debugVerboseTrace)) b.trace(true);
        if (user != null) b.user(user);
        if (pass != null) b.password(pass);
        if (token != null) b.token(token);
        if (pingInterval != null) b.pingInterval(GoDuration.parse(pingInterval));
        ServerOptions.JetStreamOptions js = b.jetStream();
        if (jetstream != null) js = js.withEnabled(jetstream);
        if (storeDir != null) js = js.withStoreDir(storeDir);
        b.jetStream(js);
        applyTls(b);
        cluster.applyTo(b);
    }

    /**
     * nats-server's TLS flags: {@code --tls=false} turns TLS off (whatever the file says); any other {@code --tls*}
     * flag replaces the file's certificate settings with the flags' (certificate and key required), keeping the
     * file's timeout and handshake-first settings, as nats-server does.
     */
    private void applyTls(ServerOptions.Builder b) {
        if (tls == null && tlsCert == null && tlsKey == null && tlsCaCert == null && tlsVerify == null) {
            return;
        }
        if (tls != null && !tls) {
            b.tls(null);
            return;
        }
        if (tlsCert == null) {
            throw new IllegalArgumentException("TLS Server certificate must be present and valid");
        }
        if (tlsKey == null) {
            throw new IllegalArgumentException("TLS Server private key must be present and valid");
        }
        TlsOptions t = TlsOptions.files(tlsCert, tlsKey).withCaFile(tlsCaCert).withVerify(on(tlsVerify));
        TlsOptions fromFile = b.tls();
        if (fromFile != null) {
            t = t.withTimeout(fromFile.timeout())
                    .withHandshakeFirst(fromFile.handshakeFirst(), fromFile.handshakeFirstFallback());
        }
        ServerTls.create(t); // reports unreadable files now, as nats-server does while parsing its flags
        b.tls(t);
    }

    /** The help text, nats-server's flags with natsj's words. */
    public static String usage() {
        return """
                Usage: natsj-server [options]

                Server Options:
                    -a, --addr, --net <host>         Bind to host address (default: 0.0.0.0)
                    -p, --port <port>                Use port for clients (default: 4222; -1 for a random port)
                    -n, --name
                        --server_name <server_name>  Server name (default: the server id)
                    -P, --pid <file>                 File to store PID
                    -m, --http_port <port>           Use port for http monitoring
                    -ms,--https_port <port>          Use port for https monitoring (with the TLS certificate)
                    -c, --config <file>              Configuration file
                    -t                               Test configuration and exit
                    -sl,--signal <signal>[=<pid>]    Send signal to natsj-server process (ldm, stop, quit, term,
                                                     reopen, reload)
                                                     <pid> is a PID (e.g. 1) or a PID file (e.g. /var/run/natsj.pid)
                        --client_advertise <string>  Client URL to advertise to other servers

                Logging Options:
                    -l, --log <file>                 File to redirect log output
                    -T, --logtime                    Timestamp log entries (default: true)
                    -D, --debug                      Enable debugging output
                    -V, --trace                      Trace the raw protocol
                    -DV                              Debug and trace

                JetStream Options:
                    -js, --jetstream                 Enable JetStream functionality
                    -sd, --store_dir <dir>           Set the storage directory

                TLS Options:
                        --tls                        Enable TLS, do not verify clients (default: false)
                        --tlscert <file>             Server certificate file
                        --tlskey <file>              Private key for server certificate
                        --tlsverify                  Enable TLS, verify client certificates
                        --tlscacert <file>           Client certificate CA for verification

                Cluster Options:
                        --routes <rurl-1, rurl-2>    Routes to solicit and connect
                        --cluster <cluster-url>      Cluster URL for solicited routes
                        --cluster_name <string>      Cluster Name, if not set one will be dynamically generated
                        --no_advertise <bool>        Do not advertise known cluster information to clients
                        --cluster_advertise <string> Cluster URL to advertise to other servers
                        --connect_retries <number>   For implicit routes, number of connect retries
                        --cluster_listen <url>       Cluster url from which members can solicit routes

                Authorization Options:
                        --user <user>                User required for connections
                        --pass <password>            Password required for connections
                        --auth <token>               Authorization token required for connections

                Common Options:
                    -h, --help                       Show this message
                    -v, --version                    Show version
                """;
    }
}
