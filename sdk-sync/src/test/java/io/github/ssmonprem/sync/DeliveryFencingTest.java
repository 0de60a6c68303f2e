package io.github.ssmonprem.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.RetrySettings;
import io.github.ssmonprem.core.testing.TestClock;
import io.github.ssmonprem.emulator.SsmEmulator;
import io.github.ssmonprem.sync.lock.SyncLease;
import io.github.ssmonprem.sync.lock.SyncLockLostException;
import io.github.ssmonprem.sync.store.FileSyncStore;
import io.github.ssmonprem.sync.store.ReportState;
import io.github.ssmonprem.sync.usage.ReportStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node whose sync lease runs out in the middle of its usage delivery: the delivery is fenced by the
 * reports' claims in the store, not by the lease, so it delivers the reports it holds, each uploaded
 * once, and the node that takes the lease over sends none of them again; the lease guards the outcome,
 * which the node that lost it does not write. The lease is lost while the node waits, on the test
 * clock, for a failed upload to be retried, or for an acknowledgement.
 */
class DeliveryFencingTest {

    private static final Duration LEASE = Duration.ofSeconds(90);

    private final TestClock clock = TestClock.start();
    private final MemoryLock lock = new MemoryLock(clock);
    @TempDir
    Path state;
    private FileSyncStore store;
    private List<String> ids;
    private SsmEmulator emulator;

    private SsmSyncClient start(SsmEmulator.Builder builder) {
        emulator = builder.clock(clock).start();
        store = new FileSyncStore(state, clock);
        ids = FencedDelivery.addThreeReports(store, clock);
        SsmSyncClient client = SsmSyncClient.builder().config(emulator.clientConfig().clock(clock).sleeper(clock)
                .retry(RetrySettings.builder().initialBackoff(Duration.ofSeconds(60)).maxBackoff(Duration.ofMinutes(5)).jitter(0).build())
                .build())
                .grant(emulator.passwordGrant()).store(store).nodeName(FencedDelivery.NODE).build();
        client.tokens().token();
        return client;
    }

    @AfterEach
    void stop() {
        if (emulator != null) {
            emulator.close();
        }
        if (store != null) {
            store.close();
        }
    }

    /** The node that takes the lease over syncs: it finds nothing left to send and records the outcome. */
    private void nextHolderSendsNothingAgain() {
        SyncLease next = lock.tryAcquire("node-b", LEASE).orElseThrow();
        try (SsmSyncClient b = EmulatorFixtures.client(emulator, clock).store(store).nodeName("node-b").build()) {
            SyncResult finished = b.sync(next);
            assertTrue(finished.isSuccess(), String.valueOf(finished.failure()));
            assertEquals(0, finished.outcome().reportsDelivered(), "nothing was left for node-b");
        }
        assertTrue(store.lastOutcome().orElseThrow().success(), "node-b's outcome is recorded");
    }

    @Test
    void aLeaseLostDuringAnUploadLeavesTheDeliveryToTheClaimsAndWritesNoOutcome() {
        try (SsmSyncClient ssm = start(SsmEmulator.builder().acknowledgeAfter(0, Duration.ZERO))) {
            SyncLease lease = lock.tryAcquire("node-a", LEASE).orElseThrow();
            // The first upload meets two 502s; the retries wait 60 s, then 120 s: past the lease.
            emulator.faults().backendDownOn("/backend/api/v2/devices/reportusage", 2);
            SyncResult result = ssm.sync(lease);

            assertInstanceOf(SyncLockLostException.class, result.failure().orElseThrow(), String.valueOf(result.failure()));
            assertEquals(3, FencedDelivery.uploadsOf(emulator, ids.get(0)), "the first report: two 502s, then accepted");
            assertEquals(1, FencedDelivery.uploadsOf(emulator, ids.get(1)), "the others once each, under their claims");
            assertEquals(1, FencedDelivery.uploadsOf(emulator, ids.get(2)));
            FencedDelivery.assertDeliveredUnderTheClaimsWithNoOutcome(emulator, store, ids);
            nextHolderSendsNothingAgain();
            for (String id : ids.subList(1, 3)) {
                assertEquals(1, FencedDelivery.uploadsOf(emulator, id), "not uploaded again: " + id);
            }
        }
    }

    @Test
    void aLeaseLostWhileWaitingForAcknowledgementsStillStoresThemOnceAndWritesNoOutcome() {
        try (SsmSyncClient ssm = start(SsmEmulator.builder().acknowledgeAfter(1, Duration.ZERO).pollInterval(100))) {
            SyncLease lease = lock.tryAcquire("node-a", LEASE).orElseThrow();
            SyncResult result = ssm.sync(lease);

            assertInstanceOf(SyncLockLostException.class, result.failure().orElseThrow(), String.valueOf(result.failure()));
            for (String id : ids) {
                assertEquals(1, FencedDelivery.uploadsOf(emulator, id));
            }
            FencedDelivery.assertDeliveredUnderTheClaimsWithNoOutcome(emulator, store, ids);
            nextHolderSendsNothingAgain();
            for (String id : ids) {
                assertEquals(1, FencedDelivery.uploadsOf(emulator, id), "not uploaded again: " + id);
            }
            assertEquals(3, store.counts().acknowledgements(), "each report's acknowledgement, stored once");
        }
    }
}
