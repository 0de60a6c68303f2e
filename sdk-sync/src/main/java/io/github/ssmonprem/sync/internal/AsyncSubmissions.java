package io.github.ssmonprem.sync.internal;

import io.github.ssmonprem.core.internal.DaemonThreads;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The asynchronous submissions of one client: its own threads (daemon, started with the first
 * submission, as many as its delivery concurrency) or the caller's executor, and the submissions
 * queued and not started yet, which closing the client fails instead of leaving them waiting forever.
 *
 * @param <T> what a submission returns
 */
public final class AsyncSubmissions<T> {

    private static final Logger LOG = LoggerFactory.getLogger(AsyncSubmissions.class);

    private final int threads;
    private final Object lock = new Object();
    /** Submissions not started yet, each with its claim: whoever sets it runs or cancels it. */
    private final Map<CompletableFuture<T>, AtomicBoolean> queued = new ConcurrentHashMap<>();
    private ExecutorService executor;
    private boolean closed;

    /**
     * Creates the submissions of a client.
     *
     * @param threads how many threads of its own run them at most
     */
    public AsyncSubmissions(int threads) {
        this.threads = threads;
    }

    /**
     * Runs {@code work} on the client's own threads.
     *
     * @param work the submission
     * @param whenClosed the failure of a submission made after close
     * @return its result
     */
    public CompletableFuture<T> submit(Supplier<T> work, Supplier<RuntimeException> whenClosed) {
        ExecutorService own;
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.failedFuture(whenClosed.get());
            }
            if (executor == null) {
                executor = Executors.newFixedThreadPool(threads, DaemonThreads.numbered("ssm-usage-submit"));
            }
            own = executor;
        }
        return submit(work, own);
    }

    /**
     * Runs {@code work} on the given executor.
     *
     * @param work the submission
     * @param on where it runs
     * @return its result; completes exceptionally with what {@code work} throws, or with the executor's
     *     {@link RejectedExecutionException}
     */
    public CompletableFuture<T> submit(Supplier<T> work, Executor on) {
        CompletableFuture<T> future = new CompletableFuture<>();
        AtomicBoolean claimed = new AtomicBoolean();
        queued.put(future, claimed);
        try {
            on.execute(() -> {
                queued.remove(future);
                if (!claimed.compareAndSet(false, true)) {
                    return;
                }
                try {
                    future.complete(work.get());
                } catch (RuntimeException | Error e) {
                    future.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            queued.remove(future);
            future.completeExceptionally(e);
        }
        return future;
    }

    /**
     * Stops the client's own threads (interrupting a submission under way, waiting up to 10 s) and fails
     * every submission not started yet.
     *
     * @param notStarted the failure of a submission that had not started
     */
    public void close(Supplier<RuntimeException> notStarted) {
        ExecutorService own;
        synchronized (lock) {
            closed = true;
            own = executor;
        }
        if (own != null) {
            own.shutdownNow();
            try {
                if (!own.awaitTermination(10, TimeUnit.SECONDS)) {
                    LOG.warn("Usage submissions still running after 10 s; closing the client under them");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        queued.forEach((future, claimed) -> {
            if (claimed.compareAndSet(false, true)) {
                future.completeExceptionally(notStarted.get());
            }
        });
        queued.clear();
    }
}
