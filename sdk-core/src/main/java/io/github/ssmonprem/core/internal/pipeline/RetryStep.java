package io.github.ssmonprem.core.internal.pipeline;

import io.github.resilience4j.retry.Retry;
import io.github.ssmonprem.core.Sleeper;
import io.github.ssmonprem.core.exception.RequestTimeoutException;
import io.github.ssmonprem.core.exception.SsmClientException;
import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.core.http.SsmResponse;
import io.github.ssmonprem.core.internal.ClientMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repeats the rest of the chain for a request that is safe to repeat, as long as the Resilience4j
 * retry policy (which reads {@link SsmException#isRetryable()} and {@code Retry-After}) allows and the
 * call's deadline ({@code callTimeout}, across attempts and back-off) is not passed. Sets the deadline
 * the exchange step bounds each attempt by, and records on the error the attempts really made.
 */
public final class RetryStep implements Step {

    private static final Logger LOG = LoggerFactory.getLogger("io.github.ssmonprem.core.http.SsmHttpClient");

    private final Retry retry;
    private final Duration callTimeout;
    private final Clock clock;
    private final Sleeper sleeper;
    private final ClientMetrics metrics;

    /**
     * Creates the step.
     *
     * @param retry the retry policy
     * @param callTimeout the deadline of a call across its attempts
     * @param clock the clock the deadline is read on
     * @param sleeper how back-off waits
     * @param metrics where retries are counted
     */
    public RetryStep(Retry retry, Duration callTimeout, Clock clock, Sleeper sleeper, ClientMetrics metrics) {
        this.retry = retry;
        this.callTimeout = callTimeout;
        this.clock = clock;
        this.sleeper = sleeper;
        this.metrics = metrics;
    }

    @Override
    public SsmResponse proceed(Exchange exchange, Chain next) {
        boolean retryable = exchange.request().idempotent();
        Retry.AsyncContext<Object> context = retryable ? retry.asyncContext() : null;
        int maxAttempts = retryable ? retry.getRetryConfig().getMaxAttempts() : 1;
        long now = clock.millis();
        long endMillis = now + callTimeout.toMillis();
        Instant callers = exchange.request().deadline();
        boolean byCaller = callers != null && callers.toEpochMilli() < endMillis;
        if (byCaller) {
            endMillis = callers.toEpochMilli();
            if (endMillis <= now) {
                throw deadlinePassed(exchange, null, 0, 0);
            }
        }
        exchange.deadlineMillis(endMillis, byCaller);
        int attempt = 0;
        while (true) {
            attempt++;
            exchange.attempt(attempt, maxAttempts);
            try {
                SsmResponse response = next.proceed(exchange);
                if (context != null) {
                    context.onComplete();
                }
                return response;
            } catch (SsmException e) {
                long waitMillis = context == null ? -1 : context.onError(e);
                if (waitMillis < 0) {
                    e.recordAttempts(attempt);
                    throw e;
                }
                boolean callTimedOut = e instanceof RequestTimeoutException && ((RequestTimeoutException) e).isCallTimeout();
                if (callTimedOut || waitMillis >= endMillis - clock.millis()) {
                    SsmException stop = callTimedOut ? e : byCaller ? deadlinePassed(exchange, e, attempt, waitMillis)
                            : callTimeout(exchange, e, attempt, waitMillis);
                    stop.recordAttempts(attempt);
                    throw stop;
                }
                metrics.retry(exchange.request().operation());
                LOG.debug("{}: attempt {}/{} failed ({}); retrying in {} ms", exchange.target(), attempt, maxAttempts,
                        e.getClass().getSimpleName(), waitMillis);
                try {
                    sleeper.sleep(Duration.ofMillis(waitMillis));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    SsmClientException stop = new SsmClientException(exchange.target() + ": interrupted while waiting to retry.",
                            "The calling thread was interrupted (shutdown?); the request was not completed.", false, e);
                    stop.recordAttempts(attempt);
                    throw stop;
                }
            }
        }
    }

    private static RequestTimeoutException deadlinePassed(Exchange exchange, SsmException last, int attempts, long waitMillis) {
        String at = exchange.request().deadline().toString();
        if (last == null) {
            return new RequestTimeoutException(RequestTimeoutException.Phase.DEADLINE,
                    exchange.target() + ": not sent: the deadline of the work it belongs to (" + at + ") has passed.",
                    "The overall limit of the work (a sync's syncTimeout, the command's --deadline) ran out; the rest is done "
                            + "by the next run. Raise the limit if the server is legitimately this slow.", null);
        }
        return new RequestTimeoutException(RequestTimeoutException.Phase.DEADLINE,
                exchange.target() + ": the call did not succeed before the deadline of the work it belongs to (" + at + ") after "
                        + attempts + (attempts == 1 ? " attempt" : " attempts") + "; the next retry, due in " + waitMillis
                        + " ms, would pass it. The last failure: " + last.detail(),
                last.remediation(), last);
    }

    private RequestTimeoutException callTimeout(Exchange exchange, SsmException last, int attempts, long waitMillis) {
        return new RequestTimeoutException(RequestTimeoutException.Phase.CALL,
                exchange.target() + ": the call did not succeed within callTimeout (" + Durations.text(callTimeout) + ") after "
                        + attempts + (attempts == 1 ? " attempt" : " attempts") + "; the next retry, due in " + waitMillis
                        + " ms, would pass it. The last failure: " + last.detail(),
                last.remediation(), last);
    }
}
