package io.github.ssmonprem.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.testing.FakeClock;
import io.github.ssmonprem.sync.model.UsageReport;
import io.github.ssmonprem.sync.store.InMemorySyncStore;
import io.github.ssmonprem.sync.store.ReportState;
import io.github.ssmonprem.sync.store.SyncStore;
import io.github.ssmonprem.sync.store.SyncStoreException;
import io.github.ssmonprem.testkit.SsmEmulator;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code submitUsage} generates the request body while the store makes the report durable: nothing
 * is sent before the store has returned, however long it takes, and closing the client ends the
 * threads that generate bodies.
 */
class SubmitOrderTest {

    private FakeClock clock;
    private SsmEmulator emulator;

    @BeforeEach
    void start() {
        clock = FakeClock.atEpochOfTests();
        emulator = EmulatorFixtures.emulator(clock).acknowledgeAfter(0, Duration.ZERO).start();
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void nothingIsSentBeforeTheStoreHasMadeTheReportDurable() throws Exception {
        InMemorySyncStore memory = new InMemorySyncStore(clock);
        CountDownLatch adding = new CountDownLatch(1);
        CountDownLatch durable = new CountDownLatch(1);
        // A store whose durable write takes as long as the test wants.
        SyncStore slow = (SyncStore) Proxy.newProxyInstance(SyncStore.class.getClassLoader(), new Class<?>[] {SyncStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("addPending")) {
                        adding.countDown();
                        assertTrue(durable.await(30, TimeUnit.SECONDS));
                    }
                    try {
                        return method.invoke(memory, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        UsageReport report = EmulatorFixtures.usage(clock).build();
        try (SsmSyncClient client = EmulatorFixtures.client(emulator, clock).store(slow).build()) {
            CompletableFuture<DeliveryResult> submitted = CompletableFuture.supplyAsync(() -> client.submitUsage(report));
            assertTrue(adding.await(30, TimeUnit.SECONDS));
            Thread.sleep(200);   // not a race: time for a submission that did not wait for the store to arrive
            assertEquals(0, emulator.stats().submissionsOf(report.reportId()), "nothing sent while the store writes");
            durable.countDown();
            assertTrue(submitted.get(30, TimeUnit.SECONDS).delivered());
            assertEquals(1, emulator.stats().submissionsOf(report.reportId()));
            assertEquals(ReportState.Status.DELIVERED, memory.state(report.reportId()).map(ReportState::status).orElseThrow());
        }
    }

    @Test
    void aFailedStoreSendsNothingAndClosingEndsTheBodyThreads() throws Exception {
        SyncStore failing = (SyncStore) Proxy.newProxyInstance(SyncStore.class.getClassLoader(), new Class<?>[] {SyncStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("addPending")) {
                        throw new SyncStoreException("cannot store usage report: the disk is full.", "Free space.", null);
                    }
                    return method.getReturnType() == Optional.class ? Optional.empty() : null;
                });
        UsageReport report = EmulatorFixtures.usage(clock).build();
        Set<Thread> before = bodyThreads();   // other tests' clients may still have theirs
        try (SsmSyncClient client = EmulatorFixtures.client(emulator, clock).store(failing).build()) {
            assertThrows(SyncStoreException.class, () -> client.submitUsage(report));
            assertEquals(0, emulator.stats().submissionsOf(report.reportId()));
            assertFalse(newSince(before).isEmpty(), "the body was generated on a thread of this client's");
        }
        for (int i = 0; i < 250 && !newSince(before).isEmpty(); i++) {
            Thread.sleep(20);
        }
        assertEquals(Set.of(), newSince(before), "closing the client ends its body threads");
    }

    private static Set<Thread> bodyThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("ssm-usage-body") && t.isAlive())
                .collect(Collectors.toSet());
    }

    private static Set<Thread> newSince(Set<Thread> before) {
        Set<Thread> now = bodyThreads();
        now.removeAll(before);
        return now;
    }
}
