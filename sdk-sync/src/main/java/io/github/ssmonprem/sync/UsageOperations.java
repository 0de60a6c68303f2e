package io.github.ssmonprem.sync;

import io.github.ssmonprem.sync.store.ReportState;
import io.github.ssmonprem.sync.store.SyncStore;
import io.github.ssmonprem.sync.store.UsageCounts;
import io.github.ssmonprem.sync.usage.Acknowledgement;
import java.util.ArrayList;
import java.util.List;

/**
 * What an application and its operators do with the usage in the store, without a server: list the
 * pending reports and dead letters, retry or discard a dead letter, and take the acknowledgements
 * that came back to hand each to its device. From {@link SsmSyncClient#usage()}.
 *
 * <pre>{@code
 * for (Acknowledgement ack : ssm.usage().acknowledgements()) {
 *     devices.importAcknowledgement(ack.sudi(), ack.text());    // license smart import on the device
 *     ssm.usage().take(ack.id());                              // only once the device has it
 * }
 * }</pre>
 */
public final class UsageOperations {

    private final SyncStore store;

    UsageOperations(SyncStore store) {
        this.store = store;
    }

    /**
     * {@return the usage reports an operator may act on: the pending ones, then the dead letters, each
     * oldest first}
     *
     * @throws io.github.ssmonprem.sync.store.SyncStoreException when the store cannot be read
     */
    public List<ReportState> list() {
        List<ReportState> out = new ArrayList<>();
        store.pending().forEach(p -> out.add(ReportState.pending(p)));
        store.dead().forEach(d -> out.add(ReportState.dead(d)));
        return out;
    }

    /**
     * Moves a dead letter back to the pending reports, for the next delivery to upload again (after
     * the cause of the refusal was fixed).
     *
     * @param reportId the report's id
     * @return false when no dead letter has that id
     * @throws io.github.ssmonprem.sync.store.SyncStoreException when the store cannot be changed
     */
    public boolean retry(String reportId) {
        return store.retry(reportId);
    }

    /**
     * Deletes a dead letter for good: its usage is never delivered.
     *
     * @param reportId the report's id
     * @return false when no dead letter has that id
     * @throws io.github.ssmonprem.sync.store.SyncStoreException when the store cannot be changed
     */
    public boolean discard(String reportId) {
        return store.discard(reportId);
    }

    /**
     * {@return the acknowledgements not taken yet, oldest first: each is the text one device must import}
     *
     * @throws io.github.ssmonprem.sync.store.SyncStoreException when the store cannot be read
     */
    public List<Acknowledgement> acknowledgements() {
        return store.acknowledgements();
    }

    /**
     * Marks an acknowledgement as taken, once its device has it: it leaves
     * {@link #acknowledgements()} for good. Until then it is kept (at most
     * {@link io.github.ssmonprem.sync.store.UsageOutbox#DELIVERED_RETENTION}).
     *
     * @param acknowledgementId its {@link Acknowledgement#id()}
     * @return false when no acknowledgement not taken has that id
     * @throws io.github.ssmonprem.sync.store.SyncStoreException when the store cannot be changed
     */
    public boolean take(String acknowledgementId) {
        return store.take(acknowledgementId);
    }

    /**
     * {@return how many reports are pending and dead, and how many acknowledgements wait to be taken}
     *
     * @throws io.github.ssmonprem.sync.store.SyncStoreException when the store cannot be read
     */
    public UsageCounts counts() {
        return store.counts();
    }
}
