package io.github.ssmonprem.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.sync.model.License;
import io.github.ssmonprem.sync.model.LicenseDetail;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class LicenseChangesTest {

    private static License lic(String va, String name, long quantity, long inUse, String status) {
        return new License(name, va, quantity, inUse, quantity - inUse, status, "PREPAID", 0, 0, true,
                List.of(new LicenseDetail("PERPETUAL", quantity, "2025-01-01", null, null, "ACTIVE")));
    }

    private static Set<String> keys(List<License> licenses) {
        return licenses.stream().map(License::key).collect(Collectors.toSet());
    }

    @Test
    void twoPullsGiveTheExactAddedRemovedChangedAndComplianceSets() {
        List<License> before = List.of(
                lic("VA1", "DNA_ADVANTAGE", 100, 40, "In Compliance"),
                lic("VA1", "DNA_ESSENTIALS", 50, 50, "In Compliance"),
                lic("VA2", "DNA_ADVANTAGE", 10, 2, "In Compliance"),
                lic("VA2", "ROUTER_SEC", 5, 1, "In Compliance"));
        List<License> after = List.of(
                lic("VA1", "DNA_ADVANTAGE", 100, 40, "In Compliance"),          // unchanged
                lic("VA1", "DNA_ESSENTIALS", 50, 53, "Out of Compliance"),     // overused, status changed
                lic("VA2", "DNA_ADVANTAGE", 20, 2, "In Compliance"),           // more bought
                lic("VA2", "CAT9K_DNA", 8, 9, "In Compliance"),                // new, and overused
                lic("VA3", "DNA_PREMIER", 4, 0, "Expired"));                   // new, non-compliant status
        LicenseChanges changes = LicenseChanges.between(before, after);

        assertFalse(changes.initial());
        assertEquals(Set.of("VA2/CAT9K_DNA", "VA3/DNA_PREMIER"), keys(changes.added()));
        assertEquals(Set.of("VA2/ROUTER_SEC"), keys(changes.removed()));
        assertEquals(2, changes.changed().size());
        LicenseChange essentials = changes.changed().stream().filter(c -> c.after().license().equals("DNA_ESSENTIALS"))
                .findFirst().orElseThrow();
        assertEquals(Set.of("inUse", "available", "status"), essentials.changedFields());
        assertEquals(53, essentials.after().inUse());
        assertEquals(50, essentials.before().inUse());
        LicenseChange bought = changes.changed().stream().filter(c -> c.after().virtualAccount().equals("VA2"))
                .findFirst().orElseThrow();
        assertEquals(Set.of("quantity", "available", "licenseDetails"), bought.changedFields());
        assertEquals(Set.of("VA1/DNA_ESSENTIALS", "VA2/CAT9K_DNA", "VA3/DNA_PREMIER"), keys(changes.outOfCompliance()));
        assertTrue(changes.hasChanges());
    }

    @Test
    void theFirstPullCountsEveryLicenseAsAdded() {
        List<License> now = List.of(lic("VA1", "A", 1, 0, "In Compliance"), lic("VA1", "B", 1, 0, "In Compliance"));
        LicenseChanges changes = LicenseChanges.between(null, now);
        assertTrue(changes.initial());
        assertEquals(2, changes.added().size());
        assertTrue(changes.outOfCompliance().isEmpty());
    }

    @Test
    void identicalPullsHaveNoChangesButStillListNonCompliance() {
        List<License> now = List.of(lic("VA1", "A", 1, 2, "In Compliance"));
        LicenseChanges changes = LicenseChanges.between(now, now);
        assertFalse(changes.hasChanges());
        assertEquals(1, changes.outOfCompliance().size());
    }

    @Test
    void complianceStatusIsMatchedWhateverItsSpellingAndCase() {
        assertFalse(lic("V", "A", 5, 5, "IN_COMPLIANCE").isOutOfCompliance());
        assertFalse(lic("V", "A", 5, 5, "in compliance").isOutOfCompliance());
        assertTrue(lic("V", "A", 5, 5, "Out of Compliance").isOutOfCompliance());
        assertTrue(lic("V", "A", 5, 5, null).isOutOfCompliance());
    }
}
