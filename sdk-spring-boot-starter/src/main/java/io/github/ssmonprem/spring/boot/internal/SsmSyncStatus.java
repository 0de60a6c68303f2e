package io.github.ssmonprem.spring.boot.internal;

import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.sync.SsmSyncClient;
import io.github.ssmonprem.sync.SyncListener;
import io.github.ssmonprem.sync.SyncResult;
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
 * another instance ran), the last success, and the pending, dead and quarantined counts. A store that
 * cannot be read makes the status unhealthy. Holds no secret: exception messages and remediations of
 * the SDK never carry one.
 */
public final class SsmSyncStatus implements SyncListener {

    private final SsmSyncClient client;
    private final Duration period;
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
        this.client = client;
        this.period = period;
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
