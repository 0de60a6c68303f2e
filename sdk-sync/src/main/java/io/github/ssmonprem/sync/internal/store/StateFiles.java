package io.github.ssmonprem.sync.internal.store;

import io.github.ssmonprem.sync.internal.DurableFiles;
import io.github.ssmonprem.sync.internal.StateJson;
import io.github.ssmonprem.sync.store.LicenseSnapshot;
import io.github.ssmonprem.sync.store.SyncOutcome;
import io.github.ssmonprem.sync.store.SyncStoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.apache.hc.core5.net.PercentCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file store's small state: {@code snapshots/ACCOUNT.json} (the last license snapshot of each
 * smart account) and {@code last-sync.json} (the last sync's outcome), plain JSON files replaced
 * atomically and forced; an unreadable one reads as none, and the next pull or sync replaces it.
 * Needs no lock: a rename is atomic.
 */
public final class StateFiles {

    private static final Logger LOG = LoggerFactory.getLogger(StateFiles.class);
    private static final String PREVIOUS_KEPT = "the previous one is kept";

    private final Path snapshotDir;
    private final Path outcomeFile;
    private final DirectoryLock lock;

    /**
     * The small state of a state directory.
     *
     * @param snapshotDir its {@code snapshots/} directory, which exists
     * @param outcomeFile its {@code last-sync.json}
     * @param lock the directory's lock, for its failures' messages
     */
    public StateFiles(Path snapshotDir, Path outcomeFile, DirectoryLock lock) {
        this.snapshotDir = snapshotDir;
        this.outcomeFile = outcomeFile;
        this.lock = lock;
    }

    /**
     * Replaces an account's snapshot.
     *
     * @param snapshot the snapshot
     * @throws SyncStoreException when it cannot be written
     */
    public void saveSnapshot(LicenseSnapshot snapshot) {
        try {
            DurableFiles.writeAtomically(snapshotFile(snapshot.account()), StateJson.writeSnapshot(snapshot).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw lock.failure("cannot store the license snapshot of " + snapshot.account() + " in " + snapshotDir, PREVIOUS_KEPT, e);
        }
    }

    /**
     * {@return an account's snapshot, or empty}
     *
     * @param account the smart account domain (case-insensitive)
     */
    public Optional<LicenseSnapshot> loadSnapshot(String account) {
        return read(snapshotFile(account), StateJson::readSnapshot, "the next pull replaces it");
    }

    private Path snapshotFile(String account) {
        return snapshotDir.resolve(PercentCodec.RFC3986.encode(account.toLowerCase(Locale.ROOT)) + ".json");
    }

    /**
     * Replaces the last outcome.
     *
     * @param outcome the outcome
     * @throws SyncStoreException when it cannot be written
     */
    public void saveOutcome(SyncOutcome outcome) {
        try {
            DurableFiles.writeAtomically(outcomeFile, StateJson.writeOutcome(outcome).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw lock.failure("cannot store the sync outcome in " + outcomeFile, PREVIOUS_KEPT, e);
        }
    }

    /** {@return the last outcome, or empty} */
    public Optional<SyncOutcome> lastOutcome() {
        return read(outcomeFile, StateJson::readOutcome, "the next sync replaces it");
    }

    /** Reads one stored form. */
    private interface Reader<T> {
        T read(String json) throws IOException;
    }

    private <T> Optional<T> read(Path file, Reader<T> reader, String consequence) {
        try {
            byte[] content = FileQuarantine.readIfExists(file);
            return content == null ? Optional.empty() : Optional.of(reader.read(new String(content, StandardCharsets.UTF_8)));
        } catch (IOException | RuntimeException e) {
            LOG.warn("{} cannot be read ({}); {}", file, e.getClass().getSimpleName(), consequence);
            return Optional.empty();
        }
    }
}
