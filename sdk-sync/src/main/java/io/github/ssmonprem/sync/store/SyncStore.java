package io.github.ssmonprem.sync.store;

import io.github.ssmonprem.sync.internal.UsageWireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * Where sync state lives: usage reports waiting for acknowledgement, the last license snapshot of
 * each account, and the last sync's outcome. {@link FileSyncStore} keeps it durably under a state
 * directory (the default); {@link InMemorySyncStore} is for tests.
 *
 * <p>Implementations are thread-safe. A report is in the store from before it is sent until its
 * acknowledgement arrives.
 */
public interface SyncStore extends AutoCloseable {

    /**
     * Stores a pending report, or replaces it (same report id), durably before returning.
     *
     * @param report the entry
     * @throws SyncStoreException when it cannot be stored durably
     */
    void savePending(PendingReport report);

    /**
     * Writes a report's request body.
     */
    @FunctionalInterface
    interface BodyWriter {
        /**
         * Writes the body.
         *
         * @param out where to write the body; not to be closed
         * @throws IOException when writing fails
         */
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Stores a new pending report, durably before returning, and returns its request body as
     * {@code body} writes it. A store may store the report while the body is being produced (the file
     * store does, on a background thread); the default collects the body in memory, then calls
     * {@link #savePending(PendingReport)}. A report already stored is not stored again.
     *
     * @param report the entry
     * @param body writes the report's request body
     * @return the request body
     * @throws SyncStoreException when it cannot be stored durably
     */
    default byte[] encodeAndSavePending(PendingReport report, BodyWriter body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(UsageWireFormat.sizeHint(report.report()));
        try {
            body.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode usage report " + report.reportId(), e);
        }
        savePending(report);
        return out.toByteArray();
    }

    /**
     * The pending reports, oldest first. Entries that cannot be read are moved aside and reported by
     * {@link #quarantined()}; they do not block the others.
     *
     * @return the readable pending reports
     * @throws SyncStoreException when the store cannot be listed at all
     */
    List<PendingReport> pendingReports();

    /**
     * Removes a report after its acknowledgement.
     *
     * @param reportId the report's nonce
     * @throws SyncStoreException when it cannot be removed
     */
    void removePending(String reportId);

    /**
     * Returns how many reports are pending.
     *
     * @return how many reports are pending
     */
    int pendingCount();

    /**
     * Returns descriptions of entries moved aside because they could not be read.
     *
     * @return descriptions of entries moved aside because they could not be read
     */
    List<String> quarantined();

    /**
     * Stores the latest license snapshot of an account, replacing the previous one.
     *
     * @param snapshot the snapshot
     * @throws SyncStoreException when it cannot be stored
     */
    void saveSnapshot(LicenseSnapshot snapshot);

    /**
     * Returns the last snapshot of that account, if any.
     *
     * @param account the smart account domain
     * @return the last snapshot of that account, if any
     */
    Optional<LicenseSnapshot> loadSnapshot(String account);

    /**
     * Stores the outcome of a sync, replacing the previous one.
     *
     * @param outcome the outcome
     */
    void saveOutcome(SyncOutcome outcome);

    /**
     * Returns the last sync's outcome, if any sync ran.
     *
     * @return the last sync's outcome, if any sync ran
     */
    Optional<SyncOutcome> lastOutcome();

    /**
     * Releases what the store holds open (files, connections). The default holds nothing. An
     * {@code SsmSyncClient} closes the store it created for its state directory, not one given to it.
     */
    @Override
    default void close() {
    }
}
