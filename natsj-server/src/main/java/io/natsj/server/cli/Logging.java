package io.natsj.server.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import io.natsj.server.ServerOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets up Logback for the command-line server from {@link ServerOptions}: nats-server's line layout, to stderr or to
 * the {@code -l} file, at INFO, DEBUG ({@code -D}) or TRACE ({@code -V}). Embedded servers leave logging to the host.
 *
 * <p>Threading: call once from the main thread before the server starts.
 */
final class Logging {

    private Logging() {
    }

    static void configure(ServerOptions options) {
        if (options.noLog() || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            return;
        }
        ctx.reset();
        NatsLogLayout layout = new NatsLogLayout();
        layout.setLogtime(options.logtime());
        layout.setContext(ctx);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setLayout(layout);
        encoder.setContext(ctx);
        encoder.start();
        OutputStreamAppender<ILoggingEvent> appender;
        if (options.logFile() != null) {
            FileAppender<ILoggingEvent> file = new FileAppender<>();
            file.setFile(options.logFile().toString());
            file.setAppend(true);
            appender = file;
        } else {
            ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
            console.setTarget("System.err");
            appender = console;
        }
        appender.setContext(ctx);
        appender.setEncoder(encoder);
        appender.start();
        ch.qos.logback.classic.Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        root.setLevel(Level.WARN);
        Level level = options.trace() ? Level.TRACE : options.debug() ? Level.DEBUG : Level.INFO;
        ctx.getLogger("io.natsj").setLevel(level);
    }
}
