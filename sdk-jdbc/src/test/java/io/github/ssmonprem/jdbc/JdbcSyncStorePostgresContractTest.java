package io.github.ssmonprem.jdbc;

import io.github.ssmonprem.sync.store.SyncStore;
import io.github.ssmonprem.testkit.SyncStoreContract;
import java.time.Clock;

/** {@link JdbcSyncStore} passes the store contract on PostgreSQL; "reopening" is a new store on the same tables. */
class JdbcSyncStorePostgresContractTest extends SyncStoreContract {

    private final String prefix = Rum.freshPrefix();

    @Override
    protected SyncStore newStore(Clock clock) {
        return JdbcSyncStore.builder(EmbeddedPg.pooled()).tablePrefix(prefix).clock(clock).build();
    }

    @Override
    protected SyncStore reopen(SyncStore current) {
        current.close();
        return newStore(clock);
    }

    @Override
    protected boolean damage(String reportId) throws Exception {
        return Rum.damage(EmbeddedPg.pooled(), prefix, reportId);
    }
}
