package io.natsj.server.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.Logger;

/**
 * Logback's default set-up for natsj, found by Logback through {@code META-INF/services} before it looks for XML
 * files (reading XML costs a noticeable part of start-up):
 * <ul>
 *   <li>in the command-line server (system property {@value #COMMAND_LINE}), nothing: {@link Logging} sets up
 *       nats-server's log lines right after the client port is bound;</li>
 *   <li>embedded in an application with its own {@code logback.xml} or {@code logback-test.xml}, or with
 *       {@code -Dlogback.configurationFile}, Logback's own configurators read that, as usual;</li>
 *   <li>otherwise warnings and errors go to stderr.</li>
 * </ul>
 *
 * <p>Threading: Logback calls it once, on the thread that first asks for a logger.
 */
public final class LogbackDefaults extends ContextAwareBase implements Configurator {

    /** Set by the command-line server before the first logger is created. */
    static final String COMMAND_LINE = "natsj.logging.commandLine";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (Boolean.getBoolean(COMMAND_LINE)) {
            return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
        }
        if (applicationConfigured()) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{24} - %msg%n");
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(stderr);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    private static boolean applicationConfigured() {
        ClassLoader loader = LogbackDefaults.class.getClassLoader();
        return System.getProperty("logback.configurationFile") != null
                || loader.getResource("logback-test.xml") != null || loader.getResource("logback.xml") != null;
    }
}
