package io.natsj.server.cli;

import io.natsj.server.NatsServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The command-line server's signals beyond the JVM's own (SIGINT and SIGTERM run the shutdown hook), as nats-server
 * handles them: SIGUSR2 enters lame duck mode ({@code --signal ldm}); SIGTERM during lame duck mode is ignored
 * (the mode ends with the shutdown by itself); SIGHUP (config reload) and SIGUSR1 (log file reopen), which natsj does
 * not implement, are logged instead of ending the process.
 *
 * <p>Uses {@code sun.misc.Signal} (module jdk.unsupported), the JDK's only way to trap signals; where the JVM keeps a
 * signal for itself the handler is not installed and a debug line says so.
 *
 * <p>Threading: handlers run on the JVM's signal dispatcher thread; lame duck mode runs on its own thread.
 */
final class ServerSignals {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private ServerSignals() {
    }

    /** The signal HotSpot suspends threads with (for JFR's samples, among others) unless told another. */
    private static final int JVM_SUSPEND_SIGNAL_DEFAULT = 12; // SIGUSR2

    /** Installs the handlers for {@code server}. */
    static void install(NatsServer server) {
        installLameDuckSignal(server, System.getenv("_JAVA_SR_SIGNUM"));
        SignalHandler[] jvmTerm = new SignalHandler[1];
        jvmTerm[0] = handle("TERM", sig -> {
            if (server.isLameDuckMode()) {
                trapped("terminated"); // lame duck mode shuts the server down when done
            } else if (jvmTerm[0] != null && jvmTerm[0] != SignalHandler.SIG_DFL
                    && jvmTerm[0] != SignalHandler.SIG_IGN) {
                jvmTerm[0].handle(sig); // the JVM's: the shutdown hook, which logs the signal
            } else {
                System.exit(128 + sig.getNumber());
            }
        });
        handle("HUP", sig -> {
            trapped("hangup");
            LOG.error("Failed to reload server configuration: natsj does not support config reload yet");
        });
        handle("USR1", sig -> {
            trapped("user defined signal 1");
            LOG.warn("natsj does not support reopening the log file yet");
        });
    }

    /**
     * SIGUSR2 enters lame duck mode, but only when the JVM suspends its threads with another signal
     * ({@code _JAVA_SR_SIGNUM}, which {@code bin/natsj-server} sets): by default HotSpot sends SIGUSR2 to its own
     * threads to suspend them (JFR samples every few milliseconds that way), and each would reach this handler and put
     * the server in lame duck mode.
     */
    static boolean installLameDuckSignal(NatsServer server, String suspendSignal) {
        if (!usableForLameDuck(suspendSignal)) {
            LOG.warn("SIGUSR2 (--signal ldm) does not enter lame duck mode: the JVM suspends threads with it; start "
                    + "the server with _JAVA_SR_SIGNUM set to another signal (bin/natsj-server does)");
            return false;
        }
        return handle("USR2", sig -> {
            trapped("user defined signal 2");
            server.lameDuckMode();
        }) != null;
    }

    /** Whether {@code _JAVA_SR_SIGNUM}'s value moves the JVM's suspend signal off SIGUSR2. */
    static boolean usableForLameDuck(String suspendSignal) {
        if (suspendSignal == null || suspendSignal.isBlank()) {
            return false;
        }
        try {
            return Integer.parseInt(suspendSignal.trim()) != JVM_SUSPEND_SIGNAL_DEFAULT;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static void trapped(String name) {
        LOG.info("Trapped \"{}\" signal", name);
    }

    /** Installs {@code handler}; returns the handler it replaced, or null when the signal could not be trapped. */
    private static SignalHandler handle(String name, SignalHandler handler) {
        try {
            return Signal.handle(new Signal(name), handler);
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            LOG.debug("signal {} not trapped: {}", name, e.getMessage());
            return null;
        }
    }
}
