package io.github.ssmonprem.sync;

import io.github.ssmonprem.sync.model.License;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * What changed between two license pulls of one account, so an application can act on the changes
 * instead of re-reading everything: licenses added and removed, licenses whose quantities or status
 * changed, and every license currently out of compliance (more in use than owned, or a status other
 * than "In Compliance"). Licenses are matched by virtual account and name.
 *
 * @param initial true when there was no previous pull (then every license counts as added)
 * @param added licenses new in this pull
 * @param removed licenses gone since the previous pull
 * @param changed licenses whose fields changed
 * @param outOfCompliance every license of this pull that is out of compliance
 */
public record LicenseChanges(boolean initial, List<License> added, List<License> removed, List<LicenseChange> changed,
        List<License> outOfCompliance) {

    /**
     * Freezes the lists.
     *
     * @param initial true when there was no previous pull (then every license counts as added)
     * @param added licenses new in this pull
     * @param removed licenses gone since the previous pull
     * @param changed licenses whose fields changed
     * @param outOfCompliance every license of this pull that is out of compliance
     */
    public LicenseChanges {
        added = List.copyOf(added);
        removed = List.copyOf(removed);
        changed = List.copyOf(changed);
        outOfCompliance = List.copyOf(outOfCompliance);
    }

    /**
     * {@return the changes from one pull to the next}
     *
     * @param previous the previous pull, or null when there was none
     * @param current this pull
     */
    public static LicenseChanges between(List<License> previous, List<License> current) {
        Map<String, License> before = index(previous == null ? List.of() : previous);
        Map<String, License> after = index(current);
        List<License> added = new ArrayList<>();
        List<LicenseChange> changed = new ArrayList<>();
        List<License> outOfCompliance = new ArrayList<>();
        for (License now : after.values()) {
            License then = before.get(now.key());
            if (then == null) {
                added.add(now);
            } else {
                TreeSet<String> fields = differences(then, now);
                if (!fields.isEmpty()) {
                    changed.add(new LicenseChange(then, now, fields));
                }
            }
            if (now.isOutOfCompliance()) {
                outOfCompliance.add(now);
            }
        }
        List<License> removed = new ArrayList<>();
        for (License then : before.values()) {
            if (!after.containsKey(then.key())) {
                removed.add(then);
            }
        }
        return new LicenseChanges(previous == null, added, removed, changed, outOfCompliance);
    }

    private static Map<String, License> index(List<License> licenses) {
        Map<String, License> map = new LinkedHashMap<>();
        for (License l : licenses) {
            map.put(l.key(), l);
        }
        return map;
    }

    private static TreeSet<String> differences(License a, License b) {
        TreeSet<String> fields = new TreeSet<>();
        if (a.quantity() != b.quantity()) {
            fields.add("quantity");
        }
        if (a.inUse() != b.inUse()) {
            fields.add("inUse");
        }
        if (a.available() != b.available()) {
            fields.add("available");
        }
        if (!Objects.equals(a.status(), b.status())) {
            fields.add("status");
        }
        if (a.reserved() != b.reserved()) {
            fields.add("reserved");
        }
        if (a.pendingQuantity() != b.pendingQuantity()) {
            fields.add("pendingQuantity");
        }
        if (!Objects.equals(a.billingType(), b.billingType())) {
            fields.add("billingType");
        }
        if (!Objects.equals(a.licenseDetails(), b.licenseDetails())) {
            fields.add("licenseDetails");
        }
        return fields;
    }

    /** {@return whether anything was added, removed or changed} */
    public boolean hasChanges() {
        return !added.isEmpty() || !removed.isEmpty() || !changed.isEmpty();
    }

    /** A short summary, such as {@code +3 -1 ~2, 1 out of compliance}. */
    @Override
    public String toString() {
        return "+" + added.size() + " -" + removed.size() + " ~" + changed.size() + ", " + outOfCompliance.size()
                + " out of compliance" + (initial ? " (first pull)" : "");
    }
}
