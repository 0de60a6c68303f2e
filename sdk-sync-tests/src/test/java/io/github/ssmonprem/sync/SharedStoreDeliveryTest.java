package io.github.ssmonprem.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.sync.model.UsageReport;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.sync.store.ReportState;
import io.github.ssmonprem.sync.store.SyncStore;
import io.github.ssmonprem.testkit.SsmEmulator;
import io.github.ssmonprem.testkit.TestClock;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes (two clients, each with its own store object) on one shared store deliver usage at the
 * same time against one emulator: delivery claims keep every report with one node, so the emulator
 * sees each report submitted exactly once. Subclasses open the shared store: a file store on one
 * directory, a JDBC store on one database.
 */
public abstract class SharedStoreDeliveryTest {

    private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");

    /** The shared store's clock: claims expire only when a test advances it. */
    protected final TestClock storeClock = TestClock.at(T0);

    private SsmEmulator emulator;
    private final List<SyncStore> stores = new ArrayList<>();
    private final List<SsmSyncClient> clients = new ArrayList<>();

    /**
     * Opens one node's view of the shared store: every call opens a new store object on the same
     * state.
     *
     * @param clock the clock claims are timed by
     * @return the store
     */
    protected abstract SyncStore openSharedStore(Clock clock);

    @BeforeEach
    void startEmulator() {
        emulator = SsmEmulator.builder().acknowledgeAfter(0, Duration.ZERO).start();
        // Every answer takes a while, so the two nodes' deliveries overlap.
        emulator.faults().latency(Duration.ofMillis(20));
    }

    @AfterEach
    void stop() {
        clients.forEach(SsmSyncClient::close);
        stores.forEach(SyncStore::close);
        emulator.close();
    }

    private SsmSyncClient node(String name, Duration ackTimeout) {
        SyncStore store = openSharedStore(storeClock);
        stores.add(store);
        SsmSyncClient client = SsmSyncClient.builder().config(emulator.clientConfig().build()).grant(emulator.passwordGrant())
                .store(store).nodeName(name).ackTimeout(ackTimeout).build();
        clients.add(client);
        client.tokens().token();
        return client;
    }

    private static UsageReport report(int i) {
        return UsageReport.builder().account(SsmEmulator.DEMO_ACCOUNT).virtualAccount("DEFAULT").productInstance("vmanage-" + i)
                .device("edge-" + i, "regid.sdwan").usage("sdwan_dna_advantage", 1 + i, T0.minusSeconds(3600), T0).build();
    }

    private List<String> addPending(SsmSyncClient node, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            UsageReport r = report(i);
            node.store().addPending(PendingReport.of(r, T0.plusMillis(i)));
            ids.add(r.reportId());
        }
        return ids;
    }

    private void assertEachSubmittedOnce(List<String> ids, SyncStore store) {
        for (String id : ids) {
            assertEquals(1, emulator.stats().submissionsOf(id), "submitted once: " + id);
            assertEquals(ReportState.Status.DELIVERED, store.state(id).orElseThrow().status());
        }
        assertEquals(ids.size(), emulator.stats().distinctReports());
    }

    @Test
    void twoNodesDeliveringThePendingSetAtOnceSubmitEachReportOnce() throws Exception {
        SsmSyncClient a = node("node-a", Duration.ofMinutes(1));
        SsmSyncClient b = node("node-b", Duration.ofMinutes(1));
        List<String> ids = addPending(a, 20);
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<List<DeliveryResult>> fa = pool.submit(() -> {
                start.await();
                return a.deliverPending();
            });
            Future<List<DeliveryResult>> fb = pool.submit(() -> {
                start.await();
                return b.deliverPending();
            });
            start.countDown();
            List<DeliveryResult> all = new ArrayList<>(fa.get(60, TimeUnit.SECONDS));
            all.addAll(fb.get(60, TimeUnit.SECONDS));
            assertEquals(20, all.size(), "every report attempted by exactly one node");
            assertTrue(all.stream().allMatch(DeliveryResult::delivered), "all delivered");
        } finally {
            pool.shutdownNow();
        }
        assertEquals(0, b.store().pendingCount());
        assertEachSubmittedOnce(ids, b.store());
    }

    @Test
    void aReportSubmittedOnOneNodeIsNotSubmittedAgainByAnotherNodesDelivery() throws Exception {
        SsmSyncClient a = node("node-a", Duration.ofMinutes(1));
        SsmSyncClient b = node("node-b", Duration.ofMinutes(1));
        AtomicBoolean pushing = new AtomicBoolean(true);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        List<String> ids = new ArrayList<>();
        try {
            Future<?> delivering = pool.submit(() -> {
                while (pushing.get()) {
                    b.deliverPending();
                    Thread.sleep(5);             // not a race: only spares the CPU between deliveries
                }
                return null;
            });
            for (int i = 0; i < 12; i++) {
                UsageReport r = report(i);
                ids.add(r.reportId());
                DeliveryResult result = a.submitUsage(r);
                // node-a claims the report as it stores it, so node-b's deliveries never take it
                assertTrue(result.delivered(), String.valueOf(result));
            }
            pushing.set(false);
            delivering.get(60, TimeUnit.SECONDS);
            b.deliverPending();
        } finally {
            pushing.set(false);
            pool.shutdownNow();
        }
        assertEquals(0, a.store().pendingCount());
        assertEachSubmittedOnce(ids, a.store());
    }

    @Test
    void thisNodesDeliveryRunningWhileASubmitCallStoresItsReportLeavesTheReportToThatCall() throws Exception {
        SyncStore shared = openSharedStore(storeClock);
        stores.add(shared);
        AtomicReference<SsmSyncClient> node = new AtomicReference<>();
        List<DeliveryResult> byTheDelivery = new ArrayList<>();
        ExecutorService scheduler = Executors.newSingleThreadExecutor();
        // The node's scheduled delivery runs, on its own thread, right after the submit call stored its report.
        SyncStore hooked = (SyncStore) Proxy.newProxyInstance(SyncStore.class.getClassLoader(), new Class<?>[] {SyncStore.class},
                (proxy, method, args) -> {
                    Object out;
                    try {
                        out = method.invoke(shared, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("addPending") && args.length == 3) {
                        byTheDelivery.addAll(scheduler.submit(() -> node.get().deliverPending()).get(30, TimeUnit.SECONDS));
                    }
                    return out;
                });
        try (SsmSyncClient a = SsmSyncClient.builder().config(emulator.clientConfig().build()).grant(emulator.passwordGrant())
                .store(hooked).nodeName("node-a").ackTimeout(Duration.ofMinutes(1)).build()) {
            node.set(a);
            UsageReport r = report(1);
            DeliveryResult result = a.submitUsage(r);
            assertTrue(result.delivered(), String.valueOf(result));
            assertEquals(List.of(), byTheDelivery, "the delivery left the report to the submit call");
            assertEachSubmittedOnce(List.of(r.reportId()), shared);
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void aNodeThatStalledPastItsClaimCannotOverwriteTheStateOfTheNodeThatTookTheReportOver() {
        emulator.acknowledgeAfter(Integer.MAX_VALUE, Duration.ZERO);
        SyncStore shared = openSharedStore(storeClock);
        stores.add(shared);
        SsmSyncClient b = node("node-b", Duration.ofMinutes(1));
        AtomicBoolean stalled = new AtomicBoolean();
        // node-a stalls after its first poll, before it stores the poll id; meanwhile its claim expires and node-b takes over.
        SyncStore stalling = (SyncStore) Proxy.newProxyInstance(SyncStore.class.getClassLoader(), new Class<?>[] {SyncStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("updatePending") && args.length == 2 && stalled.compareAndSet(false, true)) {
                        storeClock.advance(Duration.ofMinutes(6));
                        assertTrue(b.store().claim(((PendingReport) args[0]).reportId(), "node-b", Duration.ofMinutes(5)).isPresent());
                    }
                    try {
                        return method.invoke(shared, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        UsageReport r = report(1);
        try (SsmSyncClient a = SsmSyncClient.builder().config(emulator.clientConfig().build()).grant(emulator.passwordGrant())
                .store(stalling).nodeName("node-a").ackTimeout(Duration.ofSeconds(10)).build()) {
            DeliveryResult result = a.submitUsage(r);
            assertEquals(DeliveryResult.Status.PENDING, result.status());
            assertTrue(result.error().contains("another node took over"), result.error());
        }
        PendingReport now = shared.pendingReports().get(0);
        assertEquals("node-b", now.claimOwner(), "node-a's stale write did not replace node-b's claim");
        assertNull(now.pollId(), "nor write its poll id");
    }

    @Test
    void aDeadNodesClaimExpiresAndAnotherNodeResumesPollingFromTheStoredPollId() {
        emulator.acknowledgeAfter(Integer.MAX_VALUE, Duration.ZERO);
        SsmSyncClient a = node("node-a", Duration.ZERO);
        SsmSyncClient b = node("node-b", Duration.ofMinutes(1));
        UsageReport r = report(1);
        DeliveryResult first = a.submitUsage(r);
        assertEquals(DeliveryResult.Status.PENDING, first.status(), "no acknowledgement within node-a's timeout");
        PendingReport left = a.store().pendingReports().get(0);
        assertNotNull(left.pollId(), "the poll id is stored");
        assertNull(left.claimOwner(), "and node-a released its claim when it left the report pending");

        // node-a claims it again and dies while polling: its claim outlives it.
        assertTrue(a.store().claim(r.reportId(), "node-a", Duration.ofMinutes(5)).isPresent());
        emulator.acknowledgeAfter(0, Duration.ZERO);
        int polls = emulator.stats().polls();
        assertEquals(List.of(), b.deliverPending(), "node-b leaves a report node-a holds");
        assertEquals(polls, emulator.stats().polls(), "and does not even poll it");

        storeClock.advance(Duration.ofMinutes(6));
        List<DeliveryResult> results = b.deliverPending();
        assertEquals(1, results.size());
        assertTrue(results.get(0).delivered(), String.valueOf(results.get(0)));
        assertEquals(left.pollId(), results.get(0).pollId(), "node-b polled with node-a's poll id");
        assertEachSubmittedOnce(List.of(r.reportId()), b.store());
    }
}
