package io.natsj.server.it;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Captures what one class logs (logback), as {@code "LEVEL message"} lines, for tests that assert nats-server's log
 * texts.
 *
 * <p>Threading: events are appended by any thread; {@link #lines()} takes a snapshot.
 */
public final class LogCapture {

    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogCapture(Logger logger) {
        this.logger = logger;
    }

    static LogCapture of(Class<?> type) {
        return new LogCapture((Logger) LoggerFactory.getLogger(type));
    }

    /** Everything any class logs. */
    public static LogCapture root() {
        return new LogCapture((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME));
    }

    public void start() {
        appender.start();
        logger.addAppender(appender);
    }

    public void stop() {
        logger.detachAppender(appender);
        appender.stop();
    }

    public List<String> lines() {
        synchronized (appender.list) {
            return appender.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
        }
    }

    /** The lines logged with a stack trace, and the exception's class. */
    public List<String> stackTraces() {
        synchronized (appender.list) {
            return appender.list.stream().filter(e -> e.getThrowableProxy() != null)
                    .map(e -> e.getFormattedMessage() + ": " + e.getThrowableProxy().getClassName()).toList();
        }
    }
}
