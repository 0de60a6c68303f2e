package io.github.ssmonprem.core.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads the SDK starts for itself: daemon threads (they never keep an application's JVM alive),
 * named so a thread dump says whose they are. The one place the SDK's modules make them.
 */
public final class DaemonThreads {

    private DaemonThreads() {
    }

    /**
     * {@return a factory of daemon threads all named {@code name}, for an executor of one thread}
     *
     * @param name the threads' name, such as {@code ssm-sync-scheduler}
     */
    public static ThreadFactory named(String name) {
        return r -> start(false, name, r);
    }

    /**
     * {@return a factory of daemon threads named {@code prefix-1}, {@code prefix-2} and so on}
     *
     * @param prefix the name before the number
     */
    public static ThreadFactory numbered(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> start(false, prefix + "-" + n.incrementAndGet(), r);
    }

    /**
     * Starts a daemon thread.
     *
     * @param name its name
     * @param body what it runs
     * @return the started thread
     */
    public static Thread start(String name, Runnable body) {
        return start(true, name, body);
    }

    private static Thread start(boolean started, String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        if (started) {
            t.start();
        }
        return t;
    }
}
