package io.github.ssmonprem.sync;

/** Receives the result of every sync the {@link SyncScheduler} runs, with its license changes. */
@FunctionalInterface
public interface SyncListener {

    /**
     * Called after each sync, on the scheduler's thread. Exceptions are logged and ignored.
     *
     * @param result the result
     */
    void onSync(SyncResult result);
}
