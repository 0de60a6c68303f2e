package io.github.ssmonprem.sync.internal.schedule;

import io.github.ssmonprem.sync.lock.SyncLease;
import io.github.ssmonprem.sync.lock.SyncLockLostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The lease a sync runs under, as the scheduler holds and renews it. It knows when the lock last
 * confirmed it (taken or renewed: the lock's lease then lasts at least its lease time from the instant
 * before the request, as this node's clock measures it), so {@link #ensureHeld()} answers without
 * asking the lock while less than half of that time has passed, as a claim on a report is trusted
 * for half its lease; after that, or once a renewal found the lease lost, it asks the lock.
 */
final class HeldLease implements SyncLease {

    private final SyncLease lease;
    private final Clock clock;
    private volatile Instant trustedUntil;
    private volatile boolean lost;
    private volatile boolean active = true;

    HeldLease(SyncLease lease, Clock clock, Instant takenBefore, Duration leaseTime) {
        this.lease = lease;
        this.clock = clock;
        this.trustedUntil = takenBefore.plus(leaseTime.dividedBy(2));
    }

    @Override
    public long fencingToken() {
        return lease.fencingToken();
    }

    @Override
    public Optional<Duration> sinceLastSuccessWhenTaken() {
        return lease.sinceLastSuccessWhenTaken();
    }

    @Override
    public boolean renew(Duration leaseTime) {
        Instant before = clock.instant();
        boolean renewed = lease.renew(leaseTime);
        if (renewed) {
            Instant until = before.plus(leaseTime.dividedBy(2));
            if (until.isAfter(trustedUntil)) {
                trustedUntil = until;
            }
        } else {
            lost = true;
        }
        return renewed;
    }

    @Override
    public void ensureHeld() {
        if (lost) {
            throw new SyncLockLostException(lease.fencingToken());
        }
        if (clock.instant().isBefore(trustedUntil)) {
            return;
        }
        try {
            lease.ensureHeld();
        } catch (SyncLockLostException e) {
            lost = true;
            throw e;
        }
    }

    @Override
    public void release(boolean succeeded) {
        active = false;
        lease.release(succeeded);
    }

    /** {@return whether the sync under it still runs: renewals stop once it is released} */
    boolean active() {
        return active;
    }

    @Override
    public String toString() {
        return lease.toString();
    }
}
