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
final class LogCapture {

    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogCapture(Logger logger) {
        this.logger = logger;
    }

    static LogCapture of(Class<?> type) {
        return new LogCapture((Logger) LoggerFactory.getLogger(type));
    }

    void start() {
        appender.start();
        logger.addAppender(appender);
    }

    void stop() {
        logger.detachAppender(appender);
        appender.stop();
    }

    List<String> lines() {
        synchronized (appender.list) {
            return appender.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
        }
    }
}
