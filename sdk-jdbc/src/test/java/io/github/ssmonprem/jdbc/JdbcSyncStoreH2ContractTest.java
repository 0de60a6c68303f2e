package io.github.ssmonprem.jdbc;

import io.github.ssmonprem.sync.store.SyncStore;
import io.github.ssmonprem.testkit.SyncStoreContract;
import java.time.Clock;
import javax.sql.DataSource;

/** {@link JdbcSyncStore} passes the store contract on H2; "reopening" is a new store on the same database. */
class JdbcSyncStoreH2ContractTest extends SyncStoreContract {

    private final DataSource h2 = Rum.h2();

    @Override
    protected SyncStore newStore(Clock clock) {
        return JdbcSyncStore.builder(h2).clock(clock).build();
    }

    @Override
    protected SyncStore reopen(SyncStore current) {
        current.close();
        return newStore(clock);
    }

    @Override
    protected boolean damage(String reportId) throws Exception {
        return Rum.damage(h2, "ssm_", reportId);
    }
}
