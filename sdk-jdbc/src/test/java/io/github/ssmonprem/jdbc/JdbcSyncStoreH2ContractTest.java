package io.github.ssmonprem.jdbc;

import io.github.ssmonprem.sync.store.SyncStore;
import io.github.ssmonprem.testkit.SyncStoreContract;
import java.time.Clock;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;

/** {@link JdbcSyncStore} passes the store contract on H2; "reopening" is a new store on the same database. */
class JdbcSyncStoreH2ContractTest extends SyncStoreContract {

    private final JdbcDataSource h2 = new JdbcDataSource();

    JdbcSyncStoreH2ContractTest() {
        h2.setURL("jdbc:h2:mem:contract-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    }

    @Override
    protected SyncStore newStore(Clock clock) {
        return JdbcSyncStore.builder(h2).clock(clock).build();
    }

    @Override
    protected SyncStore reopen(SyncStore current) {
        current.close();
        return newStore(clock);
    }
}
