package io.github.ssmonprem.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.sync.lock.LockHolder;
import io.github.ssmonprem.sync.lock.SyncLease;
import io.github.ssmonprem.sync.lock.SyncLock;
import io.github.ssmonprem.sync.store.SyncOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Whatever a sync throws, even an {@link Error}, fails that run: the caller's future completes and the
 * schedule goes on. These run on the scheduler's own thread, as in production: a future that never
 * completes fails the test at its 30 s bound.
 */
class SyncSchedulerErrorsTest {

    private static SyncResult success() {
        Instant now = Instant.now();
        return new SyncResult(new SyncOutcome(now, now, true, 0, 0, 0, null, null), Map.of(), List.of(), List.of(), null);
    }

    static Stream<Arguments> errors() {
        return Stream.of(
                Arguments.of((Supplier<Throwable>) () -> new IncompatibleClassChangeError(
                        "class Quiet cannot inherit from final class DefaultManagedHttpClientConnection"), "HttpClient"),
                Arguments.of((Supplier<Throwable>) StackOverflowError::new, "stack trace"),
                Arguments.of((Supplier<Throwable>) () -> new AssertionError("a listener's assert"), "stack trace"),
                Arguments.of((Supplier<Throwable>) () -> new OutOfMemoryError("thrown by a listener"), "stack trace"),
                Arguments.of((Supplier<Throwable>) () -> new IllegalStateException("a bug"), "bug"));
    }

    @ParameterizedTest
    @MethodSource("errors")
    void whateverTheTaskThrowsIsAFailedSyncAndTheSchedulerGoesOn(Supplier<Throwable> error, String remediation) throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Throwable thrown = error.get();
        SyncTask task = () -> {
            if (calls.incrementAndGet() == 1) {
                throw sneaky(thrown);
            }
            return success();
        };
        try (SyncScheduler scheduler = SyncScheduler.builder(task).initialDelay(Duration.ofHours(1)).build().start()) {
            SyncResult failed = scheduler.syncNow().get(30, TimeUnit.SECONDS);
            assertFalse(failed.isSuccess());
            assertSame(thrown, failed.failure().orElseThrow().getCause());
            assertTrue(failed.failure().orElseThrow().remediation().contains(remediation), failed.failure().orElseThrow().remediation());
            assertTrue(scheduler.nextRunAt().isPresent(), "the schedule goes on");
            assertTrue(scheduler.syncNow().get(30, TimeUnit.SECONDS).isSuccess(), "the next sync runs");
        }
    }

    @Test
    void anErrorInAListenerStillCompletesTheFutureAndReachesTheOtherListeners() throws Exception {
        AtomicInteger reached = new AtomicInteger();
        try (SyncScheduler scheduler = SyncScheduler.builder(SyncSchedulerErrorsTest::success).initialDelay(Duration.ofHours(1))
                .listener(result -> {
                    throw new OutOfMemoryError("thrown by a listener");
                })
                .listener(result -> reached.incrementAndGet())
                .build().start()) {
            assertTrue(scheduler.syncNow().get(30, TimeUnit.SECONDS).isSuccess());
            assertEquals(1, reached.get());
            assertFalse(scheduler.isRunning());
            assertTrue(scheduler.syncNow().get(30, TimeUnit.SECONDS).isSuccess(), "the next sync runs");
            assertEquals(2, reached.get());
        }
    }

    @Test
    void anErrorInTheLockIsAFailedSyncNotAHang() throws Exception {
        AtomicInteger lockCalls = new AtomicInteger();
        SyncLock broken = new SyncLock() {
            @Override
            public Optional<SyncLease> tryAcquire(String holder, Duration leaseTime) {
                lockCalls.incrementAndGet();
                throw new AssertionError("a lock implementation's bug");
            }

            @Override
            public Optional<LockHolder> holder() {
                return Optional.empty();
            }

            @Override
            public Optional<Duration> sinceLastSuccess() {
                return Optional.empty();
            }
        };
        try (SyncScheduler scheduler = SyncScheduler.builder(SyncSchedulerErrorsTest::success).initialDelay(Duration.ofHours(1))
                .lock(broken).build().start()) {
            SyncResult failed = scheduler.syncNow().get(30, TimeUnit.SECONDS);
            assertFalse(failed.isSuccess());
            assertTrue(failed.failure().orElseThrow().getMessage().contains("AssertionError"), failed.failure().orElseThrow().getMessage());
            assertFalse(scheduler.syncNow().get(30, TimeUnit.SECONDS).isSuccess(), "and the next attempt asks the lock again");
            assertEquals(2, lockCalls.get());
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> RuntimeException sneaky(Throwable t) throws T {
        throw (T) t;
    }
}
