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
 * A node's {@link JdbcSyncLock} lease runs out while its first usage submission waits for a slow
 * server, and a second node takes the lock over: the first node submits and writes nothing more.
 */
class JdbcDeliveryFencingTest {

    @Test
    void aNodeWhoseLeaseWasTakenOverMidDeliverySubmitsAndWritesNothingMore() throws Exception {
        DataSource ds = EmbeddedPg.dataSource();
        String prefix = "f" + UUID.randomUUID().toString().replace("-", "").substring(0, 12) + "_";
        JdbcSyncStore store = JdbcSyncStore.builder(ds).tablePrefix(prefix).build();
        JdbcSyncLock lock = JdbcSyncLock.builder(ds).tablePrefix(prefix).build();
        List<String> ids = FencedDelivery.addThreeReports(store, Clock.systemUTC());
        try (SsmEmulator emulator = SsmEmulator.builder().acknowledgeAfter(0, Duration.ZERO).start();
                SsmSyncClient nodeA = SsmSyncClient.builder().config(emulator.clientConfig().build())
                        .grant(emulator.passwordGrant()).store(store).nodeName("node-a").build()) {
            nodeA.tokens().token();
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

            SyncResult result = syncA.get(60, TimeUnit.SECONDS);
            assertInstanceOf(SyncLockLostException.class, result.error(), String.valueOf(result.error()));
            assertEquals(0, FencedDelivery.uploadsOf(emulator, ids.get(0)), "the lease ran out before the first upload: none was sent");
            FencedDelivery.assertNothingAfterTheLoss(emulator, store, ids);
            assertEquals("node-b", lock.holder().orElseThrow().holder(), "node-b's lease is untouched");
            leaseB.get().release(false);
        }
    }
}
