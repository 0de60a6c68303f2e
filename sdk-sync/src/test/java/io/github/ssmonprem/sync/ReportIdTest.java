package io.github.ssmonprem.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.testing.TestClock;
import io.github.ssmonprem.emulator.RumReportFixture;
import io.github.ssmonprem.emulator.SsmEmulator;
import io.github.ssmonprem.sync.store.FileSyncStore;
import io.github.ssmonprem.sync.store.ReportState;
import io.github.ssmonprem.sync.usage.DeliveryResult;
import io.github.ssmonprem.sync.usage.InvalidUsageReportException;
import io.github.ssmonprem.sync.usage.ReportStatus;
import io.github.ssmonprem.sync.usage.RumReport;
import io.github.ssmonprem.sync.usage.UsageReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A report id derived from the RUM reports makes a repeated submission of the same usage upload nothing again. */
class ReportIdTest {

    @TempDir
    Path state;

    private TestClock clock;
    private SsmEmulator emulator;

    @BeforeEach
    void start() {
        clock = TestClock.start();
        emulator = EmulatorFixtures.emulator(clock).acknowledgeAfter(1, Duration.ZERO).pollInterval(3).start();
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    /** A client and its file store on the state directory, the store on the test's clock too (it keeps delivered reports 30 days by it). */
    private SsmSyncClient client(FileSyncStore store) {
        return EmulatorFixtures.client(emulator, clock).store(store).build();
    }

    private static final List<RumReportFixture> RUM = List.of(EmulatorFixtures.rum(1, 7, 2), EmulatorFixtures.rum(2, 7, 5));

    private int made;

    /** The report of the same RUM reports, made anew: a minute later than the last, and in the other order. */
    private UsageReport report() {
        clock.advance(Duration.ofMinutes(1));
        return EmulatorFixtures.usage(clock, made++ % 2 == 0 ? RUM : List.of(RUM.get(1), RUM.get(0)));
    }

    @Test
    void theSameRumReportsMakeTheSameIdAndOnlyThose() {
        UsageReport first = report();
        UsageReport again = report();
        assertEquals(first.reportId(), again.reportId(), "made later, in another order: the same id");
        assertTrue(UsageReport.ID.matcher(first.reportId()).matches());
        assertNotEquals(first.reportId(), EmulatorFixtures.usage(clock, RUM.subList(0, 1)).reportId(), "other RUM reports");
        assertNotEquals(first.reportId(), EmulatorFixtures.usage(clock, EmulatorFixtures.ACCOUNT, "VA2", RUM).reportId(),
                "another virtual account");
    }

    @Test
    void submittingDeliveredReportsAgainReturnsTheirStateAndSendsNothing() {
        UsageReport report = report();
        try (FileSyncStore store = new FileSyncStore(state, clock); SsmSyncClient ssm = client(store)) {
            assertEquals(ReportStatus.DELIVERED, ssm.submitUsage(report).get(0).status());
            int requests = emulator.stats().requestLines().size();
            DeliveryResult again = ssm.submitUsage(report()).get(0);
            assertEquals(ReportStatus.DELIVERED, again.status());
            assertEquals(report.reportId(), again.reportId());
            assertEquals(2, again.acknowledgements().size(), "with the acknowledgements stored for it");
            assertTrue(again.detail().contains("nothing was sent"), again.detail());
            assertEquals(requests, emulator.stats().requestLines().size(), "nothing was sent");
        }
        try (FileSyncStore store = new FileSyncStore(state, clock); SsmSyncClient restarted = client(store)) {
            assertEquals(ReportStatus.DELIVERED, restarted.submitUsage(report()).get(0).status(), "remembered across restarts");
        }
        for (String key : EmulatorFixtures.keys(report)) {
            assertEquals(1, emulator.stats().uploadsOf(key), key);
        }
        assertEquals(2, emulator.stats().acknowledgementsIssued());
    }

    @Test
    void submittingAPendingReportAgainKeepsTheStoredReportAndUploadsNothingAgain() {
        emulator.acknowledgeAfter(Integer.MAX_VALUE, Duration.ZERO);
        try (FileSyncStore store = new FileSyncStore(state, clock);
                SsmSyncClient ssm = EmulatorFixtures.client(emulator, clock).store(store).ackTimeout(Duration.ofSeconds(5)).build()) {
            UsageReport first = report();
            DeliveryResult pending = ssm.submitUsage(first).get(0);
            assertEquals(ReportStatus.PENDING, pending.status());
            int polls = emulator.stats().polls();
            DeliveryResult again = ssm.submitUsage(report()).get(0);
            assertEquals(ReportStatus.PENDING, again.status());
            assertEquals(pending.pollId(), again.pollId(), "it resumed polling the stored poll id");
            assertTrue(emulator.stats().polls() > polls);
            assertEquals(first, ssm.store().state(first.reportId()).map(ReportState::pending).orElseThrow().report(),
                    "the report stored first is kept");
            for (String key : EmulatorFixtures.keys(first)) {
                assertEquals(1, emulator.stats().uploadsOf(key), "uploaded once: " + key);
            }
        }
    }

    @Test
    void anIdThatCannotBeAFileNameIsRefusedWhenMade() {
        List<RumReport> rum = List.of(EmulatorFixtures.rumReport(RUM.get(0)));
        for (String bad : new String[] {"", "..", "-x", "has space", "a/b", "x".repeat(129)}) {
            InvalidUsageReportException e = assertThrows(InvalidUsageReportException.class,
                    () -> new UsageReport(bad, EmulatorFixtures.ACCOUNT, EmulatorFixtures.VIRTUAL_ACCOUNT, clock.instant(), rum), bad);
            assertTrue(e.getMessage().contains("report id"), e.getMessage());
        }
    }
}
