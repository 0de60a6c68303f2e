package io.github.ssmonprem.sync.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Locale;

/**
 * A license of a virtual account: how many are owned, in use and available, and whether the account
 * is in compliance for it.
 *
 * @param license the license (entitlement) name
 * @param virtualAccount the virtual account it belongs to
 * @param quantity how many are owned
 * @param inUse how many are consumed
 * @param available how many are free ({@code quantity - inUse}, as the server counts)
 * @param status the compliance status, such as {@code In Compliance}
 * @param billingType the billing type, such as {@code PREPAID}
 * @param pendingQuantity quantity ordered but not yet available
 * @param reserved how many are reserved
 * @param isPortable whether the license can move between virtual accounts
 * @param licenseDetails the purchases that make up the quantity
 */
public record License(
        @JsonProperty("license") String license,
        @JsonProperty("virtualAccount") String virtualAccount,
        @JsonProperty("quantity") long quantity,
        @JsonProperty("inUse") long inUse,
        @JsonProperty("available") long available,
        @JsonProperty("status") String status,
        @JsonProperty("billingType") String billingType,
        @JsonProperty("pendingQuantity") long pendingQuantity,
        @JsonProperty("reserved") long reserved,
        @JsonProperty("isPortable") boolean isPortable,
        @JsonProperty("licenseDetails") List<LicenseDetail> licenseDetails) {

    /**
     * Normalises a missing detail list to an empty one and freezes it.
     *
     * @param license the license (entitlement) name
     * @param virtualAccount the virtual account it belongs to
     * @param quantity how many are owned
     * @param inUse how many are consumed
     * @param available how many are free ({@code quantity - inUse}, as the server counts)
     * @param status the compliance status, such as {@code In Compliance}
     * @param billingType the billing type, such as {@code PREPAID}
     * @param pendingQuantity quantity ordered but not yet available
     * @param reserved how many are reserved
     * @param isPortable whether the license can move between virtual accounts
     * @param licenseDetails the purchases that make up the quantity
     */
    public License {
        licenseDetails = licenseDetails == null ? List.of() : List.copyOf(licenseDetails);
    }

    /** {@return the key that identifies this license across pulls: {@code virtualAccount/license}} */
    @JsonIgnore
    public String key() {
        return virtualAccount + "/" + license;
    }

    /**
     * {@return whether the account is out of compliance for this license: more in use than owned, or a
     * status other than "In Compliance"}
     */
    @JsonIgnore
    public boolean isOutOfCompliance() {
        if (inUse > quantity) {
            return true;
        }
        String normalised = status == null ? "" : status.replaceAll("[\\s_-]", "").toLowerCase(Locale.ROOT);
        return !normalised.equals("incompliance");
    }
}
