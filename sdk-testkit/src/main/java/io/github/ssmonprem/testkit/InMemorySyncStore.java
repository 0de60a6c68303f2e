package io.github.ssmonprem.testkit;

import io.github.ssmonprem.sync.store.DeadLetter;
import io.github.ssmonprem.sync.store.DeliveredReport;
import io.github.ssmonprem.sync.store.LicenseSnapshot;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.sync.store.ReportState;
import io.github.ssmonprem.sync.store.SyncOutcome;
import io.github.ssmonprem.sync.store.SyncStore;
import io.github.ssmonprem.sync.store.UsageCounts;
import io.github.ssmonprem.sync.usage.Acknowledgement;
import io.github.ssmonprem.sync.usage.UsageReport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link SyncStore} in memory, a test double (demos and one-off checks use it too). Loses all
 * on exit, so "durable before return" holds only for the life of the process. Thread-safe: every
 * operation runs under the store's monitor.
 */
public final class InMemorySyncStore implements SyncStore {

    /** Reports oldest first: by when they were stored, then by id. */
    public static final Comparator<PendingReport> OLDEST_FIRST =
            Comparator.comparing(PendingReport::storedAt).thenComparing(PendingReport::reportId);
    /** Acknowledgements oldest first: by when they arrived, then by id. */
    public static final Comparator<Acknowledgement> ACKS_OLDEST_FIRST =
            Comparator.comparing(Acknowledgement::receivedAt).thenComparing(Acknowledgement::id);

    private final Clock clock;
    private final Map<String, PendingReport> pending = new HashMap<>();
    private final Map<String, DeadLetter> dead = new HashMap<>();
    private final Map<String, DeliveredReport> delivered = new LinkedHashMap<>();
    private final Map<String, Acknowledgement> untaken = new HashMap<>();
    /** The acknowledgements kept outside a report's delivery, taken or not, until their retention passes. */
    private final Map<String, Acknowledgement> kept = new HashMap<>();
    private final Map<String, LicenseSnapshot> snapshots = new HashMap<>();
    private SyncOutcome outcome;

    /** A store on the system clock. */
    public InMemorySyncStore() {
        this(Clock.systemUTC());
    }

    /**
     * A store on a clock of its own, for claims and the retention of delivered reports.
     *
     * @param clock the store's clock
     */
    public InMemorySyncStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized Optional<ReportState> add(UsageReport report, String node, Duration lease) {
        Optional<ReportState> existing = state(report.reportId());
        if (existing.isEmpty()) {
            Instant now = clock.instant();
            pending.put(report.reportId(), PendingReport.of(report, now).withClaim(node, now.plus(lease)));
        }
        return existing;
    }

    @Override
    public synchronized Optional<ReportState> state(String reportId) {
        forgetOldDeliveries();
        if (pending.containsKey(reportId)) {
            return Optional.of(ReportState.pending(pending.get(reportId)));
        }
        if (dead.containsKey(reportId)) {
            return Optional.of(ReportState.dead(dead.get(reportId)));
        }
        return Optional.ofNullable(delivered.get(reportId)).map(ReportState::delivered);
    }

    private void forgetOldDeliveries() {
        Instant horizon = clock.instant().minus(DELIVERED_RETENTION);
        delivered.values().removeIf(d -> {
            boolean old = d.deliveredAt().isBefore(horizon);
            if (old) {
                d.acknowledgements().forEach(a -> untaken.remove(a.id()));
            }
            return old;
        });
        kept.values().removeIf(a -> {
            boolean old = a.receivedAt().isBefore(horizon);
            if (old) {
                untaken.remove(a.id());
            }
            return old;
        });
    }

    @Override
    public synchronized List<PendingReport> claim(String node, int max, Duration lease) {
        Instant now = clock.instant();
        List<PendingReport> claimed = new ArrayList<>();
        for (PendingReport entry : pending()) {
            if (claimed.size() >= max) {
                break;
            }
            if (entry.claimableBy(node, now)) {
                PendingReport mine = entry.withClaim(node, now.plus(lease));
                pending.put(mine.reportId(), mine);
                claimed.add(mine);
            }
        }
        return claimed;
    }

    @Override
    public synchronized Optional<PendingReport> claim(String reportId, String node, Duration lease) {
        Instant now = clock.instant();
        PendingReport entry = pending.get(reportId);
        if (entry == null || !entry.claimableBy(node, now)) {
            return Optional.empty();
        }
        PendingReport mine = entry.withClaim(node, now.plus(lease));
        pending.put(reportId, mine);
        return Optional.of(mine);
    }

    @Override
    public synchronized boolean update(PendingReport report, String node) {
        PendingReport stored = pending.get(report.reportId());
        if (stored == null || !node.equals(stored.claimOwner())) {
            return false;
        }
        pending.put(report.reportId(), new PendingReport(stored.report(), stored.storedAt(), report.pollId(), report.nonce(),
                report.attempts(), report.lastError(), report.claimOwner(), report.claimedUntil()));
        return true;
    }

    @Override
    public synchronized boolean acknowledge(DeliveredReport report) {
        if (pending.remove(report.reportId()) == null) {
            return false;
        }
        delivered.put(report.reportId(), report);
        report.acknowledgements().forEach(a -> untaken.put(a.id(), a));
        return true;
    }

    @Override
    public synchronized boolean refuse(DeadLetter letter, String node) {
        PendingReport stored = pending.get(letter.reportId());
        if (stored == null || !node.equals(stored.claimOwner())) {
            return false;
        }
        pending.remove(letter.reportId());
        PendingReport entry = letter.entry();
        dead.put(letter.reportId(), new DeadLetter(new PendingReport(stored.report(), stored.storedAt(), entry.pollId(), entry.nonce(),
                entry.attempts(), entry.lastError(), null, null), letter.httpStatus(), letter.server(), letter.refusedAt(),
                letter.acknowledgements()));
        letter.acknowledgements().forEach(a -> untaken.put(a.id(), a));
        return true;
    }

    @Override
    public synchronized boolean keep(Acknowledgement acknowledgement) {
        forgetOldDeliveries();
        if (kept.containsKey(acknowledgement.id()) || untaken.containsKey(acknowledgement.id())) {
            return false;
        }
        kept.put(acknowledgement.id(), acknowledgement);
        untaken.put(acknowledgement.id(), acknowledgement);
        return true;
    }

    @Override
    public synchronized List<PendingReport> pending() {
        List<PendingReport> out = new ArrayList<>(pending.values());
        out.sort(OLDEST_FIRST);
        return out;
    }

    @Override
    public synchronized List<DeadLetter> dead() {
        List<DeadLetter> out = new ArrayList<>(dead.values());
        out.sort(Comparator.comparing(DeadLetter::entry, OLDEST_FIRST));
        return out;
    }

    @Override
    public synchronized boolean retry(String reportId) {
        DeadLetter letter = dead.remove(reportId);
        if (letter == null) {
            return false;
        }
        pending.put(reportId, PendingReport.of(letter.entry().report(), letter.entry().storedAt()));
        return true;
    }

    @Override
    public synchronized boolean discard(String reportId) {
        return dead.remove(reportId) != null;
    }

    @Override
    public synchronized UsageCounts counts() {
        forgetOldDeliveries();
        return new UsageCounts(pending.size(), dead.size(), untaken.size());
    }

    @Override
    public synchronized List<Acknowledgement> acknowledgements() {
        forgetOldDeliveries();
        List<Acknowledgement> out = new ArrayList<>(untaken.values());
        out.sort(ACKS_OLDEST_FIRST);
        return out;
    }

    @Override
    public synchronized boolean take(String acknowledgementId) {
        return untaken.remove(acknowledgementId) != null;
    }

    @Override
    public synchronized void saveSnapshot(LicenseSnapshot snapshot) {
        snapshots.put(snapshot.account().toLowerCase(java.util.Locale.ROOT), snapshot);
    }

    @Override
    public synchronized Optional<LicenseSnapshot> loadSnapshot(String account) {
        return Optional.ofNullable(snapshots.get(account.toLowerCase(java.util.Locale.ROOT)));
    }

    @Override
    public synchronized void saveOutcome(SyncOutcome o) {
        this.outcome = o;
    }

    @Override
    public synchronized Optional<SyncOutcome> lastOutcome() {
        return Optional.ofNullable(outcome);
    }

    @Override
    public String toString() {
        return "InMemorySyncStore";
    }
}
