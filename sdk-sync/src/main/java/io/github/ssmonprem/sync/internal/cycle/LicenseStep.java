package io.github.ssmonprem.sync.internal.cycle;

import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.core.exception.SsmServiceException;
import io.github.ssmonprem.core.internal.SdkMdc;
import io.github.ssmonprem.sync.AccountSelection;
import io.github.ssmonprem.sync.LicenseChanges;
import io.github.ssmonprem.sync.SyncDeadlineExceededException;
import io.github.ssmonprem.sync.internal.LicenseService;
import io.github.ssmonprem.sync.internal.SyncDeadline;
import io.github.ssmonprem.sync.lock.SyncLease;
import io.github.ssmonprem.sync.model.License;
import io.github.ssmonprem.sync.store.LicenseSnapshot;
import io.github.ssmonprem.sync.store.StateStore;
import io.github.ssmonprem.sync.store.SyncStoreException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The license step of a sync: pulls every configured account, compares each pull with the last
 * snapshot and stores the new one. Under a sync lease, the lease is checked before each snapshot is
 * written: a snapshot has no other guard against a node that lost its lease. An account the server
 * refuses (a 4xx) or whose snapshot cannot be written does not hold back the others; a server that is
 * down or unreachable ends the step where it is.
 */
final class LicenseStep {

    /**
     * What the step did.
     *
     * @param changes the changes per account pulled
     * @param pulled how many licenses were pulled
     * @param failure the step's failure, or null
     */
    record Pulled(Map<String, LicenseChanges> changes, long pulled, SsmException failure) {
    }

    private final LicenseService licenses;
    private final StateStore store;
    private final List<AccountSelection> accounts;
    private final Clock clock;
    private final SyncMetrics metrics;

    LicenseStep(LicenseService licenses, StateStore store, List<AccountSelection> accounts, Clock clock, SyncMetrics metrics) {
        this.licenses = licenses;
        this.store = store;
        this.accounts = accounts;
        this.clock = clock;
        this.metrics = metrics;
    }

    /**
     * Runs the step.
     *
     * @param tokens obtains or reuses the token first
     * @param lease the sync lease, or null
     * @param deadline when the step must be over
     * @return what it did; a failure past the deadline is a {@link SyncDeadlineExceededException}
     */
    Pulled run(Runnable tokens, SyncLease lease, SyncDeadline deadline) {
        Map<String, LicenseChanges> changes = new LinkedHashMap<>();
        long[] pulled = {0};
        SsmException failure = SyncCycle.step(() -> {
            tokens.run();
            pullAll(changes, pulled, lease, deadline);
        });
        return new Pulled(changes, pulled[0], SyncCycle.overrun("licenses", deadline, failure,
                pulled[0] + " licenses pulled, the rest left for the next sync"));
    }

    /** Pulls and snapshots every account; returns normally when only some accounts were refused, throwing the first refusal after. */
    private void pullAll(Map<String, LicenseChanges> changes, long[] pulled, SyncLease lease, SyncDeadline deadline) {
        SsmException refused = null;
        for (AccountSelection selection : accounts) {
            if (deadline.passed()) {
                throw new SyncDeadlineExceededException("licenses", deadline.at(), deadline.limit(),
                        "the pull stopped before smart account " + selection.account() + "; " + pulled[0] + " licenses pulled", null);
            }
            try (SdkMdc.Scope account = SdkMdc.put(SdkMdc.ACCOUNT, selection.account())) {
                List<License> current;
                try (Stream<License> stream = licenses.stream(selection.account(), selection.virtualAccounts(), deadline)) {
                    current = stream.collect(Collectors.toList());
                }
                pulled[0] += current.size();
                List<License> previous = store.loadSnapshot(selection.account()).map(LicenseSnapshot::licenses).orElse(null);
                changes.put(selection.account(), LicenseChanges.between(previous, current));
                if (lease != null) {
                    lease.ensureHeld();
                }
                store.saveSnapshot(new LicenseSnapshot(selection.account(), selection.virtualAccounts(), clock.instant(), current));
            } catch (SsmServiceException e) {
                if (e.isRetryable() || e.statusCode() >= 500) {
                    throw e;
                }
                // This account was refused (a 404 for a mistyped domain, say); the others still go ahead.
                refused = refused == null ? e : refused;
            } catch (SyncStoreException e) {
                // The snapshot could not be written (a full disk): the other accounts and the usage still go ahead.
                refused = refused == null ? e : refused;
            }
        }
        metrics.pulled(pulled[0]);
        if (refused != null) {
            throw refused;
        }
    }
}
