package io.github.ssmonprem.core.internal.pipeline;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.retry.Retry;
import io.github.ssmonprem.core.SsmClientConfig;
import io.github.ssmonprem.core.http.SsmResponse;
import io.github.ssmonprem.core.internal.ApacheClientFactory;
import io.github.ssmonprem.core.internal.AttemptTimer;
import io.github.ssmonprem.core.internal.ClientMetrics;
import io.github.ssmonprem.core.internal.ErrorMapper;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.core5.io.CloseMode;

/**
 * The transport's pipeline and what it owns (connection pool, Apache client, attempt timers, circuit
 * breaker). {@link #steps} is the one place where the order of the steps is written.
 */
public final class TransportPipeline implements AutoCloseable {

    private final Route route;
    private final ScheduledExecutorService timers;
    private final PoolingHttpClientConnectionManager pool;
    private final CloseableHttpClient http;
    private final CircuitBreaker breaker;
    private final Pipeline pipeline;

    /**
     * Builds the pipeline of a transport.
     *
     * @param config the configuration
     * @throws io.github.ssmonprem.core.exception.SsmConfigurationException when the TLS settings cannot be applied
     */
    public TransportPipeline(SsmClientConfig config) {
        this.route = Route.of(config);
        ClientMetrics metrics = new ClientMetrics(config.meterRegistry().orElse(null));
        ErrorMapper errors = new ErrorMapper(config.proxy().orElse(null), config.clock());
        this.pool = ApacheClientFactory.pool(config);
        this.http = ApacheClientFactory.client(config, pool, config.proxy().orElse(null));
        this.timers = AttemptTimer.scheduler();
        this.breaker = config.circuitBreakerEnabled() ? breaker(config) : null;
        if (breaker != null) {
            metrics.bindCircuitBreaker(breaker, route.hostPort());
        }
        Retry retry = Retry.of("ssm-" + route.hostPort(),
                config.retryConfig().orElseGet(() -> config.retrySettings().toRetryConfig()));
        this.pipeline = Pipeline.of(steps(config, retry, metrics, errors));
    }

    /** The order of the steps, the first outermost. */
    private List<Step> steps(SsmClientConfig config, Retry retry, ClientMetrics metrics, ErrorMapper errors) {
        List<Step> steps = new ArrayList<>();
        steps.add(new BearerTokenStep());
        if (breaker != null) {
            Duration wait = Duration.ofMillis(config.circuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1));
            steps.add(new CircuitBreakerStep(breaker, wait, route.hostPort(), config.clock(), metrics));
        }
        steps.add(new RetryStep(retry, config.callTimeout(), config.clock(), config.sleeper(), metrics));
        steps.add(new ObservationStep(metrics, route.via(), config.observationRegistry()));
        steps.add(new ErrorDecodingStep(errors, route));
        steps.add(new ApacheExchangeStep(http, timers, config, route, errors));
        return steps;
    }

    private CircuitBreaker breaker(SsmClientConfig config) {
        CircuitBreakerConfig given = config.circuitBreakerConfig();
        CircuitBreakerConfig.Builder cb = CircuitBreakerConfig.from(given).clock(config.clock());
        if (config.clock().getClass() != Clock.systemUTC().getClass()
                && given.getSlidingWindowType() == CircuitBreakerConfig.SlidingWindowType.TIME_BASED
                && given.getSlidingWindowSynchronizationStrategy() == CircuitBreakerConfig.SlidingWindowSynchronizationStrategy.LOCK_FREE) {
            // Resilience4j's lock-free time window reads the system clock whatever the configured
            // one; with an injected clock, the synchronised window keeps time under its control.
            cb.slidingWindowSynchronizationStrategy(CircuitBreakerConfig.SlidingWindowSynchronizationStrategy.SYNCHRONIZED);
        }
        return CircuitBreaker.of("ssm-" + route.hostPort(), cb.build());
    }

    /**
     * Runs one call through the pipeline.
     *
     * @param exchange the prepared call
     * @return the 2xx answer
     * @throws io.github.ssmonprem.core.exception.SsmException typed by what went wrong, with the attempts made
     */
    public SsmResponse execute(Exchange exchange) {
        return pipeline.proceed(exchange);
    }

    /**
     * Returns where requests go.
     *
     * @return where requests go
     */
    public Route route() {
        return route;
    }

    /**
     * Returns the circuit breaker, or null when disabled.
     *
     * @return the circuit breaker, or null when disabled
     */
    public CircuitBreaker circuitBreaker() {
        return breaker;
    }

    /** Stops the attempt timers and closes the client and its pool. */
    @Override
    public void close() {
        timers.shutdownNow();
        http.close(CloseMode.GRACEFUL);
        pool.close(CloseMode.GRACEFUL);
    }
}
