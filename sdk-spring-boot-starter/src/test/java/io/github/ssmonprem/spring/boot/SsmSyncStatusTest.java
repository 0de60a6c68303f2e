package io.github.ssmonprem.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ssmonprem.auth.OAuthGrant;
import io.github.ssmonprem.core.Secret;
import io.github.ssmonprem.core.SsmClientConfig;
import io.github.ssmonprem.core.exception.ServerUnavailableException;
import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.spring.boot.internal.SsmSyncStatus;
import io.github.ssmonprem.sync.SsmSyncClient;
import io.github.ssmonprem.sync.SyncResult;
import io.github.ssmonprem.sync.store.SyncOutcome;
import io.github.ssmonprem.testkit.InMemorySyncStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SsmSyncStatusTest {

    private static final Duration PERIOD = Duration.ofHours(24);
    private Instant now = Instant.parse("2026-12-01T00:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };
    private final InMemorySyncStore store = new InMemorySyncStore();
    private final SsmSyncClient client = SsmSyncClient.builder()
            .config(SsmClientConfig.builder().baseUrl("https://ssm.example.test").noProxy().build())
            .grant(OAuthGrant.clientCredentials("app", Secret.of("status-test-secret"))).store(store).build();

    @AfterEach
    void close() {
        client.close();
    }

    private static SyncResult success(Instant at) {
        return new SyncResult(new SyncOutcome(at.minusSeconds(5), at, true, 3, 1, 0, null, null), Map.of(), List.of(), List.of(), null);
    }

    @Test
    void upUntilTwoPeriodsWithoutAnySync() {
        SsmSyncStatus status = new SsmSyncStatus(client, PERIOD, clock);
        assertThat(status.isHealthy()).isTrue();
        assertThat(status.details()).containsEntry("lastAttempt", "none yet").containsEntry("pending", 0);
        now = now.plus(PERIOD.multipliedBy(2)).plusSeconds(1);
        assertThat(status.isHealthy()).as("a sync was due and none ran").isFalse();
    }

    @Test
    void aSuccessStaysUpForTwoPeriodsThenGoesDown() {
        SsmSyncStatus status = new SsmSyncStatus(client, PERIOD, clock);
        status.onSync(success(now));
        now = now.plus(PERIOD.multipliedBy(2));
        assertThat(status.isHealthy()).isTrue();
        now = now.plusSeconds(1);
        assertThat(status.isHealthy()).isFalse();
        assertThat(status.details()).containsKey("error");
    }

    @Test
    void aFailureIsDownWithTypeAndRemediationUntilTheNextSuccess() {
        SsmSyncStatus status = new SsmSyncStatus(client, PERIOD, clock);
        Instant succeeded = now;
        status.onSync(success(succeeded));
        now = now.plusSeconds(60);
        SsmException error = new ServerUnavailableException("The SSM server is unavailable (HTTP 503).",
                "Check that the SSM On-Prem services are running.", 503, null, null, null, null);
        status.onSync(new SyncResult(new SyncOutcome(now, now, false, 0, 0, 2, error.getClass().getSimpleName(),
                error.getMessage()), Map.of(), List.of(), List.of(), error));
        assertThat(status.isHealthy()).isFalse();
        assertThat(status.details()).containsEntry("errorType", "ServerUnavailableException")
                .containsEntry("remediation", "Check that the SSM On-Prem services are running.")
                .containsEntry("lastSuccess", succeeded.toString()).containsEntry("lastAttemptSucceeded", false);
        status.onSync(success(now.plusSeconds(60)));
        assertThat(status.isHealthy()).isTrue();
        assertThat(status.details()).doesNotContainKey("remediation");
        assertThat(status.details().toString()).doesNotContain("status-test-secret");
    }

    @Test
    void aFailedOrOverdueSyncDegradesButIsNeverDownUnlessConfigured() {
        SsmSyncStatus status = new SsmSyncStatus(client, PERIOD, clock);
        assertThat(status.level()).isEqualTo(SsmSyncStatus.Level.UP);
        SsmException error = new ServerUnavailableException("The SSM server is unavailable (HTTP 502).",
                "Check that the SSM On-Prem services are running.", 502, null, null, null, null);
        status.onSync(new SyncResult(new SyncOutcome(now, now, false, 0, 0, 0, error.getClass().getSimpleName(),
                error.getMessage()), Map.of(), List.of(), List.of(), error));
        assertThat(status.level()).isEqualTo(SsmSyncStatus.Level.DEGRADED);
        now = now.plus(Duration.ofDays(365));
        assertThat(status.level()).as("a year without a sync is still not DOWN by default").isEqualTo(SsmSyncStatus.Level.DEGRADED);
    }

    @Test
    void downOnlyWhenTheLicensesAreOlderThanTheConfiguredAge() {
        try (SsmSyncClient withAccount = SsmSyncClient.builder()
                .config(SsmClientConfig.builder().baseUrl("https://ssm.example.test").noProxy().build())
                .grant(OAuthGrant.clientCredentials("app", Secret.of("x"))).store(store)
                .account(io.github.ssmonprem.sync.AccountSelection.of("acme.example")).build()) {
            SsmSyncStatus status = new SsmSyncStatus(withAccount, PERIOD, Duration.ofDays(7), clock);
            assertThat(status.level()).isEqualTo(SsmSyncStatus.Level.UP);
            store.saveSnapshot(new io.github.ssmonprem.sync.store.LicenseSnapshot("acme.example", List.of(), now, List.of()));
            now = now.plus(Duration.ofDays(3));
            assertThat(status.level()).as("overdue, licenses 3 days old").isEqualTo(SsmSyncStatus.Level.DEGRADED);
            now = now.plus(Duration.ofDays(4)).plusSeconds(1);
            assertThat(status.level()).isEqualTo(SsmSyncStatus.Level.DOWN);
            assertThat(status.details()).containsEntry("oldestLicenses", now.minus(Duration.ofDays(7)).minusSeconds(1).toString())
                    .containsEntry("downWhenLicensesOlderThan", "PT168H");
        }
    }

    @Test
    void thePreviousOutcomeComesFromTheStore() {
        store.saveOutcome(success(now.minusSeconds(3600)).outcome());
        try (SsmSyncClient restarted = SsmSyncClient.builder()
                .config(SsmClientConfig.builder().baseUrl("https://ssm.example.test").noProxy().build())
                .grant(OAuthGrant.clientCredentials("app", Secret.of("x"))).store(store).build()) {
            SsmSyncStatus status = new SsmSyncStatus(restarted, PERIOD, clock);
            assertThat(status.details()).containsEntry("lastSuccess", now.minusSeconds(3600).toString());
            assertThat(status.isHealthy()).isTrue();
        }
    }

    @Test
    void anotherInstancesSyncInTheSharedStoreCounts() {
        SsmSyncStatus status = new SsmSyncStatus(client, PERIOD, clock);
        now = now.plus(PERIOD.multipliedBy(3));
        assertThat(status.isHealthy()).as("this instance never synced").isFalse();
        store.saveOutcome(success(now.minusSeconds(60)).outcome());
        assertThat(status.isHealthy()).as("another instance synced into the shared store").isTrue();
        assertThat(status.details()).containsEntry("lastSuccess", now.minusSeconds(60).toString())
                .containsEntry("lastAttemptSucceeded", true);
    }

    @Test
    void theCountsIncludeTheDeadLetters() {
        Instant at = now;
        io.github.ssmonprem.sync.usage.UsageReport report = io.github.ssmonprem.sync.usage.UsageReport.of("acme.example", "VA1",
                java.util.List.of(io.github.ssmonprem.sync.usage.RumReport.builder().device(new io.github.ssmonprem.sync.usage.Sudi("P", "S"))
                        .softwareTag("t").entitlementTag("e").reportId(1).count(1, at.minusSeconds(60), at).build()));
        store.add(report, "node", java.time.Duration.ofMinutes(1));
        store.refuse(new io.github.ssmonprem.sync.store.DeadLetter(store.pending().get(0), 400,
                new io.github.ssmonprem.sync.usage.ServerMessage(null, null, null, null), at, java.util.List.of()), "node");
        assertThat(new SsmSyncStatus(client, PERIOD, clock).details()).containsEntry("pending", 0).containsEntry("dead", 1)
                .containsEntry("quarantined", 0);
    }
}
