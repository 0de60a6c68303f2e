package io.github.ssmonprem.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.testing.FakeClock;
import io.github.ssmonprem.sync.lock.LocalSyncLock;
import io.github.ssmonprem.sync.lock.SyncLease;
import io.github.ssmonprem.sync.lock.SyncLockLostException;
import io.github.ssmonprem.sync.model.UsageReport;
import io.github.ssmonprem.sync.store.InMemorySyncStore;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.testkit.SsmEmulator;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link SsmSyncClient#sync(SyncLease)}: a node that lost its lease writes nothing and sends no usage. */
class SsmSyncClientLeaseTest {

    private static final String ACCOUNT = "acme.example";

    private final FakeClock clock = FakeClock.atEpochOfTests();
    private final LocalSyncLock lock = new LocalSyncLock(clock);
    private final InMemorySyncStore store = new InMemorySyncStore();
    private SsmEmulator emulator;

    @BeforeEach
    void start() {
        emulator = SsmEmulator.builder().clock(clock).account(ACCOUNT, "Acme", "VA1").licenses(ACCOUNT, "VA1", 5)
                .acknowledgeAfter(0, Duration.ZERO).start();
        UsageReport report = UsageReport.builder(clock).account(ACCOUNT).virtualAccount("VA1").productInstance("pi-1")
                .device("edge-1", "regid.2019-10.com.cisco.SDWAN")
                .usage("sdwan_dna_advantage", 2, clock.instant().minusSeconds(3600), clock.instant()).build();
        store.addPending(PendingReport.of(report, clock.instant()));
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    private SsmSyncClient client() {
        return SsmSyncClient.builder().config(emulator.clientConfig().clock(clock).sleeper(clock).build())
                .grant(emulator.passwordGrant()).store(store).account(AccountSelection.of(ACCOUNT, "VA1")).build();
    }

    @Test
    void underAHeldLeaseTheSyncWritesAsUsual() {
        SyncLease lease = lock.tryAcquire("node-a", Duration.ofMinutes(5)).orElseThrow();
        try (SsmSyncClient ssm = client()) {
            SyncResult result = ssm.sync(lease);
            assertTrue(result.isSuccess(), String.valueOf(result.error()));
            assertTrue(store.loadSnapshot(ACCOUNT).isPresent());
            assertTrue(store.lastOutcome().orElseThrow().success());
            assertEquals(0, store.pendingCount());
        }
    }

    @Test
    void aLostLeaseStopsTheSyncBeforeItsFirstWrite() {
        SyncLease lease = lock.tryAcquire("node-a", Duration.ofMinutes(5)).orElseThrow();
        clock.advance(Duration.ofMinutes(6));                  // node-a paused past its lease
        lock.tryAcquire("node-b", Duration.ofMinutes(5)).orElseThrow();
        try (SsmSyncClient ssm = client()) {
            SyncResult result = ssm.sync(lease);
            assertFalse(result.isSuccess());
            assertInstanceOf(SyncLockLostException.class, result.error());
            assertFalse(store.loadSnapshot(ACCOUNT).isPresent(), "no snapshot written");
            assertFalse(store.lastOutcome().isPresent(), "no outcome written over node-b's");
            assertEquals(1, store.pendingCount(), "the pending report stays for node-b");
            assertEquals(0, emulator.stats().distinctReports(), "and was not sent");
        }
    }
}
