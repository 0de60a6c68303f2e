package io.github.ssmonprem.core.internal.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.ssmonprem.core.exception.CircuitOpenException;
import io.github.ssmonprem.core.exception.ResourceNotFoundException;
import io.github.ssmonprem.core.exception.ServerUnavailableException;
import io.github.ssmonprem.core.internal.ClientMetrics;
import io.github.ssmonprem.core.testing.TestClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CircuitBreakerStepTest {

    private final TestClock clock = TestClock.start();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final CircuitBreaker breaker = CircuitBreaker.of("test", CircuitBreakerConfig.custom().slidingWindowSize(2)
            .minimumNumberOfCalls(2).failureRateThreshold(50).waitDurationInOpenState(Duration.ofSeconds(60)).clock(clock).build());
    private final CircuitBreakerStep step = new CircuitBreakerStep(breaker, Duration.ofSeconds(60), "ssm.example:8443", clock,
            new ClientMetrics(registry));

    @Test
    void serverFailuresOpenItAndTheOpenCircuitNamesTheFailureAndWhenCallsResume() {
        for (int i = 0; i < 2; i++) {
            assertThrows(ServerUnavailableException.class,
                    () -> step.proceed(Fakes.get(), new Fakes.ScriptedChain().fails(Fakes::badGateway)));
        }
        assertEquals(CircuitBreaker.State.OPEN, breaker.getState());
        clock.advance(Duration.ofSeconds(20));
        Fakes.ScriptedChain notCalled = new Fakes.ScriptedChain();
        CircuitOpenException open = assertThrows(CircuitOpenException.class, () -> step.proceed(Fakes.get(), notCalled));
        assertEquals(0, notCalled.calls(), "not sent");
        assertTrue(open.isRetryable());
        assertEquals(Duration.ofSeconds(40), open.retryAfter().orElseThrow());
        assertTrue(open.getMessage().contains("nginx answered 502: the SSM On-Prem backend is not answering"), open.getMessage());
        assertTrue(open.getMessage().contains("(in 40 s)"), open.getMessage());
        assertEquals(1.0, registry.get("ssm.client.requests").tag("outcome", "CIRCUIT_OPEN").timer().count());
    }

    @Test
    void aFailureThatSaysNothingOfTheServersHealthCountsAsASuccess() {
        for (int i = 0; i < 2; i++) {
            assertThrows(ResourceNotFoundException.class, () -> step.proceed(Fakes.get(), new Fakes.ScriptedChain()
                    .fails(() -> new ResourceNotFoundException("404", "r", 404, null, null, null))));
        }
        assertEquals(CircuitBreaker.State.CLOSED, breaker.getState());
        assertEquals(0, breaker.getMetrics().getNumberOfFailedCalls());
        assertEquals(2, breaker.getMetrics().getNumberOfSuccessfulCalls(), "a full window of them does not open it");
    }

    @Test
    void anUnexpectedErrorReleasesThePermissionAndIsNotCounted() {
        Chain broken = exchange -> {
            throw new IllegalStateException("bug");
        };
        assertThrows(IllegalStateException.class, () -> step.proceed(Fakes.get(), broken));
        assertEquals(0, breaker.getMetrics().getNumberOfBufferedCalls());
    }
}
