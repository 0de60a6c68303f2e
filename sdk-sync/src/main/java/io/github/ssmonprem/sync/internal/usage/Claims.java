package io.github.ssmonprem.sync.internal.usage;

import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.sync.internal.SyncDeadline;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.sync.store.SyncStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The claims one delivery holds on pending reports, each with the instant, in this client's clock,
 * from before it was taken: the store's claim lasts at least the lease from then. A claim is trusted
 * for half its lease, then renewed in the store. The claims fence the delivery: no other node uploads
 * a report while this node's claim on it holds, and the store applies this node's writes of a
 * report's delivery state ({@link SyncStore#update}, {@link SyncStore#refuse}) only while this node
 * holds the claim, in the same change as the write. A sync lease adds nothing to that, so the
 * delivery does not check it.
 */
final class Claims {

    private static final Logger LOG = LoggerFactory.getLogger(Claims.class);

    private final SyncStore store;
    private final Clock clock;
    private final String node;
    private final Duration lease;
    private final SyncDeadline deadline;
    private final Map<String, Instant> takenAt = new ConcurrentHashMap<>();

    Claims(SyncStore store, Clock clock, String node, Duration lease, SyncDeadline deadline) {
        this.store = store;
        this.clock = clock;
        this.node = node;
        this.lease = lease;
        this.deadline = deadline;
    }

    /** {@return when this delivery must be over (a sync's deadline), or none} */
    SyncDeadline deadline() {
        return deadline;
    }

    /** {@return the node name the claims are taken under} */
    String node() {
        return node;
    }

    /** Claims every pending report no other node holds. */
    List<PendingReport> takeAll() {
        Instant before = clock.instant();
        List<PendingReport> mine = store.claim(node, Integer.MAX_VALUE, lease);
        mine.forEach(e -> takenAt.put(e.reportId(), before));
        return mine;
    }

    /** A report just added claimed for this node at or after {@code before}: the report as claimed. */
    PendingReport added(PendingReport entry, Instant before) {
        takenAt.put(entry.reportId(), before);
        return entry.withClaim(node, before.plus(lease));
    }

    /** The report as stored, when this node may work on it now (its claim renewed once half its lease passed); else null. */
    PendingReport hold(PendingReport entry) {
        Instant at = takenAt.get(entry.reportId());
        if (at != null && clock.instant().isBefore(at.plus(lease.dividedBy(2)))) {
            return entry;
        }
        Instant before = clock.instant();
        Optional<PendingReport> mine = store.claim(entry.reportId(), node, lease);
        if (mine.isEmpty()) {
            takenAt.remove(entry.reportId());
            LOG.debug("Usage report {} is claimed by another node or no longer pending; this node leaves it", entry.reportId());
            return null;
        }
        takenAt.put(entry.reportId(), before);
        // Keep this delivery's view of the upload: the stored one may be older only if another node wrote it.
        PendingReport stored = mine.get();
        return entry.pollId() != null ? stored.withUpload(entry.pollId(), entry.nonce()) : stored;
    }

    /** Whether this node's claim on the report still holds, by its own clock. */
    boolean holds(PendingReport entry) {
        Instant at = takenAt.get(entry.reportId());
        return at != null && clock.instant().isBefore(at.plus(lease));
    }

    /** The report left the pending set (delivered or dead), or another node took it: this node forgets its claim. */
    void forget(PendingReport entry) {
        takenAt.remove(entry.reportId());
    }

    /** Writes a report's delivery state under this node's claim; false when the claim was taken over (then forgotten). */
    boolean write(PendingReport entry) {
        if (store.update(entry, node)) {
            return true;
        }
        forget(entry);
        return false;
    }

    /** Releases the claim on a report left pending, while this node holds it, with its latest delivery state. */
    void release(PendingReport entry) {
        if (!holds(entry)) {
            return;
        }
        takenAt.remove(entry.reportId());
        try {
            store.update(entry.withClaim(null, null), node);
        } catch (SsmException e) {
            LOG.debug("Could not release the claim on usage report {} ({}); it expires by itself", entry.reportId(),
                    e.getClass().getSimpleName());
        }
    }
}
