package io.github.ssmonprem.sync;

import io.github.ssmonprem.sync.internal.NodeNames;
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
     * that replaces shared records whole calls {@link SyncLease#ensureHeld()} before it writes them, and
     * so writes none once its lease is lost. The default ignores the lease.
     *
     * @param lease the lease held for this sync
     * @return the result
     */
    default SyncResult sync(SyncLease lease) {
        return sync();
    }

    /**
     * {@return the node name this task runs under: the holder of the cluster's lock while it syncs. By
     * default the host name and the process id; an {@link SsmSyncClient} answers its own
     * ({@link SsmSyncClientBuilder#nodeName(String)})}
     */
    default String nodeName() {
        return NodeNames.process();
    }
}
