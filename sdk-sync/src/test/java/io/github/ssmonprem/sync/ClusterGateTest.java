package io.github.ssmonprem.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.testing.TestClock;
import io.github.ssmonprem.sync.internal.schedule.ClusterGate;
import io.github.ssmonprem.sync.lock.LockHolder;
import io.github.ssmonprem.sync.lock.SyncLease;
import io.github.ssmonprem.sync.lock.SyncLock;
import io.github.ssmonprem.sync.lock.SyncLockLostException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The cluster gate: what entering costs the lock, and what the lease it gives asks of the lock. */
class ClusterGateTest {

    private static final Duration LEASE = Duration.ofMinutes(6);

    private final TestClock clock = TestClock.start();
    private final ManualScheduler renewals = new ManualScheduler(clock);
    private final MemoryLock local = new MemoryLock(clock);
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final ClusterGate gate = new ClusterGate(new Counted(local), "node-a", LEASE, renewals, clock);

    /** The lock, recording each call made on it and on its leases. */
    private final class Counted implements SyncLock {
        private final SyncLock lock;

        Counted(SyncLock lock) {
            this.lock = lock;
        }

        @Override
        public Optional<SyncLease> tryAcquire(String node, Duration leaseTime) {
            calls.add("tryAcquire");
            return lock.tryAcquire(node, leaseTime).map(lease -> new SyncLease() {
                @Override
                public long fencingToken() {
                    return lease.fencingToken();
                }

                @Override
                public Optional<Duration> sinceLastSuccessWhenTaken() {
                    return lease.sinceLastSuccessWhenTaken();
                }

                @Override
                public boolean renew(Duration time) {
                    calls.add("renew");
                    return lease.renew(time);
                }

                @Override
                public void ensureHeld() {
                    calls.add("ensureHeld");
                    lease.ensureHeld();
                }

                @Override
                public void release(boolean succeeded) {
                    calls.add("release");
                    lease.release(succeeded);
                }
            });
        }

        @Override
        public Optional<LockHolder> holder() {
            calls.add("holder");
            return lock.holder();
        }

        @Override
        public Optional<Duration> sinceLastSuccess() {
            calls.add("sinceLastSuccess");
            return lock.sinceLastSuccess();
        }
    }

    @Test
    void enteringAndLeavingCostOneLockCallEach() {
        SyncLease lease = assertInstanceOf(ClusterGate.Held.class, gate.enter(() -> Duration.ofHours(23))).lease();
        assertEquals(List.of("tryAcquire"), calls, "the lease says when the last success was");
        gate.leave(lease, true);
        assertEquals(List.of("tryAcquire", "release"), calls);
        assertTrue(local.sinceLastSuccess().isPresent(), "the success is recorded for every node");
    }

    @Test
    void aRecentSuccessServesTheAttemptAndGivesTheLeaseBack() {
        local.tryAcquire("node-b", LEASE).orElseThrow().release(true);
        clock.advance(Duration.ofHours(2));
        ClusterGate.Served served = assertInstanceOf(ClusterGate.Served.class, gate.enter(() -> Duration.ofHours(23)));
        assertEquals(Duration.ofHours(2), served.ago());
        assertEquals(List.of("tryAcquire", "release"), calls);
        assertFalse(local.holder().isPresent(), "the lease was given back");
        assertInstanceOf(ClusterGate.Held.class, gate.enter(() -> Duration.ofHours(1)), "an older success does not serve");
    }

    @Test
    void aLeaseAnotherNodeHoldsIsBusy() {
        local.tryAcquire("node-b", LEASE).orElseThrow();
        assertInstanceOf(ClusterGate.Busy.class, gate.enter(() -> Duration.ofHours(23)));
        assertEquals(List.of("tryAcquire"), calls);
    }

    @Test
    void theLeaseAnswersEnsureHeldItselfForHalfItsTimeSinceTheLockLastConfirmedIt() {
        SyncLease lease = assertInstanceOf(ClusterGate.Held.class, gate.enter(() -> Duration.ofHours(23))).lease();
        clock.advance(Duration.ofMinutes(1));
        lease.ensureHeld();
        lease.ensureHeld();
        assertEquals(List.of("tryAcquire"), calls, "within half the lease time of the acquisition: no lock call");

        renewals.advance(Duration.ofMinutes(1));                 // the renewal every third: at 2 min
        assertEquals(List.of("tryAcquire", "renew"), calls);
        clock.advance(Duration.ofMinutes(2));                    // 4 min: past half the acquisition's lease, within the renewal's
        lease.ensureHeld();
        assertEquals(List.of("tryAcquire", "renew"), calls, "the renewal confirmed it until 5 min");

        clock.advance(Duration.ofMinutes(2));                    // no renewal ran (a pause): 6 min, past 2 + 3
        lease.ensureHeld();
        assertEquals(List.of("tryAcquire", "renew", "ensureHeld"), calls, "past the trusted time, it asks the lock");
    }

    @Test
    void aLeaseFoundLostByARenewalOrByTheLockIsLostWithoutAskingAgain() {
        SyncLease lease = assertInstanceOf(ClusterGate.Held.class, gate.enter(() -> Duration.ofHours(23))).lease();
        clock.advance(LEASE.plusMinutes(1));                   // paused past the lease
        local.tryAcquire("node-b", LEASE).orElseThrow();
        assertThrows(SyncLockLostException.class, lease::ensureHeld);
        assertThrows(SyncLockLostException.class, lease::ensureHeld);
        assertEquals(List.of("tryAcquire", "ensureHeld"), calls, "asked once; then it knows");
        renewals.runDue();
        assertEquals("renew", calls.get(calls.size() - 1), "the due renewal finds it lost and stops");
        int made = calls.size();
        renewals.advance(LEASE);
        assertEquals(made, calls.size(), "no renewal after the loss");
    }
}
