package io.github.ssmonprem.examples.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Sets the command line's log levels: warnings only, or DEBUG everywhere with {@code --verbose}. */
final class Logging {

    private Logging() {
    }

    static void configure(boolean verbose) {
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext) {
            Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            root.setLevel(verbose ? Level.DEBUG : Level.WARN);
            ((Logger) LoggerFactory.getLogger("io.netty")).setLevel(Level.INFO);
        }
    }
}
