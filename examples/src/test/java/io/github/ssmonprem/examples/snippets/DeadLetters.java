package io.github.ssmonprem.examples.snippets;

import io.github.ssmonprem.sync.SsmSyncClient;

/** README, "Reports the server refuses for good". */
final class DeadLetters {

    private DeadLetters() {
    }

    static void act(SsmSyncClient ssm, String reportId) {
        // tag::dead-letters[]
        ssm.listUsage();                 // pending reports, then dead letters (ReportState: status, entry, server's answer)
        ssm.retryUsage(reportId);        // back to pending, submitted again with the same nonce
        ssm.discardUsage(reportId);      // deleted for good: its usage is never delivered
        ssm.status();                    // last outcome, pending / dead / quarantined counts
        ssm.store().discardQuarantined(ssm.store().quarantined().get(0).id());  // after inspecting it
        // end::dead-letters[]
    }
}
