package io.github.ssmonprem.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.ssmonprem.core.exception.AccessDeniedException;
import io.github.ssmonprem.core.exception.CircuitOpenException;
import io.github.ssmonprem.core.exception.ConnectionFailedException;
import io.github.ssmonprem.core.exception.MalformedResponseException;
import io.github.ssmonprem.core.exception.RateLimitedException;
import io.github.ssmonprem.core.exception.RequestTimeoutException;
import io.github.ssmonprem.core.exception.ResourceNotFoundException;
import io.github.ssmonprem.core.exception.ServerUnavailableException;
import io.github.ssmonprem.core.exception.SsmServiceException;
import io.github.ssmonprem.core.exception.UnauthorizedException;
import io.github.ssmonprem.core.http.AccessTokenSource;
import io.github.ssmonprem.core.http.SsmHttpClient;
import io.github.ssmonprem.core.http.SsmRequest;
import io.github.ssmonprem.core.http.SsmResponse;
import io.github.ssmonprem.core.testing.LogCapture;
import io.github.ssmonprem.core.testing.RawServer;
import io.github.ssmonprem.core.testing.TestClock;
import io.github.ssmonprem.core.testing.TestSecrets;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestSecrets.NoLeaks.class)
class TransportTest {

    static final String NGINX_502 = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
            + "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

    private MockWebServer server;
    private TestClock clock;
    private SimpleMeterRegistry registry;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
        clock = TestClock.start();
        registry = new SimpleMeterRegistry();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private SsmClientConfig.Builder config() {
        return SsmClientConfig.builder()
                .baseUrl(server.url("/").toString())
                .allowPlainHttp(true)
                .noProxy()
                .clock(clock)
                .sleeper(clock)
                .meterRegistry(registry);
    }

    private static MockResponse json(int code, String body) {
        return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body).build();
    }

    private static SsmRequest get() {
        return SsmRequest.get("accounts", "/backend/api/v1/accounts").build();
    }

    @Test
    void aClosedClientSaysSoInsteadOfConnectionPoolShutDown() {
        SsmHttpClient http = SsmHttpClient.create(config().build());
        http.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> http.execute(get(), JsonNode.class));
        assertTrue(e.getMessage().contains("client is closed"), e.getMessage());
        assertEquals(0, server.getRequestCount(), "nothing was sent");
    }

    @Test
    void twoServiceUnavailableThenOkSucceedsOnTheThirdAttemptAndCountsTwoRetries() {
        server.enqueue(new MockResponse.Builder().code(503).body("busy").build());
        server.enqueue(new MockResponse.Builder().code(503).body("busy").build());
        server.enqueue(json(200, "{\"accounts\":[]}"));
        try (SsmHttpClient http = SsmHttpClient.create(config().build())) {
            JsonNode answer = http.execute(get(), JsonNode.class);
            assertTrue(answer.get("accounts").isArray());
        }
        assertEquals(3, server.getRequestCount());
        assertEquals(2.0, registry.get("ssm.client.retries").tag("operation", "accounts").counter().count());
        long attempts = registry.get("ssm.client.requests").timers().stream().mapToLong(Timer::count).sum();
        assertEquals(3, attempts);
        assertEquals(2, registry.get("ssm.client.requests").tag("status", "503").tag("outcome", "SERVER_ERROR").timer().count());
        assertEquals(1, registry.get("ssm.client.requests").tag("status", "200").tag("outcome", "SUCCESS").timer().count());
        assertEquals(2, clock.sleeps().size(), "two back-off waits, on the injected sleeper");
    }

    @Test
    void retryAfterSecondsIsHonouredOnTheInjectedClock() {
        server.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", "7").build());
        server.enqueue(json(200, "{}"));
        try (SsmHttpClient http = SsmHttpClient.create(config().build())) {
            http.execute(get());
        }
        assertEquals(List.of(Duration.ofSeconds(7)), clock.sleeps());
    }

    @Test
    void retryAfterHttpDateIsHonoured() {
        String in30s = DateTimeFormatter.RFC_1123_DATE_TIME.format(clock.instant().plusSeconds(30).atZone(clock.getZone()));
        String in80s = DateTimeFormatter.RFC_1123_DATE_TIME.format(clock.instant().plusSeconds(80).atZone(clock.getZone()));
        server.enqueue(new MockResponse.Builder().code(503).addHeader("Retry-After", in30s).build());
        server.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", in80s).build());
        server.enqueue(json(200, "{}"));
        try (SsmHttpClient http = SsmHttpClient.create(config().build())) {
            http.execute(get());
        }
        assertEquals(Duration.ofSeconds(30), clock.sleeps().get(0));
        // The second wait is measured from the moved clock (t+30 s) to t+80 s: within the 60 s cap.
        assertEquals(Duration.ofSeconds(50), clock.sleeps().get(1));
    }

    @Test
    void deadPortGivesConnectionRefusedAfterTheConfiguredAttempts() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        SsmClientConfig cfg = config().baseUrl("http://127.0.0.1:" + deadPort)
                .retry(RetrySettings.builder().maxAttempts(3).build()).build();
        try (SsmHttpClient http = SsmHttpClient.create(cfg)) {
            ConnectionFailedException e = assertThrows(ConnectionFailedException.class, () -> http.execute(get()));
            assertEquals(ConnectionFailedException.Reason.CONNECTION_REFUSED, e.reason());
            assertEquals(3, e.attempts());
            assertTrue(e.getMessage().contains("127.0.0.1"), e.getMessage());
            assertTrue(e.remediation().contains("listening"), e.remediation());
        }
        assertEquals(2, clock.sleeps().size());
    }

    @Test
    void backoffGrowsExponentiallyWithinTheJitterBand() {
        for (int i = 0; i < 4; i++) {
            server.enqueue(new MockResponse.Builder().code(502).body(NGINX_502).build());
        }
        RetrySettings settings = RetrySettings.builder().maxAttempts(4).initialBackoff(Duration.ofMillis(500))
                .multiplier(2).jitter(0.5).maxBackoff(Duration.ofSeconds(30)).build();
        try (SsmHttpClient http = SsmHttpClient.create(config().retry(settings).build())) {
            assertThrows(ServerUnavailableException.class, () -> http.execute(get()));
        }
        List<Duration> sleeps = clock.sleeps();
        assertEquals(3, sleeps.size());
        long[] base = {500, 1000, 2000};
        for (int i = 0; i < 3; i++) {
            long ms = sleeps.get(i).toMillis();
            assertTrue(ms >= base[i] / 2 && ms <= base[i] * 3 / 2, "wait " + i + " was " + ms + " ms");
        }
    }

    @Test
    void postWithoutIdempotencyIsNotRetried() {
        server.enqueue(new MockResponse.Builder().code(503).build());
        server.enqueue(json(200, "{}"));
        try (SsmHttpClient http = SsmHttpClient.create(config().build())) {
            SsmRequest post = SsmRequest.post("report", "/backend/api/v2/devices/reportusage").jsonBody(Map.of("a", 1)).build();
            ServerUnavailableException e = assertThrows(ServerUnavailableException.class, () -> http.execute(post));
            assertEquals(1, e.attempts());
        }
        assertEquals(1, server.getRequestCount());
    }

    @Test
    void idempotentPostIsRetriedWithTheSameBody() throws Exception {
        server.enqueue(new MockResponse.Builder().code(503).build());
        server.enqueue(json(200, "{}"));
        try (SsmHttpClient http = SsmHttpClient.create(config().build())) {
            http.execute(SsmRequest.post("report", "/r").jsonBody(Map.of("nonce", "n-1")).header("Idempotency-Key", "n-1")
                    .idempotent(true).build());
        }
        RecordedRequest first = server.takeRequest();
        RecordedRequest second = server.takeRequest();
        assertEquals(first.getBody().utf8(), second.getBody().utf8());
        assertEquals("n-1", second.getHeaders().get("Idempotency-Key"));
    }

    @Test
    void clientErrorsAreNotRetried() {
        server.enqueue(json(404, "{\"status\":\"ERROR\",\"statusMessage\":\"Account acme.example not found\"}"));
        try (SsmHttpClient http = SsmHttpClient.create(config().build())) {
            ResourceNotFoundException e = assertThrows(ResourceNotFoundException.class, () -> http.execute(get()));
            assertEquals("Account acme.example not found", e.serverMessage());
            assertEquals("ERROR", e.errorCode());
            assertEquals(404, e.statusCode());
            assertEquals(1, e.attempts());
        }
        assertEquals(1, server.getRequestCount());
    }

    @Test
    void circuitOpensAfterRepeatedFailuresAndFailsFastThenLetsATrialThrough() {
        for (int i = 0; i < 4; i++) {
            server.enqueue(new MockResponse.Builder().code(502).body(NGINX_502).build());
        }
        CircuitBreakerConfig cb = CircuitBreakerConfig.custom().slidingWindowSize(4).minimumNumberOfCalls(4)
                .failureRateThreshold(50).waitDurationInOpenState(Duration.ofSeconds(60)).build();
        try (SsmHttpClient http = SsmHttpClient.create(config().retry(RetrySettings.none()).circuitBreakerConfig(cb).build())) {
            for (int i = 0; i < 4; i++) {
                assertThrows(ServerUnavailableException.class, () -> http.execute(get()));
            }
            CircuitOpenException open = assertThrows(CircuitOpenException.class, () -> http.execute(get()));
            assertTrue(open.isRetryable(), "retryable once the breaker's wait has elapsed");
            assertEquals(Optional.of(Duration.ofSeconds(60)), open.retryAfter());
            assertTrue(open.getMessage().contains("The failure that opened it"), open.getMessage());
            assertTrue(open.getMessage().contains("HTTP 502"), open.getMessage());
            assertTrue(open.getMessage().contains("Calls will be tried again from " + clock.instant().plusSeconds(60)),
                    open.getMessage());
            assertTrue(open.remediation().contains("60 s after the circuit opened"), open.remediation());
            assertEquals(4, server.getRequestCount(), "the open circuit sent nothing");
            assertEquals(1.0, registry.get("ssm.client.circuit.state").tag("endpoint", "api").tag("state", "open").gauge().value());

            clock.advance(Duration.ofSeconds(61));
            server.enqueue(json(200, "{}"));
            assertEquals(200, http.execute(get()).statusCode());
        }
    }

    @Test
    void theCircuitBreakerCountsCallsNotAttempts() {
        for (int i = 0; i < 4; i++) {
            server.enqueue(new MockResponse.Builder().code(502).body(NGINX_502).build());
        }
        server.enqueue(json(200, "{}"));
        CircuitBreakerConfig cb = CircuitBreakerConfig.custom().slidingWindowSize(4).minimumNumberOfCalls(2)
                .failureRateThreshold(50).waitDurationInOpenState(Duration.ofSeconds(60)).build();
        try (SsmHttpClient http = SsmHttpClient.create(config().circuitBreakerConfig(cb).build())) {
            ServerUnavailableException failed = assertThrows(ServerUnavailableException.class, () -> http.execute(get()));
            assertEquals(4, failed.attempts());
            assertEquals(0.0, apiBreakerOpen(), "one call, four attempts: fewer calls than the breaker needs to judge");
            assertEquals(200, http.execute(get()).statusCode(), "one failed call does not open the breaker");
            assertEquals(1.0, apiBreakerOpen(), "one failed call of two (50 %) opens it: the failed call was counted, once");
            assertThrows(CircuitOpenException.class, () -> http.execute(get()));
        }
        assertEquals(5, server.getRequestCount());
    }

    private double apiBreakerOpen() {
        return registry.get("ssm.client.circuit.state").tag("endpoint", "api").tag("state", "open").gauge().value();
    }

    @Test
    void nginxHtml404SaysTheBaseUrlPathIsWrongNotTheSmartAccount() {
        server.enqueue(new MockResponse.Builder().code(404).addHeader("Content-Type", "text/html")
                .body("<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>"
                        + "\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n").build());
        try (SsmHttpClient http = SsmHttpClient.create(config().build())) {
            ResourceNotFoundException e = assertThrows(ResourceNotFoundException.class, () -> http.execute(get()));
            assertTrue(e.getMessage().contains("base URL's path is probably wrong"), e.getMessage());
            assertFalse(e.remediation().contains("smart account domain"), e.remediation());
        }
    }

    @Test
    void aNoRoute404PointsAtTheBaseUrlAndAnAccount404AtNoSetting() {
        server.enqueue(new MockResponse.Builder().code(404).addHeader("Content-Type", "text/html").body("<html>nginx</html>").build());
        server.enqueue(json(404, "{\"status\":\"ERROR\",\"statusMessage\":\"Smart account not found\"}"));
        try (SsmHttpClient http = SsmHttpClient.create(config().build())) {
            assertEquals("baseUrl", assertThrows(ResourceNotFoundException.class, () -> http.execute(get())).setting());
            assertEquals(null, assertThrows(ResourceNotFoundException.class, () -> http.execute(get())).setting());
        }
    }

    @Test
    void plainHttpToATlsPortPointsAtTheBaseUrl() {
        io.github.ssmonprem.core.internal.ErrorMapper mapper = new io.github.ssmonprem.core.internal.ErrorMapper(null, clock);
        ConnectionFailedException plain = (ConnectionFailedException) mapper.fromIoException(
                new org.apache.hc.core5.http.NoHttpResponseException("no answer"), "GET http://h:8443/backend/api/v1/accounts", "h", false);
        assertEquals("baseUrl", plain.setting());
        assertTrue(plain.remediation().contains("use https://"), plain.remediation());
        ConnectionFailedException tls = (ConnectionFailedException) mapper.fromIoException(
                new org.apache.hc.core5.http.NoHttpResponseException("no answer"), "GET https://h:8443/backend/api/v1/accounts", "h", false);
        assertEquals(null, tls.setting(), "a transient failure: no setting to change");
    }

    @Test
    void ssmOwn404KeepsTheAccountRemediation() {
        server.enqueue(json(404, "{\"status\":\"ERROR\",\"statusMessage\":\"Smart account not found\"}"));
        try (SsmHttpClient http = SsmHttpClient.create(config().build())) {
            ResourceNotFoundException e = assertThrows(ResourceNotFoundException.class, () -> http.execute(get()));
            assertTrue(e.remediation().contains("smart account domain"), e.remediation());
        }
    }

    @Test
    void dnsFailureNamesTheHostCleanly() {
        // The JDK's message on Linux; mapped without a lookup, so the test needs no resolver.
        ConnectionFailedException e = (ConnectionFailedException) new io.github.ssmonprem.core.internal.ErrorMapper(null, clock)
                .fromIoException(new java.net.UnknownHostException("nosuchhost.invalid: Name or service not known"),
                        "GET https://nosuchhost.invalid:8443/backend/api/v1/accounts", "nosuchhost.invalid", false);
        assertEquals(ConnectionFailedException.Reason.DNS_RESOLUTION, e.reason());
        assertTrue(e.getMessage().contains("the host name 'nosuchhost.invalid' does not resolve."), e.getMessage());
        assertFalse(e.getMessage().contains("Name or service"), e.getMessage());
        assertFalse(e.isRetryable());
    }

    @Test
    void nginxBadGatewayPageIsServerUnavailableNamingTheBackend() {
        for (int i = 0; i < 4; i++) {
            server.enqueue(new MockResponse.Builder().code(502).addHeader("Content-Type", "text/html")
                    .addHeader("X-Request-Id", "req-42").body(NGINX_502).build());
        }
        try (SsmHttpClient http = SsmHttpClient.create(config().build())) {
            ServerUnavailableException e = assertThrows(ServerUnavailableException.class, () -> http.execute(get()));
            assertEquals(502, e.statusCode());
            assertTrue(e.getMessage().contains("backend behind it is not answering"), e.getMessage());
            assertEquals("req-42", e.requestId());
            assertEquals(4, e.attempts());
            assertTrue(e.isRetryable());
        }
    }

    @Test
    void truncatedJsonIsAMalformedResponseNotAJacksonError() {
        server.enqueue(json(200, "{\"accounts\":[{\"accountName\":\"Acme\","));
        try (SsmHttpClient http = SsmHttpClient.create(config().build())) {
            MalformedResponseException e = assertThrows(MalformedResponseException.class,
                    () -> http.execute(get(), JsonNode.class));
            assertTrue(e.getMessage().contains("not the expected JSON (not well-formed JSON at line 1, column 36)")
                    || e.getMessage().contains("not the expected JSON (it ends before its JSON does at line 1"), e.getMessage());
            assertFalse(e.getMessage().contains("Exception"), "in words, not the parser's type: " + e.getMessage());
            assertTrue(e.snippet().startsWith("{\"accounts\""), e.snippet());
            assertEquals(null, e.getCause());
        }
    }

    @Test
    void nonJsonBodyIsAMalformedResponse() {
        server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "text/html")
                .body("<html><body>Please log in to the captive portal</body></html>").build());
        try (SsmHttpClient http = SsmHttpClient.create(config().build())) {
            MalformedResponseException e = assertThrows(MalformedResponseException.class,
                    () -> http.execute(get(), JsonNode.class));
            assertTrue(e.snippet().contains("captive portal"), e.snippet());
            assertTrue(e.getMessage().contains("(not well-formed JSON at line 1"), e.getMessage());
            assertEquals(200, e.statusCode());
        }
    }

    @Test
    void bodyCutShortMidTransferIsARetriedConnectionFailureNotAMalformedResponse() throws Exception {
        try (RawServer raw = new RawServer("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                + "Content-Length: 500\r\n\r\n{\"accounts\":[");
                SsmHttpClient http = SsmHttpClient.create(config().baseUrl("http://127.0.0.1:" + raw.port())
                        .retry(RetrySettings.builder().maxAttempts(3).build()).build())) {
            ConnectionFailedException e = assertThrows(ConnectionFailedException.class, () -> http.execute(get()));
            assertEquals(ConnectionFailedException.Reason.CONNECTION_CLOSED, e.reason());
            assertTrue(e.isRetryable());
            assertEquals(3, e.attempts());
            assertTrue(e.getMessage().contains("cut short"), e.getMessage());
            assertFalse(e.getMessage().contains("Exception"), "in words, not the cause's type: " + e.getMessage());
        }
        assertEquals(2, clock.sleeps().size(), "the cut answer was retried");
    }

    @Test
    void chunkedBodyCutShortIsAConnectionFailure() throws Exception {
        try (RawServer raw = new RawServer("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n400\r\n{\"accounts\":[");
                SsmHttpClient http = SsmHttpClient.create(config().baseUrl("http://127.0.0.1:" + raw.port())
                        .retry(RetrySettings.none()).build())) {
            ConnectionFailedException e = assertThrows(ConnectionFailedException.class, () -> http.execute(get()));
            assertEquals(ConnectionFailedException.Reason.CONNECTION_CLOSED, e.reason());
        }
    }

    @Test
    void bodyOverTheCapIsRejectedWithAClearError() {
        server.enqueue(json(200, "{\"x\":\"" + "a".repeat(4000) + "\"}"));
        try (SsmHttpClient http = SsmHttpClient.create(config().maxResponseBytes(2048).build())) {
            MalformedResponseException e = assertThrows(MalformedResponseException.class, () -> http.execute(get()));
            assertTrue(e.getMessage().contains("maxResponseBytes (2048)"), e.getMessage());
        }
    }

    @Test
    void slowAnswerIsAResponseTimeout() {
        server.enqueue(new MockResponse.Builder().code(200).headersDelay(2, java.util.concurrent.TimeUnit.SECONDS).build());
        try (SsmHttpClient http = SsmHttpClient.create(config().responseTimeout(Duration.ofMillis(300))
                .retry(RetrySettings.none()).build())) {
            RequestTimeoutException e = assertThrows(RequestTimeoutException.class, () -> http.execute(get()));
            assertEquals(RequestTimeoutException.Phase.RESPONSE, e.phase());
            assertTrue(e.isRetryable());
        }
    }

    @Test
    void bearerTokenIsSentAndA401RenewsTheTokenAndRepeatsOnce() throws Exception {
        server.enqueue(new MockResponse.Builder().code(401)
                .addHeader("WWW-Authenticate", "Bearer realm=\"Doorkeeper\", error=\"invalid_token\", error_description=\"The access token expired\"")
                .build());
        server.enqueue(json(200, "{\"accounts\":[]}"));
        RotatingTokens tokens = new RotatingTokens(TestSecrets.ACCESS_TOKEN, TestSecrets.ACCESS_TOKEN_2);
        try (SsmHttpClient http = SsmHttpClient.create(config().build())) {
            SsmResponse r = http.execute(SsmRequest.get("accounts", "/backend/api/v1/accounts").bearer(tokens).build());
            assertEquals(200, r.statusCode());
        }
        assertEquals("Bearer " + TestSecrets.ACCESS_TOKEN, server.takeRequest().getHeaders().get("Authorization"));
        assertEquals("Bearer " + TestSecrets.ACCESS_TOKEN_2, server.takeRequest().getHeaders().get("Authorization"));
        assertEquals(List.of(TestSecrets.ACCESS_TOKEN), tokens.invalidated);
        assertFalse(LogCapture.linesOf("io.github.ssmonprem").isEmpty(), "the transport logged at DEBUG");
    }

    @Test
    void aSecond401IsATypedUnauthorizedError() {
        server.enqueue(new MockResponse.Builder().code(401).addHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"").build());
        server.enqueue(new MockResponse.Builder().code(401).addHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"").build());
        RotatingTokens tokens = new RotatingTokens(TestSecrets.ACCESS_TOKEN, TestSecrets.ACCESS_TOKEN_2);
        try (SsmHttpClient http = SsmHttpClient.create(config().build())) {
            UnauthorizedException e = assertThrows(UnauthorizedException.class,
                    () -> http.execute(SsmRequest.get("accounts", "/backend/api/v1/accounts").bearer(tokens).build()));
            assertEquals(2, e.attempts());
            TestSecrets.assertNoSecret(e);
        }
        assertEquals(2, server.getRequestCount());
    }

    @Test
    void errorDecoderOfTheRouteWinsOverTheDefaultMapping() {
        server.enqueue(json(400, "{\"error\":\"custom\"}"));
        try (SsmHttpClient http = SsmHttpClient.create(config().build())) {
            SsmServiceException e = assertThrows(SsmServiceException.class, () -> http.execute(
                    SsmRequest.get("x", "/x").errorDecoder(err -> new AccessDeniedException("decoded " + err.jsonText("error").orElseThrow(),
                            "r", 400, null, null, null)).build()));
            assertTrue(e instanceof AccessDeniedException);
            assertTrue(e.getMessage().startsWith("decoded custom"));
        }
    }

    @Test
    void requestLogLineCarriesMethodPathStatusAndAttemptButNoSecret() {
        server.enqueue(json(200, "{}"));
        RotatingTokens tokens = new RotatingTokens(TestSecrets.ACCESS_TOKEN);
        try (SsmHttpClient http = SsmHttpClient.create(config().build())) {
            http.execute(SsmRequest.post("token", "/backend/oauth/token")
                    .formBody(Map.of("client_secret", TestSecrets.CLIENT_SECRET, "password", TestSecrets.PASSWORD))
                    .bearer(tokens).build());
        }
        List<String> lines = LogCapture.linesOf(SsmHttpClient.class.getName());
        assertEquals(1, lines.size(), lines.toString());
        String line = lines.get(0);
        assertTrue(line.contains("POST /backend/oauth/token -> 200 SUCCESS"), line);
        assertTrue(line.contains("attempt 1/1"), line);
        assertTrue(line.contains("Authorization: Bearer ****"), line);
        assertNotNull(line);
    }

    /** Hands out the given tokens in turn and records which were invalidated. */
    static final class RotatingTokens implements AccessTokenSource {
        private final List<String> tokens;
        private final AtomicInteger next = new AtomicInteger();
        final List<String> invalidated = new ArrayList<>();

        RotatingTokens(String... tokens) {
            this.tokens = List.of(tokens);
        }

        @Override
        public Secret accessToken() {
            return Secret.of(tokens.get(Math.min(next.get(), tokens.size() - 1)));
        }

        @Override
        public void invalidate(Secret rejected) {
            invalidated.add(rejected.reveal());
            next.incrementAndGet();
        }
    }
}
