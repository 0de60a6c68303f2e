package io.github.ssmonprem.sync.lock;

import java.time.Duration;
import java.util.Optional;

/**
 * The cluster's sync lock: a lease that one node holds for one sync, so that N nodes sharing one
 * store run one sync per period between them.
 *
 * <p>A lease has an expiry in the lock's own clock (the database's for {@code JdbcSyncLock}), is
 * renewed while the sync runs, and carries a fencing token that grows with every acquisition: a node
 * that paused past its lease learns from {@link SyncLease#ensureHeld()} that it lost it, and stops
 * before it writes. A node that dies mid-sync holds the lease until it expires; then another node
 * takes over.
 *
 * <p>The lock also remembers when a sync under it last succeeded ({@link #sinceLastSuccess()}), so
 * every node's {@code SyncScheduler} agrees on whether this period's sync is still due.
 *
 * <p>Implementations: {@code JdbcSyncLock} and
 * {@code ShedLockSyncLock} in sdk-jdbc; {@code LocalSyncLock} (one JVM), a test double, in sdk-testkit.
 * Implementations are thread-safe.
 */
public interface SyncLock {

    /**
     * Takes the lease if nobody holds an unexpired one.
     *
     * @param holder who takes it, shown to operators (a host name and process id, say); no secrets
     * @param leaseTime how long the lease lasts unless renewed
     * @return the lease, or empty when another holder has it
     * @throws SyncLockException when the lock cannot be reached (database down)
     */
    Optional<SyncLease> tryAcquire(String holder, Duration leaseTime);

    /**
     * Who holds the lease now.
     *
     * @return the holder of an unexpired lease, or empty when the lock is free or the implementation
     *         cannot tell
     * @throws SyncLockException when the lock cannot be reached
     */
    Optional<LockHolder> holder();

    /**
     * How long ago a sync under this lock last succeeded, measured in the lock's clock.
     *
     * @return the time since that success, or empty when none is recorded or the implementation keeps
     *         no record
     * @throws SyncLockException when the lock cannot be reached
     */
    Optional<Duration> sinceLastSuccess();
}
