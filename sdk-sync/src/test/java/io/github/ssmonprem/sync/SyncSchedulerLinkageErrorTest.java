package io.github.ssmonprem.sync;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import io.github.ssmonprem.sync.store.SyncOutcome;
import org.junit.jupiter.api.Test;

/** A sync task that dies of a linkage error (a library of the wrong version) fails the sync; it does not hang it. */
class SyncSchedulerLinkageErrorTest {

    @Test
    void aLinkageErrorIsAFailedSyncAndTheSchedulerGoesOn() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        SyncTask task = () -> {
            if (calls.incrementAndGet() == 1) {
                throw new IncompatibleClassChangeError("class Quiet cannot inherit from final class DefaultManagedHttpClientConnection");
            }
            Instant now = Instant.now();
            return new SyncResult(new SyncOutcome(now, now, true, 0, 0, 0, null, null), Map.of(), List.of(), List.of(), null);
        };
        try (SyncScheduler scheduler = SyncScheduler.builder(task).initialDelay(Duration.ofHours(1)).build().start()) {
            SyncResult failed = scheduler.syncNow().get(30, TimeUnit.SECONDS);
            assertFalse(failed.isSuccess());
            assertTrue(failed.failure().orElseThrow().remediation().contains("HttpClient"));
            assertTrue(scheduler.syncNow().get(30, TimeUnit.SECONDS).isSuccess(), "the next sync runs");
        }
    }
}
