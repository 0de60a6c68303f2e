package io.github.ssmonprem.auth;

import static io.github.ssmonprem.auth.AuthTestSupport.json;
import static io.github.ssmonprem.auth.AuthTestSupport.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.Secret;
import io.github.ssmonprem.core.exception.ServerUnavailableException;
import io.github.ssmonprem.core.http.SsmHttpClient;
import io.github.ssmonprem.core.http.SsmRequest;
import io.github.ssmonprem.core.testing.TestClock;
import io.github.ssmonprem.core.testing.TestSecrets;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestSecrets.NoLeaks.class)
class TokenLifecycleTest {

    private MockWebServer server;
    private TestClock clock;
    private SimpleMeterRegistry registry;
    private SsmHttpClient http;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
        clock = TestClock.start();
        registry = new SimpleMeterRegistry();
        http = SsmHttpClient.create(AuthTestSupport.config(server, clock, registry).build());
    }

    @AfterEach
    void stop() throws Exception {
        http.close();
        server.close();
    }

    private OAuthTokenProvider.Builder provider() {
        return OAuthTokenProvider.builder(http).grant(AuthTestSupport.passwordGrant());
    }

    private static String form(RecordedRequest r) {
        return r.getBody().utf8();
    }

    @Test
    void passwordGrantGoesInAFormBodyNeverInTheUrl() throws Exception {
        server.enqueue(token(TestSecrets.ACCESS_TOKEN, 3600L, null, null));
        try (OAuthTokenProvider tokens = provider().build()) {
            assertEquals(TestSecrets.ACCESS_TOKEN, tokens.accessToken().reveal());
        }
        RecordedRequest r = server.takeRequest();
        assertEquals("POST /backend/oauth/token HTTP/1.1", r.getRequestLine());
        assertFalse(r.getTarget().contains("?"), r.getTarget());
        assertTrue(r.getHeaders().get("Content-Type").startsWith("application/x-www-form-urlencoded"));
        String body = form(r);
        assertTrue(body.contains("grant_type=password"), body);
        assertTrue(body.contains("username=" + AuthTestSupport.USER), body);
        assertTrue(body.contains("password=" + TestSecrets.PASSWORD), body);
        assertTrue(body.contains("client_id=" + AuthTestSupport.CLIENT_ID), body);
        assertTrue(body.contains("client_secret=" + TestSecrets.CLIENT_SECRET), body);
        assertEquals(null, r.getHeaders().get("Authorization"));
    }

    @Test
    void clientCredentialsWithBasicAuthenticationKeepsTheSecretOutOfTheBody() throws Exception {
        server.enqueue(token(TestSecrets.ACCESS_TOKEN, 3600L, null, null));
        OAuthGrant grant = OAuthGrant.clientCredentials(AuthTestSupport.CLIENT_ID, Secret.of(TestSecrets.CLIENT_SECRET));
        try (OAuthTokenProvider tokens = OAuthTokenProvider.builder(http).grant(grant)
                .clientAuthentication(ClientAuthentication.BASIC).scope("licensing").build()) {
            tokens.token();
        }
        RecordedRequest r = server.takeRequest();
        assertEquals("grant_type=client_credentials&scope=licensing", form(r));
        String expected = Base64.getEncoder().encodeToString((AuthTestSupport.CLIENT_ID + ":" + TestSecrets.CLIENT_SECRET).getBytes());
        assertEquals("Basic " + expected, r.getHeaders().get("Authorization"));
        assertFalse(r.getTarget().contains("?"));
    }

    @Test
    void aFreshTokenIsServedFromCache() {
        server.enqueue(token(TestSecrets.ACCESS_TOKEN, 3600L, null, null));
        try (OAuthTokenProvider tokens = provider().build()) {
            AccessToken first = tokens.token();
            clock.advance(Duration.ofMinutes(30));
            assertSame(first, tokens.token());
            assertSame(first, tokens.token());
        }
        assertEquals(1, server.getRequestCount());
        assertEquals(1.0, registry.get("ssm.auth.token.requests").tag("grant_type", "password").tag("outcome", "success")
                .counter().count());
        assertEquals(1, registry.get("ssm.auth.token.acquisition").timer().count());
    }

    @Test
    void expiryComesFromCreatedAtPlusExpiresInOrTheLocalClockOrTheDefault() {
        Instant now = clock.instant();
        server.enqueue(token(TestSecrets.ACCESS_TOKEN, 7200L, null, now.minusSeconds(600).getEpochSecond()));
        server.enqueue(token(TestSecrets.ACCESS_TOKEN_2, 7200L, null, null));
        server.enqueue(token(TestSecrets.ACCESS_TOKEN, null, null, null));
        try (OAuthTokenProvider tokens = provider().defaultLifetime(Duration.ofMinutes(20)).build()) {
            assertEquals(now.plusSeconds(6600), tokens.token().expiresAt(), "created_at + expires_in");
            tokens.invalidate(Secret.of(TestSecrets.ACCESS_TOKEN));
            assertEquals(now.plusSeconds(7200), tokens.token().expiresAt(), "local clock + expires_in");
            tokens.invalidate(Secret.of(TestSecrets.ACCESS_TOKEN_2));
            assertEquals(now.plus(Duration.ofMinutes(20)), tokens.token().expiresAt(), "the configured default");
        }
    }

    @Test
    void aCreatedAtWithinTheSameSecondDoesNotShortenAShortLivedToken() {
        TestClock subSecond = TestClock.at(clock.instant().plusMillis(900));
        try (SsmHttpClient local = SsmHttpClient.create(AuthTestSupport.config(server, subSecond, registry).build());
                OAuthTokenProvider tokens = OAuthTokenProvider.builder(local).grant(AuthTestSupport.passwordGrant()).build()) {
            server.enqueue(token(TestSecrets.ACCESS_TOKEN, 1L, null, subSecond.instant().getEpochSecond()));
            AccessToken t = tokens.token();
            assertEquals(subSecond.instant().plusSeconds(1), t.expiresAt(), "timed from receipt, not from the truncated second");
            assertEquals(AccessToken.State.FRESH, t.state(subSecond.instant().plusMillis(700)));
        }
    }

    @Test
    void aServerClockFarBehindDoesNotMakeEveryTokenLookExpired() {
        long anHourAndMoreAgo = clock.instant().minusSeconds(4000).getEpochSecond();
        server.enqueue(token(TestSecrets.ACCESS_TOKEN, 3600L, null, anHourAndMoreAgo));
        try (OAuthTokenProvider tokens = provider().build()) {
            assertEquals(clock.instant().plusSeconds(3600), tokens.token().expiresAt());
        }
    }

    @Test
    void sixtyFourThreadsAtExpiryCauseExactlyOneTokenRequest() throws Exception {
        AtomicInteger tokenRequests = new AtomicInteger();
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                int n = tokenRequests.incrementAndGet();
                return token(n == 1 ? TestSecrets.ACCESS_TOKEN : TestSecrets.ACCESS_TOKEN_2, 3600L, null, null)
                        .newBuilder().headersDelay(200, TimeUnit.MILLISECONDS).build();
            }
        });
        try (OAuthTokenProvider tokens = provider().build()) {
            assertEquals(TestSecrets.ACCESS_TOKEN, tokens.accessToken().reveal());
            clock.advance(Duration.ofSeconds(3600));
            ExecutorService pool = Executors.newFixedThreadPool(64);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return tokens.accessToken().reveal();
                }));
            }
            go.countDown();
            for (Future<String> f : results) {
                assertEquals(TestSecrets.ACCESS_TOKEN_2, f.get(10, TimeUnit.SECONDS));
            }
            pool.shutdown();
        }
        assertEquals(2, tokenRequests.get(), "one initial request and one for all 64 callers at expiry");
    }

    @Test
    void aStaleTokenIsServedWhileOneBackgroundRefreshRuns() {
        AuthTestSupport.ManualExecutor background = new AuthTestSupport.ManualExecutor();
        server.enqueue(token(TestSecrets.ACCESS_TOKEN, 3600L, null, null));
        server.enqueue(token(TestSecrets.ACCESS_TOKEN_2, 3600L, null, null));
        try (OAuthTokenProvider tokens = provider().executor(background).build()) {
            tokens.token();
            clock.advance(Duration.ofSeconds(3600 - 120));
            for (int i = 0; i < 10; i++) {
                assertEquals(TestSecrets.ACCESS_TOKEN, tokens.accessToken().reveal(), "no caller waits");
            }
            assertEquals(1, background.pending(), "one background refresh, not ten");
            assertEquals(1, server.getRequestCount());
            background.runAll();
            assertEquals(TestSecrets.ACCESS_TOKEN_2, tokens.accessToken().reveal());
        }
        assertEquals(2, server.getRequestCount());
        assertEquals(1.0, registry.get("ssm.auth.token.refreshes").tag("mode", "background").counter().count());
    }

    /** A clock that holds one thread in its next reading until released; other threads read through. */
    private static final class GateClock extends java.time.Clock {
        private final java.time.Clock clock;
        private final CountDownLatch arrived = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);
        private volatile Thread held;

        GateClock(java.time.Clock clock) {
            this.clock = clock;
        }

        @Override
        public Instant instant() {
            if (Thread.currentThread() == held) {
                held = null;
                arrived.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return clock.instant();
        }

        @Override
        public java.time.ZoneId getZone() {
            return clock.getZone();
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void aCallerThatSawTheStaleTokenJustBeforeItsRefreshEndedStartsNoSecondRefresh() throws Exception {
        AuthTestSupport.ManualExecutor background = new AuthTestSupport.ManualExecutor();
        server.enqueue(token(TestSecrets.ACCESS_TOKEN, 3600L, null, null));
        server.enqueue(token(TestSecrets.ACCESS_TOKEN_2, 3600L, null, null));
        server.enqueue(token("a-third-token-nobody-needs", 3600L, null, null));
        GateClock gate = new GateClock(clock);
        try (SsmHttpClient gated = SsmHttpClient.create(AuthTestSupport.config(server, clock, registry).clock(gate).build());
                OAuthTokenProvider tokens = OAuthTokenProvider.builder(gated).grant(AuthTestSupport.passwordGrant())
                        .executor(background).build()) {
            tokens.token();
            clock.advance(Duration.ofSeconds(3600 - 120));
            assertEquals(TestSecrets.ACCESS_TOKEN, tokens.accessToken().reveal());
            assertEquals(1, background.pending());
            // A caller reads the stale token and is held before it looks at the time ...
            Thread late = new Thread(tokens::token);
            gate.held = late;
            late.start();
            assertTrue(gate.arrived.await(10, TimeUnit.SECONDS));
            // ... while the refresh ends; then it finds the token it read stale.
            background.runAll();
            gate.release.countDown();
            late.join(10_000);
            assertEquals(0, background.pending(), "a second background refresh was started for a fresh token");
            assertEquals(TestSecrets.ACCESS_TOKEN_2, tokens.accessToken().reveal());
        }
        assertEquals(2, server.getRequestCount());
        assertEquals(1.0, registry.get("ssm.auth.token.refreshes").tag("mode", "background").counter().count());
    }

    @Test
    void refreshTokensRotate() throws Exception {
        server.enqueue(token(TestSecrets.ACCESS_TOKEN, 3600L, "rt-one", null));
        server.enqueue(token(TestSecrets.ACCESS_TOKEN_2, 3600L, "rt-two", null));
        server.enqueue(token(TestSecrets.ACCESS_TOKEN, 3600L, null, null));
        try (OAuthTokenProvider tokens = provider().build()) {
            tokens.token();
            clock.advance(Duration.ofSeconds(3600));
            assertEquals(TestSecrets.ACCESS_TOKEN_2, tokens.accessToken().reveal());
            clock.advance(Duration.ofSeconds(3600));
            tokens.token();
            clock.advance(Duration.ofSeconds(3600));
            server.enqueue(token(TestSecrets.ACCESS_TOKEN_2, 3600L, null, null));
            tokens.token();
        }
        assertTrue(form(server.takeRequest()).startsWith("grant_type=password"));
        String second = form(server.takeRequest());
        assertTrue(second.startsWith("grant_type=refresh_token&refresh_token=rt-one&client_id="), second);
        assertTrue(form(server.takeRequest()).startsWith("grant_type=refresh_token&refresh_token=rt-two"));
        assertTrue(form(server.takeRequest()).startsWith("grant_type=refresh_token&refresh_token=rt-two"),
                "a refresh answer without a new refresh token keeps the previous one");
    }

    @Test
    void aRefusedRefreshTokenFallsBackToTheGrantOnce() throws Exception {
        server.enqueue(token(TestSecrets.ACCESS_TOKEN, 3600L, TestSecrets.REFRESH_TOKEN, null));
        server.enqueue(json(400, "{\"error\":\"invalid_grant\",\"error_description\":\"The provided authorization grant is invalid, expired, revoked\"}"));
        server.enqueue(token(TestSecrets.ACCESS_TOKEN_2, 3600L, null, null));
        try (OAuthTokenProvider tokens = provider().build()) {
            tokens.token();
            clock.advance(Duration.ofSeconds(3600));
            assertEquals(TestSecrets.ACCESS_TOKEN_2, tokens.accessToken().reveal());
        }
        server.takeRequest();
        assertTrue(form(server.takeRequest()).startsWith("grant_type=refresh_token"));
        assertTrue(form(server.takeRequest()).startsWith("grant_type=password"));
        assertEquals(3, server.getRequestCount());
    }

    @Test
    void aFailedBackgroundRefreshKeepsServingTheValidTokenAndBacksOff() {
        AuthTestSupport.ManualExecutor background = new AuthTestSupport.ManualExecutor();
        server.enqueue(token(TestSecrets.ACCESS_TOKEN, 3600L, null, null));
        for (int i = 0; i < 4; i++) {
            server.enqueue(new MockResponse.Builder().code(503).build());
        }
        try (OAuthTokenProvider tokens = provider().executor(background)
                .refreshBackoff(Duration.ofSeconds(30), Duration.ofMinutes(5)).build()) {
            tokens.token();
            clock.advance(Duration.ofSeconds(3600 - 280));
            assertEquals(TestSecrets.ACCESS_TOKEN, tokens.accessToken().reveal());
            background.runAll();
            assertEquals(5, server.getRequestCount(), "the background refresh tried 4 times and failed");
            Instant afterFailure = clock.instant();

            assertEquals(TestSecrets.ACCESS_TOKEN, tokens.accessToken().reveal(), "still served");
            assertEquals(0, background.pending(), "no new refresh during the back-off");

            clock.advance(Duration.between(clock.instant(), afterFailure.plusSeconds(31)));
            server.enqueue(token(TestSecrets.ACCESS_TOKEN_2, 3600L, null, null));
            assertEquals(TestSecrets.ACCESS_TOKEN, tokens.accessToken().reveal());
            assertEquals(1, background.pending(), "a new try once the back-off elapsed");
            background.runAll();
            assertEquals(TestSecrets.ACCESS_TOKEN_2, tokens.accessToken().reveal());
        }
    }

    @Test
    void anExpiredTokenWithTheServerDownFailsTypedForEveryWaitingCaller() {
        server.enqueue(token(TestSecrets.ACCESS_TOKEN, 3600L, null, null));
        for (int i = 0; i < 4; i++) {
            server.enqueue(new MockResponse.Builder().code(502).addHeader("Content-Type", "text/html").body("<html>nginx</html>").build());
        }
        try (OAuthTokenProvider tokens = provider().build()) {
            tokens.token();
            clock.advance(Duration.ofSeconds(3600));
            ServerUnavailableException e = assertThrows(ServerUnavailableException.class, tokens::token);
            assertNotNull(e.remediation());
        }
    }

    @Test
    void a401OnAnApiCallGetsOneNewTokenAndOneRepeat() throws Exception {
        server.enqueue(token(TestSecrets.ACCESS_TOKEN, 3600L, null, null));
        server.enqueue(new MockResponse.Builder().code(401)
                .addHeader("WWW-Authenticate", "Bearer realm=\"Doorkeeper\", error=\"invalid_token\", error_description=\"The access token was revoked\"")
                .build());
        server.enqueue(token(TestSecrets.ACCESS_TOKEN_2, 3600L, null, null));
        server.enqueue(json(200, "{\"accounts\":[]}"));
        try (OAuthTokenProvider tokens = provider().build()) {
            assertEquals(200, http.execute(SsmRequest.get("accounts", "/backend/api/v1/accounts").bearer(tokens).build())
                    .statusCode());
        }
        assertTrue(server.takeRequest().getTarget().endsWith("/oauth/token"));
        assertEquals("Bearer " + TestSecrets.ACCESS_TOKEN, server.takeRequest().getHeaders().get("Authorization"));
        assertTrue(server.takeRequest().getTarget().endsWith("/oauth/token"));
        assertEquals("Bearer " + TestSecrets.ACCESS_TOKEN_2, server.takeRequest().getHeaders().get("Authorization"));
        assertEquals(4, server.getRequestCount());
    }

    @Test
    void noSecretInToStrings() {
        server.enqueue(token(TestSecrets.ACCESS_TOKEN, 3600L, TestSecrets.REFRESH_TOKEN, null));
        try (OAuthTokenProvider tokens = provider().build()) {
            AccessToken t = tokens.token();
            TestSecrets.assertNoSecret("AccessToken", t.toString());
            TestSecrets.assertNoSecret("provider", tokens.toString());
            TestSecrets.assertNoSecret("grant", AuthTestSupport.passwordGrant().toString());
        }
    }
}
