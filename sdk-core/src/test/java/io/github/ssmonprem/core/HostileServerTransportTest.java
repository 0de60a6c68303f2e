package io.github.ssmonprem.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.ssmonprem.core.exception.CircuitOpenException;
import io.github.ssmonprem.core.exception.RateLimitedException;
import io.github.ssmonprem.core.exception.RedirectNotFollowedException;
import io.github.ssmonprem.core.exception.RequestTimeoutException;
import io.github.ssmonprem.core.exception.ServerUnavailableException;
import io.github.ssmonprem.core.exception.SsmServiceException;
import io.github.ssmonprem.core.http.SsmHttpClient;
import io.github.ssmonprem.core.http.SsmRequest;
import io.github.ssmonprem.core.testing.TestClock;
import io.github.ssmonprem.core.testing.TestSecrets;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** How the transport classifies and bounds the answers of a hostile or broken server. */
@ExtendWith(TestSecrets.NoLeaks.class)
class HostileServerTransportTest {

    private MockWebServer server;
    private TestClock clock;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
        clock = TestClock.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private SsmClientConfig.Builder config() {
        return SsmClientConfig.builder().baseUrl(server.url("/").toString()).allowPlainHttp(true).noProxy().clock(clock).sleeper(clock);
    }

    private static double breakerState(SimpleMeterRegistry registry, String endpoint, String state) {
        return registry.get("ssm.client.circuit.state").tag("endpoint", endpoint).tag("state", state).gauge().value();
    }

    private static SsmRequest get() {
        return SsmRequest.get("accounts", "/backend/api/v1/accounts").build();
    }

    private static SsmRequest token() {
        // A route decoder that claims every answer, as the OAuth decoder claims any body with an "error" field.
        return SsmRequest.post("token", SsmRoutes.defaults().tokenPath()).formBody(java.util.Map.of("grant_type", "password"))
                .idempotent(true)
                .errorDecoder(error -> new SsmServiceException("decoded by the route", "", false, error.statusCode(), "x", null, null))
                .build();
    }

    private static MockResponse json(int code, String body) {
        return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body).build();
    }

    @Test
    void a429IsThrottlingOnTheTokenRouteWhateverItsBody() {
        server.enqueue(json(429, "{\"error\":\"slow_down\",\"error_description\":\"too many token requests\"}"));
        server.enqueue(json(200, "{}"));
        try (SsmHttpClient http = SsmHttpClient.create(config().build())) {
            assertEquals(200, http.execute(token()).statusCode(), "retried as throttling, not decoded as an OAuth refusal");
        }
        assertEquals(2, server.getRequestCount());
        server.enqueue(json(429, "{\"error\":\"slow_down\"}"));
        try (SsmHttpClient http = SsmHttpClient.create(config().retry(RetrySettings.none()).build())) {
            RateLimitedException e = assertThrows(RateLimitedException.class, () -> http.execute(token()));
            assertTrue(e.isThrottling());
        }
    }

    @Test
    void aRetryAfterBeyondTheCapFailsAtOnceSayingWhen() {
        server.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", "3600").body("slow down").build());
        try (SsmHttpClient http = SsmHttpClient.create(config().build())) {
            RateLimitedException e = assertThrows(RateLimitedException.class, () -> http.execute(get()));
            assertFalse(e.isRetryable());
            assertEquals(1, e.attempts());
            assertTrue(e.getMessage().contains("retry after 3600 s (at 2026-01-01T01:00:00Z)"), e.getMessage());
            assertTrue(e.getMessage().contains("longer than the 60 s the SDK waits (maxRetryAfter): not retried"), e.getMessage());
        }
        assertEquals(1, server.getRequestCount());
        assertEquals(List.of(), clock.sleeps(), "no wait at the cap");
        server.enqueue(new MockResponse.Builder().code(503).addHeader("Retry-After", "7200").body("maintenance").build());
        try (SsmHttpClient http = SsmHttpClient.create(config().build())) {
            ServerUnavailableException e = assertThrows(ServerUnavailableException.class, () -> http.execute(get()));
            assertFalse(e.isRetryable());
            assertTrue(e.getMessage().contains("at 2026-01-01T02:00:00Z"), e.getMessage());
        }
    }

    @Test
    void aRedirectNamesItsLocationAndIsNotFollowed() {
        server.enqueue(new MockResponse.Builder().code(302).addHeader("Location", "https://login.example.net/portal?next=/api")
                .body("").build());
        try (SsmHttpClient http = SsmHttpClient.create(config().build())) {
            RedirectNotFollowedException e = assertThrows(RedirectNotFollowedException.class, () -> http.execute(token()));
            assertEquals(302, e.statusCode());
            assertEquals("https://login.example.net/portal?next=/api", e.location().orElseThrow());
            assertTrue(e.getMessage().contains("HTTP 302 redirect to https://login.example.net/portal?next=/api, not followed"),
                    e.getMessage());
            assertTrue(e.remediation().contains("--url"), e.remediation());
            assertFalse(e.isRetryable());
        }
        assertEquals(1, server.getRequestCount());
    }

    @Test
    void theTokenRouteHasItsOwnCircuitBreaker() {
        CircuitBreakerConfig cb = CircuitBreakerConfig.custom().slidingWindowSize(4).minimumNumberOfCalls(2)
                .failureRateThreshold(50).waitDurationInOpenState(Duration.ofSeconds(60)).build();
        for (int i = 0; i < 2; i++) {
            server.enqueue(new MockResponse.Builder().code(502).body("<html>502</html>").addHeader("Content-Type", "text/html").build());
        }
        server.enqueue(json(200, "{\"accounts\":[]}"));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (SsmHttpClient http = SsmHttpClient.create(config().retry(RetrySettings.none()).circuitBreakerConfig(cb)
                .meterRegistry(registry).build())) {
            assertThrows(ServerUnavailableException.class, () -> http.execute(token()));
            assertThrows(ServerUnavailableException.class, () -> http.execute(token()));
            assertEquals(1.0, breakerState(registry, "token", "open"), "the token route's breaker is open");
            assertEquals(1.0, breakerState(registry, "api", "closed"), "the API calls' breaker is closed");
            assertThrows(CircuitOpenException.class, () -> http.execute(token()), "the open token route fails fast");
            assertEquals(2, server.getRequestCount(), "the open token route sent nothing");
            assertEquals(200, http.execute(get()).statusCode(), "API calls still go out while the token route's breaker is open");
        }
    }

    @Test
    void theCallersDeadlineCutsRetriesAndAPassedOneSendsNothing() {
        server.enqueue(new MockResponse.Builder().code(503).addHeader("Retry-After", "30").body("busy").build());
        try (SsmHttpClient http = SsmHttpClient.create(config().build())) {
            Instant in10s = clock.instant().plusSeconds(10);
            RequestTimeoutException e = assertThrows(RequestTimeoutException.class,
                    () -> http.execute(SsmRequest.get("accounts", "/backend/api/v1/accounts").deadline(in10s).build()));
            assertEquals(RequestTimeoutException.Phase.DEADLINE, e.phase());
            assertFalse(e.isRetryable());
            assertTrue(e.isServerWide());
            assertFalse(e.isServerFailure());
            assertEquals(1, e.attempts());
            assertTrue(e.getMessage().contains("before the deadline of the work it belongs to (2026-01-01T00:00:10Z)"), e.getMessage());
            RequestTimeoutException passed = assertThrows(RequestTimeoutException.class,
                    () -> http.execute(SsmRequest.get("accounts", "/backend/api/v1/accounts").deadline(clock.instant()).build()));
            assertTrue(passed.getMessage().contains("not sent"), passed.getMessage());
        }
        assertEquals(1, server.getRequestCount());
    }

    @Test
    void anOversizedErrorCodeOrRequestIdIsNotQuotedWhole() {
        server.enqueue(new MockResponse.Builder().code(400).addHeader("Content-Type", "application/json")
                .addHeader("X-Request-Id", "r".repeat(5000)).body("{\"error\":\"" + "e".repeat(1_000_000) + "\"}").build());
        try (SsmHttpClient http = SsmHttpClient.create(config().build())) {
            SsmServiceException e = assertThrows(SsmServiceException.class, () -> http.execute(get()));
            assertTrue(e.getMessage().length() < 2_000, "message of " + e.getMessage().length() + " characters");
            assertTrue(e.errorCode().length() <= 103, e.errorCode());
        }
    }
}
