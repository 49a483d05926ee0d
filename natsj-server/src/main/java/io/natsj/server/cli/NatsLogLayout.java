package io.natsj.server.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * nats-server's log line: {@code [<pid>] 2026/11/23 23:06:25.464453 [INF] message} — time optional ({@code -T=false}),
 * levels as {@code INF}, {@code DBG}, {@code TRC}, {@code WRN}, {@code ERR}.
 *
 * <p>Threading: Logback calls it from any logging thread; stateless apart from immutable settings.
 */
public final class NatsLogLayout extends LayoutBase<ILoggingEvent> {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss.SSSSSS").withZone(ZoneId.systemDefault());
    private final String prefix = "[" + ProcessHandle.current().pid() + "] ";
    private boolean logtime = true;

    public void setLogtime(boolean logtime) {
        this.logtime = logtime;
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder sb = new StringBuilder(128).append(prefix);
        if (logtime) {
            sb.append(TIME.format(Instant.ofEpochMilli(event.getTimeStamp())
                    .plusNanos(event.getNanoseconds() % 1_000_000))).append(' ');
        }
        sb.append(tag(event.getLevel())).append(' ').append(event.getFormattedMessage())
                .append(CoreConstants.LINE_SEPARATOR);
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            sb.append(ThrowableProxyUtil.asString(thrown)).append(CoreConstants.LINE_SEPARATOR);
        }
        return sb.toString();
    }

    private static String tag(Level level) {
        return switch (level.toInt()) {
            case Level.ERROR_INT -> "[ERR]";
            case Level.WARN_INT -> "[WRN]";
            case Level.DEBUG_INT -> "[DBG]";
            case Level.TRACE_INT -> "[TRC]";
            default -> "[INF]";
        };
    }
}
