package io.github.ssmonprem.sync.internal.cycle;

import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.sync.SyncResult;
import io.github.ssmonprem.sync.internal.SyncFailures;
import io.github.ssmonprem.sync.lock.SyncLease;
import io.github.ssmonprem.sync.lock.SyncLockException;
import io.github.ssmonprem.sync.store.DeadLetter;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.sync.store.Quarantine;
import io.github.ssmonprem.sync.store.QuarantinedEntry;
import io.github.ssmonprem.sync.store.SyncOutcome;
import io.github.ssmonprem.sync.store.SyncStore;
import io.github.ssmonprem.sync.store.UsageCounts;
import io.github.ssmonprem.sync.usage.DeliveryResult;
import io.github.ssmonprem.sync.usage.ReportStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last step of a sync: what the store holds after it (one count of pending and dead reports and
 * acknowledgements; the dead letters and other nodes' claims only when the count says there are some;
 * the quarantined entries), the outcome made of the steps' results and recorded in the store, and the
 * result. Under a sync lease the lease is checked before the outcome is written, and a sync that lost
 * its lease records nothing over the outcome of the node that holds it now.
 */
final class OutcomeStep {

    private static final Logger LOG = LoggerFactory.getLogger(OutcomeStep.class);

    /**
     * What the sync did before this step.
     *
     * @param started when the sync started
     * @param startNanos {@link System#nanoTime()} then
     * @param licenses the license step's result
     * @param deliveries the usage step's results
     * @param steps the steps' results, in the order they ran
     * @param failure the first step's failure, or null
     */
    record Done(Instant started, long startNanos, LicenseStep.Pulled licenses, List<DeliveryResult> deliveries,
            List<SyncOutcome.Step> steps, SsmException failure) {
    }

    private final SyncStore store;
    private final Clock clock;
    private final String node;
    private final SyncMetrics metrics;

    OutcomeStep(SyncStore store, Clock clock, String node, SyncMetrics metrics) {
        this.store = store;
        this.clock = clock;
        this.node = node;
        this.metrics = metrics;
    }

    /**
     * Records the outcome of a sync.
     *
     * @param done what the sync did
     * @param lease the sync lease, or null
     * @return the sync's result
     */
    SyncResult record(Done done, SyncLease lease) {
        SsmException failure = done.failure();
        List<DeliveryResult> deliveries = new ArrayList<>(done.deliveries());
        int delivered = (int) deliveries.stream().filter(DeliveryResult::delivered).count();
        UsageCounts counts = read(store::counts, null);
        int pending = counts == null ? -1 : counts.pending();
        if (counts != null && pending > deliveries.stream().filter(d -> d.status() == ReportStatus.PENDING).count()) {
            deliveries.addAll(heldElsewhere(deliveries));
        }
        List<DeadLetter> dead = counts == null || counts.dead() == 0 ? List.of() : read(store::dead, List.of());
        List<QuarantinedEntry> quarantined = read(() -> store.quarantine().map(Quarantine::quarantined).orElse(List.of()), List.of());
        long pulled = done.licenses().pulled();
        SyncOutcome outcome = outcome(done, clock.instant(), failure, pulled, delivered, pending, dead, quarantined);
        if (!(failure instanceof SyncLockException)) {
            try {
                // With the lease lost or unverifiable, the outcome another node records must stand.
                if (lease != null) {
                    lease.ensureHeld();
                }
                store.saveOutcome(outcome);
                metrics.recorded(outcome);
            } catch (SsmException e) {
                LOG.warn("Could not record the sync outcome: {}", e.getMessage());
                if (failure == null) {
                    failure = e;
                    outcome = outcome(done, outcome.finishedAt(), failure, pulled, delivered, pending, dead, quarantined);
                }
            }
        }
        metrics.ran(failure == null, System.nanoTime() - done.startNanos());
        LOG.info("SSM sync {}: {} licenses pulled, {} usage reports delivered, {} pending, {} dead, {} acknowledgements not taken, "
                + "{} quarantined{}", failure == null ? "succeeded" : "failed", pulled, delivered, pending, dead.size(),
                counts == null ? "?" : counts.acknowledgements(), quarantined.size(),
                failure == null ? "" : " (" + SyncFailures.type(failure) + ")");
        return new SyncResult(outcome, done.licenses().changes(), deliveries,
                quarantined.stream().map(QuarantinedEntry::description).toList(), failure, dead);
    }

    private static SyncOutcome outcome(Done done, Instant finished, SsmException failure, long pulled, int delivered, int pending,
            List<DeadLetter> dead, List<QuarantinedEntry> quarantined) {
        return new SyncOutcome(done.started(), finished, failure == null, pulled, delivered, pending, SyncFailures.type(failure),
                SyncFailures.message(failure), dead.stream().map(DeadLetter::reportId).toList(),
                quarantined.stream().map(QuarantinedEntry::id).toList(), done.steps());
    }

    /** The pending reports other nodes hold, each with whose claim and until when. */
    private List<DeliveryResult> heldElsewhere(List<DeliveryResult> known) {
        Instant now = clock.instant();
        List<DeliveryResult> out = new ArrayList<>();
        for (PendingReport p : read(store::pending, List.<PendingReport>of())) {
            boolean mine = known.stream().anyMatch(d -> d.reportId().equals(p.reportId()));
            if (!mine && p.claimOwner() != null && !p.claimOwner().equals(node) && p.claimedUntil() != null
                    && p.claimedUntil().isAfter(now)) {
                out.add(new DeliveryResult(p.reportId(), ReportStatus.PENDING, p.pollId(), List.of(), "claimed by node "
                        + p.claimOwner() + " until " + p.claimedUntil() + ", which delivers it", null, null));
            }
        }
        return out;
    }

    private static <T> T read(Supplier<T> read, T otherwise) {
        try {
            return read.get();
        } catch (SsmException e) {
            LOG.warn("Could not read the sync state: {}", e.getMessage());
            return otherwise;
        }
    }
}
