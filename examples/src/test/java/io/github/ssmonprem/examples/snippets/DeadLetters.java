package io.github.ssmonprem.examples.snippets;

import io.github.ssmonprem.sync.SsmSyncClient;

/** README, "Reports the server refuses for good". */
final class DeadLetters {

    private DeadLetters() {
    }

    static void act(SsmSyncClient ssm, String reportId) {
        // tag::dead-letters[]
        ssm.usage().list();              // pending reports, then dead letters (ReportState: status, entry, server's answer)
        ssm.usage().retry(reportId);     // back to pending, uploaded again by the next delivery
        ssm.usage().discard(reportId);   // deleted for good: its usage is never delivered
        ssm.status();                    // last outcome; pending, dead, acknowledgements to take, quarantined
        ssm.store().quarantine().ifPresent(q -> q.discardQuarantined(q.quarantined().get(0).id()));  // after inspecting it
        // end::dead-letters[]
    }
}
