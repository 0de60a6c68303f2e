package io.github.ssmonprem.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.github.ssmonprem.sync.model.UsageReport;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.sync.store.SyncStore;
import io.github.ssmonprem.testkit.SsmEmulator;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The delivery fencing tests' shared part, whatever the store and lock: three pending reports of the
 * emulator's demo account, and what a node that lost its lease during the first submission must have
 * left behind.
 */
public final class FencedDelivery {

    private FencedDelivery() {
    }

    /**
     * Adds three pending reports, oldest first.
     *
     * @param store the store
     * @param clock stamps the reports
     * @return their ids, in delivery order
     */
    public static List<String> addThreeReports(SyncStore store, Clock clock) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            UsageReport r = UsageReport.builder(clock).account(SsmEmulator.DEMO_ACCOUNT).virtualAccount("DEFAULT")
                    .productInstance("pi-" + i).device("edge-" + i, "regid.sdwan")
                    .usage("sdwan_dna_advantage", 1, clock.instant().minusSeconds(3600), clock.instant()).build();
            store.addPending(PendingReport.of(r, clock.instant().plusMillis(i)));
            ids.add(r.reportId());
        }
        return ids;
    }

    /**
     * Asserts that nothing followed the loss of the lease during the first report's submission: no
     * other submission, no poll, no store write.
     *
     * @param emulator the server
     * @param store the store
     * @param ids the reports' ids, from {@link #addThreeReports}
     */
    public static void assertNothingAfterTheLoss(SsmEmulator emulator, SyncStore store, List<String> ids) {
        assertEquals(0, emulator.stats().submissionsOf(ids.get(1)), "nothing submitted after the loss");
        assertEquals(0, emulator.stats().submissionsOf(ids.get(2)), "nothing submitted after the loss");
        assertEquals(0, emulator.stats().polls());
        for (PendingReport p : store.pendingReports()) {
            assertNull(p.pollId(), "no poll id written after the loss: " + p.reportId());
            assertEquals(0, p.attempts(), "no failure recorded after the loss: " + p.reportId());
        }
        assertEquals(3, store.pendingCount());
        assertFalse(store.lastOutcome().isPresent(), "no outcome written after the loss");
    }
}
