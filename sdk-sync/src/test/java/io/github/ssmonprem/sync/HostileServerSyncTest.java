package io.github.ssmonprem.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.exception.MalformedResponseException;
import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.core.testing.TestClock;
import io.github.ssmonprem.core.testing.TestSecrets;
import io.github.ssmonprem.emulator.EndlessPages;
import io.github.ssmonprem.emulator.RumReportFixture;
import io.github.ssmonprem.emulator.SsmEmulator;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.sync.store.SyncOutcome;
import io.github.ssmonprem.sync.usage.UsageReport;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A sync against the emulator's hostile answers (endless pages, echoing error pages, oversized fields,
 * a slow server on the test clock): every run ends, within its limit, with a typed error, its usage
 * delivered when the server takes it, and no secret printed.
 */
@ExtendWith(TestSecrets.NoLeaks.class)
class HostileServerSyncTest {

    private static final String ACCOUNT = "acme.example";

    @TempDir
    Path state;

    private TestClock clock;
    private SsmEmulator emulator;

    @BeforeEach
    void start() {
        clock = TestClock.start();
        emulator = SsmEmulator.builder().clock(clock).account(ACCOUNT, "Acme", "VA1").licenses(ACCOUNT, "VA1", 30)
                .acknowledgeAfter(1, Duration.ZERO).pollInterval(5).start();
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    private SsmSyncClientBuilder client() {
        return SsmSyncClient.builder().config(emulator.clientConfig().build()).grant(emulator.passwordGrant())
                .stateDirectory(state).account(AccountSelection.of(ACCOUNT));
    }

    private UsageReport report() {
        return UsageReport.of(ACCOUNT, "VA1", List.of(EmulatorFixtures.rumReport(RumReportFixture.builder()
                .count(4, EmulatorFixtures.MEASURED_UNTIL.minusSeconds(3600), EmulatorFixtures.MEASURED_UNTIL).build())), clock);
    }

    /** Adds a report pending, as the client's own earlier submission left it. */
    private static void pending(SsmSyncClient ssm, UsageReport report) {
        ssm.store().add(report, ssm.nodeName(), Duration.ofMinutes(5));
    }

    private static final Map<EndlessPages, String> WHY = Map.of(
            EndlessPages.HUGE_TOTAL, "announces totalRecords 1000000000000, more than the 1000000 licenses a pull accepts",
            EndlessPages.NEGATIVE_TOTAL, "announces totalRecords -1",
            EndlessPages.IGNORED_OFFSET, "it ignores offset",
            EndlessPages.SHORT_PAGES, "is not done after 20 pages");

    @ParameterizedTest
    @EnumSource(EndlessPages.class)
    void pagesThatNeverEndStopTheListingWithATypedError(EndlessPages mode) {
        emulator.faults().endlessLicensePages(mode);
        try (SsmSyncClient ssm = client().maxLicensePages(20).build()) {
            MalformedResponseException e = assertThrows(MalformedResponseException.class, () -> ssm.licenses(ACCOUNT, List.of()));
            assertTrue(e.getMessage().contains(WHY.get(mode)), e.getMessage());
            assertTrue(e.remediation().contains("maxLicenses or maxLicensePages"), e.remediation());
        }
        assertTrue(emulator.stats().licensePages() <= 20, "pages asked for: " + emulator.stats().licensePages());
    }

    @Test
    void aLicensePullThatNeverEndsDoesNotKeepThePendingUsageFromBeingDelivered() {
        emulator.faults().endlessLicensePages(EndlessPages.IGNORED_OFFSET);
        try (SsmSyncClient ssm = client().build()) {
            pending(ssm, report());
            SyncResult result = ssm.sync();
            assertFalse(result.isSuccess());
            assertInstanceOf(MalformedResponseException.class, result.failure().orElseThrow());
            assertEquals(1, result.outcome().reportsDelivered());
            assertEquals(0, result.outcome().reportsPending());
            assertEquals(List.of(false, true), result.outcome().steps().stream().map(SyncOutcome.Step::success).toList());
        }
        assertEquals(2, emulator.stats().licensePages(), "stopped at the repeated page");
    }

    @Test
    void theSyncEndsAtItsOverallLimitAndTheLicenseStepLeavesTheUsageItsShare() {
        emulator.faults().endlessLicensePages(EndlessPages.SHORT_PAGES).slowAnswers(Duration.ofSeconds(30));
        Instant started = clock.instant();
        try (SsmSyncClient ssm = client().syncTimeout(Duration.ofMinutes(10)).build()) {
            pending(ssm, report());
            SyncResult result = ssm.sync();
            SyncDeadlineExceededException e = assertInstanceOf(SyncDeadlineExceededException.class, result.failure().orElseThrow());
            assertEquals("licenses", e.step());
            assertEquals(started.plus(Duration.ofMinutes(5)), e.deadline(), "at most half of syncTimeout");
            assertTrue(e.getMessage().contains("licenses pulled"), e.getMessage());
            assertEquals(1, result.outcome().reportsDelivered(), "the usage step got the other half");
            assertEquals(e.getClass().getSimpleName(), ssm.lastOutcome().orElseThrow().errorType());
        }
        assertTrue(Duration.between(started, clock.instant()).compareTo(Duration.ofMinutes(10)) <= 0,
                "the whole sync within syncTimeout on the test clock: " + Duration.between(started, clock.instant()));
    }

    @Test
    void aUsageStepOutOfTimeLeavesTheReportPendingAndUnclaimed() throws Exception {
        emulator.faults().slowAnswers(Duration.ofMinutes(3));
        try (SsmSyncClient ssm = client().accounts(List.of()).syncTimeout(Duration.ofMinutes(2)).build()) {
            UsageReport report = report();
            pending(ssm, report);
            SyncResult result = SyncScheduler.builder(ssm).build().syncNow().get(30, TimeUnit.SECONDS);
            SyncDeadlineExceededException e = assertInstanceOf(SyncDeadlineExceededException.class, result.failure().orElseThrow());
            assertEquals("usage", e.step());
            PendingReport left = ssm.store().pending().get(0);
            assertEquals(report.reportId(), left.reportId());
            assertNull(left.claimOwner(), "its claim released for the next run");
        }
        assertEquals(0, emulator.stats().uploadsOf(report().reports().get(0).key()));
    }

    @Test
    void aJwtSizedSecretFieldInAMalformedAnswerDoesNotCrashTheSync() {
        try (SsmSyncClient ssm = client().build()) {
            ssm.tokens().token();
            emulator.faults().oversizedFieldsNext(20, 2_000);
            SyncResult result = ssm.sync();
            assertInstanceOf(MalformedResponseException.class, result.failure().orElseThrow());
            assertTrue(result.failure().orElseThrow().getMessage().contains("\"access_token\":\"****"), result.failure().orElseThrow().getMessage());
            assertFalse(result.failure().orElseThrow().getMessage().contains("eyJAAAA"), "the token is not quoted");
            assertTrue(ssm.lastOutcome().isPresent(), "the outcome was recorded");
        }
    }

    @Test
    void errorPagesEchoingThePasswordClientSecretAndTokenDoNotGetThemPrinted() {
        try (SsmSyncClient ssm = client().build()) {
            emulator.faults().echoSecretsNext(1);
            SsmException token = assertThrows(SsmException.class, () -> ssm.tokens().token());
            assertNoDemoSecret(token.getMessage());
            String accessToken = ssm.tokens().token().value().reveal();
            emulator.faults().echoSecretsNext(2);
            SsmException api = assertThrows(SsmException.class, ssm::listAccounts);
            assertFalse(api.getMessage().contains(accessToken), api.getMessage());
            assertTrue(api.getMessage().contains("****"), api.getMessage());
        }
    }

    private static void assertNoDemoSecret(String text) {
        assertFalse(text.contains(SsmEmulator.DEMO_PASSWORD), text);
        assertFalse(text.contains(SsmEmulator.DEMO_CLIENT_SECRET), text);
        assertTrue(text.contains("****"), text);
    }
}
