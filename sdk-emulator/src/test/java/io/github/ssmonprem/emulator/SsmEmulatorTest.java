package io.github.ssmonprem.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.auth.GrantNotFoundException;
import io.github.ssmonprem.auth.InvalidCredentialsException;
import io.github.ssmonprem.auth.OAuthGrant;
import io.github.ssmonprem.auth.OAuthTokenProvider;
import io.github.ssmonprem.auth.UnauthorizedClientException;
import io.github.ssmonprem.core.RetrySettings;
import io.github.ssmonprem.core.Secret;
import io.github.ssmonprem.core.exception.ConnectionFailedException;
import io.github.ssmonprem.core.exception.MalformedResponseException;
import io.github.ssmonprem.core.exception.RateLimitedException;
import io.github.ssmonprem.core.exception.ServerUnavailableException;
import io.github.ssmonprem.core.http.SsmHttpClient;
import io.github.ssmonprem.core.http.SsmRequest;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.ssmonprem.core.testing.TestClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SsmEmulatorTest {

    @RegisterExtension
    final SsmEmulatorExtension https = new SsmEmulatorExtension(b -> b.https().errorFlavour(ErrorFlavour.DOORKEEPER));

    private static OAuthTokenProvider tokens(SsmHttpClient http, OAuthGrant grant) {
        return OAuthTokenProvider.builder(http).grant(grant).build();
    }

    @Test
    void servesHttpsWithItsOwnCaAndBothGrantKinds(SsmEmulator emulator) {
        assertTrue(emulator.isHttps());
        try (SsmHttpClient http = SsmHttpClient.create(emulator.clientConfig().build());
                OAuthTokenProvider password = tokens(http, emulator.passwordGrant());
                OAuthTokenProvider service = tokens(http, emulator.clientCredentialsGrant())) {
            assertTrue(password.token().refreshToken().isPresent());
            assertTrue(service.token().refreshToken().isEmpty());
            JsonNode accounts = http.execute(SsmRequest.get("accounts", "/backend/api/v1/accounts").bearer(password).build(),
                    JsonNode.class);
            assertEquals(SsmEmulator.DEMO_ACCOUNT, accounts.path("accounts").get(0).path("accountDomain").asText());
        }
        assertEquals(2, emulator.stats().tokenRequests());
        assertEquals(0, emulator.stats().tokenRequestsWithQueryString());
    }

    @Test
    void doorkeeperFlavourAnswers401ForAnUnknownGrant(SsmEmulator emulator) {
        try (SsmHttpClient http = SsmHttpClient.create(emulator.clientConfig().build())) {
            GrantNotFoundException e = assertThrows(GrantNotFoundException.class,
                    () -> tokens(http, OAuthGrant.password("nobody", Secret.of("x"), SsmEmulator.DEMO_USER,
                            Secret.of(SsmEmulator.DEMO_PASSWORD))).token());
            assertEquals(401, e.statusCode());
            assertTrue(e.serverMessage().startsWith("Client authentication failed"), e.serverMessage());
            InvalidCredentialsException wrong = assertThrows(InvalidCredentialsException.class,
                    () -> tokens(http, OAuthGrant.password(SsmEmulator.DEMO_CLIENT_ID, Secret.of(SsmEmulator.DEMO_CLIENT_SECRET),
                            SsmEmulator.DEMO_USER, Secret.of("wrong"))).token());
            assertEquals(400, wrong.statusCode());
            assertThrows(UnauthorizedClientException.class, () -> tokens(http, OAuthGrant.clientCredentials(
                    SsmEmulator.DEMO_CLIENT_ID, Secret.of(SsmEmulator.DEMO_CLIENT_SECRET))).token());
        }
    }

    @Test
    void ssmFlavourAnswers403GrantNotFoundOnPlainHttp() {
        try (SsmEmulator emulator = SsmEmulator.builder().start();
                SsmHttpClient http = SsmHttpClient.create(emulator.clientConfig().build())) {
            emulator.deleteGrant(SsmEmulator.DEMO_CLIENT_ID);
            GrantNotFoundException e = assertThrows(GrantNotFoundException.class, () -> tokens(http, emulator.passwordGrant()).token());
            assertEquals(403, e.statusCode());
            assertEquals("Grant not found. Ensure that the given grant details are correct.", e.serverMessage());
        }
    }

    @Test
    void faultsOnDemand(SsmEmulator emulator) {
        TestClock clock = TestClock.start();
        try (SsmHttpClient http = SsmHttpClient.create(emulator.clientConfig().clock(clock).sleeper(clock)
                .retry(RetrySettings.builder().maxAttempts(2).build()).build())) {
            SsmRequest accounts = SsmRequest.get("accounts", "/backend/api/v1/accounts").build();
            emulator.faults().rateLimitNext(2, 9);
            RateLimitedException limited = assertThrows(RateLimitedException.class, () -> http.execute(accounts));
            assertEquals(Duration.ofSeconds(9), limited.retryAfter().orElseThrow());
            emulator.faults().dropNextConnections(2);
            assertThrows(ConnectionFailedException.class, () -> http.execute(accounts));
            emulator.faults().malformedNext(1);
            assertThrows(MalformedResponseException.class, () -> http.execute(accounts, JsonNode.class));
            assertEquals(5, emulator.stats().faultsServed());
        }
    }

    @Test
    void theBackendCanGoDownOnOneRouteOnly(SsmEmulator emulator) {
        TestClock clock = TestClock.start();
        try (SsmHttpClient http = SsmHttpClient.create(emulator.clientConfig().clock(clock).sleeper(clock)
                .retry(RetrySettings.builder().maxAttempts(2).build()).build())) {
            SsmRequest accounts = SsmRequest.get("accounts", "/backend/api/v1/accounts").build();
            SsmRequest other = SsmRequest.get("other", "/backend/api/v1/other").build();
            emulator.faults().backendDownOn("/backend/api/v1/accounts", 2);
            assertThrows(io.github.ssmonprem.core.exception.ResourceNotFoundException.class, () -> http.execute(other),
                    "another route is served as usual");
            ServerUnavailableException down = assertThrows(ServerUnavailableException.class, () -> http.execute(accounts));
            assertEquals(2, down.attempts());
            assertEquals(2, emulator.stats().faultsServed());
        }
    }

    @Test
    void everyUploadIsCountedAcceptedOrNot() {
        try (SsmEmulator emulator = SsmEmulator.builder().start();
                SsmHttpClient http = SsmHttpClient.create(emulator.clientConfig()
                        .retry(RetrySettings.builder().maxAttempts(1).build()).build());
                OAuthTokenProvider tokens = tokens(http, emulator.passwordGrant())) {
            RumReportFixture report = RumReportFixture.builder().count(3, java.time.Instant.EPOCH, java.time.Instant.EPOCH.plusSeconds(60))
                    .build();
            byte[] body = Wire.uploadBody("n-1", java.util.List.of(report)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            SsmRequest unauthenticated = SsmRequest.post("usage.upload", "/backend/api/v2/devices/reportusage").jsonBody(body).build();
            assertThrows(RuntimeException.class, () -> http.execute(unauthenticated, JsonNode.class));
            tokens.token();
            emulator.faults().backendDown(true);
            SsmRequest authenticated = SsmRequest.post("usage.upload", "/backend/api/v2/devices/reportusage")
                    .header("X-CSW-SMART-ACCOUNT-ID", emulator.accountId(SsmEmulator.DEMO_ACCOUNT))
                    .header("X-CSW-VIRTUAL-ACCOUNT-ID", emulator.virtualAccountId(SsmEmulator.DEMO_ACCOUNT, "DEFAULT"))
                    .header("X-CSW-REQUESTING-SYSTEM", Wire.REQUESTING_SYSTEM)
                    .jsonBody(body).bearer(tokens).build();
            assertThrows(RuntimeException.class, () -> http.execute(authenticated, JsonNode.class));
            emulator.faults().backendDown(false);
            JsonNode accepted = http.execute(authenticated, JsonNode.class);
            assertEquals("OK_POLL", accepted.path("status").asText());
            assertEquals(3, emulator.stats().uploads());
            assertEquals(3, emulator.stats().uploadsOf(report.key()), "refused (no token), a 502 in its place, accepted");
            assertEquals(1, emulator.stats().acceptedUploads());
            assertEquals(1, emulator.stats().distinctRumReports());
        }
    }
}
