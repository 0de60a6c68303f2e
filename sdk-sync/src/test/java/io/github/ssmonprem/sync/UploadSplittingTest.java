package io.github.ssmonprem.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.testing.TestClock;
import io.github.ssmonprem.emulator.RumReportFixture;
import io.github.ssmonprem.emulator.SsmEmulator;
import io.github.ssmonprem.sync.store.FileSyncStore;
import io.github.ssmonprem.sync.usage.Acknowledgement;
import io.github.ssmonprem.sync.usage.DeliveryResult;
import io.github.ssmonprem.sync.usage.ReportStatus;
import io.github.ssmonprem.sync.usage.UsageReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A report whose upload would exceed {@code maxUploadBytes} is stored and delivered as several, each
 * acknowledged on its own, and a server that takes at most that many bytes per request (nginx's
 * {@code client_max_body_size}) never sees a larger body.
 */
class UploadSplittingTest {

    private static final int LIMIT = 8 * 1024;

    @TempDir
    Path state;

    private SsmEmulator emulator;
    private TestClock clock;

    @BeforeEach
    void start() {
        emulator = EmulatorFixtures.emulator(TestClock.start()).maxRequestBytes(LIMIT).acknowledgeAfter(0, java.time.Duration.ZERO).start();
        clock = emulator.testClock();
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    /** Twenty RUM reports of four devices, {@code first} the first device's number: about three times the limit. */
    private UsageReport large(int first) {
        List<RumReportFixture> rum = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            rum.add(EmulatorFixtures.rum(first + i % 4, 1000 + i, i));
        }
        return EmulatorFixtures.usage(clock, rum);
    }

    @Test
    void aServerThatTakesAtMostTheLimitRefusesTheWholeReport() {
        UsageReport report = large(10);
        try (SsmSyncClient ssm = SsmSyncClient.builder().config(emulator.clientConfig().build()).grant(emulator.passwordGrant())
                .store(new FileSyncStore(state.resolve("store"), clock)).build()) {
            List<DeliveryResult> results = ssm.submitUsage(report);
            assertEquals(1, results.size(), "sent whole with the default limit (512 KiB)");
            assertFalse(results.get(0).delivered(), String.valueOf(results.get(0)));
        }
        assertTrue(emulator.stats().lastUploadBody().getBytes(StandardCharsets.UTF_8).length > LIMIT);
        assertEquals("413 Request Entity Too Large", emulator.stats().lastRefusal());
    }

    @Test
    void aReportLargerThanMaxUploadBytesIsDeliveredInPartsEachAcknowledgedOnItsOwn() {
        UsageReport report = large(1);
        List<DeliveryResult> results;
        try (FileSyncStore store = new FileSyncStore(state, clock);
                SsmSyncClient ssm = SsmSyncClient.builder().config(emulator.clientConfig().build()).grant(emulator.passwordGrant())
                        .store(store).maxUploadBytes(LIMIT).build()) {
            results = ssm.submitUsage(report);
            assertTrue(results.size() >= 3, "split into parts: " + results);
            assertTrue(results.stream().allMatch(r -> r.status() == ReportStatus.DELIVERED), String.valueOf(results));
            Set<String> pollIds = new HashSet<>();
            results.forEach(r -> pollIds.add(r.pollId()));
            assertEquals(results.size(), pollIds.size(), "each part uploaded and polled on its own");
            int acks = 0;
            for (DeliveryResult part : results) {
                for (Acknowledgement ack : part.acknowledgements()) {
                    assertEquals(part.reportId(), ack.reportId(), "each part's acknowledgements are its own");
                    acks++;
                }
                assertFalse(part.acknowledgements().isEmpty(), part.reportId());
                assertEquals(ReportStatus.DELIVERED, store.state(part.reportId()).orElseThrow().status());
            }
            assertEquals(emulator.stats().acknowledgementsIssued(), acks, "every acknowledgement issued is stored");
            assertEquals(acks, ssm.usage().acknowledgements().size());
            assertEquals(0, store.counts().pending());

            int requests = emulator.stats().requestLines().size();
            assertEquals(results.stream().map(DeliveryResult::reportId).toList(),
                    ssm.submitUsage(large(1)).stream().map(DeliveryResult::reportId).toList(), "the same parts again");
            assertEquals(requests, emulator.stats().requestLines().size(), "and nothing sent");
        }
        assertEquals(0, emulator.stats().refusedRequests(), "no body was over the server's limit: " + emulator.stats().lastRefusal());
        assertEquals(results.size(), emulator.stats().uploads());
        assertEquals(20, emulator.stats().distinctRumReports());
        for (String key : EmulatorFixtures.keys(report)) {
            assertEquals(1, emulator.stats().uploadsOf(key), key);
        }
    }
}
