package io.github.ssmonprem.sync.internal.schedule;

import io.github.ssmonprem.sync.lock.SyncLease;
import io.github.ssmonprem.sync.lock.SyncLock;
import io.github.ssmonprem.sync.lock.SyncLockException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's gate around one sync: take the sync lock's lease, or learn that another node holds it
 * or already served this sync; renew the lease every third of its time while the sync runs; release it
 * at the end, recording a success for every node to see. One lock call to enter (the lease says, as it
 * is taken, when a sync under the lock last succeeded) and one to leave.
 */
public final class ClusterGate {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterGate.class);

    /** What entering the gate came to. */
    public sealed interface Entry {
    }

    /**
     * This node holds the lease and syncs under it.
     *
     * @param lease the lease, renewed until it is released
     */
    public record Held(SyncLease lease) implements Entry {
    }

    /**
     * A sync that succeeded on some node serves this attempt; the lease was given back.
     *
     * @param ago how long ago that sync succeeded, in the lock's clock
     */
    public record Served(Duration ago) implements Entry {
    }

    /** Another node holds the lease: it is syncing now. */
    public record Busy() implements Entry {
    }

    private final SyncLock lock;
    private final String node;
    private final Duration leaseTime;
    private final ScheduledExecutorService renewer;
    private final Clock clock;

    /**
     * Creates the gate of a node.
     *
     * @param lock the cluster's lock
     * @param node this node's name, the lease's holder
     * @param leaseTime how long a lease lasts unless renewed
     * @param renewer where renewals run; not the executor that runs the syncs
     * @param clock this node's clock
     */
    public ClusterGate(SyncLock lock, String node, Duration leaseTime, ScheduledExecutorService renewer, Clock clock) {
        this.lock = lock;
        this.node = node;
        this.leaseTime = leaseTime;
        this.renewer = renewer;
        this.clock = clock;
    }

    /**
     * Takes the lease, unless another node holds it or a success less than {@code window} ago serves
     * this attempt.
     *
     * @param window how recent a success serves this attempt, read once the lease is taken (so a window
     *     that grows with time is measured no earlier than the lock's answer)
     * @return what it came to
     * @throws SyncLockException when the lock cannot be reached
     */
    public Entry enter(Supplier<Duration> window) {
        Instant before = clock.instant();
        Optional<SyncLease> taken = lock.tryAcquire(node, leaseTime);
        if (taken.isEmpty()) {
            return new Busy();
        }
        Optional<Duration> since = taken.get().sinceLastSuccessWhenTaken();
        if (since.isPresent() && since.get().compareTo(window.get()) < 0) {
            taken.get().release(false);
            return new Served(since.get());
        }
        HeldLease held = new HeldLease(taken.get(), clock, before, leaseTime);
        scheduleRenewal(held);
        return new Held(held);
    }

    /**
     * Stops renewing the lease and releases it.
     *
     * @param lease the lease {@link #enter} gave
     * @param succeeded whether the sync under it succeeded
     */
    public void leave(SyncLease lease, boolean succeeded) {
        try {
            lease.release(succeeded);
        } catch (SyncLockException e) {
            LOG.warn("Could not release the sync lock (it expires by itself): {}", e.getMessage());
        }
    }

    /** Renews the lease every third of the lease time while its sync runs, until it is lost. */
    private void scheduleRenewal(HeldLease lease) {
        if (renewer.isShutdown()) {
            return;
        }
        renewer.schedule(() -> {
            if (!lease.active()) {
                return;
            }
            try {
                if (!lease.renew(leaseTime)) {
                    LOG.warn("This node lost its sync lease (fencing token {}); the sync writes no more license snapshots and no "
                            + "outcome", lease.fencingToken());
                    return;
                }
            } catch (SyncLockException e) {
                LOG.warn("Could not renew the sync lease: {}", e.getMessage());
            }
            scheduleRenewal(lease);
        }, Math.max(1, leaseTime.toMillis() / 3), TimeUnit.MILLISECONDS);
    }
}
