package io.github.ssmonprem.sync;

import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.core.internal.DaemonThreads;
import io.github.ssmonprem.sync.internal.FailureStreakLog;
import io.github.ssmonprem.sync.internal.SyncFailures;
import io.github.ssmonprem.sync.internal.schedule.ClusterGate;
import io.github.ssmonprem.sync.internal.schedule.Schedule;
import io.github.ssmonprem.sync.lock.SyncLease;
import io.github.ssmonprem.sync.lock.SyncLock;
import io.github.ssmonprem.sync.lock.SyncLockException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
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
 *   <li>The first run comes exactly after the initial delay (the jitter does not apply to it); each
 *       next run one period after the previous run ended, moved by a random jitter of up to ± the
 *       jitter so a fleet does not sync at the same second.</li>
 *   <li>{@link #syncNow()} runs a sync at once; called while a sync runs, it joins that run. Runs
 *       never overlap. A successful on-demand run leaves the next scheduled run where it was (it
 *       does not push it a period out); one that fails brings the next run forward to the failure
 *       back-off when that is sooner.</li>
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
 * With a {@link SyncLock} ({@link SyncSchedulerBuilder#lock(SyncLock)}), the nodes that share one store
 * run one sync per period between them:
 * <ul>
 *   <li>When a node's timer fires, it takes the lock's lease, which says how long ago the cluster's
 *       last sync succeeded. If that is less than the period minus the jitter, this period's sync
 *       happened on another node: it gives the lease back, runs nothing and sets its timer for when the
 *       next one is due.</li>
 *   <li>Otherwise it runs the sync, renewing the lease every third of the lease time on a thread of its
 *       own. The task receives the lease ({@link SyncTask#sync(SyncLease)}) to check it before it
 *       writes the license snapshots and the outcome. The lease is released at the end, recording a
 *       success for every node to see.</li>
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
 * {@link SsmSyncClientBuilder#syncTimeout(java.time.Duration) syncTimeout} (default 15 min), with a
 * {@link SyncDeadlineExceededException} in the result when it runs out, so a server that never stops
 * answering cannot hold the schedule (or the cluster's lease).
 */
public final class SyncScheduler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SyncScheduler.class);

    private final SyncTask task;
    private final Schedule schedule;
    private final Duration closeTimeout;
    private final ScheduledExecutorService executor;
    private final boolean ownsExecutor;
    private final Clock clock;
    private final List<SyncListener> listeners;
    private final ClusterGate gate;
    private final Duration lockPollInterval;
    private final ScheduledExecutorService renewer;
    private final boolean ownsRenewer;

    private final Object lock = new Object();
    private CompletableFuture<SyncResult> running;
    private ScheduledFuture<?> next;
    private Instant nextRunAt;
    /** When the next scheduled run (not a lock poll) is due; kept across on-demand runs. */
    private Instant plannedRunAt;
    /** Guarded by {@link #lock}, as is {@link #schedule}. */
    private final FailureStreakLog failureLog = new FailureStreakLog(LOG);
    private boolean started;
    private boolean closed;

    SyncScheduler(SyncSchedulerBuilder b) {
        this.task = b.task;
        this.schedule = new Schedule(b.period, b.initialDelay, b.jitter, b.failureBackoff, b.maxFailureBackoff(), b.random);
        this.closeTimeout = b.closeTimeout;
        this.ownsExecutor = b.executor == null;
        this.executor = b.executor != null ? b.executor
                : Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("ssm-sync-scheduler"));
        this.clock = b.clock;
        this.listeners = new CopyOnWriteArrayList<>(b.listeners);
        this.lockPollInterval = b.lockPollInterval;
        this.ownsRenewer = b.syncLock != null && b.renewalExecutor == null;
        this.renewer = b.syncLock == null ? null : b.renewalExecutor != null ? b.renewalExecutor
                : Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("ssm-sync-lease"));
        this.gate = b.syncLock == null ? null : new ClusterGate(b.syncLock, task.nodeName(), b.leaseTime, renewer, clock);
    }

    /**
     * {@return a builder}
     *
     * @param task what one sync does, typically an {@link SsmSyncClient}
     */
    public static SyncSchedulerBuilder builder(SyncTask task) {
        return new SyncSchedulerBuilder(task);
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
            scheduleLocked(schedule.first());
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

    /** {@return when the next scheduled run is due, if one is scheduled} */
    public Optional<Instant> nextRunAt() {
        synchronized (lock) {
            return Optional.ofNullable(nextRunAt);
        }
    }

    /** {@return whether a sync is running now} */
    public boolean isRunning() {
        synchronized (lock) {
            return running != null;
        }
    }

    /**
     * Adds a listener that receives every result from now on.
     *
     * @param listener the listener
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
        boolean onDemand = requestedAt != null;
        if (gate == null) {
            finish(future, execute(null), onDemand);
            return;
        }
        ClusterGate.Entry entry;
        try {
            // For a scheduled run, a success within the period serves it; on demand, one that ended after the request.
            entry = gate.enter(() -> onDemand ? Duration.between(requestedAt, clock.instant()) : schedule.servedWindow());
        } catch (SyncLockException e) {
            finish(future, failed(e), onDemand);
            return;
        } catch (RuntimeException | Error e) {
            // A lock implementation's bug (or an Error inside it): a failed run, not a caller left waiting.
            finish(future, failed(SyncFailures.unexpected("The sync lock", e, LOG, SyncScheduler.class)), onDemand);
            return;
        }
        if (entry instanceof ClusterGate.Served served) {
            servedElsewhere(future, served.ago());
        } else if (entry instanceof ClusterGate.Held held) {
            SyncResult result = execute(held.lease());
            gate.leave(held.lease(), result.isSuccess());
            finish(future, result, onDemand);
        } else {
            pollLater(future, requestedAt);
        }
    }

    /** Another node holds the lease: looks again after the poll interval, in place of the planned run. */
    private void pollLater(CompletableFuture<SyncResult> future, Instant requestedAt) {
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
    }

    /** Runs the task; whatever it throws, even an {@link Error}, becomes a failed result. */
    private SyncResult execute(SyncLease lease) {
        try {
            return lease == null ? task.sync() : task.sync(lease);
        } catch (SsmException e) {
            return failed(e);
        } catch (Throwable e) {
            return failed(SyncFailures.unexpected("The sync task", e, LOG, SyncScheduler.class));
        }
    }

    private SyncResult failed(SsmException error) {
        return SyncFailures.failed(clock.instant(), error);
    }

    /** Ends an attempt that another node's successful sync served: the next run a period after that one. */
    private void servedElsewhere(CompletableFuture<SyncResult> future, Duration sinceThatSync) {
        SyncResult served = SyncFailures.servedElsewhere(clock.instant().minus(sinceThatSync));
        synchronized (lock) {
            running = null;
            failureLog.succeeded();
            scheduleLocked(schedule.afterServed(sinceThatSync));
        }
        LOG.debug("This period's sync ran on another node {} s ago", sinceThatSync.toSeconds());
        future.complete(served);
    }

    /**
     * Ends an attempt that ran a sync: schedules the next run, tells the listeners, completes the future.
     *
     * @param onDemand whether {@link #syncNow()} asked for this run
     */
    private void finish(CompletableFuture<SyncResult> future, SyncResult result, boolean onDemand) {
        synchronized (lock) {
            running = null;
            Duration wait = schedule.afterRun(clock.instant(), result.isSuccess(), onDemand, plannedRunAt);
            if (result.isSuccess()) {
                failureLog.succeeded();
            } else {
                failureLog.failed(result, wait);
            }
            scheduleLocked(wait);
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

    /**
     * Stops scheduling, waits up to the close timeout for a running sync, and stops the scheduler's
     * own threads.
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
}
