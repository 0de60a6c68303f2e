package io.github.ssmonprem.jdbc;

import io.github.ssmonprem.auth.OAuthGrant;
import io.github.ssmonprem.core.Secret;
import io.github.ssmonprem.core.SsmClientConfig;
import io.github.ssmonprem.emulator.SsmEmulator;
import io.github.ssmonprem.sync.AccountSelection;
import io.github.ssmonprem.sync.SsmSyncClient;
import io.github.ssmonprem.sync.SyncScheduler;
import java.time.Duration;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One node of {@link ClusterTest}'s cluster: a scheduler over the shared PostgreSQL store and lock
 * (args: emulator URL, JDBC URL, table prefix, node name), syncing at start and then daily. Runs until
 * killed or until its standard input closes.
 */
public final class ClusterNodeChild {

    private ClusterNodeChild() {
    }

    public static void main(String[] args) throws Exception {
        SsmClientConfig config = SsmClientConfig.builder().baseUrl(args[0]).allowPlainHttp(true).noProxy().build();
        OAuthGrant grant = OAuthGrant.password(SsmEmulator.DEMO_CLIENT_ID, Secret.of(SsmEmulator.DEMO_CLIENT_SECRET),
                SsmEmulator.DEMO_USER, Secret.of(SsmEmulator.DEMO_PASSWORD));
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(args[1]);
        String prefix = args[2];
        String node = args[3];
        try (SsmSyncClient ssm = SsmSyncClient.builder().config(config).grant(grant)
                        .store(JdbcSyncStore.builder(ds).tablePrefix(prefix).build())
                        .account(AccountSelection.of(SsmEmulator.DEMO_ACCOUNT, "DEFAULT"))
                        // A claim lease of at most two thirds of the lock's: when a replacement takes the
                        // lock over, the dead node's claims have expired too, and it delivers their reports.
                        .nodeName(node).claimLease(Duration.ofSeconds(2)).build();
                SyncScheduler scheduler = SyncScheduler.builder(ssm)
                        .lock(JdbcSyncLock.builder(ds).tablePrefix(prefix).build())
                        .leaseTime(Duration.ofSeconds(3)).lockPollInterval(Duration.ofMillis(200))
                        .period(Duration.ofHours(1)).initialDelay(Duration.ZERO).jitter(Duration.ZERO)
                        .failureBackoff(Duration.ofSeconds(1), Duration.ofSeconds(2))
                        .listener(r -> {
                            System.out.println("SYNC " + (r.isSuccess() ? "success" : "failed " + r.outcome().errorType()));
                            System.out.flush();
                        })
                        .build()) {
            scheduler.start();
            System.out.println("READY " + node);
            System.out.flush();
            while (System.in.read() >= 0) {
                // run until the parent closes our input or kills us
            }
        }
    }
}
