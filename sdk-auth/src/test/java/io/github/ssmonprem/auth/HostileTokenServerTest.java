package io.github.ssmonprem.auth;

import static io.github.ssmonprem.auth.AuthTestSupport.json;
import static io.github.ssmonprem.auth.AuthTestSupport.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.RetrySettings;
import io.github.ssmonprem.core.Secret;
import io.github.ssmonprem.core.exception.MalformedResponseException;
import io.github.ssmonprem.core.exception.RateLimitedException;
import io.github.ssmonprem.core.exception.SsmConfigurationException;
import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.core.http.SsmHttpClient;
import io.github.ssmonprem.core.testing.TestClock;
import io.github.ssmonprem.core.testing.TestSecrets;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The token route against a hostile or broken server: nothing it sends is trusted blindly, no secret is echoed. */
@ExtendWith(TestSecrets.NoLeaks.class)
class HostileTokenServerTest {

    private MockWebServer server;
    private TestClock clock;
    private SsmHttpClient http;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
        clock = TestClock.start();
        http = SsmHttpClient.create(AuthTestSupport.config(server, clock, new SimpleMeterRegistry()).build());
    }

    @AfterEach
    void stop() throws Exception {
        http.close();
        server.close();
    }

    private OAuthTokenProvider provider() {
        return OAuthTokenProvider.builder(http).grant(AuthTestSupport.passwordGrant()).build();
    }

    @Test
    void expiresInZeroOrNegativeIsRefusedNotReusedForAnHour() {
        server.enqueue(token(TestSecrets.ACCESS_TOKEN, 0L, null, null));
        server.enqueue(token(TestSecrets.ACCESS_TOKEN_2, -30L, null, null));
        try (OAuthTokenProvider tokens = provider()) {
            MalformedResponseException zero = assertThrows(MalformedResponseException.class, tokens::token);
            assertTrue(zero.getMessage().contains("expires_in 0: the token is expired on arrival"), zero.getMessage());
            MalformedResponseException negative = assertThrows(MalformedResponseException.class, tokens::token);
            assertTrue(negative.getMessage().contains("expires_in -30"), negative.getMessage());
            TestSecrets.assertNoSecret(zero);
        }
        assertEquals(2, server.getRequestCount(), "the refused token was not cached");
    }

    @Test
    void anAbsurdExpiresInIsCutToTheMaximumLifetime() {
        server.enqueue(token(TestSecrets.ACCESS_TOKEN, 1_000_000_000_000L, null, 999_999_999_999_999L));
        try (OAuthTokenProvider tokens = provider()) {
            AccessToken token = tokens.token();
            assertEquals(clock.instant().plus(Duration.ofHours(24)), token.expiresAt());
        }
    }

    @Test
    void aTextPlainTokenAnswerIsNotQuoted() {
        server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "text/plain")
                .body("access_token " + TestSecrets.ACCESS_TOKEN + " expires 3600").build());
        try (OAuthTokenProvider tokens = provider()) {
            MalformedResponseException e = assertThrows(MalformedResponseException.class, tokens::token);
            TestSecrets.assertNoSecret(e);
            assertTrue(e.getMessage().contains("text/plain"), e.getMessage());
            assertTrue(e.getMessage().contains("not quoted"), e.getMessage());
        }
    }

    @Test
    void aTokenWithControlCharactersIsRefused() {
        server.enqueue(json(200, "{\"access_token\":\"at-line\\nX-Injected: 1\",\"token_type\":\"Bearer\",\"expires_in\":3600}"));
        try (OAuthTokenProvider tokens = provider()) {
            MalformedResponseException e = assertThrows(MalformedResponseException.class, tokens::token);
            assertTrue(e.getMessage().contains("control characters"), e.getMessage());
        }
    }

    @Test
    void a429WithAnOAuthBodyIsThrottlingNotAnOAuthRefusal() {
        try (SsmHttpClient once = SsmHttpClient.create(AuthTestSupport.config(server, clock, new SimpleMeterRegistry())
                .retry(RetrySettings.none()).build());
                OAuthTokenProvider tokens = OAuthTokenProvider.builder(once).grant(AuthTestSupport.passwordGrant()).build()) {
            server.enqueue(json(429, "{\"error\":\"invalid_grant\",\"error_description\":\"rate limit\"}"));
            RateLimitedException e = assertThrows(RateLimitedException.class, tokens::token);
            assertTrue(e.isThrottling());
        }
    }

    @Test
    void anErrorPageEchoingThePasswordAndClientSecretDoesNotPrintThem() {
        String echo = "invalid_grant: Invalid password " + TestSecrets.PASSWORD + " for secret " + TestSecrets.CLIENT_SECRET + ".";
        server.enqueue(new MockResponse.Builder().code(400).addHeader("Content-Type", "text/html")
                .body("<html><body><h1>Bad request</h1><pre>" + echo + "</pre></body></html>").build());
        server.enqueue(json(400, "{\"error\":\"invalid_grant\",\"error_description\":\"" + echo + "\"}"));
        server.enqueue(json(401, "{\"error\":\"invalid_client\",\"error_message\":\"unknown secret "
                + java.net.URLEncoder.encode(TestSecrets.CLIENT_SECRET + " &=", java.nio.charset.StandardCharsets.UTF_8) + "\"}"));
        try (OAuthTokenProvider tokens = provider()) {
            for (int i = 0; i < 3; i++) {
                SsmException e = assertThrows(SsmException.class, tokens::token);
                TestSecrets.assertNoSecret(e);
                assertTrue(e.getMessage().contains("****"), e.getMessage());
            }
        }
    }

    @Test
    void controlCharactersInTheGrantAreRefusedNamingThePart() {
        SsmConfigurationException user = assertThrows(SsmConfigurationException.class, () -> OAuthGrant.password("client",
                Secret.of(TestSecrets.CLIENT_SECRET), "svc\r\nsdwan", Secret.of(TestSecrets.PASSWORD)));
        assertEquals("username", user.setting());
        SsmConfigurationException secret = assertThrows(SsmConfigurationException.class, () -> OAuthGrant.clientCredentials("client",
                Secret.of(TestSecrets.CLIENT_SECRET + "\n")));
        assertEquals("clientSecret", secret.setting());
        TestSecrets.assertNoSecret(secret);
        assertThrows(SsmConfigurationException.class, () -> OAuthGrant.clientCredentials("cli\tent", Secret.of(TestSecrets.CLIENT_SECRET)));
    }
}
