package io.github.ssmonprem.sync.lock;

import java.time.Duration;

/**
 * A lease on a {@link SyncLock}, held for one sync. Thread-safe: the scheduler renews it on one
 * thread while the sync checks it on another.
 */
public interface SyncLease {

    /**
     * The fencing token of this lease. Every acquisition of the lock gets a larger token than the one
     * before, so a store can refuse writes that carry an older token than the newest it has seen.
     *
     * @return the token, positive
     */
    long fencingToken();

    /**
     * Extends the lease by the given time from now, in the lock's clock.
     *
     * @param leaseTime the new remaining time
     * @return true when renewed; false when the lease was lost (it expired and may belong to
     *         another node now)
     * @throws SyncLockException when the lock cannot be reached; the lease may still be held
     */
    boolean renew(Duration leaseTime);

    /**
     * Checks, against the lock itself, that this lease is still held. A sync calls it before each
     * write that another node must not interleave with.
     *
     * @throws SyncLockLostException when the lease expired or another node holds the lock now
     * @throws SyncLockException when the lock cannot be reached
     */
    void ensureHeld();

    /**
     * Ends the lease. When {@code succeeded}, the lock records the time of a successful sync, which
     * {@link SyncLock#sinceLastSuccess()} reports to every node. Releasing a lost lease changes
     * nothing.
     *
     * @param succeeded whether the sync under this lease succeeded
     * @throws SyncLockException when the lock cannot be reached; the lease then expires by itself
     */
    void release(boolean succeeded);
}
