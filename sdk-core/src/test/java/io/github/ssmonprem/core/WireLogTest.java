package io.github.ssmonprem.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.http.AccessTokenSource;
import io.github.ssmonprem.core.http.SsmHttpClient;
import io.github.ssmonprem.core.http.SsmRequest;
import io.github.ssmonprem.core.testing.LogCapture;
import io.github.ssmonprem.core.testing.TestSecrets;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The SDK's wire log (logger {@code io.github.ssmonprem.core.http.wire}) shows every header of each
 * exchange with credentials masked, while HttpClient's own headers and wire loggers, at DEBUG in these
 * tests, get nothing from the SDK's connections: the token form body and the bearer token stay out of
 * every log line.
 */
@ExtendWith(TestSecrets.NoLeaks.class)
class WireLogTest {

    @Test
    void headersAreLoggedMaskedAndHttpClientsOwnLoggersStaySilent() throws Exception {
        try (MockWebServer server = new MockWebServer()) {
            server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
                    .addHeader("Set-Cookie", "session=" + TestSecrets.REFRESH_TOKEN).body("{\"access_token\":\""
                            + TestSecrets.ACCESS_TOKEN_2 + "\"}").build());
            server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
                    .addHeader("X-Request-Id", "req-42").body("{}").build());
            server.start();
            LogCapture.clear();
            AccessTokenSource token = new AccessTokenSource() {
                @Override
                public Secret accessToken() {
                    return Secret.of(TestSecrets.ACCESS_TOKEN);
                }

                @Override
                public void invalidate(Secret rejected) {
                }
            };
            try (SsmHttpClient http = SsmHttpClient.create(SsmClientConfig.builder().baseUrl(server.url("/").toString())
                    .allowPlainHttp(true).noProxy().build())) {
                http.execute(SsmRequest.post("token", "/backend/oauth/token").formBody(Map.of("grant_type", "password",
                        "client_secret", TestSecrets.CLIENT_SECRET, "password", TestSecrets.PASSWORD)).build());
                http.execute(SsmRequest.get("accounts", "/backend/api/v1/accounts").bearer(token).build());
            }
            assertEquals("POST", server.takeRequest().getMethod());
            assertEquals("Bearer " + TestSecrets.ACCESS_TOKEN, server.takeRequest().getHeaders().get("Authorization"));
        }
        List<String> wire = LogCapture.linesOf("io.github.ssmonprem.core.http.wire");
        String all = String.join("\n", wire);
        assertTrue(all.contains(">> POST /backend/oauth/token"), all);
        assertTrue(all.contains(">> GET /backend/api/v1/accounts"), all);
        assertTrue(all.contains(">> Authorization: ****"), all);
        assertTrue(all.contains("<< Set-Cookie: ****"), all);
        assertTrue(all.contains("<< X-Request-Id: req-42"), all);
        assertTrue(all.contains(">> User-Agent: ssm-onprem-java-sdk/"), all);
        assertEquals(List.of(), LogCapture.linesOf("org.apache.hc.client5.http.headers"));
        assertEquals(List.of(), LogCapture.linesOf("org.apache.hc.client5.http.wire"));
    }
}
