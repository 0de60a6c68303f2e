package io.github.ssmonprem.sync.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link SyncStore} in memory: for tests and for applications that keep state elsewhere. Loses all
 * on exit, so "durable before return" holds only for the life of the process. Thread-safe: every
 * operation runs under the store's monitor, which also serves as the claim lock.
 */
public final class InMemorySyncStore implements SyncStore {

    static final Comparator<PendingReport> OLDEST_FIRST =
            Comparator.comparing(PendingReport::storedAt).thenComparing(PendingReport::reportId);

    private final Clock clock;
    private final Map<String, PendingReport> pending = new HashMap<>();
    private final Map<String, DeadLetter> dead = new HashMap<>();
    private final Map<String, Instant> delivered = new LinkedHashMap<>();
    private final Map<String, LicenseSnapshot> snapshots = new HashMap<>();
    private SyncOutcome outcome;

    /** A store on the system clock. */
    public InMemorySyncStore() {
        this(Clock.systemUTC());
    }

    /**
     * A store on a clock of its own, for claims and delivered-id retention.
     *
     * @param clock the store's clock
     */
    public InMemorySyncStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized Optional<ReportState> addPending(PendingReport report) {
        Optional<ReportState> existing = state(report.reportId());
        if (existing.isEmpty()) {
            pending.put(report.reportId(), report.withClaim(null, null));
        }
        return existing;
    }

    @Override
    public synchronized Optional<ReportState> addPending(PendingReport report, String owner, Duration lease) {
        Optional<ReportState> existing = state(report.reportId());
        if (existing.isEmpty()) {
            pending.put(report.reportId(), report.withClaim(owner, clock.instant().plus(lease)));
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
        if (delivered.containsKey(reportId)) {
            return Optional.of(ReportState.delivered(reportId, delivered.get(reportId)));
        }
        return Optional.empty();
    }

    private void forgetOldDeliveries() {
        Instant horizon = clock.instant().minus(DELIVERED_RETENTION);
        delivered.values().removeIf(at -> at.isBefore(horizon));
    }

    @Override
    public synchronized List<PendingReport> pendingReports() {
        List<PendingReport> out = new ArrayList<>(pending.values());
        out.sort(OLDEST_FIRST);
        return out;
    }

    @Override
    public synchronized int pendingCount() {
        return pending.size();
    }

    @Override
    public synchronized boolean updatePending(PendingReport report) {
        return update(report, null);
    }

    @Override
    public synchronized boolean updatePending(PendingReport report, String owner) {
        return update(report, Objects.requireNonNull(owner, "owner"));
    }

    /** Updates a pending report; only while {@code owner} holds its claim, when there is an owner. */
    private boolean update(PendingReport report, String owner) {
        PendingReport stored = pending.get(report.reportId());
        if (stored == null || owner != null && !owner.equals(stored.claimOwner())) {
            return false;
        }
        pending.put(report.reportId(), new PendingReport(stored.report(), stored.storedAt(), report.pollId(),
                report.attempts(), report.lastError(), report.claimOwner(), report.claimedUntil()));
        return true;
    }

    @Override
    public synchronized List<PendingReport> claimPending(String owner, int max, Duration lease) {
        Instant now = clock.instant();
        Instant until = now.plus(lease);
        List<PendingReport> claimed = new ArrayList<>();
        for (PendingReport entry : pendingReports()) {
            if (claimed.size() >= max) {
                break;
            }
            if (entry.claimableBy(owner, now)) {
                PendingReport mine = entry.withClaim(owner, until);
                pending.put(mine.reportId(), mine);
                claimed.add(mine);
            }
        }
        return claimed;
    }

    @Override
    public synchronized Optional<PendingReport> claim(String reportId, String owner, Duration lease) {
        Instant now = clock.instant();
        PendingReport entry = pending.get(reportId);
        if (entry == null || !entry.claimableBy(owner, now)) {
            return Optional.empty();
        }
        PendingReport mine = entry.withClaim(owner, now.plus(lease));
        pending.put(reportId, mine);
        return Optional.of(mine);
    }

    @Override
    public synchronized boolean markDelivered(String reportId) {
        if (pending.remove(reportId) == null) {
            return false;
        }
        delivered.put(reportId, clock.instant());
        return true;
    }

    @Override
    public synchronized boolean moveToDead(DeadLetter letter) {
        if (pending.remove(letter.reportId()) == null) {
            return false;
        }
        dead.put(letter.reportId(), letter);
        return true;
    }

    @Override
    public synchronized List<DeadLetter> deadLetters() {
        List<DeadLetter> out = new ArrayList<>(dead.values());
        out.sort(Comparator.comparing(DeadLetter::entry, OLDEST_FIRST));
        return out;
    }

    @Override
    public synchronized boolean retryDead(String reportId) {
        DeadLetter letter = dead.remove(reportId);
        if (letter == null) {
            return false;
        }
        PendingReport entry = letter.entry();
        pending.put(reportId, new PendingReport(entry.report(), entry.storedAt(), null, 0, null, null, null));
        return true;
    }

    @Override
    public synchronized boolean discardDead(String reportId) {
        return dead.remove(reportId) != null;
    }

    /** Nothing in memory is ever unreadable: always empty. */
    @Override
    public List<QuarantinedEntry> quarantined() {
        return List.of();
    }

    /** Nothing in memory is ever quarantined: always false. */
    @Override
    public boolean discardQuarantined(String id) {
        return false;
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
    public synchronized void saveOutcome(SyncOutcome value) {
        outcome = value;
    }

    @Override
    public synchronized Optional<SyncOutcome> lastOutcome() {
        return Optional.ofNullable(outcome);
    }

    @Override
    public synchronized String toString() {
        return "InMemorySyncStore{pending=" + pending.size() + ", dead=" + dead.size() + "}";
    }
}
