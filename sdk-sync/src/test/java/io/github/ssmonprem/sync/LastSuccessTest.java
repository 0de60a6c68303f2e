package io.github.ssmonprem.sync;

import static io.github.ssmonprem.sync.EmulatorFixtures.ACCOUNT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.testing.TestClock;
import io.github.ssmonprem.emulator.SsmEmulator;
import io.github.ssmonprem.sync.store.FileSyncStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The last success has one source, the store's outcomes: what {@link SsmSyncClient#lastSuccess()} and
 * the gauge {@code ssm.sync.last.success} show, on a cluster whichever node synced, and still after a
 * failure replaced the successful outcome.
 */
class LastSuccessTest {

    private final TestClock clock = TestClock.start();
    @TempDir
    Path state;
    private FileSyncStore shared;
    private SsmEmulator emulator;

    @BeforeEach
    void start() {
        shared = new FileSyncStore(state, clock);
        emulator = EmulatorFixtures.emulator(clock).licenses(ACCOUNT, EmulatorFixtures.VIRTUAL_ACCOUNT, 5).start();
    }

    @AfterEach
    void stop() {
        emulator.close();
        shared.close();
    }

    private SsmSyncClient node(String name, SimpleMeterRegistry registry) {
        return EmulatorFixtures.client(emulator, clock, registry).store(shared).nodeName(name)
                .account(AccountSelection.of(ACCOUNT, EmulatorFixtures.VIRTUAL_ACCOUNT)).build();
    }

    private static double gauge(SimpleMeterRegistry registry) {
        return registry.get("ssm.sync.last.success").gauge().value();
    }

    @Test
    void anotherNodesSuccessShowsOnThisNodeAndAFailureAfterItDoesNotHideIt() {
        SimpleMeterRegistry registryB = new SimpleMeterRegistry();
        try (SsmSyncClient a = node("node-a", new SimpleMeterRegistry()); SsmSyncClient b = node("node-b", registryB)) {
            assertFalse(b.lastSuccess().isPresent(), "no sync yet");
            assertEquals(0.0, gauge(registryB));

            SyncResult synced = a.sync();
            assertTrue(synced.isSuccess(), String.valueOf(synced.failure()));
            Instant at = synced.outcome().finishedAt();
            assertEquals(at, b.lastSuccess().orElseThrow(), "node-b shows node-a's sync, from the shared store");
            assertEquals(at.getEpochSecond(), (long) gauge(registryB));

            clock.advance(Duration.ofHours(1));
            emulator.faults().backendDown(true);
            assertFalse(b.sync().isSuccess());
            assertFalse(shared.lastOutcome().orElseThrow().success(), "the failure replaced the stored outcome");
            assertEquals(at, b.lastSuccess().orElseThrow(), "the last success is still node-a's");
            assertEquals(at.getEpochSecond(), (long) gauge(registryB));
        }
    }
}
