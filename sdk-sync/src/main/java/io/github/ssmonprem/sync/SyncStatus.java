package io.github.ssmonprem.sync;

import io.github.ssmonprem.sync.store.SyncOutcome;
import java.util.Optional;

/**
 * What an operator checks ({@link SsmSyncClient#status()}): the last sync's outcome, how many usage
 * reports are pending and dead (refused for good, waiting for a retry or discard), how many
 * acknowledgements wait to be taken for their devices, and how many entries are quarantined.
 *
 * @param lastOutcome the last sync's outcome, or null when no sync ran
 * @param pending how many reports wait for delivery or acknowledgement
 * @param dead how many reports the server refused for good
 * @param acknowledgements how many acknowledgements the application has not taken yet
 * @param quarantined how many stored entries could not be read
 */
public record SyncStatus(SyncOutcome lastOutcome, int pending, int dead, int acknowledgements, int quarantined) {

    /** {@return the last sync's outcome; empty when no sync ran} */
    public Optional<SyncOutcome> outcome() {
        return Optional.ofNullable(lastOutcome);
    }

    /** {@return whether an operator has something to act on: a dead report or a quarantined entry} */
    public boolean needsAttention() {
        return dead > 0 || quarantined > 0;
    }
}
