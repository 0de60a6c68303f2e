package io.github.ssmonprem.sync.internal.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.Random;

/**
 * When the next sync is due, from now and what the last attempt came to: the first run after exactly
 * the initial delay; a success, one period later moved by up to ± the jitter (a run on demand keeps
 * the planned run instead); a failure, the back-off (doubling per failure in a row, capped), or the
 * planned run when that is sooner; a period served by another node of the cluster, one period after
 * that node's sync, spread over the jitter. Plain arithmetic with no thread or executor; not
 * thread-safe (the scheduler calls it under its lock).
 */
public final class Schedule {

    private final Duration period;
    private final Duration initialDelay;
    private final Duration jitter;
    private final Duration failureBackoff;
    private final Duration maxFailureBackoff;
    private final Random random;
    private int failures;

    /**
     * Creates a schedule.
     *
     * @param period the time between runs
     * @param initialDelay the time before the first run
     * @param jitter how far each run after the first moves at random, at most, either way
     * @param failureBackoff the wait after a failed run, doubling per failure in a row
     * @param maxFailureBackoff the longest wait after failures
     * @param random the source of jitter
     */
    public Schedule(Duration period, Duration initialDelay, Duration jitter, Duration failureBackoff, Duration maxFailureBackoff,
            Random random) {
        this.period = period;
        this.initialDelay = initialDelay;
        this.jitter = jitter;
        this.failureBackoff = failureBackoff;
        this.maxFailureBackoff = maxFailureBackoff;
        this.random = random;
    }

    /** {@return the wait before the first run: the initial delay, without jitter} */
    public Duration first() {
        return initialDelay;
    }

    /**
     * {@return how recent another node's success must be for a scheduled run of this node to be
     * served by it: the period less the jitter}
     */
    public Duration servedWindow() {
        return period.minus(jitter);
    }

    /**
     * {@return the wait until the next run after a sync this node ran}
     *
     * @param now the time now
     * @param succeeded whether the sync succeeded
     * @param onDemand whether it ran on demand rather than as planned
     * @param planned when the next run was planned before it, or null
     */
    public Duration afterRun(Instant now, boolean succeeded, boolean onDemand, Instant planned) {
        boolean plannedAhead = onDemand && planned != null && planned.isAfter(now);
        if (succeeded) {
            failures = 0;
            return plannedAhead ? Duration.between(now, planned) : withJitter(period);
        }
        failures++;
        Duration wait = backoff();
        return plannedAhead && planned.isBefore(now.plus(wait)) ? Duration.between(now, planned) : wait;
    }

    /**
     * {@return the wait until the next run when another node's successful sync served this one}
     *
     * @param sinceThatSync how long ago that sync succeeded
     */
    public Duration afterServed(Duration sinceThatSync) {
        failures = 0;
        Duration spread = jitter.isZero() ? Duration.ZERO : Duration.ofMillis((long) (random.nextDouble() * jitter.toMillis()));
        return period.minus(sinceThatSync).plus(spread);
    }

    /** {@return how many runs in a row failed} */
    public int failures() {
        return failures;
    }

    private Duration withJitter(Duration base) {
        if (jitter.isZero()) {
            return base;
        }
        long offset = (long) ((random.nextDouble() * 2 - 1) * jitter.toMillis());
        Duration d = base.plusMillis(offset);
        return d.isNegative() ? Duration.ZERO : d;
    }

    private Duration backoff() {
        Duration wait = failureBackoff.multipliedBy(1L << Math.min(failures - 1, 20));
        return wait.compareTo(maxFailureBackoff) > 0 ? maxFailureBackoff : wait;
    }
}
