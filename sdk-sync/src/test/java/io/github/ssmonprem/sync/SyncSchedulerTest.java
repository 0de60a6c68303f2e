package io.github.ssmonprem.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.exception.ServerUnavailableException;
import io.github.ssmonprem.core.exception.SsmConfigurationException;
import io.github.ssmonprem.core.testing.TestClock;
import io.github.ssmonprem.sync.store.SyncOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SyncSchedulerTest {

    private final TestClock clock = TestClock.start();
    private final ManualScheduler executor = new ManualScheduler(clock);

    /** A sync task that records when it ran and fails while told to. */
    private final class RecordingTask implements SyncTask {
        final List<Instant> runs = new CopyOnWriteArrayList<>();
        final AtomicInteger failuresLeft = new AtomicInteger();

        @Override
        public SyncResult sync() {
            Instant now = clock.instant();
            runs.add(now);
            if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                ServerUnavailableException e = new ServerUnavailableException("502 from nginx", "wait", 502, null, null, null, null);
                return new SyncResult(new SyncOutcome(now, now, false, 0, 0, 1, "ServerUnavailableException", e.getMessage()),
                        Map.of(), List.of(), List.of(), e);
            }
            return new SyncResult(new SyncOutcome(now, now, true, 10, 0, 0, null, null), Map.of(), List.of(), List.of(), null);
        }
    }

    private SyncSchedulerBuilder scheduler(SyncTask task) {
        return SyncScheduler.builder(task).executor(executor).clock(clock).random(new Random(42));
    }

    @Test
    void runsAfterTheInitialDelayThenEveryPeriodWithinTheJitter() {
        RecordingTask task = new RecordingTask();
        Instant t0 = clock.instant();
        try (SyncScheduler s = scheduler(task).initialDelay(Duration.ofMinutes(1)).jitter(Duration.ofMinutes(30)).build().start()) {
            assertEquals(t0.plus(Duration.ofMinutes(1)), s.nextRunAt().orElseThrow(), "the jitter does not delay the first run");

            executor.advance(Duration.ofMinutes(31));
            assertEquals(1, task.runs.size());
            for (int day = 0; day < 5; day++) {
                Instant last = task.runs.get(task.runs.size() - 1);
                Duration gap = Duration.between(last, s.nextRunAt().orElseThrow());
                assertTrue(gap.compareTo(Duration.ofMinutes(24 * 60 - 30)) >= 0 && gap.compareTo(Duration.ofMinutes(24 * 60 + 30)) <= 0,
                        "gap " + gap);
                executor.advance(Duration.ofHours(25));
            }
            assertEquals(6, task.runs.size());
            assertTrue(task.runs.stream().map(r -> Duration.between(t0, r).toMinutes() % 60).distinct().count() > 1,
                    "the jitter moves the runs");
        }
    }

    @Test
    void syncNowWhileASyncRunsJoinsThatRun() throws Exception {
        RecordingTask task = new RecordingTask();
        try (SyncScheduler s = scheduler(task).jitter(Duration.ZERO).build().start()) {
            CompletableFuture<SyncResult> first = s.syncNow();
            CompletableFuture<SyncResult> second = s.syncNow();
            assertSame(first, second, "the second trigger joins the first");
            assertTrue(s.isRunning());
            executor.runDue();
            assertEquals(1, task.runs.size());
            assertTrue(first.get().isSuccess());
            assertFalse(s.isRunning());
            assertEquals(clock.instant().plus(Duration.ofMinutes(1)), s.nextRunAt().orElseThrow(),
                    "an on-demand run keeps the scheduled run where it was");
        }
    }

    @Test
    void anOnDemandRunMidPeriodDoesNotPushTheScheduleOut() throws Exception {
        RecordingTask task = new RecordingTask();
        try (SyncScheduler s = scheduler(task).initialDelay(Duration.ZERO).jitter(Duration.ZERO).build().start()) {
            executor.advance(Duration.ZERO);
            Instant planned = s.nextRunAt().orElseThrow();
            executor.advance(Duration.ofHours(6));
            CompletableFuture<SyncResult> now = s.syncNow();
            executor.runDue();
            assertTrue(now.get().isSuccess());
            assertEquals(planned, s.nextRunAt().orElseThrow(), "the daily run stays at its time");
            executor.advance(Duration.ofHours(18));
            assertEquals(3, task.runs.size());
        }
    }

    @Test
    void theDefaultInitialDelayAndJitterStartWithinAMinute() {
        RecordingTask task = new RecordingTask();
        Instant t0 = clock.instant();
        try (SyncScheduler s = scheduler(task).build().start()) {
            assertEquals(t0.plus(Duration.ofMinutes(1)), s.nextRunAt().orElseThrow());
        }
    }

    @Test
    void aShortPeriodNamesThePeriodAndTheRule() {
        SsmConfigurationException e = assertThrows(SsmConfigurationException.class,
                () -> scheduler(new RecordingTask()).period(Duration.ofSeconds(1)).build());
        assertEquals("period", e.setting());
        assertTrue(e.getMessage().contains("longer than the jitter"), e.getMessage());
        SsmConfigurationException backoff = assertThrows(SsmConfigurationException.class,
                () -> scheduler(new RecordingTask()).period(Duration.ofSeconds(1)).jitter(Duration.ZERO).build());
        assertEquals("period", backoff.setting());
        assertTrue(backoff.getMessage().contains("failure back-off"), backoff.getMessage());
        assertEquals("jitter", assertThrows(SsmConfigurationException.class,
                () -> scheduler(new RecordingTask()).period(Duration.ofHours(1)).jitter(Duration.ofHours(2)).build()).setting());
    }

    @Test
    void aScheduledRunDueDuringAnOnDemandRunIsCoalesced() {
        RecordingTask task = new RecordingTask();
        try (SyncScheduler s = scheduler(task).initialDelay(Duration.ZERO).jitter(Duration.ZERO).build().start()) {
            s.syncNow();
            executor.runDue();
            assertEquals(1, task.runs.size(), "the due scheduled run and the on-demand run became one");
        }
    }

    @Test
    void failuresBackOffThenTheNormalPeriodResumes() {
        RecordingTask task = new RecordingTask();
        task.failuresLeft.set(3);
        try (SyncScheduler s = scheduler(task).initialDelay(Duration.ZERO).jitter(Duration.ZERO).build().start()) {
            List<Duration> gaps = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                executor.advance(Duration.ZERO);
                Instant last = task.runs.get(task.runs.size() - 1);
                gaps.add(Duration.between(last, s.nextRunAt().orElseThrow()));
                executor.advance(gaps.get(gaps.size() - 1));
            }
            assertEquals(List.of(Duration.ofMinutes(15), Duration.ofMinutes(30), Duration.ofMinutes(60),
                    Duration.ofHours(24), Duration.ofHours(24)), gaps);
        }
    }

    @Test
    void theBackOffIsCappedBelowThePeriod() {
        RecordingTask task = new RecordingTask();
        task.failuresLeft.set(100);
        try (SyncScheduler s = scheduler(task).period(Duration.ofHours(2)).initialDelay(Duration.ZERO)
                .jitter(Duration.ZERO).build().start()) {
            Duration gap = Duration.ZERO;
            for (int i = 0; i < 8; i++) {
                executor.advance(gap);
                gap = Duration.between(clock.instant(), s.nextRunAt().orElseThrow());
            }
            assertEquals(Duration.ofHours(1), gap);
        }
        assertThrows(SsmConfigurationException.class, () -> SyncScheduler.builder(task).period(Duration.ofHours(1))
                .failureBackoff(Duration.ofMinutes(15), Duration.ofHours(2)).build());
    }

    @Test
    void listenersGetEveryResultAndAFailingListenerDoesNotStopTheSchedule() {
        RecordingTask task = new RecordingTask();
        List<SyncResult> seen = new CopyOnWriteArrayList<>();
        try (SyncScheduler s = scheduler(task).initialDelay(Duration.ZERO).jitter(Duration.ZERO)
                .listener(r -> {
                    throw new IllegalStateException("listener bug");
                })
                .listener(seen::add).build().start()) {
            executor.advance(Duration.ofHours(49));
            assertEquals(3, seen.size());
            assertTrue(s.nextRunAt().isPresent());
        }
    }

    @Test
    void closeDuringARunWaitsForItAndStopsScheduling() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        SyncTask slow = () -> {
            runs.incrementAndGet();
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Instant now = Instant.now();
            return new SyncResult(new SyncOutcome(now, now, true, 0, 0, 0, null, null), Map.of(), List.of(), List.of(), null);
        };
        ScheduledExecutorService real = Executors.newSingleThreadScheduledExecutor();
        SyncScheduler s = SyncScheduler.builder(slow).executor(real).initialDelay(Duration.ofHours(1)).build().start();
        CompletableFuture<SyncResult> run = s.syncNow();
        assertTrue(started.await(10, TimeUnit.SECONDS));
        CompletableFuture<Void> closing = CompletableFuture.runAsync(s::close);
        assertThrows(java.util.concurrent.TimeoutException.class, () -> closing.get(200, TimeUnit.MILLISECONDS),
                "close() waits for the running sync");
        release.countDown();
        closing.get(10, TimeUnit.SECONDS);
        assertTrue(run.isDone());
        assertTrue(s.nextRunAt().isEmpty(), "nothing is scheduled after close");
        ExecutionException afterClose = assertThrows(ExecutionException.class, () -> s.syncNow().get());
        assertTrue(afterClose.getCause() instanceof IllegalStateException);
        assertEquals(1, runs.get());
        real.shutdownNow();
    }

    @Test
    void closeWaitsNoLongerThanItsTimeout() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        SyncTask stuck = () -> {
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Instant now = Instant.now();
            return new SyncResult(new SyncOutcome(now, now, true, 0, 0, 0, null, null), Map.of(), List.of(), List.of(), null);
        };
        SyncScheduler s = SyncScheduler.builder(stuck).closeTimeout(Duration.ofMillis(100)).build().start();
        s.syncNow();
        assertTrue(started.await(10, TimeUnit.SECONDS));
        CompletableFuture.runAsync(s::close).get(10, TimeUnit.SECONDS);
        release.countDown();
    }

    @Test
    void aFailureStreakIsOneWarningWithTheCauseAndWhatToDoThenOneInfoOnRecovery() {
        RecordingTask task = new RecordingTask();
        task.failuresLeft.set(3);
        io.github.ssmonprem.core.testing.LogCapture.clear();
        try (SyncScheduler s = scheduler(task).initialDelay(Duration.ofMinutes(1)).jitter(Duration.ZERO).build().start()) {
            executor.advance(Duration.ofMinutes(1));
            executor.advance(Duration.ofMinutes(15));
            executor.advance(Duration.ofMinutes(30));
            executor.advance(Duration.ofMinutes(60));
            assertEquals(4, task.runs.size(), "three failures, then a success");
        }
        List<String> lines = io.github.ssmonprem.core.testing.LogCapture.linesOf(SyncScheduler.class.getName());
        List<String> warnings = lines.stream().filter(l -> l.contains(" WARN ")).toList();
        assertEquals(1, warnings.size(), String.join("\n", lines));
        assertTrue(warnings.get(0).contains("SSM sync failed: 502 from nginx What to do: wait Retrying in 15 min"), warnings.get(0));
        List<String> infos = lines.stream().filter(l -> l.contains(" INFO ")).toList();
        assertEquals(List.of(SyncScheduler.class.getName() + " INFO SSM sync succeeded again after 3 failed attempts"), infos);
        assertEquals(2, lines.stream().filter(l -> l.contains(" DEBUG SSM sync failed again")).count());
    }
}
