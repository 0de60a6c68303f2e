package io.github.ssmonprem.sync;

import io.github.ssmonprem.sync.store.SyncStore;
import io.github.ssmonprem.testkit.InMemorySyncStore;
import io.github.ssmonprem.testkit.SyncStoreContract;
import java.time.Clock;

/**
 * The in-memory store keeps the {@link SyncStore} contract. In another package than the suite, as a
 * user's own store's test would be.
 */
class InMemorySyncStoreContractTest extends SyncStoreContract {

    @Override
    protected SyncStore newStore(Clock clock) {
        return new InMemorySyncStore(clock);
    }
}
