package io.github.ssmonprem.sync;

import io.github.ssmonprem.core.exception.SsmConfigurationException;
import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.sync.internal.FailureStreakLog;
import io.github.ssmonprem.sync.lock.SyncLease;
import io.github.ssmonprem.sync.lock.SyncLock;
import io.github.ssmonprem.sync.lock.SyncLockException;
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
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a sync every period (24 hours by default) and on demand.
 *
 * <ul>
 *   <li>The first run comes exactly after the initial delay (the jitter does not apply to it); each
 *       next run one period after the previous run ended, moved by a random jitter of up to ± the
 *       jitter so a fleet does not sync at the same second.</li>
 *   <li>{@link #syncNow()} runs a sync at once; called while a sync runs, it joins that run. Runs
 *       never overlap. A successful on-demand run leaves the next scheduled run where it was (it
 *       does not push it a period out); one that fails brings the next run forward to the failure back-off when that is sooner.</li>
 *   <li>A failed run does not stop the schedule: the next comes sooner, after a back-off (15 min,
 *       doubling, capped below the period), and the normal period resumes after a success.</li>
 *   <li>Whatever a sync throws fails that run and only that run: an exception, and also an
 *       {@link Error} such as a {@link LinkageError} (a library of the wrong version), a
 *       {@link StackOverflowError} or an {@link OutOfMemoryError} thrown in the task or in a listener.
 *       The run's future completes with a failed result, the error is logged at ERROR with its stack
 *       trace, and the schedule goes on after the failure back-off. A listener that throws is logged
 *       and does not stop the other listeners nor the future. Should the scheduler itself be unable to
 *       go on (its executor refuses the next run), the future completes exceptionally and the log says,
 *       at ERROR, that no further run is scheduled.</li>
 *   <li>{@link #close()} stops scheduling and waits, bounded, for a running sync.</li>
 * </ul>
 *
 * <h2>On a cluster</h2>
 * With a {@link SyncLock} ({@link Builder#lock(SyncLock, String)}), the nodes that share one store run
 * one sync per period between them:
 * <ul>
 *   <li>When a node's timer fires, it asks the lock how long ago the cluster's last sync succeeded. If
 *       that is less than the period minus the jitter, this period's sync happened on another node: it
 *       runs nothing and sets its timer for when the next one is due.</li>
 *   <li>Otherwise it takes the lock's lease, asks again (another node may have finished meanwhile),
 *       and runs the sync, renewing the lease every third of the lease time on a thread of its own. The
 *       task receives the lease ({@link SyncTask#sync(SyncLease)}) to check it before it writes. The
 *       lease is released at the end, recording a success for every node to see.</li>
 *   <li>If another node holds the lease, it looks again after the poll interval: by then that sync
 *       has ended, or, if that node died, its lease expires and this node takes over.</li>
 *   <li>{@link #syncNow()} takes the lease and syncs; while another node holds it, it waits for that
 *       sync and completes with its result when it succeeded (a result with that sync's times and no
 *       counts: the counts are in the shared store's outcome), or syncs itself when it failed.</li>
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
 *
 * <p>Each run is bounded by the task's own limit: an {@link SsmSyncClient} ends every sync within its
 * {@link SsmSyncClient.Builder#syncTimeout(java.time.Duration) syncTimeout} (default 15 min), with a
 * {@link SyncDeadlineExceededException} in the result when it runs out, so a server that never stops
 * answering cannot hold the schedule (or the cluster's lease).
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
    private final SyncLock syncLock;
    private final String node;
    private final Duration leaseTime;
    private final Duration lockPollInterval;
    private final ScheduledExecutorService renewer;
    private final boolean ownsRenewer;

    private final Object lock = new Object();
    private CompletableFuture<SyncResult> running;
    private ScheduledFuture<?> next;
    private Instant nextRunAt;
    /** When the next scheduled run (not a lock poll) is due; kept across on-demand runs. */
    private Instant plannedRunAt;
    private int consecutiveFailures;
    /** Guarded by {@link #lock}. */
    private final FailureStreakLog failureLog = new FailureStreakLog(LOG);
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
        this.syncLock = b.syncLock;
        this.node = b.node;
        this.leaseTime = b.leaseTime;
        this.lockPollInterval = b.lockPollInterval;
        this.ownsRenewer = syncLock != null && b.renewalExecutor == null;
        this.renewer = syncLock == null ? null : b.renewalExecutor != null ? b.renewalExecutor
                : Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "ssm-sync-lease");
                    t.setDaemon(true);
                    return t;
                });
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
     * Schedules the first run after exactly the initial delay; the jitter applies to the later runs.
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
            scheduleLocked(initialDelay);
        }
        return this;
    }

    /**
     * Runs a sync now, or joins the one running.
     *
     * @return the result of that run, failed or not; completes exceptionally only if the scheduler is
     *     closed or cannot run syncs any more (its executor is shut down)
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
        Instant requestedAt = clock.instant();
        try {
            executor.execute(() -> attempt(mine, requestedAt));
        } catch (RejectedExecutionException e) {
            synchronized (lock) {
                running = null;
            }
            mine.completeExceptionally(new IllegalStateException("the scheduler's executor is shut down", e));
        }
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
            plannedRunAt = null;
            if (closed || running != null) {
                // A run triggered on demand is under way; its end schedules the next one.
                return;
            }
            mine = new CompletableFuture<>();
            running = mine;
        }
        attempt(mine, null);
    }

    /**
     * Runs a sync for {@code future}, under the cluster's lease when there is a lock, and completes
     * the future whatever happens. Runs on the executor.
     *
     * @param requestedAt when {@link #syncNow()} asked for it, or null for a scheduled run
     */
    private void attempt(CompletableFuture<SyncResult> future, Instant requestedAt) {
        try {
            attemptOnce(future, requestedAt);
        } catch (Throwable t) {
            // The task's and the lock's failures are failed results; only scheduling the next run gets here.
            synchronized (lock) {
                if (running == future) {
                    running = null;
                }
            }
            LOG.error("The SSM sync scheduler could not schedule its next run; no sync runs until syncNow() is called"
                    + " or the application restarts", t);
            future.completeExceptionally(t);
        }
    }

    private void attemptOnce(CompletableFuture<SyncResult> future, Instant requestedAt) {
        synchronized (lock) {
            if (closed) {
                running = null;
                future.completeExceptionally(new IllegalStateException("the scheduler is closed"));
                return;
            }
        }
        if (syncLock == null) {
            finish(future, execute(null), null, requestedAt != null);
            return;
        }
        Optional<SyncLease> lease;
        try {
            Optional<Duration> served = servedByAnotherNode(requestedAt);
            if (served.isPresent()) {
                finish(future, null, served.get(), requestedAt != null);
                return;
            }
            lease = syncLock.tryAcquire(node, leaseTime);
            if (lease.isPresent()) {
                // Another node may have finished a sync between the check above and taking the lease.
                served = servedByAnotherNode(requestedAt);
                if (served.isPresent()) {
                    lease.get().release(false);
                    finish(future, null, served.get(), requestedAt != null);
                    return;
                }
            }
        } catch (SyncLockException e) {
            finish(future, failed(e), null, requestedAt != null);
            return;
        } catch (RuntimeException | Error e) {
            // A lock implementation's bug (or an Error inside it): a failed run, not a caller left waiting.
            finish(future, failed(unexpected("The sync lock", e)), null, requestedAt != null);
            return;
        }
        if (lease.isEmpty()) {
            LOG.debug("Another node holds the sync lock; looking again in {} s", lockPollInterval.toSeconds());
            synchronized (lock) {
                if (closed) {
                    running = null;
                    future.completeExceptionally(new IllegalStateException("the scheduler is closed"));
                    return;
                }
                ScheduledFuture<?> poll = executor.schedule(() -> attempt(future, requestedAt),
                        lockPollInterval.toMillis(), TimeUnit.MILLISECONDS);
                if (next != null) {
                    // The planned run, when syncNow() is polling: this poll's sync serves it, and finish(...)
                    // plans the next one from plannedRunAt. Left pending, it would start a second schedule.
                    next.cancel(false);
                }
                next = poll;
                nextRunAt = clock.instant().plus(lockPollInterval);
            }
            return;
        }
        SyncLease held = lease.get();
        AtomicBoolean syncing = new AtomicBoolean(true);
        SyncResult result;
        try {
            scheduleRenewal(held, syncing);
            result = execute(held);
        } finally {
            syncing.set(false);
        }
        try {
            held.release(result.isSuccess());
        } catch (SyncLockException e) {
            LOG.warn("Could not release the sync lock (it expires by itself): {}", e.getMessage());
        }
        finish(future, result, null, requestedAt != null);
    }

    /**
     * Whether a sync that succeeded on some node makes this attempt unnecessary: for a scheduled run,
     * one within the period (less the jitter); for {@link #syncNow()}, one that ended after it was
     * called. Measured in the lock's clock.
     *
     * @return how long ago that sync succeeded, or empty when this node must sync
     */
    private Optional<Duration> servedByAnotherNode(Instant requestedAt) {
        Optional<Duration> since = syncLock.sinceLastSuccess();
        Duration window = requestedAt == null ? period.minus(jitter) : Duration.between(requestedAt, clock.instant());
        return since.filter(d -> d.compareTo(window) < 0);
    }

    /** Renews the lease every third of the lease time while {@code syncing}, until it is lost. */
    private void scheduleRenewal(SyncLease lease, AtomicBoolean syncing) {
        long every = Math.max(1, leaseTime.toMillis() / 3);
        if (renewer.isShutdown()) {
            return;
        }
        renewer.schedule(() -> {
            if (!syncing.get()) {
                return;
            }
            try {
                if (!lease.renew(leaseTime)) {
                    LOG.warn("This node lost its sync lease (fencing token {}); the sync stops at its next write",
                            lease.fencingToken());
                    return;
                }
            } catch (SyncLockException e) {
                LOG.warn("Could not renew the sync lease: {}", e.getMessage());
            }
            scheduleRenewal(lease, syncing);
        }, every, TimeUnit.MILLISECONDS);
    }

    /** Runs the task; whatever it throws, even an {@link Error}, becomes a failed result. */
    private SyncResult execute(SyncLease lease) {
        try {
            return lease == null ? task.sync() : task.sync(lease);
        } catch (SsmException e) {
            return failed(e);
        } catch (Throwable e) {
            return failed(unexpected("The sync task", e));
        }
    }

    /** What a run that {@code what} failed with {@code e} (not an {@link SsmException}) reports; Errors logged at ERROR. */
    private static SsmException unexpected(String what, Throwable e) {
        String message = what + " failed: " + e.getClass().getSimpleName();
        if (e instanceof LinkageError) {
            // Such as a library older than the SDK was built with.
            LOG.error("{}; the schedule goes on after the failure back-off", message, e);
            return new SsmException(message + " (" + e.getMessage() + ").",
                    "A library on the class path is not the version the SDK was built with (usually an older HttpClient"
                            + " 5 or HttpCore 5: the SDK needs HttpClient 5.4 and HttpCore 5.3 or newer); align the versions.", false, e);
        }
        if (e instanceof Error) {
            LOG.error("{}; the schedule goes on after the failure back-off", message, e);
            return new SsmException(message + ".", "An error in the sync or in code it calls, such as a listener; see"
                    + " the stack trace logged at ERROR by " + SyncScheduler.class.getName() + ".", false, e);
        }
        return new SsmException(message + ".", "This is a bug in the sync task; report it with the log.", false, e);
    }

    private SyncResult failed(SsmException error) {
        Instant now = clock.instant();
        return new SyncResult(new SyncOutcome(now, now, false, 0, 0, 0, error.getClass().getSimpleName(),
                error.getMessage()), Map.of(), List.of(), List.of(), error);
    }

    /**
     * Ends an attempt: schedules the next run and completes the future.
     *
     * @param result the result of the sync this node ran, or null when another node's sync served
     * @param sinceClusterSuccess with a null result: how long ago the cluster's last sync succeeded
     * @param onDemand whether {@link #syncNow()} asked for this run
     */
    private void finish(CompletableFuture<SyncResult> future, SyncResult result, Duration sinceClusterSuccess,
            boolean onDemand) {
        if (result == null) {
            Instant at = clock.instant().minus(sinceClusterSuccess);
            SyncResult served = new SyncResult(new SyncOutcome(at, at, true, 0, 0, 0, null, null), Map.of(),
                    List.of(), List.of(), null);
            synchronized (lock) {
                running = null;
                consecutiveFailures = 0;
                failureLog.succeeded();
                Duration spread = jitter.isZero() ? Duration.ZERO
                        : Duration.ofMillis((long) (random.nextDouble() * jitter.toMillis()));
                scheduleLocked(period.minus(sinceClusterSuccess).plus(spread));
            }
            LOG.debug("This period's sync ran on another node {} s ago", sinceClusterSuccess.toSeconds());
            future.complete(served);
            return;
        }
        synchronized (lock) {
            running = null;
            if (result.isSuccess()) {
                consecutiveFailures = 0;
                failureLog.succeeded();
                Instant planned = plannedRunAt;
                if (onDemand && planned != null && planned.isAfter(clock.instant())) {
                    // An on-demand run keeps the schedule: the next run stays where it was planned.
                    scheduleLocked(Duration.between(clock.instant(), planned));
                } else {
                    scheduleLocked(withJitter(period));
                }
            } else {
                consecutiveFailures++;
                Duration wait = backoff(consecutiveFailures);
                Instant planned = plannedRunAt;
                if (onDemand && planned != null && planned.isAfter(clock.instant())
                        && planned.isBefore(clock.instant().plus(wait))) {
                    wait = Duration.between(clock.instant(), planned);
                }
                failureLog.failed(result, wait);
                scheduleLocked(wait);
            }
        }
        for (SyncListener listener : listeners) {
            try {
                listener.onSync(result);
            } catch (RuntimeException e) {
                LOG.warn("A sync listener failed: {}", e.toString());
            } catch (Error e) {
                LOG.error("A sync listener failed; the other listeners and the caller still get the result", e);
            }
        }
        future.complete(result);
    }

    private void scheduleLocked(Duration delay) {
        if (closed) {
            return;
        }
        long millis = Math.max(0, delay.toMillis());
        ScheduledFuture<?> scheduled = executor.schedule(this::scheduledRun, millis, TimeUnit.MILLISECONDS);
        if (next != null) {
            next.cancel(false);
        }
        next = scheduled;
        nextRunAt = clock.instant().plusMillis(millis);
        plannedRunAt = nextRunAt;
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
        if (ownsRenewer) {
            renewer.shutdownNow();
        }
    }

    /** Builds a {@link SyncScheduler}. */
    public static final class Builder {
        private final SyncTask task;
        private Duration period = Duration.ofHours(24);
        private Duration initialDelay = Duration.ofMinutes(1);
        private Duration jitter = Duration.ofMinutes(30);
        private boolean jitterSet;
        private Duration failureBackoff = Duration.ofMinutes(15);
        private Duration maxFailureBackoff;
        private Duration closeTimeout = Duration.ofSeconds(30);
        private ScheduledExecutorService executor;
        private Clock clock = Clock.systemUTC();
        private Random random = new Random();
        private final List<SyncListener> listeners = new CopyOnWriteArrayList<>();
        private SyncLock syncLock;
        private String node;
        private Duration leaseTime = Duration.ofMinutes(10);
        private Duration lockPollInterval = Duration.ofSeconds(10);
        private ScheduledExecutorService renewalExecutor;

        private Builder(SyncTask task) {
            this.task = Objects.requireNonNull(task, "task");
        }

        /**
         * Sets the time between runs (default 24 h).
         *
         * @param period time between runs (default 24 h)
         * @return this builder
         */
        public Builder period(Duration period) {
            this.period = period;
            return this;
        }

        /**
         * Sets the time before the first run (default 1 min).
         *
         * @param delay time before the first run (default 1 min)
         * @return this builder
         */
        public Builder initialDelay(Duration delay) {
            this.initialDelay = delay;
            return this;
        }

        /**
         * Sets how far each run after the first moves, at random, from one period after the previous run:
         * up to ± this (default 30 min). The first run comes exactly after the initial delay. Must be
         * shorter than the period; set a shorter one (or zero) with a short period.
         *
         * @param jitter each run after the first moves by up to ± this; default 30 min
         * @return this builder
         */
        public Builder jitter(Duration jitter) {
            this.jitter = jitter;
            this.jitterSet = true;
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
         * Sets the executor that runs and times the syncs (default: one daemon thread of the scheduler's own).
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
         * Shares the schedule with the other nodes of a cluster through a lock: one sync per period
         * across the cluster (see the class description). Without a lock, this scheduler alone decides.
         *
         * @param syncLock the cluster's lock, for example {@code JdbcSyncLock} from sdk-jdbc
         * @param nodeName this node's name as operators see it in the lock's holder (no secrets)
         * @return this builder
         */
        public Builder lock(SyncLock syncLock, String nodeName) {
            this.syncLock = Objects.requireNonNull(syncLock, "syncLock");
            this.node = Objects.requireNonNull(nodeName, "nodeName");
            return this;
        }

        /**
         * Sets how long a lease lasts unless renewed (default 10 min): how soon another node takes over
         * from a node that died mid-sync. It must exceed the longest pause of a node, and be at least
         * 1.5 times the clients' {@code claimLease} (default 5 min), so that the node taking over from a
         * dead one finds that node's claims on pending reports expired and delivers those reports in
         * the same sync, not a period later.
         *
         * @param leaseTime the lease time
         * @return this builder
         */
        public Builder leaseTime(Duration leaseTime) {
            this.leaseTime = leaseTime;
            return this;
        }

        /**
         * Sets how often a node that found the lock held looks again (default 10 s).
         *
         * @param interval the poll interval
         * @return this builder
         */
        public Builder lockPollInterval(Duration interval) {
            this.lockPollInterval = interval;
            return this;
        }

        /**
         * Sets the executor that renews the lease while a sync runs (default: one daemon thread of the
         * scheduler's own). It must not be the executor that runs the syncs.
         *
         * @param renewalExecutor the renewal executor
         * @return this builder
         */
        public Builder leaseRenewalExecutor(ScheduledExecutorService renewalExecutor) {
            this.renewalExecutor = Objects.requireNonNull(renewalExecutor);
            return this;
        }

        /**
         * Adds a listener that receives the result of every run.
         *
         * @param listener receives the result of every run
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
            positive("leaseTime", leaseTime);
            positive("lockPollInterval", lockPollInterval);
            if (node != null && (node.isBlank() || node.length() > 200)) {
                throw new SsmConfigurationException("lock", "the node name must be 1 to 200 characters");
            }
            if (jitter.compareTo(period) >= 0) {
                throw jitterSet
                        ? new SsmConfigurationException("jitter", "the jitter (" + jitter + ") must be shorter than the period ("
                                + period + ")")
                        : new SsmConfigurationException("period", "the period (" + period + ") must be longer than the jitter ("
                                + jitter + ", the default); set a longer period or a shorter jitter(...), such as Duration.ZERO");
            }
            Duration max = maxFailureBackoff != null ? maxFailureBackoff : period.dividedBy(2);
            if (maxFailureBackoff == null && max.compareTo(failureBackoff) < 0) {
                throw new SsmConfigurationException("period", "the period (" + period + ") must be at least twice the first "
                        + "failure back-off (" + failureBackoff + "); set a longer period or a shorter failureBackoff(first, max)");
            }
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
