package io.github.ssmonprem.core.internal.pipeline;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.ssmonprem.core.exception.CircuitOpenException;
import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.core.http.SsmResponse;
import io.github.ssmonprem.core.internal.ClientMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Guards each call with the circuit breaker. It sits outside the retry step, so it counts calls (with
 * their retries), not attempts: one failed call against a server that is down does not open it alone.
 * A call counts as failed when its exception says {@link SsmException#isServerFailure()}. An open
 * breaker answers with a {@link CircuitOpenException} that names the failure that opened it and when
 * calls will be tried again.
 */
public final class CircuitBreakerStep implements Step {

    private final CircuitBreaker breaker;
    private final Duration waitInOpenState;
    private final String server;
    private final Clock clock;
    private final ClientMetrics metrics;
    private volatile Opening opening;

    /**
     * Creates the step.
     *
     * @param breaker the breaker
     * @param waitInOpenState how long the breaker stays open before a trial call
     * @param server the server as {@code host:port}, for messages
     * @param clock the clock, for when calls resume
     * @param metrics where a call refused by the open breaker is counted
     */
    public CircuitBreakerStep(CircuitBreaker breaker, Duration waitInOpenState, String server, Clock clock, ClientMetrics metrics) {
        this.breaker = breaker;
        this.waitInOpenState = waitInOpenState;
        this.server = server;
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public SsmResponse proceed(Exchange exchange, Chain next) {
        if (!breaker.tryAcquirePermission()) {
            metrics.attempt(exchange.request().operation(), exchange.request().method().name(), "NONE", "CIRCUIT_OPEN", 0);
            throw circuitOpen(exchange);
        }
        long start = System.nanoTime();
        try {
            SsmResponse response = next.proceed(exchange);
            breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            return response;
        } catch (SsmException e) {
            long nanos = System.nanoTime() - start;
            if (e.isServerFailure()) {
                CircuitBreaker.State before = breaker.getState();
                breaker.onError(nanos, TimeUnit.NANOSECONDS, e);
                if (before != CircuitBreaker.State.OPEN && breaker.getState() == CircuitBreaker.State.OPEN) {
                    opening = new Opening(e.detail(), clock.instant());
                }
            } else {
                breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
            }
            throw e;
        } catch (RuntimeException | Error e) {
            breaker.releasePermission();
            throw e;
        }
    }

    private CircuitOpenException circuitOpen(Exchange exchange) {
        Opening why = opening;
        Instant now = clock.instant();
        Instant resume = why == null ? now.plus(waitInOpenState) : why.at.plus(waitInOpenState);
        Duration left = resume.isAfter(now) ? Duration.between(now, resume) : Duration.ZERO;
        String cause = why == null ? "" : " The failure that opened it, at " + why.at + ": " + why.failure;
        return new CircuitOpenException(exchange.target() + ": not sent: the circuit breaker for " + server
                + " is open after repeated failed calls (failure rate " + breaker.getMetrics().getFailureRate() + "%)."
                + cause + (cause.endsWith(".") ? "" : ".") + " Calls will be tried again from " + resume
                + " (in " + Math.max(1, (left.toMillis() + 999) / 1000) + " s).",
                "The server has been failing or unreachable; check its health. A trial request is let through "
                        + waitInOpenState.toSeconds() + " s after the circuit opened; retrying after that wait may succeed.",
                left);
    }

    /** The failure that opened the breaker, and when. */
    private record Opening(String failure, Instant at) {
    }
}
