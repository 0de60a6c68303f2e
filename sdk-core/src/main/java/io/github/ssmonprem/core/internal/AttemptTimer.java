package io.github.ssmonprem.core.internal;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.hc.core5.concurrent.Cancellable;

/**
 * Bounds one attempt as a whole: when its limit elapses, the request is cancelled, which closes its
 * connection and so ends any blocked connect, handshake or read (a server dripping one byte at a time
 * resets the socket timeout with every byte, so the socket timeout alone cannot bound an attempt).
 * One scheduler thread per transport serves every attempt; no thread is started per call.
 */
public final class AttemptTimer implements Runnable {

    private final Cancellable request;
    private final long limitNanos;
    private volatile boolean fired;
    private ScheduledFuture<?> future;

    private AttemptTimer(Cancellable request, long limitNanos) {
        this.request = request;
        this.limitNanos = limitNanos;
    }

    /**
     * Creates the single-thread scheduler a transport shares between its attempts.
     *
     * @return the scheduler; shut it down when the transport closes
     */
    public static ScheduledExecutorService scheduler() {
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("ssm-attempt-timeout"));
        scheduler.setRemoveOnCancelPolicy(true);
        return scheduler;
    }

    /**
     * Starts the timer of one attempt.
     *
     * @param scheduler the transport's scheduler
     * @param request the request to cancel when the limit elapses
     * @param limitNanos the limit in nanoseconds
     * @return the running timer; {@link #cancel()} it when the attempt ends
     */
    public static AttemptTimer start(ScheduledExecutorService scheduler, Cancellable request, long limitNanos) {
        AttemptTimer timer = new AttemptTimer(request, Math.max(0, limitNanos));
        timer.future = scheduler.schedule(timer, timer.limitNanos, TimeUnit.NANOSECONDS);
        return timer;
    }

    @Override
    public void run() {
        fired = true;
        request.cancel();
    }

    /**
     * Whether the limit elapsed and the request was cancelled.
     *
     * @return true when the attempt was cut by this timer
     */
    public boolean fired() {
        return fired;
    }

    /**
     * The limit this timer was started with.
     *
     * @return nanoseconds
     */
    public long limitNanos() {
        return limitNanos;
    }

    /** Stops the timer once the attempt has ended. */
    public void cancel() {
        future.cancel(false);
    }
}
