package io.github.ssmonprem.examples.cli;

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

    static void configure(int verbosity) {
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext) {
            Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            root.setLevel(verbosity >= 2 ? Level.DEBUG : Level.WARN);
            ((Logger) LoggerFactory.getLogger("io.github.ssmonprem")).setLevel(verbosity >= 1 ? Level.DEBUG : null);
            ((Logger) LoggerFactory.getLogger("io.netty")).setLevel(Level.INFO);
        }
    }
}
