package io.github.ssmonprem.sync.store;

import java.util.List;

/**
 * What a store that can find damaged entries (a file store on a damaged disk) does with them: moves
 * them aside, where they block nothing, until an operator has looked at them. Optional: a store
 * offers it through {@link SyncStore#quarantine()}.
 */
public interface Quarantine {

    /**
     * {@return the entries moved aside because they could not be read, oldest first}
     *
     * @throws SyncStoreException when the quarantine cannot be read
     */
    List<QuarantinedEntry> quarantined();

    /**
     * Deletes a quarantined entry for good, after an operator inspected it.
     *
     * @param id its {@link QuarantinedEntry#id()}
     * @return false when there was no such entry
     * @throws SyncStoreException when it cannot be deleted
     */
    boolean discardQuarantined(String id);
}
