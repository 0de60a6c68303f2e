package io.github.ssmonprem.sync.store;

import java.time.Clock;

/** The in-memory store keeps the {@link SyncStore} contract. */
class InMemorySyncStoreContractTest extends SyncStoreContract {

    @Override
    protected SyncStore newStore(Clock clock) {
        return new InMemorySyncStore(clock);
    }
}
