package io.github.ssmonprem.jdbc;

import io.github.ssmonprem.sync.store.SyncStore;
import io.github.ssmonprem.testkit.SyncStoreContract;
import java.time.Clock;
import java.util.UUID;

/** {@link JdbcSyncStore} passes the store contract on PostgreSQL; "reopening" is a new store on the same tables. */
class JdbcSyncStorePostgresContractTest extends SyncStoreContract {

    private final String prefix = "k" + UUID.randomUUID().toString().replace("-", "").substring(0, 12) + "_";

    @Override
    protected SyncStore newStore(Clock clock) {
        return JdbcSyncStore.builder(EmbeddedPg.dataSource()).tablePrefix(prefix).clock(clock).build();
    }

    @Override
    protected SyncStore reopen(SyncStore current) {
        current.close();
        return newStore(clock);
    }
}
