package io.github.ssmonprem.sync.store;

import io.github.ssmonprem.sync.model.License;
import java.time.Instant;
import java.util.List;

/**
 * The licenses of one smart account as last pulled: the known license state, readable while the
 * server is unreachable.
 *
 * @param account the smart account domain
 * @param virtualAccounts the virtual accounts pulled (empty: all)
 * @param takenAt when the pull finished
 * @param licenses the licenses
 */
public record LicenseSnapshot(String account, List<String> virtualAccounts, Instant takenAt, List<License> licenses) {

    /**
     * Freezes the lists.
     *
     * @param account the smart account domain
     * @param virtualAccounts the virtual accounts pulled (empty: all)
     * @param takenAt when the pull finished
     * @param licenses the licenses
     */
    public LicenseSnapshot {
        virtualAccounts = virtualAccounts == null ? List.of() : List.copyOf(virtualAccounts);
        licenses = licenses == null ? List.of() : List.copyOf(licenses);
    }
}
