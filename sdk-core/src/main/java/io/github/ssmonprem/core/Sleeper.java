package io.github.ssmonprem.core;

import java.time.Duration;

/**
 * How the SDK waits between retry attempts. The default sleeps the calling thread; tests inject one
 * that advances a fake clock instead, so no test waits for real.
 */
@FunctionalInterface
public interface Sleeper {

    /**
     * Waits for the given duration.
     *
     * @param duration how long to wait; zero or positive
     * @throws InterruptedException when the waiting thread is interrupted
     */
    void sleep(Duration duration) throws InterruptedException;

    /**
     * The sleeper that blocks the calling thread with {@link Thread#sleep(long)}.
     *
     * @return the system sleeper
     */
    static Sleeper system() {
        return duration -> Thread.sleep(duration.toMillis());
    }
}
