package io.github.ssmonprem.sync;

import io.github.ssmonprem.core.exception.SsmConfigurationException;
import io.github.ssmonprem.sync.internal.NodeNames;
import io.github.ssmonprem.sync.lock.SyncLock;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Builds a {@link SyncScheduler} ({@link SyncScheduler#builder(SyncTask)}): the period, the first
 * run, the jitter, the back-off after failures, and on a cluster the lock. Validated by
 * {@link #build()}. Not thread-safe.
 */
public final class SyncSchedulerBuilder {

    final SyncTask task;
    Duration period = Duration.ofHours(24);
    Duration initialDelay = Duration.ofMinutes(1);
    Duration jitter = Duration.ofMinutes(30);
    private boolean jitterSet;
    Duration failureBackoff = Duration.ofMinutes(15);
    Duration maxFailureBackoff;
    Duration closeTimeout = Duration.ofSeconds(30);
    ScheduledExecutorService executor;
    Clock clock = Clock.systemUTC();
    Random random = new Random();
    final List<SyncListener> listeners = new CopyOnWriteArrayList<>();
    SyncLock syncLock;
    Duration leaseTime = Duration.ofMinutes(10);
    Duration lockPollInterval = Duration.ofSeconds(10);
    ScheduledExecutorService renewalExecutor;

    SyncSchedulerBuilder(SyncTask task) {
        this.task = Objects.requireNonNull(task, "task");
    }

    /**
     * Sets the time between runs (default 24 h).
     *
     * @param period positive, longer than the jitter
     * @return this builder
     */
    public SyncSchedulerBuilder period(Duration period) {
        this.period = period;
        return this;
    }

    /**
     * Sets the time before the first run (default 1 min).
     *
     * @param delay zero or positive
     * @return this builder
     */
    public SyncSchedulerBuilder initialDelay(Duration delay) {
        this.initialDelay = delay;
        return this;
    }

    /**
     * Sets how far each run after the first moves, at random, from one period after the previous run:
     * up to ± this (default 30 min). The first run comes exactly after the initial delay. Must be
     * shorter than the period; set a shorter one (or zero) with a short period.
     *
     * @param jitter zero or positive
     * @return this builder
     */
    public SyncSchedulerBuilder jitter(Duration jitter) {
        this.jitter = jitter;
        this.jitterSet = true;
        return this;
    }

    /**
     * Sets the wait after a failed run, doubling per failure in a row.
     *
     * @param first the first wait (default 15 min)
     * @param max the longest wait (default half the period); must be below the period
     * @return this builder
     */
    public SyncSchedulerBuilder failureBackoff(Duration first, Duration max) {
        this.failureBackoff = first;
        this.maxFailureBackoff = max;
        return this;
    }

    /**
     * Sets how long {@code close()} waits for a running sync (default 30 s).
     *
     * @param timeout positive
     * @return this builder
     */
    public SyncSchedulerBuilder closeTimeout(Duration timeout) {
        this.closeTimeout = timeout;
        return this;
    }

    /**
     * Sets the executor that runs and times the syncs (default: one daemon thread of the scheduler's own,
     * stopped by {@code close()}; a given one is not).
     *
     * @param executor the executor
     * @return this builder
     */
    public SyncSchedulerBuilder executor(ScheduledExecutorService executor) {
        this.executor = executor;
        return this;
    }

    /**
     * Sets the clock the schedule reads (default the system clock).
     *
     * @param clock the clock
     * @return this builder
     */
    public SyncSchedulerBuilder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock);
        return this;
    }

    /**
     * Sets the source of jitter.
     *
     * @param random the source
     * @return this builder
     */
    public SyncSchedulerBuilder random(Random random) {
        this.random = Objects.requireNonNull(random);
        return this;
    }

    /**
     * Shares the schedule with the other nodes of a cluster through a lock: one sync per period across
     * the cluster (see {@link SyncScheduler}). The task's {@link SyncTask#nodeName() node name} holds the
     * lock while it syncs. Without a lock, this scheduler alone decides.
     *
     * @param syncLock the cluster's lock, for example {@code JdbcSyncLock} from sdk-jdbc
     * @return this builder
     */
    public SyncSchedulerBuilder lock(SyncLock syncLock) {
        this.syncLock = Objects.requireNonNull(syncLock, "syncLock");
        return this;
    }

    /**
     * Sets how long a lease lasts unless renewed (default 10 min): how soon another node takes over from
     * a node that died mid-sync. It must exceed the longest pause of a node, and be at least 1.5 times
     * the clients' {@code claimLease} (default 5 min), so that the node taking over from a dead one finds
     * that node's claims on pending reports expired and delivers those reports in the same sync, not a
     * period later.
     *
     * @param leaseTime positive
     * @return this builder
     */
    public SyncSchedulerBuilder leaseTime(Duration leaseTime) {
        this.leaseTime = leaseTime;
        return this;
    }

    /**
     * Sets how often a node that found the lock held looks again (default 10 s).
     *
     * @param interval positive
     * @return this builder
     */
    public SyncSchedulerBuilder lockPollInterval(Duration interval) {
        this.lockPollInterval = interval;
        return this;
    }

    /**
     * Sets the executor that renews the lease while a sync runs (default: one daemon thread of the
     * scheduler's own). It must not be the executor that runs the syncs.
     *
     * @param renewalExecutor the executor
     * @return this builder
     */
    public SyncSchedulerBuilder leaseRenewalExecutor(ScheduledExecutorService renewalExecutor) {
        this.renewalExecutor = Objects.requireNonNull(renewalExecutor);
        return this;
    }

    /**
     * Adds a listener that receives the result of every run.
     *
     * @param listener the listener
     * @return this builder
     */
    public SyncSchedulerBuilder listener(SyncListener listener) {
        this.listeners.add(Objects.requireNonNull(listener));
        return this;
    }

    /**
     * Validates and builds. Call {@link SyncScheduler#start()} to schedule the first run.
     *
     * @return the scheduler
     * @throws SsmConfigurationException naming the invalid setting
     */
    public SyncScheduler build() {
        positive("period", period);
        nonNegative("initialDelay", initialDelay);
        nonNegative("jitter", jitter);
        positive("failureBackoff", failureBackoff);
        positive("closeTimeout", closeTimeout);
        positive("leaseTime", leaseTime);
        positive("lockPollInterval", lockPollInterval);
        if (syncLock != null) {
            NodeNames.check("nodeName", task.nodeName());
        }
        if (jitter.compareTo(period) >= 0) {
            throw jitterSet
                    ? new SsmConfigurationException("jitter", "the jitter (" + jitter + ") must be shorter than the period ("
                            + period + ")")
                    : new SsmConfigurationException("period", "the period (" + period + ") must be longer than the jitter ("
                            + jitter + ", the default); set a longer period or a shorter jitter(...), such as Duration.ZERO");
        }
        Duration max = maxFailureBackoff();
        if (maxFailureBackoff == null && max.compareTo(failureBackoff) < 0) {
            throw new SsmConfigurationException("period", "the period (" + period + ") must be at least twice the first "
                    + "failure back-off (" + failureBackoff + "); set a longer period or a shorter failureBackoff(first, max)");
        }
        if (max.compareTo(period) >= 0 || max.compareTo(failureBackoff) < 0) {
            throw new SsmConfigurationException("failureBackoff", "the maximum must lie between the first wait and the period");
        }
        return new SyncScheduler(this);
    }

    /** {@return the longest wait after failures: as set, or half the period} */
    Duration maxFailureBackoff() {
        return maxFailureBackoff != null ? maxFailureBackoff : period.dividedBy(2);
    }

    private static void positive(String setting, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new SsmConfigurationException(setting, "must be positive, was " + d);
        }
    }

    private static void nonNegative(String setting, Duration d) {
        if (d == null || d.isNegative()) {
            throw new SsmConfigurationException(setting, "must be zero or positive, was " + d);
        }
    }
}
