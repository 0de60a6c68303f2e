package io.github.ssmonprem.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.testing.FakeClock;
import io.github.ssmonprem.sync.model.UsageReport;
import io.github.ssmonprem.sync.store.ReportState;
import io.github.ssmonprem.testkit.SsmEmulator;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A caller-chosen report id makes a repeated submission of the same usage send nothing new. */
class ReportIdTest {

    @TempDir
    Path state;

    private FakeClock clock;
    private SsmEmulator emulator;

    @BeforeEach
    void start() {
        clock = FakeClock.atEpochOfTests();
        emulator = EmulatorFixtures.emulator(clock).acknowledgeAfter(1, Duration.ZERO).pollAfterSeconds(3).start();
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    private SsmSyncClient client() {
        return EmulatorFixtures.client(emulator, clock).stateDirectory(state).build();
    }

    private UsageReport report(String id) {
        return EmulatorFixtures.usage(clock).reportId(id).build();
    }

    @Test
    void submittingADeliveredIdAgainReturnsItsStateAndSendsNothing() {
        try (SsmSyncClient ssm = client()) {
            assertTrue(ssm.submitUsage(report("usage-2026-11-30.json-3f9a")).delivered());
            int requests = emulator.stats().requestLines().size();
            DeliveryResult again = ssm.submitUsage(report("usage-2026-11-30.json-3f9a"));
            assertEquals(DeliveryResult.Status.DELIVERED, again.status());
            assertEquals(requests, emulator.stats().requestLines().size(), "nothing was sent");
            assertEquals(1, emulator.stats().submissionsOf("usage-2026-11-30.json-3f9a"));
        }
        try (SsmSyncClient restarted = client()) {
            assertEquals(DeliveryResult.Status.DELIVERED, restarted.submitUsage(report("usage-2026-11-30.json-3f9a")).status(),
                    "remembered across restarts");
            assertEquals(1, emulator.stats().submissionsOf("usage-2026-11-30.json-3f9a"));
        }
    }

    @Test
    void submittingAPendingIdAgainKeepsTheStoredReportAndSendsNothing() {
        emulator.acknowledgeAfter(Integer.MAX_VALUE, Duration.ZERO);
        try (SsmSyncClient ssm = EmulatorFixtures.client(emulator, clock).stateDirectory(state).ackTimeout(Duration.ofSeconds(5)).build()) {
            UsageReport first = report("batch-17");
            assertEquals(DeliveryResult.Status.PENDING, ssm.submitUsage(first).status());
            int requests = emulator.stats().requestLines().size();
            DeliveryResult again = ssm.submitUsage(report("batch-17"));
            assertEquals(DeliveryResult.Status.PENDING, again.status());
            assertEquals(requests, emulator.stats().requestLines().size(), "nothing was sent");
            assertEquals(first, ssm.store().state("batch-17").map(ReportState::pending).orElseThrow().report());
        }
    }

    @Test
    void anIdThatCannotBeANonceIsRefusedWhenBuilt() {
        for (String bad : new String[] {"", "..", "-x", "has space", "a/b", "x".repeat(129)}) {
            InvalidUsageReportException e = assertThrows(InvalidUsageReportException.class,
                    () -> UsageReport.builder(clock).reportId(bad), bad);
            assertTrue(e.getMessage().contains("reportId"), e.getMessage());
        }
    }
}
