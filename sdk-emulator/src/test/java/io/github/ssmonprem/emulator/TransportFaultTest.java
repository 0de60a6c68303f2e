package io.github.ssmonprem.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.RetrySettings;
import io.github.ssmonprem.core.SsmClientConfig;
import io.github.ssmonprem.core.exception.ConnectionFailedException;
import io.github.ssmonprem.core.exception.RequestTimeoutException;
import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.core.http.SsmHttpClient;
import io.github.ssmonprem.core.http.SsmRequest;
import java.time.Duration;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The transport's failure semantics with real sockets: a server behind a {@link FaultProxy} at several
 * cut points. Elapsed times are checked only against generous upper bounds of the configured limits.
 */
class TransportFaultTest {

    private static final String BODY = "{\"accounts\":[" + "{\"accountName\":\"Acme\",\"accountDomain\":\"acme.example\"},".repeat(40)
            + "{}]}";

    private MockWebServer server;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        for (int i = 0; i < 8; i++) {
            server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json").body(BODY).build());
        }
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private static SsmClientConfig.Builder via(FaultProxy proxy, String scheme) {
        return SsmClientConfig.builder().baseUrl(scheme + "://127.0.0.1:" + proxy.port()).allowPlainHttp(true).noProxy()
                .retry(RetrySettings.builder().maxAttempts(3).build()).sleeper(d -> { });
    }

    private static SsmRequest get() {
        return SsmRequest.get("accounts", "/backend/api/v1/accounts").build();
    }

    private static <T extends SsmException> T within(long maxMillis, Class<T> type, Executable call) {
        long start = System.nanoTime();
        T e = assertThrows(type, call);
        long elapsed = (System.nanoTime() - start) / 1_000_000;
        assertTrue(elapsed < maxMillis, "took " + elapsed + " ms, limit " + maxMillis + " ms: " + e.getMessage());
        return e;
    }

    @Test
    void anAnswerCutMidBodyIsAConnectionFailureRetriedOnEveryAttempt() throws Exception {
        try (FaultProxy proxy = FaultProxy.to(server.getPort()).cutAnswerAfter(300).start();
                SsmHttpClient http = SsmHttpClient.create(via(proxy, "http").build())) {
            ConnectionFailedException e = within(20_000, ConnectionFailedException.class, () -> http.execute(get()));
            assertEquals(ConnectionFailedException.Reason.CONNECTION_CLOSED, e.reason());
            assertTrue(e.getMessage().contains("cut short"), e.getMessage());
            assertEquals(3, e.attempts());
            assertEquals(3, proxy.connections());
        }
    }

    @Test
    void anAnswerCutMidHeadersIsAConnectionFailure() throws Exception {
        try (FaultProxy proxy = FaultProxy.to(server.getPort()).cutAnswerAfter(40).start();
                SsmHttpClient http = SsmHttpClient.create(via(proxy, "http").build())) {
            ConnectionFailedException e = within(20_000, ConnectionFailedException.class, () -> http.execute(get()));
            assertEquals(3, e.attempts());
        }
    }

    @Test
    void aResetFirstConnectionIsRetriedAndTheCallSucceeds() throws Exception {
        try (FaultProxy proxy = FaultProxy.to(server.getPort()).reset().onlyEvery(100).start();
                SsmHttpClient http = SsmHttpClient.create(via(proxy, "http").build())) {
            assertEquals(200, http.execute(get()).statusCode());
            assertEquals(2, proxy.connections());
        }
    }

    @Test
    void aCutFirstAnswerIsRetriedAndTheCallSucceeds() throws Exception {
        try (FaultProxy proxy = FaultProxy.to(server.getPort()).cutAnswerAfter(300).onlyEvery(100).start();
                SsmHttpClient http = SsmHttpClient.create(via(proxy, "http").build())) {
            assertEquals(200, http.execute(get()).statusCode());
            assertEquals(2, proxy.connections());
        }
    }

    @Test
    void aDrippedAnswerIsBoundedByAttemptTimeout() throws Exception {
        try (FaultProxy proxy = FaultProxy.to(server.getPort()).drip(Duration.ofMillis(50)).start();
                SsmHttpClient http = SsmHttpClient.create(via(proxy, "http").retry(RetrySettings.none())
                        .responseTimeout(Duration.ofSeconds(1)).attemptTimeout(Duration.ofMillis(700)).build())) {
            RequestTimeoutException e = within(15_000, RequestTimeoutException.class, () -> http.execute(get()));
            assertEquals(RequestTimeoutException.Phase.ATTEMPT, e.phase());
        }
    }

    @Test
    void aWithheldAnswerIsAResponseTimeoutRetried() throws Exception {
        try (FaultProxy proxy = FaultProxy.to(server.getPort()).withholdAnswerAfter(40).start();
                SsmHttpClient http = SsmHttpClient.create(via(proxy, "http").responseTimeout(Duration.ofMillis(300)).build())) {
            RequestTimeoutException e = within(20_000, RequestTimeoutException.class, () -> http.execute(get()));
            assertEquals(RequestTimeoutException.Phase.RESPONSE, e.phase());
            assertEquals(3, e.attempts());
        }
    }

    @Test
    void aStalledTlsHandshakeIsATlsHandshakeTimeout() throws Exception {
        try (FaultProxy proxy = FaultProxy.to(server.getPort()).stallBeforeTls().start();
                SsmHttpClient http = SsmHttpClient.create(via(proxy, "https").retry(RetrySettings.none())
                        .connectTimeout(Duration.ofMillis(400)).build())) {
            RequestTimeoutException e = within(15_000, RequestTimeoutException.class, () -> http.execute(get()));
            assertEquals(RequestTimeoutException.Phase.TLS_HANDSHAKE, e.phase());
            assertTrue(e.getMessage().contains("TLS handshake did not complete"), e.getMessage());
        }
    }

    @Test
    void aResetOnEveryConnectionReportsTheAttemptsMade() throws Exception {
        try (FaultProxy proxy = FaultProxy.to(server.getPort()).reset().start();
                SsmHttpClient http = SsmHttpClient.create(via(proxy, "http").build())) {
            ConnectionFailedException e = within(20_000, ConnectionFailedException.class, () -> http.execute(get()));
            assertEquals(3, e.attempts());
            assertTrue(e.isRetryable());
        }
    }

    @Test
    void aDrippedTlsHandshakeIsBoundedAsAWholeByConnectTimeout() throws Exception {
        try (SsmEmulator tls = SsmEmulator.builder().https().start();
                FaultProxy proxy = FaultProxy.to(tls.port()).dripHandshake(Duration.ofMillis(20)).start();
                SsmHttpClient http = SsmHttpClient.create(tls.clientConfig().baseUrl("https://127.0.0.1:" + proxy.port())
                        .retry(RetrySettings.none()).connectTimeout(Duration.ofMillis(800)).build())) {
            // Each byte resets the socket's read timeout: only a limit on the handshake as a whole ends it.
            RequestTimeoutException e = within(15_000, RequestTimeoutException.class, () -> http.execute(get()));
            assertEquals(RequestTimeoutException.Phase.TLS_HANDSHAKE, e.phase());
            assertTrue(e.getMessage().contains("TLS handshake did not complete within 800 ms (connectTimeout)"), e.getMessage());
        }
    }
}
