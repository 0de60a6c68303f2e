package io.github.ssmonprem.sync.store;

import java.time.Instant;

/**
 * A stored entry that could not be read (a damaged file, a write torn by a crash), moved aside so it
 * does not block the others. It stays until an operator inspects and discards it
 * ({@link Quarantine#discardQuarantined}).
 *
 * @param id the entry's identifier in the store (for the file store, the quarantined file's name)
 * @param description what it was, why it could not be read and where it lies
 * @param quarantinedAt when it was moved aside
 */
public record QuarantinedEntry(String id, String description, Instant quarantinedAt) {

    @Override
    public String toString() {
        return description;
    }
}
