package io.github.ssmonprem.sync.store;

import java.util.Optional;

/**
 * The small state a sync keeps besides usage: the last license snapshot of each account and the last
 * sync's outcome, each replaced durably as a whole.
 */
public interface StateStore {

    /**
     * Stores the latest license snapshot of an account, replacing the previous one, durably.
     *
     * @param snapshot the snapshot
     * @throws SyncStoreException when it cannot be stored (then the previous one is kept)
     */
    void saveSnapshot(LicenseSnapshot snapshot);

    /**
     * {@return the last snapshot of an account; empty when there is none or it cannot be read}
     *
     * @param account the smart account domain (case-insensitive)
     */
    Optional<LicenseSnapshot> loadSnapshot(String account);

    /**
     * Stores the outcome of a sync, replacing the previous one, durably.
     *
     * @param outcome the outcome
     * @throws SyncStoreException when it cannot be stored (then the previous one is kept)
     */
    void saveOutcome(SyncOutcome outcome);

    /** {@return the last sync's outcome; empty when no sync ran or it cannot be read} */
    Optional<SyncOutcome> lastOutcome();
}
