package io.github.ssmonprem.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.exception.ProxyAuthenticationException;
import io.github.ssmonprem.core.exception.TlsException;
import io.github.ssmonprem.core.http.SsmHttpClient;
import io.github.ssmonprem.core.http.SsmRequest;
import io.github.ssmonprem.core.testing.ForwardProxy;
import io.github.ssmonprem.core.testing.LogCapture;
import io.github.ssmonprem.core.testing.TestSecrets;
import io.github.ssmonprem.core.testing.TestTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(TestSecrets.NoLeaks.class)
class TlsAndProxyTest {

    private static final TestTls CA = TestTls.newPrivateCa();

    @TempDir
    Path dir;

    private MockWebServer server;
    private Path caFile;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.useHttps(CA.serverFor("localhost", "127.0.0.1").sslSocketFactory());
        server.start();
        caFile = Files.writeString(dir.resolve("ssm-ca.pem"), CA.caPem());
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private String url(String host) {
        return "https://" + host + ":" + server.getPort();
    }

    private static SsmRequest get() {
        return SsmRequest.get("accounts", "/backend/api/v1/accounts").build();
    }

    private static MockResponse ok() {
        return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json").body("{}").build();
    }

    @Test
    void privateCaConfiguredAsPemIsTrusted() {
        server.enqueue(ok());
        SsmClientConfig cfg = SsmClientConfig.builder().baseUrl(url("localhost")).noProxy()
                .tls(TlsConfig.trustPemFile(caFile)).build();
        try (SsmHttpClient http = SsmHttpClient.create(cfg)) {
            assertEquals(200, http.execute(get()).statusCode());
        }
    }

    @Test
    void privateCaNotConfiguredIsATypedTlsErrorNamingTheCertificateAndTheFix() {
        SsmClientConfig cfg = SsmClientConfig.builder().baseUrl(url("localhost")).noProxy().build();
        try (SsmHttpClient http = SsmHttpClient.create(cfg)) {
            TlsException e = assertThrows(TlsException.class, () -> http.execute(get()));
            assertEquals(TlsException.Reason.UNTRUSTED_CERTIFICATE, e.reason());
            assertTrue(e.issuer().contains("SSM Test Private CA"), e.issuer());
            assertTrue(e.subject().contains("CN=localhost"), e.subject());
            assertTrue(e.getMessage().contains("SSM Test Private CA"), e.getMessage());
            assertTrue(e.remediation().contains("--ca-cert"), e.remediation());
            assertFalse(e.isRetryable());
            assertEquals(1, e.attempts(), "TLS trust failures are not retried");
        }
    }

    @Test
    void certificateForAnotherHostIsAHostnameMismatch() throws Exception {
        try (MockWebServer other = new MockWebServer()) {
            other.useHttps(CA.serverFor("ssm.example.net").sslSocketFactory());
            other.start();
            SsmClientConfig cfg = SsmClientConfig.builder().baseUrl("https://localhost:" + other.getPort()).noProxy()
                    .tls(TlsConfig.trustPem(CA.caPem())).build();
            try (SsmHttpClient http = SsmHttpClient.create(cfg)) {
                TlsException e = assertThrows(TlsException.class, () -> http.execute(get()));
                assertEquals(TlsException.Reason.HOSTNAME_MISMATCH, e.reason());
                assertTrue(e.getMessage().contains("subject: CN=ssm.example.net"), e.getMessage());
                assertTrue(e.getMessage().contains("the names ssm.example.net"), e.getMessage());
                assertTrue(e.getMessage().contains("does not name 'localhost'"), e.getMessage());
                assertEquals("CN=ssm.example.net", e.subject());
                assertTrue(e.remediation().contains("--url"), e.remediation());
            }
        }
    }

    @Test
    void authenticatingProxyTunnelsWithConnect() throws Exception {
        server.enqueue(ok());
        try (ForwardProxy proxy = ForwardProxy.withBasicAuth("svc-ssm", TestSecrets.PROXY_PASSWORD)) {
            ProxyConfig proxyConfig = ProxyConfig.builder().host("127.0.0.1").port(proxy.port())
                    .credentials("svc-ssm", Secret.of(TestSecrets.PROXY_PASSWORD)).build();
            SsmClientConfig cfg = SsmClientConfig.builder().baseUrl(url("localhost")).proxy(proxyConfig)
                    .tls(TlsConfig.trustPemFile(caFile)).build();
            try (SsmHttpClient http = SsmHttpClient.create(cfg)) {
                assertEquals(200, http.execute(get()).statusCode());
                TestSecrets.assertNoSecret("client toString", http.toString());
                TestSecrets.assertNoSecret("config toString", cfg.toString());
            }
            assertTrue(proxy.requestLines().contains("CONNECT localhost:" + server.getPort()), proxy.requestLines().toString());
        }
        RecordedRequest seen = server.takeRequest();
        assertEquals("/backend/api/v1/accounts", seen.getUrl().encodedPath());
        assertTrue(LogCapture.lines().stream().anyMatch(l -> l.contains("via proxy 127.0.0.1")), "the attempt line names the proxy");
    }

    @Test
    void wrongProxyPasswordIsATypedProxyAuthenticationError() throws Exception {
        try (ForwardProxy proxy = ForwardProxy.withBasicAuth("svc-ssm", "the-right-one")) {
            ProxyConfig proxyConfig = ProxyConfig.builder().host("127.0.0.1").port(proxy.port())
                    .credentials("svc-ssm", Secret.of(TestSecrets.PROXY_PASSWORD)).build();
            SsmClientConfig cfg = SsmClientConfig.builder().baseUrl(url("localhost")).proxy(proxyConfig)
                    .tls(TlsConfig.trustPemFile(caFile)).build();
            try (SsmHttpClient http = SsmHttpClient.create(cfg)) {
                ProxyAuthenticationException e = assertThrows(ProxyAuthenticationException.class, () -> http.execute(get()));
                assertEquals("127.0.0.1:" + proxy.port(), e.proxy());
                assertTrue(e.getMessage().contains("407"), e.getMessage());
                assertTrue(e.getMessage().contains("rejected the configured proxy credentials"), e.getMessage());
                assertEquals(1, e.attempts());
                TestSecrets.assertNoSecret(e);
            }
        }
        assertEquals(0, server.getRequestCount());
    }

    @Test
    void proxyWithoutConfiguredCredentialsSaysCredentialsAreNeeded() throws Exception {
        try (ForwardProxy proxy = ForwardProxy.withBasicAuth("svc-ssm", "pw")) {
            SsmClientConfig cfg = SsmClientConfig.builder().baseUrl(url("localhost"))
                    .proxy(ProxyConfig.builder().host("127.0.0.1").port(proxy.port()).build())
                    .tls(TlsConfig.trustPemFile(caFile)).build();
            try (SsmHttpClient http = SsmHttpClient.create(cfg)) {
                ProxyAuthenticationException e = assertThrows(ProxyAuthenticationException.class, () -> http.execute(get()));
                assertTrue(e.getMessage().contains("none are configured"), e.getMessage());
            }
        }
    }

    @Test
    void noProxyHostFromTheEnvironmentGoesDirect() throws Exception {
        server.enqueue(ok());
        try (ForwardProxy proxy = ForwardProxy.withBasicAuth("svc-ssm", TestSecrets.PROXY_PASSWORD)) {
            ProxyConfig fromEnv = ProxyConfig.fromEnvironment(Map.of(
                    "HTTPS_PROXY", "http://svc-ssm:" + TestSecrets.PROXY_PASSWORD + "@127.0.0.1:" + proxy.port(),
                    "NO_PROXY", "example.org,localhost")).orElseThrow();
            SsmClientConfig cfg = SsmClientConfig.builder().baseUrl(url("localhost")).proxy(fromEnv)
                    .tls(TlsConfig.trustPemFile(caFile)).build();
            try (SsmHttpClient http = SsmHttpClient.create(cfg)) {
                assertEquals(200, http.execute(get()).statusCode());
            }
            assertTrue(proxy.requestLines().isEmpty(), "the proxy saw " + proxy.requestLines());

            // The same proxy configuration does tunnel to a host NO_PROXY does not name.
            server.enqueue(ok());
            SsmClientConfig viaIp = cfg.toBuilder().baseUrl(url("127.0.0.1")).build();
            try (SsmHttpClient http = SsmHttpClient.create(viaIp)) {
                assertEquals(200, http.execute(get()).statusCode());
            }
            assertEquals(1, proxy.requestLines().size(), proxy.requestLines().toString());
        }
    }
}
