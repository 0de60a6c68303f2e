package io.github.ssmonprem.sync;

import static io.github.ssmonprem.sync.EmulatorFixtures.ACCOUNT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.testing.FakeClock;
import io.github.ssmonprem.sync.model.UsageReport;
import io.github.ssmonprem.sync.store.DeadLetter;
import io.github.ssmonprem.sync.store.ReportState;
import io.github.ssmonprem.sync.store.SyncOutcome;
import io.github.ssmonprem.testkit.SsmEmulator;
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

    private FakeClock clock;
    private SimpleMeterRegistry registry;
    private SsmEmulator emulator;

    @BeforeEach
    void start() {
        clock = FakeClock.atEpochOfTests();
        registry = new SimpleMeterRegistry();
        emulator = EmulatorFixtures.emulator(clock).licenses(ACCOUNT, EmulatorFixtures.VIRTUAL_ACCOUNT, 5)
                .acknowledgeAfter(1, Duration.ZERO).pollAfterSeconds(3).start();
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
        return EmulatorFixtures.usage(clock).account(account).build();
    }

    @Test
    void aReportRefusedForGoodBecomesADeadLetterWithTheServersAnswerUntilAnOperatorActs() {
        UsageReport refused = report("nobody.example");   // the server answers 404: unknown smart account
        UsageReport accepted = report(ACCOUNT);
        try (SsmSyncClient ssm = client()) {
            ssm.store().addPending(io.github.ssmonprem.sync.store.PendingReport.of(refused, clock.instant()));
            ssm.store().addPending(io.github.ssmonprem.sync.store.PendingReport.of(accepted, clock.instant().plusSeconds(1)));
            SyncResult result = ssm.sync();
            assertEquals(List.of(DeliveryResult.Status.DEAD, DeliveryResult.Status.DELIVERED),
                    result.deliveries().stream().map(DeliveryResult::status).toList(), "the refusal does not hold back the next report");
            assertFalse(result.isSuccess());
            assertEquals(List.of(refused.reportId()), result.deadLetters().stream().map(DeadLetter::reportId).toList());
            assertEquals(List.of(refused.reportId()), result.outcome().deadReports());
            DeadLetter letter = ssm.store().deadLetters().get(0);
            assertEquals(404, letter.status());
            assertTrue(String.valueOf(letter.message()).contains("nobody.example"), String.valueOf(letter.message()));
            assertEquals(0, ssm.store().pendingCount());
            assertEquals(1.0, registry.get("ssm.usage.dead").gauge().value());

            SyncResult again = ssm.sync();
            assertEquals(List.of(refused.reportId()), again.outcome().deadReports(), "listed until an operator acts");
            assertEquals(List.of(), again.deliveries(), "a dead letter is not sent again by itself");
            assertEquals(new SyncStatus(again.outcome(), 0, 1, 0), ssm.status());
            assertEquals(List.of(ReportState.Status.DEAD), ssm.listUsage().stream().map(ReportState::status).toList());

            assertTrue(ssm.retryUsage(refused.reportId()));
            assertEquals(List.of(ReportState.Status.PENDING), ssm.listUsage().stream().map(ReportState::status).toList());
            List<DeliveryResult> retried = ssm.deliverPending();
            assertEquals(List.of(refused.reportId()), retried.stream().map(DeliveryResult::reportId).toList(), "a retry submits it again");
            assertEquals(DeliveryResult.Status.DEAD, retried.get(0).status());
            assertTrue(ssm.discardUsage(refused.reportId()));
            assertFalse(ssm.discardUsage(refused.reportId()));
            assertEquals(List.of(), ssm.listUsage());
            assertEquals(0.0, registry.get("ssm.usage.dead").gauge().value());
        }
    }

    @Test
    void aRateLimitedReportStaysPendingNotDead() {
        UsageReport report = report(ACCOUNT);
        try (SsmSyncClient ssm = client()) {
            ssm.store().addPending(io.github.ssmonprem.sync.store.PendingReport.of(report, clock.instant()));
            ssm.tokens().token();
            emulator.faults().rateLimitNext(50, 1);
            List<DeliveryResult> results = ssm.deliverPending();
            emulator.faults().clear();
            assertEquals(DeliveryResult.Status.PENDING, results.get(0).status());
            assertEquals(List.of(), ssm.store().deadLetters());
            assertEquals(1, ssm.store().pendingCount());
        }
    }

    @Test
    void aSnapshotThatCannotBeWrittenDoesNotHoldBackTheUsage() throws Exception {
        UsageReport report = report(ACCOUNT);
        try (SsmSyncClient ssm = client()) {
            ssm.store().addPending(io.github.ssmonprem.sync.store.PendingReport.of(report, clock.instant()));
            Path snapshots = state.resolve("snapshots");
            Files.delete(snapshots);
            Files.writeString(snapshots, "not a directory: every snapshot write fails");
            SyncResult result = ssm.sync();
            assertFalse(result.isSuccess());
            assertEquals(List.of(DeliveryResult.Status.DELIVERED), result.deliveries().stream().map(DeliveryResult::status).toList());
            assertEquals(1, emulator.stats().acknowledged());
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
            ssm.store().addPending(io.github.ssmonprem.sync.store.PendingReport.of(report, clock.instant()));
            SyncResult result = ssm.sync();
            assertTrue(result.isSuccess(), result.toString());
            assertTrue(result.licensesSkipped(), "the result says no license step ran");
            assertTrue(result.toString().contains("no account configured"), result.toString());
            assertEquals(List.of("usage"), result.outcome().steps().stream().map(SyncOutcome.Step::name).toList());
            assertEquals(1, emulator.stats().acknowledged(), "the pending usage is still delivered");
        }
        try (SsmSyncClient ssm = client()) {
            assertFalse(ssm.sync().licensesSkipped());
        }
    }

    @Test
    void submitUsageAsyncDeliversOnTheClientsThreadsAndStopsWithTheClient() throws Exception {
        List<Runnable> held = new java.util.ArrayList<>();
        java.util.concurrent.CompletableFuture<DeliveryResult> queued;
        SsmSyncClient ssm = client();
        try {
            DeliveryResult result = ssm.submitUsageAsync(report(ACCOUNT)).get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(DeliveryResult.Status.DELIVERED, result.status());
            queued = ssm.submitUsageAsync(report(ACCOUNT), held::add);
            assertFalse(queued.isDone(), "the given executor has not run it yet");
        } finally {
            ssm.close();
        }
        java.util.concurrent.ExecutionException notRun = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.ExecutionException.class, queued::get);
        assertTrue(notRun.getCause() instanceof IllegalStateException && notRun.getCause().getMessage().contains("closed"),
                String.valueOf(notRun.getCause()));
        held.forEach(Runnable::run);
        assertEquals(1, emulator.stats().acknowledged(), "the cancelled submission did not run later");
        java.util.concurrent.ExecutionException closed = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.ExecutionException.class, () -> ssm.submitUsageAsync(report(ACCOUNT)).get());
        assertTrue(closed.getCause() instanceof IllegalStateException, String.valueOf(closed.getCause()));
    }
}
