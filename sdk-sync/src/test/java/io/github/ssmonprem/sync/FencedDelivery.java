package io.github.ssmonprem.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.github.ssmonprem.emulator.RumReportFixture;
import io.github.ssmonprem.emulator.SsmEmulator;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.sync.store.SyncStore;
import io.github.ssmonprem.sync.usage.ReportStatus;
import io.github.ssmonprem.sync.usage.RumReport;
import io.github.ssmonprem.sync.usage.UsageReport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The delivery fencing tests' shared part, whatever the store and lock: three pending reports of the
 * emulator's demo account, and what a node that lost its sync lease during their delivery leaves
 * behind: the reports' claims, not the lease, fence the delivery.
 */
public final class FencedDelivery {

    /** The node the reports are added for, which delivers them. */
    public static final String NODE = "node-a";

    /** The RUM report keys of the reports added, by report id: what the emulator counts uploads by. */
    private static final Map<String, String> KEYS = new ConcurrentHashMap<>();

    private FencedDelivery() {
    }

    /**
     * Adds three pending reports of one RUM report each, claimed by {@link #NODE} (which renews its own
     * claims when it delivers them).
     *
     * @param store the store
     * @param clock stamps the reports
     * @return their ids, in delivery order (oldest first, as the store lists them)
     */
    public static List<String> addThreeReports(SyncStore store, Clock clock) {
        Instant end = Instant.parse("2025-12-31T00:00:00Z");
        for (int i = 0; i < 3; i++) {
            RumReport rum = EmulatorFixtures.rumReport(RumReportFixture.builder().device("C8000V", "FENCED-" + i).reportId(100 + i)
                    .count(1, end.minusSeconds(3600), end).build());
            UsageReport r = UsageReport.of(SsmEmulator.DEMO_ACCOUNT, "DEFAULT", List.of(rum), clock);
            store.add(r, NODE, Duration.ofMinutes(5));
            KEYS.put(r.reportId(), rum.key());
        }
        return store.pending().stream().map(PendingReport::reportId).toList();
    }

    /**
     * {@return how many uploads carried a report's RUM report}
     *
     * @param emulator the server
     * @param reportId a report id from {@link #addThreeReports}
     */
    public static int uploadsOf(SsmEmulator emulator, String reportId) {
        return emulator.stats().uploadsOf(KEYS.get(reportId));
    }

    /**
     * Asserts what a node that lost its sync lease during its delivery leaves behind: the delivery went
     * on under the reports' claims, so every report is delivered, with its acknowledgement stored once,
     * and nothing else was uploaded; and the node recorded no outcome, which the lease guards.
     *
     * @param emulator the server
     * @param store the store
     * @param ids the reports' ids, from {@link #addThreeReports}
     */
    public static void assertDeliveredUnderTheClaimsWithNoOutcome(SsmEmulator emulator, SyncStore store, List<String> ids) {
        for (String id : ids) {
            assertEquals(ReportStatus.DELIVERED, store.state(id).orElseThrow().status(), "delivered under its claim: " + id);
        }
        assertEquals(0, store.counts().pending());
        assertEquals(3, store.counts().acknowledgements(), "each report's acknowledgement, stored once");
        assertEquals(3, emulator.stats().acknowledgementsIssued());
        assertFalse(store.lastOutcome().isPresent(), "no outcome written after the loss");
    }
}
