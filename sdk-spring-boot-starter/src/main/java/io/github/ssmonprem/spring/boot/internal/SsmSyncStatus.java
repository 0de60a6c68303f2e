package io.github.ssmonprem.spring.boot.internal;

import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.sync.AccountSelection;
import io.github.ssmonprem.sync.SsmSyncClient;
import io.github.ssmonprem.sync.SyncListener;
import io.github.ssmonprem.sync.SyncResult;
import io.github.ssmonprem.sync.store.LicenseSnapshot;
import io.github.ssmonprem.sync.store.SyncOutcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the health contributor and the endpoint report: the last sync's outcome (the newer of this
 * instance's last result and the store's last outcome, so on a cluster every instance shows the sync
 * another instance ran), the last success, and the pending, dead and quarantined counts. Holds no
 * secret: exception messages and remediations of the SDK never carry one.
 *
 * <p>Its {@link #level() level} never says DOWN because SSM On-Prem cannot be reached: on a cluster every
 * instance reads the same shared outcome, so a DOWN would take every instance out of its load balancer
 * at once. A failed or overdue sync, or a store that cannot be read, is {@link Level#DEGRADED}; DOWN
 * only when the application opts in with a maximum age of the licenses
 * ({@code ssm.onprem.health.down-when-licenses-older-than}).
 */
public final class SsmSyncStatus implements SyncListener {

    /** The status of the {@code ssm} health contributor. */
    public enum Level {
        /** The last sync succeeded within two periods, or none was due yet. */
        UP,
        /** The last sync failed or is overdue, or the store cannot be read: reported, but the application serves on. */
        DEGRADED,
        /** Only when configured: the licenses are older than the configured maximum age. */
        DOWN
    }

    private final SsmSyncClient client;
    private final Duration period;
    private final Duration downWhenLicensesOlderThan;
    private final Clock clock;
    private final Instant createdAt;
    private volatile SyncOutcome last;
    private volatile Instant lastSuccessAt;
    private volatile String remediation;

    /**
     * Creates the status of a client.
     *
     * @param client the sync client, whose store holds the previous outcome
     * @param period the sync period, for the "two periods" freshness rule
     * @param clock the clock
     */
    public SsmSyncStatus(SsmSyncClient client, Duration period, Clock clock) {
        this(client, period, null, clock);
    }

    /**
     * Creates the status of a client that reports DOWN when its licenses are too old.
     *
     * @param client the sync client, whose store holds the previous outcome and the license snapshots
     * @param period the sync period, for the "two periods" freshness rule
     * @param downWhenLicensesOlderThan DOWN when a configured account's last license pull (or, with no
     *     account, the last successful sync) is older than this, counted from start-up when there is none;
     *     null: never DOWN
     * @param clock the clock
     */
    public SsmSyncStatus(SsmSyncClient client, Duration period, Duration downWhenLicensesOlderThan, Clock clock) {
        this.client = client;
        this.period = period;
        this.downWhenLicensesOlderThan = downWhenLicensesOlderThan;
        this.clock = clock;
        this.createdAt = clock.instant();
        this.last = client.lastOutcome().orElse(null);
        if (last != null && last.success()) {
            lastSuccessAt = last.finishedAt();
        }
    }

    @Override
    public void onSync(SyncResult result) {
        SyncOutcome outcome = result.outcome();
        last = outcome;
        if (outcome.success()) {
            lastSuccessAt = outcome.finishedAt();
            remediation = null;
        } else {
            remediation = result.failure().map(SsmException::remediation).orElse(null);
        }
    }

    /**
     * Whether the sync is healthy: the last sync succeeded within two periods, or none has run and
     * none was due yet (less than two periods since start-up).
     *
     * @return true when healthy
     */
    public boolean isHealthy() {
        Instant now = clock.instant();
        Duration twoPeriods = period.multipliedBy(2);
        SyncOutcome outcome;
        try {
            outcome = latest();
        } catch (SsmException e) {
            return false;
        }
        if (outcome == null) {
            return Duration.between(createdAt, now).compareTo(twoPeriods) <= 0;
        }
        if (!outcome.success()) {
            return false;
        }
        return Duration.between(outcome.finishedAt(), now).compareTo(twoPeriods) <= 0;
    }

    /**
     * The health status: DOWN when configured and the licenses are too old, UP when {@link #isHealthy()},
     * DEGRADED otherwise.
     *
     * @return the level
     */
    public Level level() {
        if (downWhenLicensesOlderThan != null) {
            Instant oldest;
            try {
                oldest = oldestLicenses();
            } catch (SsmException e) {
                return Level.DEGRADED;
            }
            if (Duration.between(oldest, clock.instant()).compareTo(downWhenLicensesOlderThan) > 0) {
                return Level.DOWN;
            }
        }
        return isHealthy() ? Level.UP : Level.DEGRADED;
    }

    /**
     * When the oldest license state was pulled: the oldest of the configured accounts' last snapshots
     * (with no account, the last success); start-up stands in for one that is missing.
     */
    private Instant oldestLicenses() {
        Instant oldest = null;
        if (client.accounts().isEmpty()) {
            SyncOutcome outcome = latest();
            Instant success = lastSuccessAt;
            if (outcome != null && outcome.success() && (success == null || outcome.finishedAt().isAfter(success))) {
                success = outcome.finishedAt();
            }
            oldest = success == null ? createdAt : success;
        }
        for (AccountSelection account : client.accounts()) {
            Instant taken = client.lastSnapshot(account.account()).map(LicenseSnapshot::takenAt).orElse(createdAt);
            if (oldest == null || taken.isBefore(oldest)) {
                oldest = taken;
            }
        }
        return oldest;
    }

    /**
     * The details shown by health and the endpoint.
     *
     * @return times as ISO-8601 text, counts, and the last failure's type and remediation
     */
    public Map<String, Object> details() {
        Map<String, Object> d = new LinkedHashMap<>();
        SyncOutcome outcome;
        try {
            outcome = latest();
        } catch (SsmException e) {
            d.put("errorType", e.getClass().getSimpleName());
            d.put("error", e.detail());
            d.put("remediation", e.remediation());
            return d;
        }
        if (outcome == null) {
            d.put("lastAttempt", "none yet");
        } else {
            d.put("lastAttempt", String.valueOf(outcome.finishedAt()));
            d.put("lastAttemptSucceeded", outcome.success());
            d.put("licensesPulled", outcome.licensesPulled());
            d.put("reportsDelivered", outcome.reportsDelivered());
        }
        Instant success = lastSuccessAt;
        if (outcome != null && outcome.success() && (success == null || outcome.finishedAt().isAfter(success))) {
            success = outcome.finishedAt();
        }
        d.put("lastSuccess", success == null ? "none yet" : success.toString());
        if (outcome != null && !outcome.success()) {
            d.put("errorType", outcome.errorType());
            d.put("error", outcome.errorMessage());
            if (remediation != null && outcome.equals(last)) {
                d.put("remediation", remediation);
            }
        } else if (outcome != null && !isHealthy()) {
            d.put("error", "no successful sync for more than two periods (" + period.multipliedBy(2) + ")");
        }
        if (downWhenLicensesOlderThan != null) {
            try {
                d.put("oldestLicenses", oldestLicenses().toString());
            } catch (SsmException e) {
                d.put("storeError", e.detail());
            }
            d.put("downWhenLicensesOlderThan", downWhenLicensesOlderThan.toString());
        }
        try {
            io.github.ssmonprem.sync.store.UsageCounts counts = client.store().counts();
            d.put("pending", counts.pending());
            d.put("dead", counts.dead());
            d.put("acknowledgements", counts.acknowledgements());
            d.put("quarantined", client.store().quarantine().map(q -> q.quarantined().size()).orElse(0));
        } catch (SsmException e) {
            d.put("storeError", e.detail());
        }
        return d;
    }

    /** The newer of this instance's last result and the store's last outcome (another instance's, on a cluster). */
    private SyncOutcome latest() {
        SyncOutcome own = last;
        SyncOutcome stored = client.lastOutcome().orElse(null);
        if (stored == null) {
            return own;
        }
        return own == null || stored.finishedAt().isAfter(own.finishedAt()) ? stored : own;
    }

    /**
     * The last outcome.
     *
     * @return the outcome, empty before the first sync
     * @throws io.github.ssmonprem.sync.store.SyncStoreException when the store cannot be read
     */
    public Optional<SyncOutcome> lastOutcome() {
        return Optional.ofNullable(latest());
    }
}
