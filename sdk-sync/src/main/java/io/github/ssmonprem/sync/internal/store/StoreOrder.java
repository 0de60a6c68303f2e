package io.github.ssmonprem.sync.internal.store;

import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.sync.usage.Acknowledgement;
import java.util.Comparator;

/** The order in which a store lists what it holds: oldest first. */
public final class StoreOrder {

    /** Reports oldest first: by when they were stored, then by id. */
    public static final Comparator<PendingReport> REPORTS_OLDEST_FIRST =
            Comparator.comparing(PendingReport::storedAt).thenComparing(PendingReport::reportId);
    /** Acknowledgements oldest first: by when they arrived, then by id. */
    public static final Comparator<Acknowledgement> ACKS_OLDEST_FIRST =
            Comparator.comparing(Acknowledgement::receivedAt).thenComparing(Acknowledgement::id);

    private StoreOrder() {
    }
}
