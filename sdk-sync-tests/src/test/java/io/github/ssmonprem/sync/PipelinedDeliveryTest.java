package io.github.ssmonprem.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.testing.FakeClock;
import io.github.ssmonprem.sync.model.UsageReport;
import io.github.ssmonprem.sync.store.InMemorySyncStore;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.testkit.SsmEmulator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pending reports are submitted, then their acknowledgements polled together: the wait is paid about once. */
class PipelinedDeliveryTest {

    private static final String ACCOUNT = "acme.example";
    private static final int POLL_AFTER = 3;

    private FakeClock clock;
    private SsmEmulator emulator;

    @BeforeEach
    void start() {
        clock = FakeClock.atEpochOfTests();
        emulator = EmulatorFixtures.emulator(clock).acknowledgeAfter(1, Duration.ZERO).pollAfterSeconds(POLL_AFTER).start();
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void aHundredPendingReportsCostAboutOneAcknowledgementWait() {
        InMemorySyncStore store = new InMemorySyncStore(clock);
        try (SsmSyncClient ssm = EmulatorFixtures.client(emulator, clock).store(store).deliveryConcurrency(4).build()) {
            for (int i = 0; i < 100; i++) {
                UsageReport r = UsageReport.builder(clock).account(ACCOUNT).virtualAccount("VA1").productInstance("vmanage-1")
                        .device("edge-" + i, "regid.sdwan").usage("sdwan_dna_advantage", 1, clock.instant().minusSeconds(60), clock.instant())
                        .build();
                store.addPending(PendingReport.of(r, clock.instant().plusMillis(i)));
            }
            Instant before = clock.instant();
            List<DeliveryResult> results = ssm.deliverPending();
            Duration waited = Duration.between(before, clock.instant());
            assertEquals(100, results.size());
            assertTrue(results.stream().allMatch(DeliveryResult::delivered), results.toString());
            assertEquals(0, store.pendingCount());
            assertEquals(100, emulator.stats().acknowledged());
            // one wait of poll_after_seconds for all of them; one at a time would be 100 waits (300 s)
            assertTrue(waited.compareTo(Duration.ofSeconds(2L * POLL_AFTER)) <= 0, "waited " + waited);
            assertEquals(200, emulator.stats().polls(), "two polls per report: OK_POLL, then COMPLETE");
        }
    }

    @Test
    void theConcurrencyIsValidated() {
        SsmSyncClient.Builder b = SsmSyncClient.builder().config(emulator.clientConfig().build())
                .grant(emulator.passwordGrant()).store(new InMemorySyncStore()).deliveryConcurrency(0);
        org.junit.jupiter.api.Assertions.assertThrows(io.github.ssmonprem.core.exception.SsmConfigurationException.class, b::build);
    }
}
