package io.github.ssmonprem.sync;

import io.github.ssmonprem.sync.model.License;
import java.util.Set;

/**
 * A license present in two pulls whose quantities or status differ.
 *
 * @param before the license in the previous pull
 * @param after the license in this pull
 * @param changedFields which of {@code quantity}, {@code inUse}, {@code available}, {@code status},
 *     {@code reserved}, {@code pendingQuantity}, {@code billingType}, {@code licenseDetails} differ
 */
public record LicenseChange(License before, License after, Set<String> changedFields) {

    /**
     * Freezes the field set.
     *
     * @param before the license in the previous pull
     * @param after the license in this pull
     * @param changedFields which of {@code quantity}, {@code inUse}, {@code available}, {@code status},
     */
    public LicenseChange {
        changedFields = Set.copyOf(changedFields);
    }
}
