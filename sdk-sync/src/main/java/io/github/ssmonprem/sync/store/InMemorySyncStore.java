package io.github.ssmonprem.sync.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/** A {@link SyncStore} in memory: for tests and for applications that keep state elsewhere. Loses all on exit. */
public final class InMemorySyncStore implements SyncStore {

    private final Map<String, PendingReport> pending = new ConcurrentHashMap<>();
    private final Map<String, LicenseSnapshot> snapshots = new ConcurrentHashMap<>();
    private final AtomicReference<SyncOutcome> outcome = new AtomicReference<>();

    @Override
    public void savePending(PendingReport report) {
        pending.put(report.reportId(), report);
    }

    @Override
    public List<PendingReport> pendingReports() {
        List<PendingReport> out = new ArrayList<>(pending.values());
        out.sort(Comparator.comparing(PendingReport::storedAt).thenComparing(PendingReport::reportId));
        return out;
    }

    @Override
    public void removePending(String reportId) {
        pending.remove(reportId);
    }

    @Override
    public int pendingCount() {
        return pending.size();
    }

    @Override
    public List<String> quarantined() {
        return List.of();
    }

    @Override
    public void saveSnapshot(LicenseSnapshot snapshot) {
        snapshots.put(snapshot.account(), snapshot);
    }

    @Override
    public Optional<LicenseSnapshot> loadSnapshot(String account) {
        return Optional.ofNullable(snapshots.get(account));
    }

    @Override
    public void saveOutcome(SyncOutcome value) {
        outcome.set(value);
    }

    @Override
    public Optional<SyncOutcome> lastOutcome() {
        return Optional.ofNullable(outcome.get());
    }

    @Override
    public String toString() {
        return "InMemorySyncStore{pending=" + pending.size() + "}";
    }
}
