package io.github.ssmonprem.core.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;

/**
 * The transport's meters. With no registry every method is a no-op that allocates nothing.
 *
 * <ul>
 *   <li>{@code ssm.client.requests} (timer, per attempt): operation, method, status, outcome</li>
 *   <li>{@code ssm.client.retries} (counter): operation</li>
 *   <li>{@code ssm.client.circuit.state} (gauge, 1 for the current state): server, endpoint ({@code api} or
 *       {@code token}), state</li>
 * </ul>
 */
public final class ClientMetrics {

    /** Timer name. */
    public static final String REQUESTS = "ssm.client.requests";
    /** Counter name. */
    public static final String RETRIES = "ssm.client.retries";
    /** Gauge name. */
    public static final String CIRCUIT_STATE = "ssm.client.circuit.state";

    private final MeterRegistry registry;

    /**
     * Creates the client metrics.
     *
     * @param registry the registry, or null for none
     */
    public ClientMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** {@return whether meters are recorded} */
    public boolean enabled() {
        return registry != null;
    }

    /**
     * Records one attempt.
     *
     * @param operation the request's operation
     * @param method the HTTP method
     * @param status the HTTP status, or a word for no status ({@code NONE})
     * @param outcome the outcome class
     * @param nanos the attempt's duration
     */
    public void attempt(String operation, String method, String status, String outcome, long nanos) {
        Meters.time(registry, REQUESTS, "SSM On-Prem HTTP request attempts", nanos,
                "operation", operation, "method", method, "status", status, "outcome", outcome);
    }

    /**
     * Counts one retry.
     *
     * @param operation the request's operation
     */
    public void retry(String operation) {
        Meters.count(registry, RETRIES, "SSM On-Prem request retries", "retries", "operation", operation);
    }

    /**
     * Publishes the circuit breaker's state as one gauge per state, 1 for the current one.
     *
     * @param breaker the breaker
     * @param server the server's {@code host:port}
     * @param endpoint which calls it guards: {@code api} or {@code token}
     */
    public void bindCircuitBreaker(CircuitBreaker breaker, String server, String endpoint) {
        for (CircuitBreaker.State state : CircuitBreaker.State.values()) {
            Meters.gauge(registry, CIRCUIT_STATE, "SSM On-Prem client circuit breaker state (1 = current)", "state",
                    breaker, b -> b.getState() == state ? 1.0 : 0.0, "server", server, "endpoint", endpoint,
                    "state", state.name().toLowerCase(Locale.ROOT));
        }
    }
}
