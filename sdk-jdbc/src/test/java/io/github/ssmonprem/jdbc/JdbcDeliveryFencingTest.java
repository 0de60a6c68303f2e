package io.github.ssmonprem.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.emulator.SsmEmulator;
import io.github.ssmonprem.sync.FencedDelivery;
import io.github.ssmonprem.sync.SsmSyncClient;
import io.github.ssmonprem.sync.SyncResult;
import io.github.ssmonprem.sync.lock.SyncLease;
import io.github.ssmonprem.sync.lock.SyncLockLostException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A node's {@link JdbcSyncLock} lease runs out while its first usage request waits for a slow server,
 * and a second node takes the lock over and syncs at the same time: the claims in the shared
 * {@link JdbcSyncStore} keep every report with the first node, which delivers each once; the second
 * sends none of them, and the first records no outcome over the second's.
 */
class JdbcDeliveryFencingTest {

    @Test
    void twoNodesSyncingAtOnceAfterALostLeaseUploadEachReportOnceAndOnlyTheHolderRecordsTheOutcome() throws Exception {
        DataSource ds = EmbeddedPg.dataSource();
        String prefix = "f" + UUID.randomUUID().toString().replace("-", "").substring(0, 12) + "_";
        JdbcSyncStore store = JdbcSyncStore.builder(ds).tablePrefix(prefix).build();
        JdbcSyncLock lock = JdbcSyncLock.builder(ds).tablePrefix(prefix).build();
        List<String> ids = FencedDelivery.addThreeReports(store, Clock.systemUTC());
        try (SsmEmulator emulator = SsmEmulator.builder().acknowledgeAfter(0, Duration.ZERO).start();
                SsmSyncClient nodeA = SsmSyncClient.builder().config(emulator.clientConfig().build())
                        .grant(emulator.passwordGrant()).store(store).nodeName("node-a").build();
                SsmSyncClient nodeB = SsmSyncClient.builder().config(emulator.clientConfig().build())
                        .grant(emulator.passwordGrant()).store(store).nodeName("node-b").build()) {
            nodeA.tokens().token();
            nodeB.tokens().token();
            // Every answer now takes 6 s: node-a's 2 s lease runs out while its first request (the account search) waits.
            emulator.faults().latency(Duration.ofSeconds(6));
            SyncLease leaseA = lock.tryAcquire("node-a", Duration.ofSeconds(2)).orElseThrow();
            CompletableFuture<SyncResult> syncA = CompletableFuture.supplyAsync(() -> nodeA.sync(leaseA));

            Optional<SyncLease> leaseB = Optional.empty();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (leaseB.isEmpty()) {
                assertTrue(System.nanoTime() < deadline, "node-a's lease never expired");
                Thread.sleep(50);                        // not a race: waits for the lease to expire
                leaseB = lock.tryAcquire("node-b", Duration.ofMinutes(1));
            }
            assertFalse(syncA.isDone(), "node-b took over while node-a's request was still waiting");
            emulator.faults().latency(Duration.ZERO);

            SyncResult b = nodeB.sync(leaseB.get());
            assertTrue(b.isSuccess(), String.valueOf(b.failure()));
            assertEquals(0, b.outcome().reportsDelivered(), "node-a's claims keep its reports from node-b");

            SyncResult a = syncA.get(60, TimeUnit.SECONDS);
            assertInstanceOf(SyncLockLostException.class, a.failure().orElseThrow(), String.valueOf(a.failure()));
            for (String id : ids) {
                assertEquals(1, FencedDelivery.uploadsOf(emulator, id), "uploaded once, by node-a: " + id);
            }
            assertEquals(0, store.counts().pending());
            assertEquals(3, store.counts().acknowledgements(), "each report's acknowledgement, stored once");
            assertTrue(store.lastOutcome().orElseThrow().success(), "node-b's outcome stands");
            assertEquals(0, store.lastOutcome().orElseThrow().reportsDelivered(), "node-a wrote none over it");
            assertEquals("node-b", lock.holder().orElseThrow().node(), "node-b's lease is untouched");
            leaseB.get().release(false);
        }
    }
}
