package io.github.ssmonprem.sync;

import io.github.ssmonprem.sync.model.UsageReport;
import io.github.ssmonprem.sync.store.FileSyncStore;
import io.github.ssmonprem.sync.store.PendingReport;
import java.nio.file.Path;
import java.time.Instant;

/**
 * A separate process writing to a shared state directory: stores reports, records a poll id for each,
 * removes every other one, lists the pending reports now and then, and prints the id of each report it
 * left pending.
 */
public final class StoreWriterChild {

    private StoreWriterChild() {
    }

    /**
     * @param args the state directory and how many reports to store
     */
    public static void main(String[] args) {
        Instant t = Instant.parse("2026-11-01T10:00:00Z");
        int count = Integer.parseInt(args[1]);
        try (FileSyncStore store = new FileSyncStore(Path.of(args[0]))) {
            for (int i = 0; i < count; i++) {
                UsageReport r = UsageReport.builder().account("acme.example").virtualAccount("VA1").productInstance("child")
                        .device("edge-" + i, "regid.sdwan").usage("dna_advantage", 1 + i % 5, t.minusSeconds(3600), t)
                        .build();
                store.addPending(PendingReport.of(r, t));
                store.updatePending(PendingReport.of(r, t).withPollId("p-" + r.reportId()));
                if (i % 5 == 0) {
                    store.pendingReports();   // as a delivery does: sees the slots the other processes freed
                }
                if (i % 2 == 0) {
                    store.markDelivered(r.reportId());
                } else {
                    System.out.println("KEPT " + r.reportId());
                }
            }
        }
        System.out.flush();
    }
}
