package io.github.ssmonprem.core.internal.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.resilience4j.retry.Retry;
import io.github.ssmonprem.core.RetrySettings;
import io.github.ssmonprem.core.exception.RequestTimeoutException;
import io.github.ssmonprem.core.exception.ResourceNotFoundException;
import io.github.ssmonprem.core.exception.ServerUnavailableException;
import io.github.ssmonprem.core.http.SsmRequest;
import io.github.ssmonprem.core.internal.ClientMetrics;
import io.github.ssmonprem.core.testing.TestClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetryStepTest {

    private final TestClock clock = TestClock.start();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private RetryStep step(int maxAttempts, Duration callTimeout) {
        RetrySettings settings = RetrySettings.builder().maxAttempts(maxAttempts).initialBackoff(Duration.ofSeconds(1))
                .multiplier(2).jitter(0).build();
        return new RetryStep(Retry.of("test", RetryPolicy.of(settings)), callTimeout, clock, clock, new ClientMetrics(registry));
    }

    @Test
    void retriesARetryableFailureAndNumbersTheAttempts() {
        Fakes.ScriptedChain chain = new Fakes.ScriptedChain().fails(Fakes::badGateway).fails(Fakes::reset)
                .answers(Fakes.answer(200, "{}"));
        assertEquals(200, step(4, Duration.ofMinutes(5)).proceed(Fakes.get(), chain).statusCode());
        assertEquals(List.of(1, 2, 3), chain.attemptsSeen);
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2)), clock.sleeps());
        assertEquals(2.0, registry.get("ssm.client.retries").tag("operation", "accounts").counter().count());
    }

    @Test
    void theErrorReportsTheAttemptsReallyMade() {
        Fakes.ScriptedChain chain = new Fakes.ScriptedChain();
        for (int i = 0; i < 4; i++) {
            chain.fails(Fakes::badGateway);
        }
        ServerUnavailableException e = assertThrows(ServerUnavailableException.class,
                () -> step(4, Duration.ofMinutes(5)).proceed(Fakes.get(), chain));
        assertEquals(4, e.attempts());
        assertEquals(4, chain.calls());
    }

    @Test
    void aFailureThatIsNotRetryableIsThrownAfterOneAttempt() {
        Fakes.ScriptedChain chain = new Fakes.ScriptedChain()
                .fails(() -> new ResourceNotFoundException("404", "r", 404, null, null, null));
        ResourceNotFoundException e = assertThrows(ResourceNotFoundException.class,
                () -> step(4, Duration.ofMinutes(5)).proceed(Fakes.get(), chain));
        assertEquals(1, e.attempts());
    }

    @Test
    void aRequestThatIsNotSafeToRepeatIsSentOnce() {
        Exchange post = Exchange.of(SsmRequest.post("usage", "/usage").jsonBody(new byte[] {'{', '}'}).idempotent(false).build(),
                "https://ssm.example:8443");
        Fakes.ScriptedChain chain = new Fakes.ScriptedChain().fails(Fakes::badGateway);
        ServerUnavailableException e = assertThrows(ServerUnavailableException.class, () -> step(4, Duration.ofMinutes(5)).proceed(post, chain));
        assertEquals(1, e.attempts());
        assertEquals(1, post.maxAttempts());
    }

    @Test
    void aBackOffThatWouldPassTheCallDeadlineEndsTheCallWithACallTimeout() {
        Fakes.ScriptedChain chain = new Fakes.ScriptedChain().fails(Fakes::badGateway).fails(Fakes::badGateway);
        RequestTimeoutException e = assertThrows(RequestTimeoutException.class,
                () -> step(4, Duration.ofMillis(2500)).proceed(Fakes.get(), chain));
        assertEquals(RequestTimeoutException.Phase.CALL, e.phase());
        assertEquals(2, e.attempts());
        assertTrue(e.getMessage().contains("callTimeout (2500 ms) after 2 attempts"), e.getMessage());
        assertTrue(e.getMessage().contains("nginx answered 502"), "names the last failure: " + e.getMessage());
    }

    @Test
    void setsTheCallDeadlineTheExchangeStepBoundsAttemptsBy() {
        Exchange exchange = Fakes.get();
        long start = clock.millis();
        step(4, Duration.ofSeconds(30)).proceed(exchange, new Fakes.ScriptedChain().answers(Fakes.answer(200, "{}")));
        assertEquals(start + 30_000, exchange.deadlineMillis());
    }

    @Test
    void aCallTimeoutFromAnAttemptIsNotRetried() {
        RequestTimeoutException call = new RequestTimeoutException(RequestTimeoutException.Phase.CALL, "call", "r", null);
        Fakes.ScriptedChain chain = new Fakes.ScriptedChain().fails(Fakes::badGateway).fails(() -> call);
        RequestTimeoutException e = assertThrows(RequestTimeoutException.class,
                () -> step(4, Duration.ofMinutes(5)).proceed(Fakes.get(), chain));
        assertSame(call, e);
        assertEquals(2, e.attempts());
    }
}
