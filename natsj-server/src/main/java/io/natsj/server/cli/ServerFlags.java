package io.natsj.server.cli;

import io.natsj.server.ServerOptions;
import io.natsj.server.TlsOptions;
import io.natsj.server.config.ConfigLoader;
import io.natsj.server.tls.ServerTls;
import io.natsj.server.util.GoDuration;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/**
 * nats-server's command-line flags, parsed with picocli into {@link ServerOptions}. Like Go's flag package, every
 * long flag also works with a single dash ({@code -jetstream}, {@code -port}), booleans take {@code =false}
 * ({@code -T=false}), and {@code -DV}, {@code -VV}, {@code -DVV} are flags of their own. Flags override the config
 * file named by {@code -c}.
 *
 * <p>Threading: one instance per parse.
 */
@CommandLine.Command(name = "natsj-server", mixinStandardHelpOptions = false)
public final class ServerFlags {

    /** What the command line asks for. */
    public enum Action { RUN, HELP, VERSION, TEST_CONFIG, ERROR, CONFIG_ERROR }

    /** The parse result: the action, the final options (for RUN and TEST_CONFIG) or the error text. */
    public record Result(Action action, ServerOptions options, String error, List<String> warnings) {
        Result(Action action, ServerOptions options, String error) {
            this(action, options, error, List.of());
        }
    }

    @Option(names = {"-a", "--addr", "-addr", "--net", "-net"}) String host;
    @Option(names = {"-p", "--port", "-port"}) Integer port;
    @Option(names = {"-n", "--name", "-name", "--server_name", "-server_name"}) String name;
    @Option(names = {"-P", "--pid", "-pid"}) Path pidFile;
    @Option(names = {"-m", "--http_port", "-http_port"}) Integer httpPort;
    @Option(names = {"-ms", "--https_port", "-https_port"}) Integer httpsPort;
    @Option(names = {"-c", "--config", "-config"}) Path config;
    @Option(names = {"-t"}, arity = "0..1", fallbackValue = "true") Boolean testConfig;
    @Option(names = {"--client_advertise", "-client_advertise"}) String clientAdvertise;
    @Option(names = {"-l", "--log", "-log"}) Path logFile;
    @Option(names = {"-T", "--logtime", "-logtime"}, arity = "0..1", fallbackValue = "true") Boolean logtime;
    @Option(names = {"-s", "--syslog", "-syslog"}, arity = "0..1", fallbackValue = "true") Boolean syslog;
    @Option(names = {"-D", "--debug", "-debug"}, arity = "0..1", fallbackValue = "true") Boolean debug;
    @Option(names = {"-V", "--trace", "-trace"}, arity = "0..1", fallbackValue = "true") Boolean trace;
    @Option(names = {"-VV"}, arity = "0..1", fallbackValue = "true") Boolean verboseTrace;
    @Option(names = {"-DV"}, arity = "0..1", fallbackValue = "true") Boolean debugTrace;
    @Option(names = {"-DVV"}, arity = "0..1", fallbackValue = "true") Boolean debugVerboseTrace;
    @Option(names = {"-js", "--jetstream", "-jetstream"}, arity = "0..1", fallbackValue = "true") Boolean jetstream;
    @Option(names = {"-sd", "--store_dir", "-store_dir"}) Path storeDir;
    @Option(names = {"--user", "-user"}) String user;
    @Option(names = {"--pass", "-pass"}) String pass;
    @Option(names = {"--auth", "-auth"}) String token;
    @Option(names = {"--ping_interval", "-ping_interval"}) String pingInterval;
    @Option(names = {"--tls", "-tls"}, arity = "0..1", fallbackValue = "true") Boolean tls;
    @Option(names = {"--tlscert", "-tlscert"}) Path tlsCert;
    @Option(names = {"--tlskey", "-tlskey"}) Path tlsKey;
    @Option(names = {"--tlscacert", "-tlscacert"}) Path tlsCaCert;
    @Option(names = {"--tlsverify", "-tlsverify"}, arity = "0..1", fallbackValue = "true") Boolean tlsVerify;
    @Option(names = {"-h", "--help", "-help"}, arity = "0..1", fallbackValue = "true") Boolean help;
    @Option(names = {"-v", "--version", "-version"}, arity = "0..1", fallbackValue = "true") Boolean version;

    private static boolean on(Boolean b) {
        return b != null && b;
    }

    /** Parses nats-server's flags. */
    public static Result parse(String... args) {
        ServerFlags flags = new ServerFlags();
        CommandLine cmd = new CommandLine(flags)
                .setPosixClusteredShortOptionsAllowed(false)
                .setCaseInsensitiveEnumValuesAllowed(true);
        try {
            cmd.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            return new Result(Action.ERROR, null, e.getMessage());
        }
        if (on(flags.help)) {
            return new Result(Action.HELP, null, null);
        }
        if (on(flags.version)) {
            return new Result(Action.VERSION, null, null);
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
