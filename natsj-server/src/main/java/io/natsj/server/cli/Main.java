package io.natsj.server.cli;

import io.natsj.server.NatsServer;
import io.natsj.server.ServerOptions;
import io.natsj.server.Versions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code natsj-server}'s entry point: parses nats-server's command-line flags, then runs the server until SIGTERM or
 * SIGINT (a JVM shutdown hook closes it cleanly) or the end of lame duck mode (SIGUSR2, {@link ServerSignals}), or
 * prints the version, the help or the config test result, or sends a running server a signal ({@code --signal}).
 *
 * <p>Threading: runs on the main thread; the shutdown hook runs on the JVM's hook thread.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command and returns the process exit code; blocks while the server runs. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        ServerFlags.Result result = ServerFlags.parse(args);
        switch (result.action()) {
            case HELP -> {
                out.print(ServerFlags.usage());
                return 0;
            }
            case VERSION -> {
                out.println("natsj-server: v" + Versions.natsjVersion() + " (nats-server API v"
                        + Versions.natsApiVersion() + ")");
                return 0;
            }
            case ERROR -> {
                err.println("natsj-server: " + result.error());
                err.print(ServerFlags.usage());
                return 1;
            }
            case CONFIG_ERROR -> {
                err.println("natsj-server: " + result.error());
                return 1;
            }
            case TEST_CONFIG -> {
                result.warnings().forEach(w -> err.println("natsj-server: " + w));
                out.println("natsj-server: configuration file " + result.options().configFile() + " is valid");
                return 0;
            }
            case SIGNAL -> {
                String error = SignalCommand.system().run(result.error());
                if (error != null) {
                    err.println("natsj-server: " + error);
                    return 1;
                }
                return 0;
            }
            case RUN -> {
                return serve(result.options(), result.warnings(), err);
            }
            default -> throw new IllegalStateException(result.action().toString());
        }
    }

    private static int serve(ServerOptions options, List<String> warnings, PrintStream err) {
        NatsServer server = launch(options, warnings, err);
        if (server == null) {
            return 1;
        }
        Logger log = LoggerFactory.getLogger(Main.class);
        writePidFile(options.pidFile(), log);
        Thread hook = new Thread(() -> {
            log.info("Trapped \"terminated\" signal");
            server.close();
        }, "natsj-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        ServerSignals.install(server);
        try {
            server.awaitShutdown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.close();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook); // shut down by itself (lame duck mode): no signal to log
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook runs
        }
        return 0;
    }

    /**
     * Starts the server as the command line does, the client port first of all (test harnesses give a launched
     * server about half a second to listen), then logging, then the rest; returns null (after reporting why) when
     * it cannot start.
     */
    static NatsServer launch(ServerOptions options, List<String> warnings, PrintStream err) {
        System.setProperty(LogbackDefaults.COMMAND_LINE, "true"); // Logging below sets it up, not Logback's defaults
        System.setProperty("slf4j.provider", "ch.qos.logback.classic.spi.LogbackServiceProvider"); // no jar scan
        // SLF4J announces an explicitly named provider on stderr; nats-server's output has no such line
        System.setProperty("slf4j.internal.verbosity", "WARN");
        NatsServer server = new NatsServer(options);
        try {
            server.bind();
        } catch (IOException e) {
            // start() binds again and reports the failure once logging is set up
        }
        Logging.configure(options);
        Logger log = LoggerFactory.getLogger(Main.class);
        warnings.forEach(w -> log.warn("{}", w));
        try {
            server.start();
            return server;
        } catch (IOException | RuntimeException e) {
            log.error("{}", e.getMessage());
            err.println("natsj-server: " + e.getMessage());
            return null;
        }
    }

    private static void writePidFile(Path pidFile, Logger log) {
        if (pidFile == null) {
            return;
        }
        try {
            Files.writeString(pidFile, Long.toString(ProcessHandle.current().pid()), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            log.error("Could not write pidfile: {}", e.getMessage());
        }
    }
}
