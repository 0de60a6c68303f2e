package io.github.ssmonprem.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.exception.ConnectionFailedException;
import io.github.ssmonprem.core.exception.ProxyAuthenticationException;
import io.github.ssmonprem.core.http.SsmHttpClient;
import io.github.ssmonprem.core.http.SsmRequest;
import io.github.ssmonprem.core.testing.RawServer;
import io.github.ssmonprem.core.testing.TestSecrets;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A forward proxy's non-2xx answer to {@code CONNECT} is the proxy's, never SSM On-Prem's. The proxies
 * here are scripted: they answer every CONNECT with exactly the bytes real proxies send.
 */
@ExtendWith(TestSecrets.NoLeaks.class)
class ProxyConnectRefusalTest {

    /** What tinyproxy 1.11 sends for a wrong Basic password: 401, not 407. */
    static final String TINYPROXY_401 = "HTTP/1.0 401 Unauthorized\r\nServer: tinyproxy/1.11.1\r\n"
            + "Content-Type: text/html\r\nWWW-Authenticate: Basic realm=\"Tinyproxy\"\r\nConnection: close\r\n\r\n"
            + "<!DOCTYPE html>\n<html><head><title>401 Unauthorized</title></head>\n<body><h1>Unauthorized</h1>"
            + "<p>The administrator of this proxy has not configured it to service requests from you.</p></body></html>\n";

    static final String SQUID_403 = "HTTP/1.1 403 Forbidden\r\nServer: squid/5.7\r\nContent-Type: text/html\r\n"
            + "Content-Length: 20\r\nX-Squid-Error: ERR_ACCESS_DENIED 0\r\nConnection: close\r\n\r\n<html>denied</html>\n";

    static final String PROXY_407 = "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"corp\"\r\n"
            + "Content-Length: 0\r\nConnection: close\r\n\r\n";

    private static SsmRequest get() {
        return SsmRequest.get("accounts", "/backend/api/v1/accounts").build();
    }

    private static SsmClientConfig viaProxy(int proxyPort, boolean credentials) {
        ProxyConfig.Builder proxy = ProxyConfig.builder().host("127.0.0.1").port(proxyPort);
        if (credentials) {
            proxy.credentials("svc-ssm", Secret.of(TestSecrets.PROXY_PASSWORD));
        }
        return SsmClientConfig.builder().baseUrl("https://ssm.example.net:8443").proxy(proxy.build())
                .retry(RetrySettings.builder().maxAttempts(3).build()).sleeper(d -> { }).build();
    }

    @Test
    void tinyproxy401ToConnectIsAProxyAuthenticationErrorNotTheApiToolkitGrant() throws Exception {
        try (RawServer proxy = new RawServer(TINYPROXY_401);
                SsmHttpClient http = SsmHttpClient.create(viaProxy(proxy.port(), true))) {
            ProxyAuthenticationException e = assertThrows(ProxyAuthenticationException.class, () -> http.execute(get()));
            assertEquals("127.0.0.1:" + proxy.port(), e.proxy());
            assertTrue(e.getMessage().contains("answered 401 to CONNECT ssm.example.net:8443"), e.getMessage());
            assertTrue(e.getMessage().contains("rejected the configured proxy credentials"), e.getMessage());
            assertFalse(e.getMessage().contains("API Toolkit"), e.getMessage());
            assertFalse(e.isRetryable());
            assertEquals(1, e.attempts());
            TestSecrets.assertNoSecret(e);
        }
    }

    @Test
    void proxy407WithoutCredentialsAsksForThem() throws Exception {
        try (RawServer proxy = new RawServer(PROXY_407);
                SsmHttpClient http = SsmHttpClient.create(viaProxy(proxy.port(), false))) {
            ProxyAuthenticationException e = assertThrows(ProxyAuthenticationException.class, () -> http.execute(get()));
            assertTrue(e.getMessage().contains("none are configured"), e.getMessage());
        }
    }

    @Test
    void proxy403ToConnectSaysTheProxyForbidsTheHostAndPort() throws Exception {
        try (RawServer proxy = new RawServer(SQUID_403);
                SsmHttpClient http = SsmHttpClient.create(viaProxy(proxy.port(), false))) {
            ConnectionFailedException e = assertThrows(ConnectionFailedException.class, () -> http.execute(get()));
            assertEquals(ConnectionFailedException.Reason.PROXY_REFUSED, e.reason());
            assertTrue(e.getMessage().contains("does not allow tunnels to ssm.example.net:8443"), e.getMessage());
            assertTrue(e.getMessage().contains("did not reach SSM On-Prem"), e.getMessage());
            assertFalse(e.isRetryable());
            assertEquals(1, e.attempts());
        }
    }

    @Test
    void proxyRefusingTcpIsDescribedAsTheProxyNotTheServerPort() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        try (SsmHttpClient http = SsmHttpClient.create(viaProxy(deadPort, false))) {
            ConnectionFailedException e = assertThrows(ConnectionFailedException.class, () -> http.execute(get()));
            assertEquals(ConnectionFailedException.Reason.CONNECTION_REFUSED, e.reason());
            assertTrue(e.getMessage().contains("proxy 127.0.0.1:" + deadPort), e.getMessage());
            assertTrue(e.remediation().contains("listening on port " + deadPort), e.remediation());
            assertFalse(e.remediation().contains("8443"), e.remediation());
        }
    }
}
