package io.github.ssmonprem.sync;

import static io.github.ssmonprem.sync.EmulatorFixtures.ACCOUNT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.testing.LogCapture;
import io.github.ssmonprem.core.testing.TestClock;
import io.github.ssmonprem.emulator.SsmEmulator;
import io.github.ssmonprem.sync.store.DeadLetter;
import io.github.ssmonprem.sync.store.FileSyncStore;
import io.github.ssmonprem.sync.store.ReportState;
import io.github.ssmonprem.sync.store.SyncOutcome;
import io.github.ssmonprem.sync.usage.DeliveryResult;
import io.github.ssmonprem.sync.usage.ReportStatus;
import io.github.ssmonprem.sync.usage.UsageReport;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reports the server refuses for good become dead letters; the sync's steps run independently. */
class DeadLetterAndStepsTest {

    @TempDir
    Path state;

    private TestClock clock;
    private SimpleMeterRegistry registry;
    private SsmEmulator emulator;

    @BeforeEach
    void start() {
        clock = TestClock.start();
        registry = new SimpleMeterRegistry();
        emulator = EmulatorFixtures.emulator(clock).licenses(ACCOUNT, EmulatorFixtures.VIRTUAL_ACCOUNT, 5)
                .acknowledgeAfter(1, Duration.ZERO).pollInterval(3).start();
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    private SsmSyncClient client() {
        return EmulatorFixtures.client(emulator, clock, registry).stateDirectory(state)
                .account(AccountSelection.of(ACCOUNT, EmulatorFixtures.VIRTUAL_ACCOUNT)).build();
    }

    private UsageReport report(String account) {
        return EmulatorFixtures.usage(clock, account, EmulatorFixtures.VIRTUAL_ACCOUNT, List.of(EmulatorFixtures.rum(1, 1001, 4)));
    }

    /** Adds a report to the client's pending set, claimed by the client's node (which renews its own claims). */
    private static void addPending(SsmSyncClient ssm, UsageReport report) {
        assertEquals(java.util.Optional.empty(), ssm.store().add(report, ssm.nodeName(), EmulatorFixtures.LEASE));
    }

    @Test
    void aReportRefusedForGoodBecomesADeadLetterWithTheServersAnswerUntilAnOperatorActs() {
        UsageReport refused = report("nobody.example");   // the grant sees no such smart account
        UsageReport accepted = report(ACCOUNT);
        // A store on the test's clock, so the refused report is the older one and is delivered first.
        try (FileSyncStore store = new FileSyncStore(state, clock);
                SsmSyncClient ssm = EmulatorFixtures.client(emulator, clock, registry).store(store)
                        .account(AccountSelection.of(ACCOUNT, EmulatorFixtures.VIRTUAL_ACCOUNT)).build()) {
            addPending(ssm, refused);
            clock.advance(Duration.ofSeconds(1));
            addPending(ssm, accepted);
            SyncResult result = ssm.sync();
            assertEquals(List.of(refused.reportId(), accepted.reportId()), result.deliveries().stream().map(DeliveryResult::reportId).toList());
            assertEquals(List.of(ReportStatus.DEAD, ReportStatus.DELIVERED),
                    result.deliveries().stream().map(DeliveryResult::status).toList(), "the refusal does not hold back the next report");
            assertFalse(result.isSuccess());
            assertEquals(List.of(refused.reportId()), result.deadLetters().stream().map(DeadLetter::reportId).toList());
            assertEquals(List.of(refused.reportId()), result.outcome().deadReports());
            DeadLetter letter = ssm.store().dead().get(0);
            assertEquals(200, letter.httpStatus(), "the account search's answer, which does not list the account");
            assertTrue(String.valueOf(letter.entry().lastError()).contains("nobody.example"), letter.entry().lastError());
            assertEquals(0, ssm.usage().counts().pending());
            assertEquals(1.0, registry.get("ssm.usage.dead").gauge().value());

            SyncResult again = ssm.sync();
            assertEquals(List.of(refused.reportId()), again.outcome().deadReports(), "listed until an operator acts");
            assertEquals(List.of(), again.deliveries(), "a dead letter is not sent again by itself");
            assertEquals(new SyncStatus(again.outcome(), 0, 1, 1, 0), ssm.status(), "and the accepted report's acknowledgement waits");
            assertEquals(List.of(ReportStatus.DEAD), ssm.usage().list().stream().map(ReportState::status).toList());

            assertTrue(ssm.usage().retry(refused.reportId()));
            assertEquals(List.of(ReportStatus.PENDING), ssm.usage().list().stream().map(ReportState::status).toList());
            List<DeliveryResult> retried = ssm.deliverPending();
            assertEquals(List.of(refused.reportId()), retried.stream().map(DeliveryResult::reportId).toList(), "a retry delivers it again");
            assertEquals(ReportStatus.DEAD, retried.get(0).status());
            assertTrue(ssm.usage().discard(refused.reportId()));
            assertFalse(ssm.usage().discard(refused.reportId()));
            assertEquals(List.of(), ssm.usage().list());
            assertEquals(0.0, registry.get("ssm.usage.dead").gauge().value());
        }
    }

    @Test
    void aRateLimitedReportStaysPendingNotDead() {
        UsageReport report = report(ACCOUNT);
        try (SsmSyncClient ssm = client()) {
            addPending(ssm, report);
            ssm.tokens().token();
            emulator.faults().rateLimitNext(50, 1);
            List<DeliveryResult> results = ssm.deliverPending();
            emulator.faults().clear();
            assertEquals(ReportStatus.PENDING, results.get(0).status());
            assertEquals(List.of(), ssm.store().dead());
            assertEquals(1, ssm.usage().counts().pending());
        }
    }

    @Test
    void aSnapshotThatCannotBeWrittenDoesNotHoldBackTheUsage() throws Exception {
        UsageReport report = report(ACCOUNT);
        try (SsmSyncClient ssm = client()) {
            addPending(ssm, report);
            Path snapshots = state.resolve("snapshots");
            Files.delete(snapshots);
            Files.writeString(snapshots, "not a directory: every snapshot write fails");
            SyncResult result = ssm.sync();
            assertFalse(result.isSuccess());
            assertEquals(List.of(ReportStatus.DELIVERED), result.deliveries().stream().map(DeliveryResult::status).toList());
            assertEquals(1, emulator.stats().acknowledgementsIssued());
            List<SyncOutcome.Step> steps = result.outcome().steps();
            assertEquals(List.of("licenses", "usage"), steps.stream().map(SyncOutcome.Step::name).toList());
            assertFalse(steps.get(0).success());
            assertEquals("SyncStoreException", steps.get(0).errorType());
            assertTrue(steps.get(1).success());
            assertEquals(steps, ssm.lastOutcome().orElseThrow().steps(), "the stored outcome records each step");
        }
    }

    @Test
    void aSyncWithNoAccountSaysItPulledNoLicenses() throws Exception {
        UsageReport report = report(ACCOUNT);
        try (SsmSyncClient ssm = SsmSyncClient.builder()
                .config(emulator.clientConfig().clock(clock).sleeper(clock).meterRegistry(registry).build())
                .grant(emulator.passwordGrant()).stateDirectory(state).build()) {
            addPending(ssm, report);
            LogCapture.clear();
            SyncResult result = ssm.sync();
            assertTrue(result.isSuccess(), result.toString());
            assertTrue(result.licensesSkipped(), "the result says no license step ran");
            String warning = LogCapture.linesOf("io.github.ssmonprem").stream().filter(l -> l.contains("No smart account is configured"))
                    .findFirst().orElseThrow();
            assertTrue(warning.contains("ssm.onprem.accounts") && warning.contains("SsmSyncClientBuilder.account"), "in each user's words: " + warning);
            assertTrue(result.toString().contains("no account configured"), result.toString());
            assertEquals(List.of("usage"), result.outcome().steps().stream().map(SyncOutcome.Step::name).toList());
            assertEquals(1, emulator.stats().acknowledgementsIssued(), "the pending usage is still delivered");
        }
        try (SsmSyncClient ssm = client()) {
            assertFalse(ssm.sync().licensesSkipped());
        }
    }

    @Test
    void submitUsageAsyncDeliversOnTheClientsThreadsAndStopsWithTheClient() throws Exception {
        List<Runnable> held = new java.util.ArrayList<>();
        java.util.concurrent.CompletableFuture<List<DeliveryResult>> queued;
        SsmSyncClient ssm = client();
        try {
            List<DeliveryResult> result = ssm.submitUsageAsync(report(ACCOUNT)).get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(List.of(ReportStatus.DELIVERED), result.stream().map(DeliveryResult::status).toList());
            queued = ssm.submitUsageAsync(usage2(), held::add);
            assertFalse(queued.isDone(), "the given executor has not run it yet");
        } finally {
            ssm.close();
        }
        java.util.concurrent.ExecutionException notRun = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.ExecutionException.class, queued::get);
        assertTrue(notRun.getCause() instanceof IllegalStateException && notRun.getCause().getMessage().contains("closed"),
                String.valueOf(notRun.getCause()));
        held.forEach(Runnable::run);
        assertEquals(1, emulator.stats().acknowledgementsIssued(), "the cancelled submission did not run later");
        assertEquals(0, emulator.stats().uploadsOf(usage2().reports().get(0).key()), "nor sent anything");
        java.util.concurrent.ExecutionException closed = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.ExecutionException.class, () -> ssm.submitUsageAsync(usage2()).get());
        assertTrue(closed.getCause() instanceof IllegalStateException, String.valueOf(closed.getCause()));
    }

    /** Another report than {@link #report(String)}'s: device 2's. */
    private UsageReport usage2() {
        return EmulatorFixtures.usage(clock, List.of(EmulatorFixtures.rum(2, 2002, 1)));
    }
}
