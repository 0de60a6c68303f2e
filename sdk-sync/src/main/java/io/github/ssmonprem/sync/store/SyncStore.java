package io.github.ssmonprem.sync.store;

import java.util.Optional;

/**
 * Where sync state lives: the usage outbox ({@link UsageOutbox}: reports, claims, dead letters,
 * acknowledgements) and the small state of license snapshots and the last outcome
 * ({@link StateStore}). {@link FileSyncStore} keeps it under a state directory (the default);
 * {@code JdbcSyncStore} (sdk-jdbc) in a database shared by a cluster. An implementation of your own
 * passes the contract suite {@code io.github.ssmonprem.testkit.SyncStoreContract} (sdk-testkit).
 */
public interface SyncStore extends UsageOutbox, StateStore, AutoCloseable {

    /**
     * {@return the store's quarantine, when it has one (a store that can find damaged entries); empty otherwise}
     */
    default Optional<Quarantine> quarantine() {
        return Optional.empty();
    }

    /**
     * Releases what the store holds open (files, connections). The default holds nothing. A client
     * closes the store it created for its state directory, not one given to it.
     */
    @Override
    default void close() {
    }
}
