package io.github.ssmonprem.auth;

import static io.github.ssmonprem.auth.AuthTestSupport.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.exception.MalformedResponseException;
import io.github.ssmonprem.core.exception.ServerUnavailableException;
import io.github.ssmonprem.core.http.SsmHttpClient;
import io.github.ssmonprem.core.testing.TestClock;
import io.github.ssmonprem.core.testing.TestSecrets;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@ExtendWith(TestSecrets.NoLeaks.class)
class OAuthErrorDecodingTest {

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

    private OAuthTokenProvider provider() {
        return OAuthTokenProvider.builder(http).grant(AuthTestSupport.passwordGrant()).build();
    }

    static Stream<Arguments> codes() {
        List<Arguments> out = new ArrayList<>();
        Object[][] table = {
            {"invalid_client", GrantNotFoundException.class, "API Toolkit", new int[] {401, 403}},
            {"invalid_grant", InvalidCredentialsException.class, "user name or password", new int[] {400}},
            {"unauthorized_client", UnauthorizedClientException.class, "matching kind", new int[] {400, 401}},
            {"unsupported_grant_type", UnsupportedGrantTypeException.class, "grant type", new int[] {400}},
            {"invalid_scope", InvalidScopeException.class, "scope", new int[] {400}},
            {"invalid_request", InvalidRequestException.class, "missing or malformed", new int[] {400}},
        };
        for (Object[] row : table) {
            for (int status : (int[]) row[3]) {
                for (String messageField : List.of("error_message", "error_description")) {
                    out.add(Arguments.of(row[0], row[1], row[2], status, messageField));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} with {4} and HTTP {3}")
    @MethodSource("codes")
    void eachOAuthCodeDecodesToItsTypeWhateverTheStatusAndShape(String code, Class<? extends OAuthException> type,
            String remediationPhrase, int status, String messageField) {
        server.enqueue(json(status, "{\"error\":\"" + code + "\",\"" + messageField + "\":\"Server says " + code + "\"}"));
        try (OAuthTokenProvider tokens = provider()) {
            OAuthException e = assertThrows(OAuthException.class, tokens::token);
            assertEquals(type, e.getClass());
            assertEquals(code, e.errorCode());
            assertEquals("Server says " + code, e.serverMessage());
            assertEquals(status, e.statusCode());
            assertEquals("password", e.grantType());
            assertTrue(e.remediation().contains(remediationPhrase), e.remediation());
            assertTrue(e.getMessage().contains("Server says " + code), e.getMessage());
            assertFalse(e.isRetryable());
            assertEquals(1, e.attempts());
            TestSecrets.assertNoSecret(e);
        }
        assertEquals(1, server.getRequestCount(), "OAuth refusals are never retried");
    }

    @Test
    void theFieldFailureGrantNotFoundIsAGrantNotFoundExceptionWithTheServerText() {
        server.enqueue(json(403, "{\"error\":\"invalid_client\",\"error_message\":\"Grant not found. Ensure that the given grant details are correct.\"}"));
        try (OAuthTokenProvider tokens = provider()) {
            GrantNotFoundException e = assertThrows(GrantNotFoundException.class, tokens::token);
            assertEquals(403, e.statusCode());
            assertTrue(e.getMessage().contains("Grant not found. Ensure that the given grant details are correct."), e.getMessage());
            assertFalse(e.getMessage().contains(".."), "one period where the server's sentence ends ours: " + e.getMessage());
            assertEquals("Grant not found. Ensure that the given grant details are correct.", e.serverMessage(), "kept as sent");
            assertTrue(e.remediation().contains("create a Resource Owner Grant"), e.remediation());
            assertTrue(e.remediation().contains(AuthTestSupport.CLIENT_ID), e.remediation());
        }
        assertEquals(1.0, registry.get("ssm.auth.token.requests").tag("grant_type", "password")
                .tag("outcome", "invalid_client").counter().count());
    }

    @Test
    void anUnknownCodeKeepsItsCodeInTheBaseType() {
        server.enqueue(json(400, "{\"error\":\"temporarily_unavailable\",\"error_description\":\"try later\"}"));
        try (OAuthTokenProvider tokens = provider()) {
            OAuthException e = assertThrows(OAuthException.class, tokens::token);
            assertEquals(OAuthException.class, e.getClass());
            assertEquals("temporarily_unavailable", e.errorCode());
        }
    }

    @Test
    void nginxBadGatewayOnTheTokenRouteIsServerUnavailableAndRetried() {
        for (int i = 0; i < 4; i++) {
            server.enqueue(new MockResponse.Builder().code(502).addHeader("Content-Type", "text/html")
                    .body("<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>").build());
        }
        try (OAuthTokenProvider tokens = provider()) {
            ServerUnavailableException e = assertThrows(ServerUnavailableException.class, tokens::token);
            assertEquals(4, e.attempts());
            assertTrue(e.getMessage().contains("backend"), e.getMessage());
        }
        assertEquals(4, server.getRequestCount());
    }

    @Test
    void railsGenericNotFoundOnTheTokenRouteSaysTheBaseUrlPathIsWrongNotAnOAuthCode() {
        server.enqueue(new MockResponse.Builder().code(404).addHeader("Content-Type", "application/json; charset=utf-8")
                .body("{\"status\":404,\"error\":\"Not Found\"}").build());
        try (OAuthTokenProvider tokens = provider()) {
            io.github.ssmonprem.core.exception.ResourceNotFoundException e = assertThrows(
                    io.github.ssmonprem.core.exception.ResourceNotFoundException.class, tokens::token);
            assertTrue(e.getMessage().contains("base URL's path is probably wrong"), e.getMessage());
            assertTrue(e.remediation().contains("Check the base URL"), e.remediation());
        }
    }

    @Test
    void aTokenAnswerWithoutAccessTokenIsMalformedAndLeaksNothing() {
        server.enqueue(json(200, "{\"refresh_token\":\"" + TestSecrets.REFRESH_TOKEN + "\",\"token_type\":\"Bearer\"}"));
        try (OAuthTokenProvider tokens = provider()) {
            MalformedResponseException e = assertThrows(MalformedResponseException.class, tokens::token);
            assertTrue(e.getMessage().contains("no access_token"), e.getMessage());
            TestSecrets.assertNoSecret(e);
            TestSecrets.assertNoSecret("snippet", e.snippet());
        }
    }

    @Test
    void aTruncatedTokenAnswerIsMalformedAndLeaksNothing() {
        server.enqueue(json(200, "{\"access_token\":\"" + TestSecrets.ACCESS_TOKEN));
        try (OAuthTokenProvider tokens = provider()) {
            MalformedResponseException e = assertThrows(MalformedResponseException.class, tokens::token);
            TestSecrets.assertNoSecret(e);
        }
    }
}
