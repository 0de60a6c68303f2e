package io.github.ssmonprem.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.testing.TestClock;
import io.github.ssmonprem.emulator.RumReportFixture;
import io.github.ssmonprem.emulator.SsmEmulator;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.sync.store.SyncStore;
import io.github.ssmonprem.sync.usage.Acknowledgement;
import io.github.ssmonprem.sync.usage.DeliveryResult;
import io.github.ssmonprem.sync.usage.ReportStatus;
import io.github.ssmonprem.sync.usage.RumReport;
import io.github.ssmonprem.sync.usage.UsageReport;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
 * sees each RUM report uploaded exactly once, and each acknowledgement is stored once. Subclasses open
 * the shared store: a file store on one directory, a JDBC store on one database.
 */
public abstract class SharedStoreDeliveryTest {

    private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");
    private static final Duration LEASE = Duration.ofMinutes(5);

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

    /** A report of two RUM reports of device {@code i}. */
    private static UsageReport report(int i) {
        List<RumReport> rum = new ArrayList<>();
        for (long id = 1; id <= 2; id++) {
            rum.add(EmulatorFixtures.rumReport(RumReportFixture.builder().device("C8000V", "SHARED-" + i).reportId(id)
                    .count(1 + i, T0.minusSeconds(3600), T0).build()));
        }
        return UsageReport.of(SsmEmulator.DEMO_ACCOUNT, "DEFAULT", rum);
    }

    /** Adds reports another node stored and left (its claims expired): free for whichever node claims them first. */
    private List<UsageReport> addPending(SsmSyncClient node, int count) {
        List<UsageReport> reports = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            UsageReport r = report(i);
            node.store().add(r, "a-node-that-left", Duration.ofSeconds(1));
            reports.add(r);
        }
        storeClock.advance(Duration.ofSeconds(2));
        return reports;
    }

    /** Each RUM report uploaded once; each report delivered, its one acknowledgement stored once and not taken. */
    private void assertEachUploadedOnce(List<UsageReport> reports, SyncStore store) {
        Set<String> ackIds = new HashSet<>();
        for (UsageReport r : reports) {
            for (String key : EmulatorFixtures.keys(r)) {
                assertEquals(1, emulator.stats().uploadsOf(key), "uploaded once: " + key);
            }
            assertEquals(ReportStatus.DELIVERED, store.state(r.reportId()).orElseThrow().status());
            List<Acknowledgement> acks = store.state(r.reportId()).orElseThrow().delivered().acknowledgements();
            assertEquals(List.of(r.devices().get(0)), acks.stream().map(Acknowledgement::sudi).toList(), r.reportId());
            ackIds.add(acks.get(0).id());
        }
        assertEquals(2 * reports.size(), emulator.stats().distinctRumReports());
        assertEquals(reports.size(), emulator.stats().acknowledgementsIssued());
        List<Acknowledgement> stored = store.acknowledgements();
        assertEquals(reports.size(), stored.size(), "every acknowledgement stored once");
        assertEquals(ackIds, Set.copyOf(stored.stream().map(Acknowledgement::id).toList()));
        assertEquals(0, store.counts().pending());
    }

    @Test
    void twoNodesDeliveringThePendingSetAtOnceUploadEachReportOnce() throws Exception {
        SsmSyncClient a = node("node-a", Duration.ofMinutes(1));
        SsmSyncClient b = node("node-b", Duration.ofMinutes(1));
        List<UsageReport> reports = addPending(a, 20);
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
            assertTrue(all.stream().allMatch(r -> r.status() == ReportStatus.DELIVERED), String.valueOf(all));
            assertEquals(20, all.stream().mapToInt(r -> r.acknowledgements().size()).sum(), "and its acknowledgement came to that node");
        } finally {
            pool.shutdownNow();
        }
        assertEachUploadedOnce(reports, b.store());
    }

    @Test
    void aReportSubmittedOnOneNodeIsNotUploadedAgainByAnotherNodesDelivery() throws Exception {
        SsmSyncClient a = node("node-a", Duration.ofMinutes(1));
        SsmSyncClient b = node("node-b", Duration.ofMinutes(1));
        AtomicBoolean pushing = new AtomicBoolean(true);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        List<UsageReport> reports = new ArrayList<>();
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
                reports.add(r);
                List<DeliveryResult> result = a.submitUsage(r);
                // node-a claims the report as it stores it, so node-b's deliveries never take it
                assertEquals(List.of(ReportStatus.DELIVERED), result.stream().map(DeliveryResult::status).toList(), String.valueOf(result));
            }
            pushing.set(false);
            delivering.get(60, TimeUnit.SECONDS);
            assertEquals(List.of(), b.deliverPending());
        } finally {
            pushing.set(false);
            pool.shutdownNow();
        }
        assertEachUploadedOnce(reports, a.store());
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
                    if (method.getName().equals("add") && args.length == 3) {
                        byTheDelivery.addAll(scheduler.submit(() -> node.get().deliverPending()).get(30, TimeUnit.SECONDS));
                    }
                    return out;
                });
        try (SsmSyncClient a = SsmSyncClient.builder().config(emulator.clientConfig().build()).grant(emulator.passwordGrant())
                .store(hooked).nodeName("node-a").ackTimeout(Duration.ofMinutes(1)).build()) {
            node.set(a);
            UsageReport r = report(1);
            List<DeliveryResult> result = a.submitUsage(r);
            assertEquals(List.of(ReportStatus.DELIVERED), result.stream().map(DeliveryResult::status).toList(), String.valueOf(result));
            assertEquals(List.of(), byTheDelivery, "the delivery left the report to the submit call");
            assertEachUploadedOnce(List.of(r), shared);
        } finally {
            scheduler.shutdownNow();
        }
    }

    /**
     * node-a uploads a report and stalls after the server accepted it, before it stores the poll id;
     * meanwhile its claim expires and node-b takes the report over. {@return node-a's results}
     */
    private List<DeliveryResult> stallPastTheClaimWhileNodeBTakesOver(SyncStore shared, UsageReport r) {
        emulator.acknowledgeAfter(Integer.MAX_VALUE, Duration.ZERO);
        SsmSyncClient b = node("node-b", Duration.ofMinutes(1));
        AtomicBoolean stalled = new AtomicBoolean();
        SyncStore stalling = (SyncStore) Proxy.newProxyInstance(SyncStore.class.getClassLoader(), new Class<?>[] {SyncStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("update") && ((PendingReport) args[0]).pollId() != null && stalled.compareAndSet(false, true)) {
                        storeClock.advance(Duration.ofMinutes(6));
                        assertTrue(b.store().claim(((PendingReport) args[0]).reportId(), "node-b", LEASE).isPresent());
                    }
                    try {
                        return method.invoke(shared, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        try (SsmSyncClient a = SsmSyncClient.builder().config(emulator.clientConfig().build()).grant(emulator.passwordGrant())
                .store(stalling).nodeName("node-a").ackTimeout(Duration.ofSeconds(10)).build()) {
            List<DeliveryResult> results = a.submitUsage(r);
            assertTrue(stalled.get());
            return results;
        }
    }

    @Test
    void aNodeThatStalledPastItsClaimCannotOverwriteTheStateOfTheNodeThatTookTheReportOver() {
        SyncStore shared = openSharedStore(storeClock);
        stores.add(shared);
        List<DeliveryResult> results = stallPastTheClaimWhileNodeBTakesOver(shared, report(1));
        assertTrue(results.stream().noneMatch(DeliveryResult::delivered), "node-a does not call it delivered: " + results);
        PendingReport now = shared.pending().get(0);
        assertEquals("node-b", now.claimOwner(), "node-a's stale write did not replace node-b's claim");
        assertNull(now.pollId(), "nor write its poll id");
        assertEquals(0, emulator.stats().polls(), "nor did node-a poll for a report it no longer holds");
    }

    @Test
    void aSubmissionWhoseReportAnotherNodeTookOverSaysSo() {
        SyncStore shared = openSharedStore(storeClock);
        stores.add(shared);
        List<DeliveryResult> results = stallPastTheClaimWhileNodeBTakesOver(shared, report(1));
        assertEquals(1, results.size(), "one result for the one report stored: " + results);
        assertEquals(ReportStatus.PENDING, results.get(0).status());
        assertTrue(results.get(0).detail().contains("another node"), results.get(0).detail());
    }

    @Test
    void aDeadNodesClaimExpiresAndAnotherNodeResumesPollingFromTheStoredPollId() {
        emulator.acknowledgeAfter(Integer.MAX_VALUE, Duration.ZERO);
        SsmSyncClient a = node("node-a", Duration.ZERO);
        SsmSyncClient b = node("node-b", Duration.ofMinutes(1));
        UsageReport r = report(1);
        DeliveryResult first = a.submitUsage(r).get(0);
        assertEquals(ReportStatus.PENDING, first.status(), "no acknowledgement within node-a's timeout");
        PendingReport left = a.store().pending().get(0);
        assertNotNull(left.pollId(), "the poll id is stored");
        assertNull(left.claimOwner(), "and node-a released its claim when it left the report pending");

        // node-a claims it again and dies while polling: its claim outlives it.
        assertTrue(a.store().claim(r.reportId(), "node-a", LEASE).isPresent());
        emulator.acknowledgeAfter(0, Duration.ZERO);
        int polls = emulator.stats().polls();
        assertEquals(List.of(), b.deliverPending(), "node-b leaves a report node-a holds");
        assertEquals(polls, emulator.stats().polls(), "and does not even poll it");

        storeClock.advance(Duration.ofMinutes(6));
        List<DeliveryResult> results = b.deliverPending();
        assertEquals(1, results.size());
        assertEquals(ReportStatus.DELIVERED, results.get(0).status(), String.valueOf(results.get(0)));
        assertEquals(left.pollId(), results.get(0).pollId(), "node-b polled with node-a's poll id");
        assertEachUploadedOnce(List.of(r), b.store());
    }
}
