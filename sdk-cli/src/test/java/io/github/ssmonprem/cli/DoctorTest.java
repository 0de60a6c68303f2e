package io.github.ssmonprem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ssmonprem.core.testing.ForwardProxy;
import io.github.ssmonprem.core.testing.RawServer;
import io.github.ssmonprem.core.testing.TestSecrets;
import io.github.ssmonprem.core.testing.TestTls;
import io.github.ssmonprem.emulator.SsmEmulator;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code ssm doctor} names the first failing step of each fault, with the right exit code. */
@ExtendWith(TestSecrets.NoLeaks.class)
class DoctorTest {

    static final List<String> STEPS = List.of("URL", "DNS", "TCP connect", "Proxy CONNECT", "TLS handshake", "Token request", "API call");

    @TempDir
    Path dir;

    private SsmEmulator emulator;
    private Path ca;

    @BeforeEach
    void start() throws Exception {
        emulator = SsmEmulator.builder().https().passwordGrant("doc-client", TestSecrets.CLIENT_SECRET)
                .user("operator", TestSecrets.PASSWORD).start();
        ca = Files.writeString(dir.resolve("ca.pem"), emulator.caPem());
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    private CliRunner cli() {
        return new CliRunner().env("SSM_URL", "https://localhost:" + emulator.port()).env("SSM_CA_CERT", ca.toString())
                .env("SSM_CLIENT_ID", "doc-client").env("SSM_CLIENT_SECRET", TestSecrets.CLIENT_SECRET)
                .env("SSM_USERNAME", "operator").env("SSM_PASSWORD", TestSecrets.PASSWORD);
    }

    /** Runs doctor in JSON mode and returns the statuses in step order. */
    private static List<String> statuses(CliRunner.Result r) {
        List<String> out = new ArrayList<>();
        JsonNode steps = r.json().path("steps");
        for (int i = 0; i < steps.size(); i++) {
            assertEquals(STEPS.get(i), steps.get(i).path("name").asText());
            out.add(steps.get(i).path("status").asText());
        }
        TestSecrets.assertNoSecret("doctor output", r.out());
        return out;
    }

    private static JsonNode failed(CliRunner.Result r) {
        for (JsonNode step : r.json().path("steps")) {
            if (step.path("status").asText().equals("FAIL")) {
                return step;
            }
        }
        throw new AssertionError("no failed step: " + r);
    }

    @Test
    void everyStepPassesAgainstAHealthyServer() {
        CliRunner.Result r = cli().run("doctor", "--output", "json");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(List.of("PASS", "PASS", "PASS", "SKIP", "PASS", "PASS", "PASS"), statuses(r));
        assertTrue(r.json().path("steps").get(4).path("detail").asText().contains("issuer CN=SSM On-Prem Emulator CA"), r.out());
    }

    @Test
    void throughAnAuthenticatingProxyEveryStepPasses() {
        try (ForwardProxy proxy = ForwardProxy.withBasicAuth("svc", TestSecrets.PROXY_PASSWORD)) {
            CliRunner.Result r = cli().env("HTTPS_PROXY", "http://svc@127.0.0.1:" + proxy.port())
                    .env("SSM_PROXY_PASSWORD", TestSecrets.PROXY_PASSWORD).run("doctor", "--output", "json");
            assertEquals(0, r.exitCode(), r.toString());
            assertEquals(List.of("PASS", "PASS", "PASS", "PASS", "PASS", "PASS", "PASS"), statuses(r));
        }
    }

    @Test
    void aHostThatDoesNotResolveFailsAtDns() {
        CliRunner.Result r = cli().env("SSM_URL", "https://ssm.invalid:8443").run("doctor", "--output", "json");
        assertEquals(6, r.exitCode(), r.toString());
        assertEquals(List.of("PASS", "FAIL", "SKIP", "SKIP", "SKIP", "SKIP", "SKIP"), statuses(r));
        assertTrue(failed(r).path("remediation").asText().contains("DNS"));
    }

    @Test
    void aClosedPortFailsAtTcpConnect() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        CliRunner.Result r = cli().env("SSM_URL", "https://localhost:" + closed).run("doctor", "--output", "json");
        assertEquals(6, r.exitCode(), r.toString());
        assertEquals(List.of("PASS", "PASS", "FAIL", "SKIP", "SKIP", "SKIP", "SKIP"), statuses(r));
        assertTrue(failed(r).path("detail").asText().contains("refused"));
    }

    @Test
    void anUntrustedCaFailsAtTlsWithTheCertificateAndTheFix() {
        CliRunner.Result r = cli().env("SSM_CA_CERT", "").run("doctor", "--output", "json");
        assertEquals(7, r.exitCode(), r.toString());
        assertEquals(List.of("PASS", "PASS", "PASS", "SKIP", "FAIL", "SKIP", "SKIP"), statuses(r));
        assertTrue(failed(r).path("detail").asText().contains("issuer CN=SSM On-Prem Emulator CA"), r.out());
        assertTrue(failed(r).path("remediation").asText().contains("--ca-cert"));
    }

    @Test
    void aCertificateForAnotherHostFailsAtTls() throws Exception {
        TestTls otherCa = TestTls.newPrivateCa();
        try (MockWebServer other = new MockWebServer()) {
            other.useHttps(otherCa.serverFor("ssm.example.net").sslSocketFactory());
            other.start();
            Path otherCaFile = Files.writeString(dir.resolve("other-ca.pem"), otherCa.caPem());
            CliRunner.Result r = cli().env("SSM_URL", "https://localhost:" + other.getPort())
                    .env("SSM_CA_CERT", otherCaFile.toString()).run("doctor", "--output", "json");
            assertEquals(7, r.exitCode(), r.toString());
            assertEquals(List.of("PASS", "PASS", "PASS", "SKIP", "FAIL", "SKIP", "SKIP"), statuses(r));
            assertTrue(failed(r).path("detail").asText().contains("does not name 'localhost'"), r.out());
        }
    }

    @Test
    void aProxyThatRefusesTheCredentialsFailsAtProxyConnect() {
        try (ForwardProxy proxy = ForwardProxy.withBasicAuth("svc", "the-right-one")) {
            CliRunner.Result r = cli().env("HTTPS_PROXY", "http://svc@127.0.0.1:" + proxy.port())
                    .env("SSM_PROXY_PASSWORD", TestSecrets.PROXY_PASSWORD).run("doctor", "--output", "json");
            assertEquals(8, r.exitCode(), r.toString());
            assertEquals(List.of("PASS", "PASS", "PASS", "FAIL", "SKIP", "SKIP", "SKIP"), statuses(r));
            assertTrue(failed(r).path("detail").asText().contains("407"));
        }
    }

    /** What tinyproxy 1.11 sends for a wrong Basic password: 401, not 407. */
    static final String TINYPROXY_401 = "HTTP/1.0 401 Unauthorized\r\nServer: tinyproxy/1.11.1\r\n"
            + "Content-Type: text/html\r\nWWW-Authenticate: Basic realm=\"Tinyproxy\"\r\nConnection: close\r\n\r\n"
            + "<!DOCTYPE html>\n<html><head><title>401 Unauthorized</title></head>\n<body><h1>Unauthorized</h1>"
            + "<p>The administrator of this proxy has not configured it to service requests from you.</p></body></html>\n";

    @Test
    void tinyproxysWrongPassword401ToConnectIsAProxyAuthenticationFailure() throws Exception {
        try (RawServer proxy = new RawServer(TINYPROXY_401)) {
            CliRunner.Result r = cli().env("HTTPS_PROXY", "http://svc@127.0.0.1:" + proxy.port())
                    .env("SSM_PROXY_PASSWORD", TestSecrets.PROXY_PASSWORD).run("doctor", "--output", "json");
            assertEquals(8, r.exitCode(), "the exit code of a proxy authentication failure: " + r);
            assertEquals(List.of("PASS", "PASS", "PASS", "FAIL", "SKIP", "SKIP", "SKIP"), statuses(r));
            String detail = failed(r).path("detail").asText();
            assertTrue(detail.contains("401 Unauthorized to CONNECT with a Basic challenge"), detail);
            assertTrue(detail.contains("rejected the credentials of user 'svc'"), detail);
            assertFalse(detail.contains("does not allow"), detail);
        }
    }

    @Test
    void aProxyForbiddingTheTunnelSaysItDoesNotAllowConnect() throws Exception {
        try (RawServer proxy = new RawServer("HTTP/1.1 403 Forbidden\r\nServer: squid/5.7\r\nContent-Length: 0\r\n"
                + "Connection: close\r\n\r\n")) {
            CliRunner.Result r = cli().env("HTTPS_PROXY", "http://127.0.0.1:" + proxy.port()).run("doctor", "--output", "json");
            assertEquals(6, r.exitCode(), r.toString());
            JsonNode step = failed(r);
            assertEquals("Proxy CONNECT", step.path("name").asText());
            assertTrue(step.toString().contains("does not allow CONNECT"), step.toString());
        }
    }

    @Test
    void aMissingGrantFailsAtTheTokenRequestWithTheApiToolkitSteps() {
        emulator.deleteGrant("doc-client");
        CliRunner.Result r = cli().run("doctor", "--output", "json");
        assertEquals(3, r.exitCode(), r.toString());
        assertEquals(List.of("PASS", "PASS", "PASS", "SKIP", "PASS", "FAIL", "SKIP"), statuses(r));
        assertTrue(failed(r).path("detail").asText().contains("Grant not found"));
        assertTrue(failed(r).path("remediation").asText().contains("API Toolkit"));
    }

    @Test
    void aWrongPasswordFailsAtTheTokenRequest() {
        CliRunner.Result r = cli().env("SSM_PASSWORD", "wrong").run("doctor", "--output", "json");
        assertEquals(4, r.exitCode(), r.toString());
        assertTrue(failed(r).path("detail").asText().startsWith("Credentials refused (invalid_grant)"));
    }

    @Test
    void aBackendDownFailsAtTheTokenRequestAsSsmBackendDown() {
        emulator.faults().backendDown(true);
        CliRunner.Result r = cli().run("doctor");
        assertEquals(6, r.exitCode(), r.toString());
        assertTrue(r.out().contains("[FAIL] Token request"), r.out());
        assertTrue(r.out().contains("SSM backend down"), r.out());
        assertTrue(r.out().contains("[SKIP] API call"), r.out());
        assertTrue(r.out().contains("Result: FAIL (exit 6)"), r.out());
    }
}
