package io.github.ssmonprem.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.exception.RequestTimeoutException;
import io.github.ssmonprem.core.exception.ServerUnavailableException;
import io.github.ssmonprem.core.http.SsmHttpClient;
import io.github.ssmonprem.core.http.SsmRequest;
import io.github.ssmonprem.core.testing.RawServer;
import io.github.ssmonprem.core.testing.TestClock;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Each limit bounds what it says, and the timeout names the limit that was hit. */
class TimeoutTest {

    private static String chain(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            b.append(c.getClass().getName()).append(": ").append(c.getMessage()).append(" | ");
        }
        return b.toString();
    }

    private static SsmRequest get() {
        return SsmRequest.get("accounts", "/backend/api/v1/accounts").build();
    }

    /** Answers with headers, then one body byte every 50 ms: each byte resets the socket timeout. */
    private static final class DripServer implements AutoCloseable {
        final ServerSocket socket;

        DripServer() throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread t = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket s = socket.accept()) {
                        s.getInputStream().read(new byte[4096]);
                        OutputStream out = s.getOutputStream();
                        out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
                                .getBytes(StandardCharsets.ISO_8859_1));
                        for (int i = 0; i < 100_000; i++) {
                            out.write(' ');
                            out.flush();
                            Thread.sleep(50);
                        }
                    } catch (IOException | InterruptedException e) {
                        // the client gave up: serve the next one
                    }
                }
            }, "drip-server");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    @Timeout(60)
    void aDrippingServerDoesNotHoldTheAttemptPastAttemptTimeout() throws Exception {
        try (DripServer drip = new DripServer();
                SsmHttpClient http = SsmHttpClient.create(SsmClientConfig.builder()
                        .baseUrl("http://127.0.0.1:" + drip.socket.getLocalPort()).allowPlainHttp(true).noProxy()
                        .responseTimeout(Duration.ofSeconds(1)).attemptTimeout(Duration.ofMillis(800))
                        .retry(RetrySettings.none()).build())) {
            long start = System.nanoTime();
            RequestTimeoutException e = assertThrows(RequestTimeoutException.class, () -> http.execute(get()));
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(RequestTimeoutException.Phase.ATTEMPT, e.phase());
            assertTrue(e.getMessage().contains("attemptTimeout (800 ms)"), e.getMessage());
            assertTrue(e.isRetryable());
            assertTrue(elapsedMillis < 10_000, "bounded by attemptTimeout, took " + elapsedMillis + " ms");
        }
    }

    @Test
    void callTimeoutStopsRetriesWhoseWaitWouldPassIt() throws Exception {
        TestClock clock = TestClock.start();
        try (MockWebServer server = new MockWebServer()) {
            for (int i = 0; i < 4; i++) {
                server.enqueue(new MockResponse.Builder().code(503).addHeader("Retry-After", "30").body("busy").build());
            }
            server.start();
            try (SsmHttpClient http = SsmHttpClient.create(SsmClientConfig.builder().baseUrl(server.url("/").toString())
                    .allowPlainHttp(true).noProxy().clock(clock).sleeper(clock)
                    .callTimeout(Duration.ofSeconds(45)).build())) {
                RequestTimeoutException e = assertThrows(RequestTimeoutException.class, () -> http.execute(get()));
                assertEquals(RequestTimeoutException.Phase.CALL, e.phase());
                assertTrue(e.getMessage().contains("callTimeout (45 s) after 2 attempts"), e.getMessage());
                assertTrue(e.getMessage().contains("HTTP 503"), e.getMessage());
                assertTrue(e.getCause() instanceof ServerUnavailableException);
                assertEquals(2, e.attempts());
            }
            assertEquals(2, server.getRequestCount());
        }
    }

    @Test
    void aTlsHandshakeThatNeverCompletesSaysSoWithinConnectTimeout() throws Exception {
        // TCP is accepted, the ClientHello is read, and no ServerHello ever comes back.
        try (RawServer silent = new RawServer("");
                SsmHttpClient http = SsmHttpClient.create(SsmClientConfig.builder()
                        .baseUrl("https://127.0.0.1:" + silent.port()).noProxy()
                        .connectTimeout(Duration.ofMillis(500)).retry(RetrySettings.none()).build())) {
            long start = System.nanoTime();
            RequestTimeoutException e = assertThrows(RequestTimeoutException.class, () -> http.execute(get()));
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(RequestTimeoutException.Phase.TLS_HANDSHAKE, e.phase(), () -> chain(e));
            assertTrue(e.getMessage().contains("TLS handshake did not complete within 500 ms (connectTimeout)"), e.getMessage());
            assertTrue(e.remediation().contains("speaks HTTPS"), e.remediation());
            assertTrue(elapsedMillis < 10_000, "bounded by connectTimeout, took " + elapsedMillis + " ms");
        }
    }
}
