package io.github.ssmonprem.sync.internal.usage;

import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.sync.internal.SyncDeadline;
import io.github.ssmonprem.sync.lock.SyncLease;
import io.github.ssmonprem.sync.lock.SyncLockException;
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
 * for half its lease, then renewed in the store; under a sync lease, every store write and upload is
 * fenced by it ({@link SyncLease#ensureHeld()}).
 */
final class Claims {

    private static final Logger LOG = LoggerFactory.getLogger(Claims.class);

    private final SyncStore store;
    private final Clock clock;
    private final String owner;
    private final Duration lease;
    private final SyncLease syncLease;
    private final SyncDeadline deadline;
    private final Map<String, Instant> takenAt = new ConcurrentHashMap<>();

    Claims(SyncStore store, Clock clock, String owner, Duration lease, SyncLease syncLease, SyncDeadline deadline) {
        this.store = store;
        this.clock = clock;
        this.owner = owner;
        this.lease = lease;
        this.syncLease = syncLease;
        this.deadline = deadline;
    }

    /** {@return when this delivery must be over (a sync's deadline), or none} */
    SyncDeadline deadline() {
        return deadline;
    }

    String owner() {
        return owner;
    }

    /** Checks the sync lease, if any: throws when it was lost. */
    void fence() {
        if (syncLease != null) {
            syncLease.ensureHeld();
        }
    }

    /** Claims every pending report no other node holds. */
    List<PendingReport> takeAll() {
        fence();
        Instant before = clock.instant();
        List<PendingReport> mine = store.claim(owner, Integer.MAX_VALUE, lease);
        mine.forEach(e -> takenAt.put(e.reportId(), before));
        return mine;
    }

    /** A report just added claimed for this node at or after {@code before}: the report as claimed. */
    PendingReport added(PendingReport entry, Instant before) {
        takenAt.put(entry.reportId(), before);
        return entry.withClaim(owner, before.plus(lease));
    }

    /** The report as stored, when this node may work on it now (its claim renewed once half its lease passed); else null. */
    PendingReport hold(PendingReport entry) {
        Instant at = takenAt.get(entry.reportId());
        if (at != null && clock.instant().isBefore(at.plus(lease.dividedBy(2)))) {
            return entry;
        }
        fence();
        Instant before = clock.instant();
        Optional<PendingReport> mine = store.claim(entry.reportId(), owner, lease);
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
        fence();
        if (store.update(entry, owner)) {
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
            fence();
            store.update(entry.withClaim(null, null), owner);
        } catch (SyncLockException e) {
            throw e;
        } catch (SsmException e) {
            LOG.debug("Could not release the claim on usage report {} ({}); it expires by itself", entry.reportId(),
                    e.getClass().getSimpleName());
        }
    }
}
