package io.github.ssmonprem.sync.lock;

import java.time.Duration;
import java.util.Optional;

/**
 * A lease on a {@link SyncLock}, held for one sync. Thread-safe: the scheduler renews it on one
 * thread while the sync checks it on another.
 *
 * <p>What the lease guards: that one node per period syncs, and the two records a sync replaces as a
 * whole, the license snapshots and the outcome, which the sync writes only after
 * {@link #ensureHeld()}. The usage outbox does not depend on it: each report's claim fences its
 * delivery in the store itself ({@link io.github.ssmonprem.sync.store.UsageOutbox}), so a node whose
 * lease ran out while it held claims finishes those reports without another node sending them again.
 */
public interface SyncLease {

    /**
     * {@return the fencing token of this lease, positive: every acquisition of the lock gets a larger
     * one, and the lock renews, checks and releases a lease only while it is the current one. Shown to
     * operators ({@link LockHolder#fencingToken()}); no store receives it}
     */
    long fencingToken();

    /**
     * {@return how long before this lease was taken a sync under the lock last succeeded, read by the
     * lock when it gave the lease (in the lock's clock); empty when none is recorded or the lock keeps
     * no record}
     */
    Optional<Duration> sinceLastSuccessWhenTaken();

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
     * Checks that this lease is still held. A sync calls it before it writes a license snapshot and
     * before it records its outcome. A check, not a fence: a node that pauses between the check and the
     * write may write once after it lost the lease; both records are replaced whole by the next sync.
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
