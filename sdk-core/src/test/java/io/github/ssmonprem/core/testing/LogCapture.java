package io.github.ssmonprem.core.testing;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Keeps every log event of the test JVM (all loggers at DEBUG, see logback-test.xml) in memory, as the
 * text an appender would write: formatted message, logger, MDC and the whole throwable chain.
 */
public final class LogCapture {

    private static final List<String> LINES = new CopyOnWriteArrayList<>();

    private LogCapture() {
    }

    /** @return every captured line since the last {@link #clear()} */
    public static List<String> lines() {
        return new ArrayList<>(LINES);
    }

    /** Forgets the captured lines. */
    public static void clear() {
        LINES.clear();
    }

    /**
     * Captured lines from one logger.
     *
     * @param loggerPrefix the logger's name or a prefix of it
     * @return the lines
     */
    public static List<String> linesOf(String loggerPrefix) {
        List<String> out = new ArrayList<>();
        for (String line : LINES) {
            if (line.startsWith(loggerPrefix)) {
                out.add(line);
            }
        }
        return out;
    }

    static String render(ILoggingEvent event) {
        StringBuilder sb = new StringBuilder();
        sb.append(event.getLoggerName()).append(' ').append(event.getLevel()).append(' ')
                .append(event.getFormattedMessage());
        if (!event.getMDCPropertyMap().isEmpty()) {
            sb.append(" mdc=").append(event.getMDCPropertyMap());
        }
        for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
            sb.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
            for (StackTraceElementProxy frame : t.getStackTraceElementProxyArray()) {
                sb.append(' ').append(frame.getSTEAsString());
            }
        }
        return sb.toString();
    }

    /** The logback appender named in logback-test.xml. */
    public static final class Appender extends AppenderBase<ILoggingEvent> {
        @Override
        protected void append(ILoggingEvent event) {
            LINES.add(render(event));
        }
    }
}
