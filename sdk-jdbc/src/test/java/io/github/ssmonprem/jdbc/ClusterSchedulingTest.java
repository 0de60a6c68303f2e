package io.github.ssmonprem.jdbc;

import io.github.ssmonprem.sync.SyncSchedulerBuilder;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.sync.SyncResult;
import io.github.ssmonprem.sync.SyncScheduler;
import io.github.ssmonprem.sync.SyncTask;
import io.github.ssmonprem.sync.lock.SyncLease;
import io.github.ssmonprem.sync.store.SyncOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Real {@link SyncScheduler}s ("nodes") sharing one {@link JdbcSyncLock} on PostgreSQL. */
class ClusterSchedulingTest {

    private final DataSource ds = EmbeddedPg.dataSource();
    private final String prefix = "c" + UUID.randomUUID().toString().replace("-", "").substring(0, 12) + "_";
    private final AtomicInteger syncs = new AtomicInteger();

    private static SyncResult success() {
        Instant now = Instant.now();
        return new SyncResult(new SyncOutcome(now, now, true, 1, 0, 0, null, null), Map.of(), List.of(), List.of(), null);
    }

    /** A task that counts its runs, checks its lease, and waits for {@code go} before ending. */
    private SyncTask task(CountDownLatch started, CountDownLatch go) {
        return new SyncTask() {
            @Override
            public SyncResult sync() {
                throw new AssertionError("a scheduler with a lock passes the lease");
            }

            @Override
            public SyncResult sync(SyncLease lease) {
                syncs.incrementAndGet();
                started.countDown();
                try {
                    assertTrue(go.await(10, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                lease.ensureHeld();
                return success();
            }
        };
    }

    /** A node named {@code name} (the holder of the lock while it syncs) that runs {@code task}. */
    private SyncSchedulerBuilder node(String name, SyncTask task) {
        SyncTask named = new SyncTask() {
            @Override
            public SyncResult sync() {
                return task.sync();
            }

            @Override
            public SyncResult sync(SyncLease lease) {
                return task.sync(lease);
            }

            @Override
            public String nodeName() {
                return name;
            }
        };
        return SyncScheduler.builder(named).lock(JdbcSyncLock.builder(ds).tablePrefix(prefix).build())
                .leaseTime(Duration.ofSeconds(30)).lockPollInterval(Duration.ofMillis(50))
                .initialDelay(Duration.ofHours(1)).jitter(Duration.ZERO);
    }

    @Test
    void syncNowOnASecondNodeJoinsTheSyncRunningOnTheFirst() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        try (SyncScheduler a = node("node-a", task(started, go)).build();
                SyncScheduler b = node("node-b", task(new CountDownLatch(1), new CountDownLatch(0))).build()) {
            CompletableFuture<SyncResult> first = a.syncNow();
            assertTrue(started.await(10, TimeUnit.SECONDS), "node-a syncs, holding the lease");
            CompletableFuture<SyncResult> second = b.syncNow();
            assertFalse(second.isDone(), "node-b cannot finish while node-a's sync runs");
            go.countDown();
            assertTrue(first.get(10, TimeUnit.SECONDS).isSuccess());
            assertTrue(second.get(10, TimeUnit.SECONDS).isSuccess());
            assertEquals(1, syncs.get(), "one sync across the cluster");
        }
    }

    @Test
    void aNodeStartingAfterThisPeriodsSyncSkipsItAndWaitsForTheNextPeriod() throws Exception {
        try (SyncScheduler a = node("node-a", task(new CountDownLatch(1), new CountDownLatch(0))).build()) {
            assertTrue(a.syncNow().get(10, TimeUnit.SECONDS).isSuccess());
        }
        CompletableFuture<SyncResult> seen = new CompletableFuture<>();
        try (SyncScheduler b = node("node-b", task(new CountDownLatch(1), new CountDownLatch(0)))
                .initialDelay(Duration.ZERO).listener(seen::complete).build().start()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (b.nextRunAt().map(t -> t.isBefore(Instant.now().plus(Duration.ofHours(23)))).orElse(true)
                    && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(b.nextRunAt().orElseThrow().isAfter(Instant.now().plus(Duration.ofHours(23))),
                    "node-b's next run is a period after node-a's sync");
            assertEquals(1, syncs.get(), "node-b ran no sync of its own");
            assertFalse(seen.isDone(), "and told its listeners of none");
        }
    }

    @Test
    void aNodeThatDiedHoldingTheLeaseIsReplacedOnceTheLeaseExpires() throws Exception {
        JdbcSyncLock lock = JdbcSyncLock.builder(ds).tablePrefix(prefix).build();
        lock.tryAcquire("dead-node", Duration.ofMillis(500)).orElseThrow();
        CompletableFuture<SyncResult> seen = new CompletableFuture<>();
        long before = System.nanoTime();
        try (SyncScheduler b = node("node-b", task(new CountDownLatch(1), new CountDownLatch(0)))
                .initialDelay(Duration.ZERO).listener(seen::complete).build().start()) {
            assertTrue(seen.get(10, TimeUnit.SECONDS).isSuccess());
            assertTrue(System.nanoTime() - before >= TimeUnit.MILLISECONDS.toNanos(400), "not before the lease ran out");
            assertEquals(1, syncs.get());
            assertTrue(lock.sinceLastSuccess().isPresent());
        }
    }
}
