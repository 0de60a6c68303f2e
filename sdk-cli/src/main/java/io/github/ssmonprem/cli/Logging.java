package io.github.ssmonprem.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets the command line's log levels: warnings only; the SDK's DEBUG lines with {@code --verbose};
 * everything, HttpClient's wire internals included, with {@code -vv}.
 */
final class Logging {

    private Logging() {
    }

    /**
     * With {@code --verbose}, lines name their logger (a developer's view); by default an operator sees
     * the message alone, with no Java class name.
     */
    private static void pattern(Logger root, String pattern) {
        if (root.getAppender("STDERR") instanceof ch.qos.logback.core.ConsoleAppender<?> console
                && console.getEncoder() instanceof ch.qos.logback.classic.encoder.PatternLayoutEncoder) {
            ch.qos.logback.classic.encoder.PatternLayoutEncoder encoder = new ch.qos.logback.classic.encoder.PatternLayoutEncoder();
            encoder.setContext(root.getLoggerContext());
            encoder.setPattern(pattern);
            encoder.start();
            @SuppressWarnings("unchecked")
            ch.qos.logback.core.ConsoleAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender =
                    (ch.qos.logback.core.ConsoleAppender<ch.qos.logback.classic.spi.ILoggingEvent>) console;
            appender.stop();
            appender.setEncoder(encoder);
            appender.start();
        }
    }

    static void configure(int verbosity) {
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext) {
            Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            root.setLevel(verbosity >= 2 ? Level.DEBUG : Level.WARN);
            ((Logger) LoggerFactory.getLogger("io.github.ssmonprem")).setLevel(verbosity >= 1 ? Level.DEBUG : null);
            ((Logger) LoggerFactory.getLogger("io.netty")).setLevel(Level.INFO);
            pattern(root, verbosity >= 1 ? "%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n" : "%d{HH:mm:ss.SSS} %-5level %msg%n");
        }
    }
}
