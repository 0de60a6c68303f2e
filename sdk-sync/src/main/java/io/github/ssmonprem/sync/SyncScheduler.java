package io.github.ssmonprem.sync;

import io.github.ssmonprem.core.exception.SsmConfigurationException;
import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.sync.store.SyncOutcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a sync every period (24 hours by default) and on demand.
 *
 * <ul>
 *   <li>The first run comes after the initial delay; each next run one period after the previous run
 *       ended, moved by a random jitter so a fleet does not sync at the same second.</li>
 *   <li>{@link #syncNow()} runs a sync at once; called while a sync runs, it joins that run. Runs
 *       never overlap.</li>
 *   <li>A failed run does not stop the schedule: the next comes sooner, after a back-off (15 min,
 *       doubling, capped below the period), and the normal period resumes after a success.</li>
 *   <li>{@link #close()} stops scheduling and waits, bounded, for a running sync.</li>
 * </ul>
 *
 * <pre>{@code
 * SyncScheduler scheduler = SyncScheduler.builder(ssmSyncClient)
 *     .listener(result -> ui.showLicenseChanges(result.changes()))
 *     .build();
 * scheduler.start();
 * ...
 * scheduler.syncNow().thenAccept(result -> ...);   // operator pressed "Sync now"
 * }</pre>
 */
public final class SyncScheduler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SyncScheduler.class);

    private final SyncTask task;
    private final Duration period;
    private final Duration initialDelay;
    private final Duration jitter;
    private final Duration failureBackoff;
    private final Duration maxFailureBackoff;
    private final Duration closeTimeout;
    private final ScheduledExecutorService executor;
    private final boolean ownsExecutor;
    private final Clock clock;
    private final Random random;
    private final List<SyncListener> listeners;

    private final Object lock = new Object();
    private CompletableFuture<SyncResult> running;
    private ScheduledFuture<?> next;
    private Instant nextRunAt;
    private int consecutiveFailures;
    private boolean started;
    private boolean closed;

    private SyncScheduler(Builder b) {
        this.task = b.task;
        this.period = b.period;
        this.initialDelay = b.initialDelay;
        this.jitter = b.jitter;
        this.failureBackoff = b.failureBackoff;
        this.maxFailureBackoff = b.maxFailureBackoff != null ? b.maxFailureBackoff : period.dividedBy(2);
        this.closeTimeout = b.closeTimeout;
        this.ownsExecutor = b.executor == null;
        this.executor = b.executor != null ? b.executor : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ssm-sync-scheduler");
            t.setDaemon(true);
            return t;
        });
        this.clock = b.clock;
        this.random = b.random;
        this.listeners = new CopyOnWriteArrayList<>(b.listeners);
    }

    /**
     * Starts a builder.
     *
     * @param task what one sync does, typically an {@link SsmSyncClient}
     * @return a builder
     */
    public static Builder builder(SyncTask task) {
        return new Builder(task);
    }

    /**
     * Schedules the first run after the initial delay (plus up to one jitter).
     *
     * @return this scheduler
     */
    public SyncScheduler start() {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the scheduler is closed");
            }
            if (started) {
                return this;
            }
            started = true;
            Duration spread = jitter.isZero() ? Duration.ZERO : Duration.ofMillis((long) (random.nextDouble() * jitter.toMillis()));
            scheduleLocked(initialDelay.plus(spread));
        }
        return this;
    }

    /**
     * Runs a sync now, or joins the one running.
     *
     * @return the result of that run; fails only if the scheduler is closed
     */
    public CompletableFuture<SyncResult> syncNow() {
        CompletableFuture<SyncResult> mine;
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException("the scheduler is closed"));
            }
            if (running != null) {
                return running;
            }
            mine = new CompletableFuture<>();
            running = mine;
        }
        executor.execute(() -> run(mine));
        return mine;
    }

    /**
     * Returns when the next scheduled run is due, if one is scheduled.
     *
     * @return when the next scheduled run is due, if one is scheduled
     */
    public Optional<Instant> nextRunAt() {
        synchronized (lock) {
            return Optional.ofNullable(nextRunAt);
        }
    }

    /**
     * Returns whether a sync is running now.
     *
     * @return whether a sync is running now
     */
    public boolean isRunning() {
        synchronized (lock) {
            return running != null;
        }
    }

    /**
     * Adds a listener that receives every result from now on.
     *
     * @param listener receives every result from now on
     */
    public void addListener(SyncListener listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    private void scheduledRun() {
        CompletableFuture<SyncResult> mine;
        synchronized (lock) {
            next = null;
            nextRunAt = null;
            if (closed || running != null) {
                // A run triggered on demand is under way; its end schedules the next one.
                return;
            }
            mine = new CompletableFuture<>();
            running = mine;
        }
        run(mine);
    }

    private void run(CompletableFuture<SyncResult> future) {
        SyncResult result;
        try {
            result = task.sync();
        } catch (RuntimeException e) {
            SsmException error = e instanceof SsmException ? (SsmException) e
                    : new SsmException("The sync task failed: " + e.getClass().getSimpleName() + ".",
                            "This is a bug in the sync task; report it with the log.", false, e);
            Instant now = clock.instant();
            result = new SyncResult(new SyncOutcome(now, now, false, 0, 0, 0, error.getClass().getSimpleName(),
                    error.getMessage()), Map.of(), List.of(), List.of(), error);
        }
        synchronized (lock) {
            running = null;
            if (result.isSuccess()) {
                consecutiveFailures = 0;
                scheduleLocked(withJitter(period));
            } else {
                consecutiveFailures++;
                Duration wait = backoff(consecutiveFailures);
                LOG.info("SSM sync failed ({}); retrying in {} min", result.outcome().errorType(), wait.toMinutes());
                scheduleLocked(wait);
            }
        }
        for (SyncListener listener : listeners) {
            try {
                listener.onSync(result);
            } catch (RuntimeException e) {
                LOG.warn("A sync listener failed: {}", e.toString());
            }
        }
        future.complete(result);
    }

    private void scheduleLocked(Duration delay) {
        if (closed) {
            return;
        }
        if (next != null) {
            next.cancel(false);
        }
        long millis = Math.max(0, delay.toMillis());
        nextRunAt = clock.instant().plusMillis(millis);
        next = executor.schedule(this::scheduledRun, millis, TimeUnit.MILLISECONDS);
    }

    private Duration withJitter(Duration base) {
        if (jitter.isZero()) {
            return base;
        }
        long offset = (long) ((random.nextDouble() * 2 - 1) * jitter.toMillis());
        Duration d = base.plusMillis(offset);
        return d.isNegative() ? Duration.ZERO : d;
    }

    private Duration backoff(int failures) {
        Duration wait = failureBackoff.multipliedBy(1L << Math.min(failures - 1, 20));
        return wait.compareTo(maxFailureBackoff) > 0 ? maxFailureBackoff : wait;
    }

    /**
     * Stops scheduling, waits up to the close timeout for a running sync, and stops the scheduler's
     * own thread.
     */
    @Override
    public void close() {
        CompletableFuture<SyncResult> inFlight;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            if (next != null) {
                next.cancel(false);
                next = null;
                nextRunAt = null;
            }
            inFlight = running;
        }
        if (inFlight != null) {
            try {
                inFlight.get(closeTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                LOG.warn("A sync was still running {} s after close(); not waiting longer", closeTimeout.toSeconds());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                // reported to its listeners already
            }
        }
        if (ownsExecutor) {
            executor.shutdownNow();
        }
    }

    /** Builds a {@link SyncScheduler}. */
    public static final class Builder {
        private final SyncTask task;
        private Duration period = Duration.ofHours(24);
        private Duration initialDelay = Duration.ofMinutes(1);
        private Duration jitter = Duration.ofMinutes(30);
        private Duration failureBackoff = Duration.ofMinutes(15);
        private Duration maxFailureBackoff;
        private Duration closeTimeout = Duration.ofSeconds(30);
        private ScheduledExecutorService executor;
        private Clock clock = Clock.systemUTC();
        private Random random = new Random();
        private final List<SyncListener> listeners = new CopyOnWriteArrayList<>();

        private Builder(SyncTask task) {
            this.task = Objects.requireNonNull(task, "task");
        }

        /**
         * Sets time between runs (default 24 h).
         *
         * @param period time between runs (default 24 h)
         * @return this builder
         */
        public Builder period(Duration period) {
            this.period = period;
            return this;
        }

        /**
         * Sets time before the first run (default 1 min).
         *
         * @param delay time before the first run (default 1 min)
         * @return this builder
         */
        public Builder initialDelay(Duration delay) {
            this.initialDelay = delay;
            return this;
        }

        /**
         * Sets each run moves by up to ± this (the first by up to +this); default 30 min.
         *
         * @param jitter each run moves by up to ± this (the first by up to +this); default 30 min
         * @return this builder
         */
        public Builder jitter(Duration jitter) {
            this.jitter = jitter;
            return this;
        }

        /**
         * Sets the wait after a failed run (default 15 min), doubling per consecutive failure.
         *
         * @param first the wait after a failed run (default 15 min), doubling per consecutive failure
         * @param max the longest wait (default half the period); must be below the period
         * @return this builder
         */
        public Builder failureBackoff(Duration first, Duration max) {
            this.failureBackoff = first;
            this.maxFailureBackoff = max;
            return this;
        }

        /**
         * Sets how long {@code close()} waits for a running sync (default 30 s).
         *
         * @param timeout how long {@code close()} waits for a running sync (default 30 s)
         * @return this builder
         */
        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = timeout;
            return this;
        }

        /**
         * Sets runs and times the syncs (default: one daemon thread of the scheduler's own).
         *
         * @param executor runs and times the syncs (default: one daemon thread of the scheduler's own)
         * @return this builder
         */
        public Builder executor(ScheduledExecutorService executor) {
            this.executor = executor;
            return this;
        }

        /**
         * Sets the clock for {@link SyncScheduler#nextRunAt()}.
         *
         * @param clock the clock for {@link SyncScheduler#nextRunAt()}
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /**
         * Sets the source of jitter.
         *
         * @param random the source of jitter
         * @return this builder
         */
        public Builder random(Random random) {
            this.random = Objects.requireNonNull(random);
            return this;
        }

        /**
         * Sets receives every result.
         *
         * @param listener receives every result
         * @return this builder
         */
        public Builder listener(SyncListener listener) {
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
            if (jitter.compareTo(period) >= 0) {
                throw new SsmConfigurationException("jitter", "must be shorter than the period");
            }
            Duration max = maxFailureBackoff != null ? maxFailureBackoff : period.dividedBy(2);
            if (max.compareTo(period) >= 0 || max.compareTo(failureBackoff) < 0) {
                throw new SsmConfigurationException("failureBackoff", "the maximum must lie between the first wait and the period");
            }
            return new SyncScheduler(this);
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
}
