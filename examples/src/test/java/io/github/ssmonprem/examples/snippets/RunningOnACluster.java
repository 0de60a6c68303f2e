package io.github.ssmonprem.examples.snippets;

// tag::cluster[]
import io.github.ssmonprem.jdbc.JdbcSyncLock;
import io.github.ssmonprem.jdbc.JdbcSyncStore;
import io.github.ssmonprem.sync.SsmSyncClient;
import io.github.ssmonprem.sync.SyncScheduler;
import io.github.ssmonprem.sync.lock.SyncLock;
import io.github.ssmonprem.sync.store.SyncStore;
import java.time.Duration;
import javax.sql.DataSource;
// end::cluster[]
// tag::shedlock[]
import io.github.ssmonprem.jdbc.shedlock.ShedLockSyncLock;
import net.javacrumbs.shedlock.core.LockProvider;
// end::shedlock[]
import io.github.ssmonprem.auth.OAuthGrant;
import io.github.ssmonprem.core.SsmClientConfig;
import io.github.ssmonprem.sync.AccountSelection;
import java.util.function.Consumer;

/** README, "Running on a cluster". */
final class RunningOnACluster {

    private RunningOnACluster() {
    }

    static SyncScheduler cluster(DataSource dataSource, SsmClientConfig config, OAuthGrant grant,
            AccountSelection account, String hostName, Consumer<String> status) {
        // tag::cluster[]
        // dataSource: your pool (HikariCP, the container's)
        SyncStore store = JdbcSyncStore.builder(dataSource).build();  // pending usage, snapshots, outcome: shared
        SsmSyncClient ssm = SsmSyncClient.builder().config(config).grant(grant).store(store).account(account)
            .nodeName(hostName)                                       // its claims and the lock's holder; unique per node
            .claimLease(Duration.ofMinutes(5))                        // default; how soon a dead node's reports are free
            .build();
        SyncLock lock = JdbcSyncLock.builder(dataSource)
            .tablePrefix("ssm_")                                      // default; the table is ssm_sync_lock
            .build();
        SyncScheduler scheduler = SyncScheduler.builder(ssm)
            .lock(lock)                                               // held under the client's node name
            .leaseTime(Duration.ofMinutes(10))                        // default; how soon a dead node is replaced
            .build()
            .start();
        lock.holder().ifPresent(h -> status.accept("syncing on " + h.node() + " until " + h.expiresAt()));
        // end::cluster[]
        return scheduler;
    }

    static SyncLock shedLock(LockProvider lockProvider) {
        // tag::shedlock[]
        SyncLock lock = ShedLockSyncLock.builder(lockProvider)
            .minimumInterval(Duration.ofHours(23))                   // the scheduler's period minus its jitter
            .build();
        // end::shedlock[]
        return lock;
    }
}
