package io.github.ssmonprem.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.testing.TestClock;
import io.github.ssmonprem.sync.lock.SyncLease;
import io.github.ssmonprem.sync.lock.SyncLockLostException;
import io.github.ssmonprem.sync.store.SyncOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Several schedulers ("nodes") sharing one {@link MemoryLock}, driven by one fake clock. */
class SyncSchedulerLockTest {

    private final TestClock clock = TestClock.start();
    private final ManualScheduler executor = new ManualScheduler(clock);
    private final ManualScheduler renewals = new ManualScheduler(clock);
    private final MemoryLock lock = new MemoryLock(clock);
    private final List<Run> runs = new CopyOnWriteArrayList<>();

    private record Run(String node, Instant at) {
    }

    /** A node's sync task: records the run, then does what the test says under the lease. */
    private SyncTask task(String node, Function<SyncLease, SyncResult> body) {
        return new SyncTask() {
            @Override
            public SyncResult sync() {
                throw new AssertionError("a scheduler with a lock passes the lease");
            }

            @Override
            public SyncResult sync(SyncLease lease) {
                runs.add(new Run(node, clock.instant()));
                return body.apply(lease);
            }

            @Override
            public String nodeName() {
                return node;
            }
        };
    }

    private SyncResult success() {
        Instant now = clock.instant();
        return new SyncResult(new SyncOutcome(now, now, true, 3, 0, 0, null, null), Map.of(), List.of(), List.of(), null);
    }

    private SyncSchedulerBuilder node(String name, SyncTask task, long seed) {
        return SyncScheduler.builder(task).executor(executor).leaseRenewalExecutor(renewals).clock(clock)
                .random(new Random(seed)).lock(lock).leaseTime(Duration.ofMinutes(5))
                .lockPollInterval(Duration.ofSeconds(10));
    }

    @Test
    void threeNodesRunOneSyncPerPeriodBetweenThem() {
        List<SyncScheduler> nodes = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            String name = "node-" + i;
            nodes.add(node(name, task(name, lease -> success()), i).build().start());
        }
        try {
            for (int hour = 0; hour < 10 * 24; hour++) {
                executor.advance(Duration.ofHours(1));
            }
            assertTrue(runs.size() >= 9 && runs.size() <= 11, "about one run a day across the cluster: " + runs);
            runs.sort(Comparator.comparing(Run::at));
            for (int i = 1; i < runs.size(); i++) {
                Duration gap = Duration.between(runs.get(i - 1).at(), runs.get(i).at());
                assertTrue(gap.compareTo(Duration.ofMinutes(23 * 60 + 30)) >= 0 && gap.compareTo(Duration.ofMinutes(24 * 60 + 30)) <= 0,
                        "one sync per period, gap " + gap + " in " + runs);
            }
        } finally {
            nodes.forEach(SyncScheduler::close);
        }
    }

    @Test
    void aNodeThatDiesMidSyncIsReplacedOnceItsLeaseExpires() {
        Instant died = clock.instant();
        assertTrue(lock.tryAcquire("dead-node", Duration.ofMinutes(5)).isPresent(), "the dead node took the lease");
        try (SyncScheduler b = node("node-b", task("node-b", lease -> success()), 2).initialDelay(Duration.ZERO)
                .jitter(Duration.ZERO).build().start()) {
            executor.advance(Duration.ofMinutes(4));
            assertTrue(runs.isEmpty(), "nobody syncs while the dead node's lease runs");
            executor.advance(Duration.ofMinutes(2));
            assertEquals(1, runs.size());
            Duration after = Duration.between(died, runs.get(0).at());
            assertTrue(after.compareTo(Duration.ofMinutes(5)) >= 0 && after.compareTo(Duration.ofMinutes(5).plusSeconds(10)) <= 0,
                    "taken over within a poll interval of the expiry: " + after);
            assertTrue(lock.sinceLastSuccess().isPresent());
            assertFalse(lock.holder().isPresent(), "released after the sync");
        }
    }

    @Test
    void syncNowWhileAnotherNodeSyncsCompletesWithThatSyncsSuccess() throws Exception {
        SyncLease other = lock.tryAcquire("node-a", Duration.ofMinutes(5)).orElseThrow();
        try (SyncScheduler b = node("node-b", task("node-b", lease -> success()), 2).build()) {
            CompletableFuture<SyncResult> joined = b.syncNow();
            executor.advance(Duration.ofSeconds(30));
            assertFalse(joined.isDone(), "waits while node-a syncs");
            other.release(true);
            executor.advance(Duration.ofSeconds(10));
            assertTrue(joined.get().isSuccess());
            assertTrue(runs.isEmpty(), "node-b joined node-a's sync instead of running its own");
        }
    }

    @Test
    void syncNowWhileAnotherNodesSyncFailsRunsItsOwn() throws Exception {
        SyncLease other = lock.tryAcquire("node-a", Duration.ofMinutes(5)).orElseThrow();
        try (SyncScheduler b = node("node-b", task("node-b", lease -> success()), 2).build()) {
            CompletableFuture<SyncResult> mine = b.syncNow();
            executor.advance(Duration.ofSeconds(30));
            other.release(false);
            executor.advance(Duration.ofSeconds(10));
            assertTrue(mine.get().isSuccess());
            assertEquals(List.of("node-b"), runs.stream().map(Run::node).toList());
        }
    }

    @Test
    void syncNowThatPollsTheLockLeavesOneScheduleNotTwo() throws Exception {
        SyncLease other = lock.tryAcquire("node-a", Duration.ofMinutes(5)).orElseThrow();
        try (SyncScheduler b = node("node-b", task("node-b", lease -> success()), 2).initialDelay(Duration.ofHours(1))
                .jitter(Duration.ZERO).build().start()) {
            CompletableFuture<SyncResult> mine = b.syncNow();
            executor.advance(Duration.ofSeconds(30));
            other.release(false);
            executor.advance(Duration.ofSeconds(10));
            assertTrue(mine.get().isSuccess());
            assertEquals(1, executor.pending(), "one next run is scheduled");
            executor.advance(Duration.ofDays(3));
            assertEquals(4, runs.size(), "the on-demand run, then one run a day: " + runs);
        }
    }

    @Test
    void theLeaseIsRenewedWhileTheSyncRunsAndALostLeaseStopsTheWrite() throws Exception {
        List<String> writes = new CopyOnWriteArrayList<>();
        SyncTask longSync = task("node-a", lease -> {
            renewals.advance(Duration.ofMinutes(12));       // a long sync: renewals keep the lease
            lease.ensureHeld();
            assertFalse(lock.tryAcquire("node-b", Duration.ofMinutes(5)).isPresent(), "node-b cannot take a renewed lease");
            writes.add("after 12 min");
            clock.advance(Duration.ofMinutes(6));            // a pause with no renewal: the lease expires
            lock.tryAcquire("node-b", Duration.ofMinutes(5)).orElseThrow();
            lease.ensureHeld();                              // the fencing check before the next write
            writes.add("after the pause");
            return success();
        });
        try (SyncScheduler a = node("node-a", longSync, 1).build()) {
            CompletableFuture<SyncResult> result = a.syncNow();
            executor.runDue();
            assertEquals(List.of("after 12 min"), writes, "the write after the lost lease never happened");
            assertFalse(result.get().isSuccess());
            assertInstanceOf(SyncLockLostException.class, result.get().failure().orElse(null));
            assertEquals("node-b", lock.holder().orElseThrow().node(), "node-a's release left node-b's lease alone");
            assertFalse(lock.sinceLastSuccess().isPresent());
        }
    }
}
