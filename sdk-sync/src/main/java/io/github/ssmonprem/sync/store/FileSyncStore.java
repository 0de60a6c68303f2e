package io.github.ssmonprem.sync.store;

import io.github.ssmonprem.sync.usage.Acknowledgement;
import io.github.ssmonprem.sync.usage.UsageReport;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A {@link SyncStore} on the file system, under one state directory. BEING REWRITTEN for the RUM
 * report outbox: every method throws until then.
 */
public final class FileSyncStore implements SyncStore {

    private final Path root;

    /**
     * Opens (and creates when missing) a state directory, on the system clock.
     *
     * @param stateDirectory the directory
     */
    public FileSyncStore(Path stateDirectory) {
        this(stateDirectory, Clock.systemUTC());
    }

    /**
     * Opens (and creates when missing) a state directory.
     *
     * @param stateDirectory the directory
     * @param clock the store's clock
     */
    public FileSyncStore(Path stateDirectory, Clock clock) {
        this.root = stateDirectory.toAbsolutePath().normalize();
    }

    /** {@return the state directory} */
    public Path directory() {
        return root;
    }

    private static UnsupportedOperationException todo() {
        return new UnsupportedOperationException("FileSyncStore is being rewritten");
    }

    @Override
    public Optional<ReportState> add(UsageReport report, String owner, Duration lease) {
        throw todo();
    }

    @Override
    public Optional<ReportState> state(String reportId) {
        throw todo();
    }

    @Override
    public List<PendingReport> claim(String owner, int max, Duration lease) {
        throw todo();
    }

    @Override
    public Optional<PendingReport> claim(String reportId, String owner, Duration lease) {
        throw todo();
    }

    @Override
    public boolean update(PendingReport report, String owner) {
        throw todo();
    }

    @Override
    public boolean acknowledge(DeliveredReport delivered) {
        throw todo();
    }

    @Override
    public boolean refuse(DeadLetter letter, String owner) {
        throw todo();
    }

    @Override
    public List<PendingReport> pending() {
        throw todo();
    }

    @Override
    public List<DeadLetter> dead() {
        throw todo();
    }

    @Override
    public boolean retry(String reportId) {
        throw todo();
    }

    @Override
    public boolean discard(String reportId) {
        throw todo();
    }

    @Override
    public UsageCounts counts() {
        throw todo();
    }

    @Override
    public List<Acknowledgement> acknowledgements() {
        throw todo();
    }

    @Override
    public boolean take(String acknowledgementId) {
        throw todo();
    }

    @Override
    public void saveSnapshot(LicenseSnapshot snapshot) {
        throw todo();
    }

    @Override
    public Optional<LicenseSnapshot> loadSnapshot(String account) {
        throw todo();
    }

    @Override
    public void saveOutcome(SyncOutcome outcome) {
        throw todo();
    }

    @Override
    public Optional<SyncOutcome> lastOutcome() {
        throw todo();
    }
}
