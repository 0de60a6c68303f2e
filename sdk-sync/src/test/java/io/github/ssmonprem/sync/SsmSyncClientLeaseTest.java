package io.github.ssmonprem.sync;

import static io.github.ssmonprem.sync.EmulatorFixtures.ACCOUNT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.testing.TestClock;
import io.github.ssmonprem.emulator.SsmEmulator;
import io.github.ssmonprem.sync.lock.SyncLease;
import io.github.ssmonprem.sync.lock.SyncLockLostException;
import io.github.ssmonprem.sync.store.FileSyncStore;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SsmSyncClient#sync(SyncLease)}: a node that lost its lease writes nothing and sends no usage. */
class SsmSyncClientLeaseTest {

    private final TestClock clock = TestClock.start();
    private final MemoryLock lock = new MemoryLock(clock);
    @TempDir
    Path state;
    private FileSyncStore store;
    private SsmEmulator emulator;

    @BeforeEach
    void start() {
        store = new FileSyncStore(state, clock);
        emulator = EmulatorFixtures.emulator(clock).licenses(ACCOUNT, EmulatorFixtures.VIRTUAL_ACCOUNT, 5)
                .acknowledgeAfter(0, Duration.ZERO).start();
        store.add(EmulatorFixtures.usage(clock), "node-a", EmulatorFixtures.LEASE);
    }

    @AfterEach
    void stop() {
        emulator.close();
        store.close();
    }

    private SsmSyncClient client() {
        return EmulatorFixtures.client(emulator, clock).store(store).nodeName("node-a")
                .account(AccountSelection.of(ACCOUNT, EmulatorFixtures.VIRTUAL_ACCOUNT)).build();
    }

    @Test
    void underAHeldLeaseTheSyncWritesAsUsual() {
        SyncLease lease = lock.tryAcquire("node-a", Duration.ofMinutes(5)).orElseThrow();
        try (SsmSyncClient ssm = client()) {
            SyncResult result = ssm.sync(lease);
            assertTrue(result.isSuccess(), String.valueOf(result.failure()));
            assertTrue(store.loadSnapshot(ACCOUNT).isPresent());
            assertTrue(store.lastOutcome().orElseThrow().success());
            assertEquals(0, store.counts().pending());
            assertEquals(1, store.counts().acknowledgements());
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
            assertInstanceOf(SyncLockLostException.class, result.failure().orElseThrow());
            assertFalse(store.loadSnapshot(ACCOUNT).isPresent(), "no snapshot written");
            assertFalse(store.lastOutcome().isPresent(), "no outcome written over node-b's");
            assertEquals(1, store.counts().pending(), "the pending report stays for node-b");
            assertEquals(0, emulator.stats().uploads(), "and was not sent");
        }
    }
}
