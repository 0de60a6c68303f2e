package io.github.ssmonprem.sync;

import io.github.ssmonprem.core.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ScheduledExecutorService} that runs nothing by itself: {@link #advance(Duration)} moves the
 * fake clock to each due task in turn and runs it on the calling thread. Tests move time; they do not wait.
 */
final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {

    private final TestClock clock;
    private final List<Task> tasks = new ArrayList<>();
    private boolean shutdown;

    ManualScheduler(TestClock clock) {
        this.clock = clock;
    }

    /** Runs every task due now (including tasks they submit for now). */
    void runDue() {
        advance(Duration.ZERO);
    }

    /** Moves the clock forward, running each task when its time comes. */
    void advance(Duration by) {
        Instant target = clock.instant().plus(by);
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.stream().filter(t -> !t.cancelled && !t.dueAt.isAfter(target))
                        .min(Comparator.comparing((Task t) -> t.dueAt).thenComparing(t -> t.seq)).orElse(null);
                if (next == null) {
                    break;
                }
                tasks.remove(next);
            }
            if (next.dueAt.isAfter(clock.instant())) {
                clock.advance(Duration.between(clock.instant(), next.dueAt));
            }
            next.done = true;
            next.runnable.run();
        }
        if (target.isAfter(clock.instant())) {
            clock.advance(Duration.between(clock.instant(), target));
        }
    }

    synchronized int pending() {
        return (int) tasks.stream().filter(t -> !t.cancelled).count();
    }

    private long seq;

    @Override
    public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        Task t = new Task(command, clock.instant().plusNanos(unit.toNanos(delay)), seq++);
        tasks.add(t);
        return t;
    }

    @Override
    public void execute(Runnable command) {
        schedule(command, 0, TimeUnit.MILLISECONDS);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException("the scheduler reschedules itself; it must not need fixed rates");
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("the scheduler reschedules itself; it must not need fixed delays");
    }

    @Override
    public synchronized void shutdown() {
        shutdown = true;
    }

    @Override
    public synchronized List<Runnable> shutdownNow() {
        shutdown = true;
        tasks.clear();
        return List.of();
    }

    @Override
    public synchronized boolean isShutdown() {
        return shutdown;
    }

    @Override
    public synchronized boolean isTerminated() {
        return shutdown && tasks.isEmpty();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return isTerminated();
    }

    @Override
    public <T> List<java.util.concurrent.Future<T>> invokeAll(Collection<? extends Callable<T>> callables) {
        throw new UnsupportedOperationException();
    }

    private final class Task implements ScheduledFuture<Object> {
        final Runnable runnable;
        final Instant dueAt;
        final long seq;
        volatile boolean cancelled;
        volatile boolean done;

        Task(Runnable runnable, Instant dueAt, long seq) {
            this.runnable = runnable;
            this.dueAt = dueAt;
            this.seq = seq;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(Duration.between(clock.instant(), dueAt));
        }

        @Override
        public int compareTo(Delayed o) {
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterrupt) {
            cancelled = true;
            return !done;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return done || cancelled;
        }

        @Override
        public Object get() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            throw new UnsupportedOperationException();
        }
    }
}
