package io.natsj.server.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code --signal <command>[=<pid>]} ({@code -sl}): sends a running server the signal nats-server sends for the
 * command ({@code ldm} SIGUSR2, {@code quit} SIGINT, {@code term} SIGTERM, {@code stop} SIGKILL, {@code reopen}
 * SIGUSR1, {@code reload} SIGHUP). The pid is a number, a PID file (as written by {@code -P}), or a prefix ending in
 * {@code *} that selects among the running natsj servers; without it the one running natsj server is signalled.
 * Errors are nats-server's texts, with natsj's process name.
 *
 * <p>The signal is sent with the system's {@code kill} command (Java cannot send signals other than TERM and KILL).
 *
 * <p>Threading: stateless apart from the injected process lister; one use per command line.
 */
final class SignalCommand {

    /** The process name used in messages. */
    static final String PROCESS_NAME = "natsj-server";

    /** How a process is found to be a natsj server: its command line runs this class. */
    private static final String MAIN_CLASS = Main.class.getName();

    /** Sends a signal (by its name without SIG, e.g. USR2) to a pid; returns the error text, or null. */
    @FunctionalInterface
    interface Killer {
        String kill(long pid, String signal);
    }

    private final Supplier<List<Long>> runningServers;
    private final Killer killer;

    SignalCommand(Supplier<List<Long>> runningServers, Killer killer) {
        this.runningServers = runningServers;
        this.killer = killer;
    }

    /** The command as the command line runs it: natsj servers found by their command line, signals by kill(1). */
    static SignalCommand system() {
        return new SignalCommand(SignalCommand::natsjServers, SignalCommand::kill);
    }

    /** Runs {@code --signal}'s value; returns the error text, or null when every signal was sent. */
    String run(String value) {
        String[] parts = value.split("=", -1);
        if (parts.length > 2) {
            List<String> rest = List.of(parts).subList(2, parts.length);
            return "invalid signal parameters: [" + String.join(" ", rest) + "]";
        }
        String pidExpr = parts.length == 2 ? maybeReadPidFile(parts[1]) : "";
        return send(parts[0], pidExpr);
    }

    private String send(String command, String pidExpr) {
        boolean glob = pidExpr.endsWith("*");
        String pidText = glob ? pidExpr.substring(0, pidExpr.length() - 1) : pidExpr;
        List<Long> pids = new ArrayList<>();
        if (!pidText.isEmpty()) {
            try {
                pids.add(Long.parseLong(pidText));
            } catch (NumberFormatException e) {
                return "invalid pid: " + pidText;
            }
        }
        if (pidText.isEmpty() || glob) {
            pids = runningServers.get();
        }
        if (pids.size() > 1 && !glob) {
            StringBuilder sb = new StringBuilder("multiple " + PROCESS_NAME + " processes running:");
            pids.forEach(p -> sb.append('\n').append(p));
            return sb.toString();
        }
        if (pids.isEmpty()) {
            return "no " + PROCESS_NAME + " processes running";
        }
        String signal = signalOf(command);
        if (signal == null) {
            return "unknown signal \"" + command + "\"";
        }
        StringBuilder errors = new StringBuilder();
        for (long pid : pids) {
            String p = Long.toString(pid);
            if (!pidText.isEmpty() && !p.equals(pidText) && (!glob || !p.startsWith(pidText))) {
                continue;
            }
            String error = killer.kill(pid, signal);
            if (error != null) {
                errors.append("\nsignal \"").append(command).append("\" ").append(pid).append(": ").append(error);
            }
        }
        return errors.isEmpty() ? null : errors.toString();
    }

    /** The signal nats-server sends for {@code command}, or null when there is no such command. */
    static String signalOf(String command) {
        return switch (command) {
            case "stop" -> "KILL";
            case "quit" -> "INT";
            case "reopen" -> "USR1";
            case "reload" -> "HUP";
            case "ldm" -> "USR2";
            case "term" -> "TERM";
            default -> null;
        };
    }

    /** The contents of the file named {@code pid} when there is one, else {@code pid} itself (nats-server's rule). */
    static String maybeReadPidFile(String pid) {
        try {
            return Files.readString(Path.of(pid), StandardCharsets.UTF_8);
        } catch (IOException | InvalidPathException e) {
            return pid;
        }
    }

    /** The other running natsj servers of this machine that we may see. */
    private static List<Long> natsjServers() {
        long self = ProcessHandle.current().pid();
        return ProcessHandle.allProcesses()
                .filter(p -> p.pid() != self)
                .filter(p -> p.info().commandLine().map(c -> c.contains(MAIN_CLASS)).orElse(false))
                .map(ProcessHandle::pid)
                .sorted()
                .toList();
    }

    /** kill(1); its error reduced to the system's message, as Go prints errno ("no such process"). */
    private static String kill(long pid, String signal) {
        if (ProcessHandle.of(pid).isEmpty()) {
            return "no such process";
        }
        try {
            Process p = new ProcessBuilder("kill", "-s", signal, Long.toString(pid)).redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.waitFor() == 0) {
                return null;
            }
            if (out.contains("No such process")) {
                return "no such process";
            }
            return out.contains("Operation not permitted") ? "operation not permitted" : out;
        } catch (IOException e) {
            return e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
