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
 * The transport's pipelines and what they own (connection pool, Apache client, attempt timers, circuit
 * breakers). {@link #steps} is the one place where the order of the steps is written. The token route
 * has a pipeline of its own, with its own circuit breaker and retry budget, over the same connections:
 * a failing token endpoint does not open the breaker of the API calls, nor the other way round.
 */
public final class TransportPipeline implements AutoCloseable {

    private final Route route;
    private final ScheduledExecutorService timers;
    private final PoolingHttpClientConnectionManager pool;
    private final CloseableHttpClient http;
    private final CircuitBreaker breaker;
    private final CircuitBreaker tokenBreaker;
    private final Pipeline pipeline;
    private final Pipeline tokenPipeline;
    private final String tokenPath;

    /**
     * Builds the pipeline of a transport.
     *
     * @param config the configuration
     * @throws io.github.ssmonprem.core.exception.SsmConfigurationException when the TLS settings cannot be applied
     */
    public TransportPipeline(SsmClientConfig config) {
        this.route = Route.of(config);
        ClientMetrics metrics = new ClientMetrics(config.meterRegistry().orElse(null));
        ErrorMapper errors = new ErrorMapper(config.proxy().orElse(null), config.clock(),
                config.retrySettings().maxRetryAfter());
        this.timers = AttemptTimer.scheduler();
        this.pool = ApacheClientFactory.pool(config, timers);
        this.http = ApacheClientFactory.client(config, pool, config.proxy().orElse(null));
        this.breaker = config.circuitBreakerEnabled() ? breaker(config, "") : null;
        this.tokenBreaker = config.circuitBreakerEnabled() ? breaker(config, "-token") : null;
        if (breaker != null) {
            metrics.bindCircuitBreaker(breaker, route.hostPort(), "api");
            metrics.bindCircuitBreaker(tokenBreaker, route.hostPort(), "token");
        }
        this.tokenPath = config.routes().tokenPath();
        ApacheExchangeStep exchange = new ApacheExchangeStep(http, timers, config, route, errors);
        this.pipeline = Pipeline.of(steps(config, breaker, route.hostPort(), retry(config, ""), metrics, errors, exchange));
        this.tokenPipeline = Pipeline.of(steps(config, tokenBreaker, route.hostPort() + " (token route)",
                retry(config, "-token"), metrics, errors, exchange));
    }

    /** The order of the steps, the first outermost. */
    private List<Step> steps(SsmClientConfig config, CircuitBreaker circuit, String server, Retry retry, ClientMetrics metrics,
            ErrorMapper errors, ApacheExchangeStep exchange) {
        List<Step> steps = new ArrayList<>();
        steps.add(new BearerTokenStep());
        if (circuit != null) {
            Duration wait = Duration.ofMillis(config.circuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1));
            steps.add(new CircuitBreakerStep(circuit, wait, server, config.clock(), metrics));
        }
        steps.add(new RetryStep(retry, config.callTimeout(), config.clock(), config.sleeper(), metrics));
        steps.add(new ObservationStep(metrics, route.via(), config.observationRegistry()));
        steps.add(new ErrorDecodingStep(errors, route));
        steps.add(exchange);
        return steps;
    }

    private Retry retry(SsmClientConfig config, String suffix) {
        return Retry.of("ssm-" + route.hostPort() + suffix, RetryPolicy.of(config.retrySettings()));
    }

    private CircuitBreaker breaker(SsmClientConfig config, String suffix) {
        CircuitBreakerConfig given = config.circuitBreakerConfig();
        CircuitBreakerConfig.Builder cb = CircuitBreakerConfig.from(given).clock(config.clock());
        if (config.clock().getClass() != Clock.systemUTC().getClass()
                && given.getSlidingWindowType() == CircuitBreakerConfig.SlidingWindowType.TIME_BASED
                && given.getSlidingWindowSynchronizationStrategy() == CircuitBreakerConfig.SlidingWindowSynchronizationStrategy.LOCK_FREE) {
            // Resilience4j's lock-free time window reads the system clock whatever the configured
            // one; with an injected clock, the synchronised window keeps time under its control.
            cb.slidingWindowSynchronizationStrategy(CircuitBreakerConfig.SlidingWindowSynchronizationStrategy.SYNCHRONIZED);
        }
        return CircuitBreaker.of("ssm-" + route.hostPort() + suffix, cb.build());
    }

    /**
     * Runs one call through the pipeline.
     *
     * @param exchange the prepared call
     * @return the 2xx answer
     * @throws io.github.ssmonprem.core.exception.SsmException typed by what went wrong, with the attempts made
     */
    public SsmResponse execute(Exchange exchange) {
        return (exchange.request().path().equals(tokenPath) ? tokenPipeline : pipeline).proceed(exchange);
    }

    /** {@return where requests go} */
    public Route route() {
        return route;
    }

    /** Stops the attempt timers and closes the client and its pool. */
    @Override
    public void close() {
        timers.shutdownNow();
        http.close(CloseMode.GRACEFUL);
        pool.close(CloseMode.GRACEFUL);
    }
}
