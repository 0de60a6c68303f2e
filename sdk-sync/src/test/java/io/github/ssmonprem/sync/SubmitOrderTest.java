package io.github.ssmonprem.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.testing.TestClock;
import io.github.ssmonprem.emulator.SsmEmulator;
import io.github.ssmonprem.sync.store.FileSyncStore;
import io.github.ssmonprem.sync.store.ReportState;
import io.github.ssmonprem.sync.store.SyncStore;
import io.github.ssmonprem.sync.store.SyncStoreException;
import io.github.ssmonprem.sync.usage.DeliveryResult;
import io.github.ssmonprem.sync.usage.ReportStatus;
import io.github.ssmonprem.sync.usage.UsageReport;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code submitUsage} sends nothing before the store has made the report durable, however long that
 * takes; a store that fails sends nothing at all; closing the client ends the threads of its
 * asynchronous submissions.
 */
class SubmitOrderTest {

    @TempDir
    Path state;

    private TestClock clock;
    private SsmEmulator emulator;

    @BeforeEach
    void start() {
        clock = TestClock.start();
        emulator = EmulatorFixtures.emulator(clock).acknowledgeAfter(0, Duration.ZERO).start();
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void nothingIsSentBeforeTheStoreHasMadeTheReportDurable() throws Exception {
        FileSyncStore memory = new FileSyncStore(state.resolve("store"), clock);
        CountDownLatch adding = new CountDownLatch(1);
        CountDownLatch durable = new CountDownLatch(1);
        // A store whose durable write takes as long as the test wants.
        SyncStore slow = (SyncStore) Proxy.newProxyInstance(SyncStore.class.getClassLoader(), new Class<?>[] {SyncStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("add")) {
                        adding.countDown();
                        assertTrue(durable.await(30, TimeUnit.SECONDS));
                    }
                    try {
                        return method.invoke(memory, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        UsageReport report = EmulatorFixtures.usage(clock);
        String key = EmulatorFixtures.keys(report).get(0);
        try (SsmSyncClient client = EmulatorFixtures.client(emulator, clock).store(slow).build()) {
            CompletableFuture<List<DeliveryResult>> submitted = CompletableFuture.supplyAsync(() -> client.submitUsage(report));
            assertTrue(adding.await(30, TimeUnit.SECONDS));
            Thread.sleep(200);   // not a race: time for a submission that did not wait for the store to arrive
            assertEquals(List.of(), emulator.stats().requestLines(), "nothing sent while the store writes, not even a token request");
            durable.countDown();
            assertTrue(submitted.get(30, TimeUnit.SECONDS).get(0).delivered());
            assertEquals(1, emulator.stats().uploadsOf(key));
            assertEquals(ReportStatus.DELIVERED, memory.state(report.reportId()).map(ReportState::status).orElseThrow());
        }
    }

    @Test
    void aFailedStoreSendsNothingAndClosingEndsTheSubmissionThreads() throws Exception {
        SyncStore failing = (SyncStore) Proxy.newProxyInstance(SyncStore.class.getClassLoader(), new Class<?>[] {SyncStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("add")) {
                        throw new SyncStoreException("cannot store usage report: the disk is full.", "Free space.", null);
                    }
                    return method.getReturnType() == Optional.class ? Optional.empty() : null;
                });
        UsageReport report = EmulatorFixtures.usage(clock);
        Set<Thread> before = submissionThreads();   // other tests' clients may still have theirs
        try (SsmSyncClient client = EmulatorFixtures.client(emulator, clock).store(failing).build()) {
            assertThrows(SyncStoreException.class, () -> client.submitUsage(report));
            ExecutionException async = assertThrows(ExecutionException.class, () -> client.submitUsageAsync(report).get(30, TimeUnit.SECONDS));
            assertInstanceOf(SyncStoreException.class, async.getCause());
            assertEquals(List.of(), emulator.stats().requestLines(), "nothing was sent, not even a token request");
            assertFalse(newSince(before).isEmpty(), "the asynchronous submission ran on a thread of this client's");
        }
        for (int i = 0; i < 250 && !newSince(before).isEmpty(); i++) {
            Thread.sleep(20);
        }
        assertEquals(Set.of(), newSince(before), "closing the client ends its submission threads");
    }

    private static Set<Thread> submissionThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("ssm-usage-submit-") && t.isAlive())
                .collect(Collectors.toSet());
    }

    private static Set<Thread> newSince(Set<Thread> before) {
        Set<Thread> now = submissionThreads();
        now.removeAll(before);
        return now;
    }
}
