package io.github.ssmonprem.sync;

import io.github.ssmonprem.sync.lock.SyncLease;

/** One sync run, as the {@link SyncScheduler} drives it. {@link SsmSyncClient} is one. */
@FunctionalInterface
public interface SyncTask {

    /**
     * Runs one sync. Failures are reported in the result rather than thrown.
     *
     * @return the result
     */
    SyncResult sync();

    /**
     * Runs one sync under a lease of the cluster's {@link io.github.ssmonprem.sync.lock.SyncLock}. A task
     * that writes shared state calls {@link SyncLease#ensureHeld()} before each write that another node
     * must not interleave with, and so stops once its lease is lost. The default ignores the lease.
     *
     * @param lease the lease held for this sync
     * @return the result
     */
    default SyncResult sync(SyncLease lease) {
        return sync();
    }
}
