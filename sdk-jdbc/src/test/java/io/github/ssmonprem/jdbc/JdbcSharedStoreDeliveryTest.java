package io.github.ssmonprem.jdbc;

import io.github.ssmonprem.sync.SharedStoreDeliveryTest;
import io.github.ssmonprem.sync.store.SyncStore;
import java.time.Clock;
import java.util.UUID;

/** Two nodes on one PostgreSQL database, each with its own {@link JdbcSyncStore} on the same tables. */
class JdbcSharedStoreDeliveryTest extends SharedStoreDeliveryTest {

    private final String prefix = "d" + UUID.randomUUID().toString().replace("-", "").substring(0, 12) + "_";

    @Override
    protected SyncStore openSharedStore(Clock clock) {
        return JdbcSyncStore.builder(EmbeddedPg.dataSource()).tablePrefix(prefix).clock(clock).build();
    }
}
