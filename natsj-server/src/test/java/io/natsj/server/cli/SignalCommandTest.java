package io.natsj.server.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --signal <command>[=<pid>]}: which process gets which signal, and nats-server's errors (its texts, with
 * natsj's process name). Processes and signals are simulated: nothing is sent.
 */
@Timeout(10)
class SignalCommandTest {

    private final List<String> sent = new ArrayList<>();

    private SignalCommand command(List<Long> running) {
        return new SignalCommand(() -> running, (pid, signal) -> {
            sent.add(signal + " " + pid);
            return pid == 666 ? "operation not permitted" : null;
        });
    }

    @Test
    void eachCommandSendsNatsServersSignal() {
        SignalCommand c = command(List.of());
        for (String cmd : List.of("ldm", "quit", "term", "stop", "reopen", "reload")) {
            assertThat(c.run(cmd + "=42")).isNull();
        }
        assertThat(sent).containsExactly("USR2 42", "INT 42", "TERM 42", "KILL 42", "USR1 42", "HUP 42");
    }

    @Test
    void thePidMayBeAPidFile(@TempDir Path dir) throws IOException {
        Path pidFile = Files.writeString(dir.resolve("natsj.pid"), "4242");
        assertThat(command(List.of()).run("ldm=" + pidFile)).isNull();
        assertThat(sent).containsExactly("USR2 4242");
    }

    @Test
    void withoutAPidTheOneRunningServerIsSignalled() {
        assertThat(command(List.of(77L)).run("ldm")).isNull();
        assertThat(sent).containsExactly("USR2 77");
        assertThat(command(List.of()).run("ldm")).isEqualTo("no natsj-server processes running");
        assertThat(command(List.of(1L, 2L)).run("ldm")).isEqualTo("multiple natsj-server processes running:\n1\n2");
    }

    @Test
    void aPrefixWithAStarSelectsAmongTheRunningServers() {
        assertThat(command(List.of(123L, 124L, 555L)).run("quit=12*")).isNull();
        assertThat(sent).containsExactly("INT 123", "INT 124");
    }

    @Test
    void natsServersErrors() {
        SignalCommand c = command(List.of(5L));
        assertThat(c.run("bogus=1")).isEqualTo("unknown signal \"bogus\"");
        assertThat(c.run("ldm=abc")).isEqualTo("invalid pid: abc");
        assertThat(c.run("ldm=/no/such/file.pid")).isEqualTo("invalid pid: /no/such/file.pid");
        assertThat(c.run("ldm=1=2=3")).isEqualTo("invalid signal parameters: [2 3]");
        assertThat(c.run("ldm=666")).isEqualTo("\nsignal \"ldm\" 666: operation not permitted");
        assertThat(sent).containsExactly("USR2 666");
    }

    @Test
    void aProcessThatIsGoneIsReportedAsTheSystemDoes() {
        long gone = 9_999_999; // above Linux's highest pid (2^22): no process has it, nothing is sent
        assertThat(SignalCommand.system().run("ldm=" + gone)).isEqualTo("\nsignal \"ldm\" " + gone
                + ": no such process");
    }
}
