package io.github.ssmonprem.sync;

/** One sync run, as the {@link SyncScheduler} drives it. {@link SsmSyncClient} is one. */
@FunctionalInterface
public interface SyncTask {

    /**
     * Runs one sync. Failures are reported in the result rather than thrown.
     *
     * @return the result
     */
    SyncResult sync();
}
