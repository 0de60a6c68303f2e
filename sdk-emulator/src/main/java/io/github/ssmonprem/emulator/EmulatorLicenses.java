package io.github.ssmonprem.emulator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Generates a deterministic license inventory: realistic names, some licenses out of compliance. */
final class EmulatorLicenses {

    private static final String[] NAMES = {
        "SDWAN_DNA_ESSENTIALS", "SDWAN_DNA_ADVANTAGE", "SDWAN_DNA_PREMIER", "ROUTER_US_EXPORT_LIC",
        "CSR1KV_APPX_100M", "ISR_4K_SEC_K9", "CAT8K_DNA_ADV_250M", "CAT_EDGE_TIER1", "VEDGE_CLOUD_DNA_ADV",
        "CAT9K_DNA_ADV_48P",
    };

    private EmulatorLicenses() {
    }

    static List<Map<String, Object>> generate(String virtualAccount, int count, int offsetSeed) {
        List<Map<String, Object>> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int n = i + offsetSeed;
            long quantity = 50 + (n * 37L) % 450;
            boolean over = n % 13 == 7;
            long inUse = over ? quantity + 1 + n % 5 : (n * 11L) % (quantity + 1);
            Map<String, Object> license = new LinkedHashMap<>();
            license.put("license", NAMES[n % NAMES.length] + (n >= NAMES.length ? "_" + (n / NAMES.length) : ""));
            license.put("virtualAccount", virtualAccount);
            license.put("quantity", quantity);
            license.put("inUse", inUse);
            license.put("available", quantity - inUse);
            license.put("status", over ? "Out of Compliance" : "In Compliance");
            license.put("billingType", n % 3 == 0 ? "SUBSCRIPTION" : "PREPAID");
            license.put("pendingQuantity", n % 17 == 0 ? 10L : 0L);
            license.put("reserved", n % 19 == 0 ? 2L : 0L);
            license.put("isPortable", n % 2 == 0);
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("licenseType", n % 3 == 0 ? "TERM" : "PERPETUAL");
            detail.put("quantity", quantity);
            detail.put("startDate", "2025-01-01");
            detail.put("endDate", n % 3 == 0 ? "2027-12-31" : null);
            detail.put("subscriptionId", n % 3 == 0 ? "Sub" + (100000 + n) : null);
            detail.put("status", "ACTIVE");
            license.put("licenseDetails", List.of(detail));
            out.add(license);
        }
        return out;
    }
}
