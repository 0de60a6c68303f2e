package io.github.ssmonprem.examples.snippets;

// tag::schedule[]
import io.github.ssmonprem.sync.SyncScheduler;
import java.time.Duration;
// end::schedule[]
import io.github.ssmonprem.sync.LicenseChanges;
import io.github.ssmonprem.sync.SsmSyncClient;
import io.github.ssmonprem.sync.SyncResult;

/** README, "The sync cycle and the scheduler". */
final class Scheduling {

    /** The application's user interface, as far as the snippet needs it. */
    interface Ui {
        void showLicenseChanges(String account, LicenseChanges changes);

        void showSyncResult(SyncResult result);
    }

    private Scheduling() {
    }

    static void schedule(SsmSyncClient ssm, Ui ui) {
        // tag::schedule[]
        SyncScheduler scheduler = SyncScheduler.builder(ssm)          // every 24 h by default
            .jitter(Duration.ofMinutes(30))                           // a fleet does not sync at the same second
            .listener(result -> result.changes().forEach(ui::showLicenseChanges))
            .build()
            .start();
        scheduler.syncNow().thenAccept(ui::showSyncResult);           // the operator's "Sync now"; joins a running sync
        scheduler.close();                                            // stops scheduling, waits (bounded) for a running sync
        // end::schedule[]
    }
}
