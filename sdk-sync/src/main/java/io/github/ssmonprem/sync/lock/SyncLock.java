package io.github.ssmonprem.sync.lock;

import java.time.Duration;
import java.util.Optional;

/**
 * The cluster's sync lock: a lease that one node holds for one sync, so that N nodes sharing one
 * store run one sync per period between them.
 *
 * <p>A lease has an expiry in the lock's own clock (the database's for {@code JdbcSyncLock}), is
 * renewed while the sync runs, and carries a fencing token that grows with every acquisition: a node
 * that paused past its lease learns from {@link SyncLease#ensureHeld()} that it lost it, and writes
 * no license snapshot and no outcome after that. A node that dies mid-sync holds the lease until it
 * expires; then another node takes over.
 *
 * <p>The lock also remembers when a sync under it last succeeded ({@link #sinceLastSuccess()}, and
 * {@link SyncLease#sinceLastSuccessWhenTaken()} as a lease is taken), so every node's
 * {@code SyncScheduler} agrees on whether this period's sync is still due. That is the cluster's
 * scheduling record, in the lock's clock; what operators see as the last success is the store's
 * outcome ({@code SsmSyncClient.lastSuccess()}).
 *
 * <p>Implementations: {@code JdbcSyncLock} and
 * {@code ShedLockSyncLock} in sdk-jdbc; {@code LocalSyncLock} (one JVM), a test double, in sdk-testkit.
 * Implementations are thread-safe.
 */
public interface SyncLock {

    /**
     * Takes the lease if nobody holds an unexpired one.
     *
     * @param node the node name of who takes it ({@code SsmSyncClient.nodeName()}), shown to operators
     * @param leaseTime how long the lease lasts unless renewed
     * @return the lease, or empty when another node has it
     * @throws SyncLockException when the lock cannot be reached (database down)
     */
    Optional<SyncLease> tryAcquire(String node, Duration leaseTime);

    /**
     * {@return who holds the lease now; empty when the lock is free or the implementation cannot tell}
     *
     * @throws SyncLockException when the lock cannot be reached
     */
    Optional<LockHolder> holder();

    /**
     * {@return how long ago a sync under this lock last succeeded, measured in the lock's clock; empty
     * when none is recorded or the implementation keeps no record}
     *
     * @throws SyncLockException when the lock cannot be reached
     */
    Optional<Duration> sinceLastSuccess();
}
