package io.github.ssmonprem.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.exception.SsmConfigurationException;
import io.github.ssmonprem.core.testing.TestClock;
import io.github.ssmonprem.emulator.SsmEmulator;
import io.github.ssmonprem.sync.store.FileSyncStore;
import io.github.ssmonprem.sync.usage.DeliveryResult;
import io.github.ssmonprem.sync.usage.ReportStatus;
import io.github.ssmonprem.sync.usage.UsageReport;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reports are uploaded, then their acknowledgements polled together: the wait is paid about once, for
 * the pending set and for submissions running at the same time.
 */
class PipelinedDeliveryTest {

    private static final int POLL_INTERVAL = 3;

    @TempDir
    Path state;

    private TestClock clock;
    private SsmEmulator emulator;

    @BeforeEach
    void start() {
        clock = TestClock.start();
        emulator = EmulatorFixtures.emulator(clock).acknowledgeAfter(1, Duration.ZERO).pollInterval(POLL_INTERVAL).start();
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    private static UsageReport report(TestClock clock, int i) {
        return EmulatorFixtures.usage(clock, List.of(EmulatorFixtures.rum(i, 1, 1)));
    }

    @Test
    void aHundredPendingReportsCostAboutOneAcknowledgementWait() {
        FileSyncStore store = new FileSyncStore(state.resolve("store"), clock);
        try (SsmSyncClient ssm = EmulatorFixtures.client(emulator, clock).store(store).deliveryConcurrency(4).build()) {
            for (int i = 0; i < 100; i++) {
                store.add(report(clock, i), ssm.nodeName(), EmulatorFixtures.LEASE);
            }
            Instant before = clock.instant();
            List<DeliveryResult> results = ssm.deliverPending();
            Duration waited = Duration.between(before, clock.instant());
            assertEquals(100, results.size());
            assertTrue(results.stream().allMatch(r -> r.status() == ReportStatus.DELIVERED), results.toString());
            assertEquals(0, store.counts().pending());
            assertEquals(100, store.counts().acknowledgements());
            assertEquals(100, emulator.stats().acknowledgementsIssued());
            // the upload's poll_interval, then one OK_POLL's, for all of them; one at a time would be 200 waits (600 s)
            assertEquals(Duration.ofSeconds(2L * POLL_INTERVAL), waited);
            assertEquals(200, emulator.stats().polls(), "two polls per report: OK_POLL, then COMPLETE");
        }
    }

    @Test
    void fourSubmissionsAtOnceWaitForTheirAcknowledgementsAtTheSameTime() throws Exception {
        int submissions = 4;
        CountDownLatch waiting = new CountDownLatch(submissions);
        List<Boolean> waitedTogether = new CopyOnWriteArrayList<>();
        // Each submission's first wait for its acknowledgement holds until all four wait (at most 30 s): one
        // submission that waited for another to finish first would find the others not waiting.
        try (SsmSyncClient ssm = SsmSyncClient.builder().config(emulator.clientConfig().clock(clock).sleeper(d -> {
            waiting.countDown();
            waitedTogether.add(waiting.await(30, TimeUnit.SECONDS));
            clock.sleep(d);
        }).build()).grant(emulator.passwordGrant()).store(new FileSyncStore(state.resolve("store"), clock)).deliveryConcurrency(submissions).build()) {
            ssm.tokens().token();
            List<CompletableFuture<List<DeliveryResult>>> futures = new ArrayList<>();
            for (int i = 0; i < submissions; i++) {
                futures.add(ssm.submitUsageAsync(report(clock, i)));
            }
            for (CompletableFuture<List<DeliveryResult>> f : futures) {
                List<DeliveryResult> results = f.get(120, TimeUnit.SECONDS);
                assertEquals(List.of(ReportStatus.DELIVERED), results.stream().map(DeliveryResult::status).toList(), results.toString());
            }
        }
        assertTrue(waitedTogether.size() >= submissions, waitedTogether.toString());
        assertTrue(waitedTogether.stream().allMatch(Boolean::booleanValue),
                "the four submissions waited for their acknowledgements at the same time: " + waitedTogether);
        assertEquals(submissions, emulator.stats().acknowledgementsIssued());
    }

    @Test
    void theConcurrencyIsValidated() {
        SsmSyncClientBuilder b = SsmSyncClient.builder().config(emulator.clientConfig().build())
                .grant(emulator.passwordGrant()).store(new FileSyncStore(state.resolve("store"))).deliveryConcurrency(0);
        assertThrows(SsmConfigurationException.class, b::build);
    }
}
