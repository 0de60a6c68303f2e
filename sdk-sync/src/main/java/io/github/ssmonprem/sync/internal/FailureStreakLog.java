package io.github.ssmonprem.sync.internal;

import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.sync.SyncResult;
import java.time.Duration;
import org.slf4j.Logger;

/**
 * What the scheduler logs about failed syncs: one WARN when a streak of failures begins, with the
 * cause's message and what to do about it; DEBUG for the further failures of the streak (the retries
 * of a server that stays down); one INFO when a sync succeeds again. Not thread-safe: the scheduler
 * calls it under its lock.
 */
public final class FailureStreakLog {

    private final Logger log;
    private int failures;

    /**
     * Creates the log.
     *
     * @param log where to write
     */
    public FailureStreakLog(Logger log) {
        this.log = log;
    }

    /**
     * Records a failed sync.
     *
     * @param result the failed result
     * @param retryIn when the scheduler tries again
     */
    public void failed(SyncResult result, Duration retryIn) {
        failures++;
        SsmException failure = result.failure().orElseThrow();
        String message = failure.detail();
        String remediation = failure.remediation();
        if (failures == 1) {
            log.warn("SSM sync failed: {}{} Retrying in {}; further failures are logged at DEBUG until a sync succeeds.",
                    message, remediation == null ? "" : " What to do: " + remediation, minutes(retryIn));
        } else if (log.isDebugEnabled()) {
            log.debug("SSM sync failed again ({} in a row): {} Retrying in {}.", failures, message, minutes(retryIn));
        }
    }

    /** Records a successful sync: an INFO line when it ends a streak of failures. */
    public void succeeded() {
        if (failures > 0) {
            log.info("SSM sync succeeded again after {} failed attempt{}", failures, failures == 1 ? "" : "s");
        }
        failures = 0;
    }

    private static String minutes(Duration wait) {
        return wait.toMinutes() > 0 ? wait.toMinutes() + " min" : wait.toSeconds() + " s";
    }
}
