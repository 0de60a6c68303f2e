package io.github.ssmonprem.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ssmonprem.core.testing.ForwardProxy;
import io.github.ssmonprem.core.testing.TestSecrets;
import io.github.ssmonprem.sync.store.FileSyncStore;
import io.github.ssmonprem.testkit.SsmEmulator;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The ssm command line against the emulator: every exit code, the JSON error shape, the usage round trip. */
@ExtendWith(TestSecrets.NoLeaks.class)
class SsmCliTest {

    @TempDir
    Path dir;

    private SsmEmulator emulator;
    private Path ca;

    @BeforeEach
    void start() throws Exception {
        emulator = CliRunner.emulator().start();
        ca = Files.writeString(dir.resolve("ca.pem"), emulator.caPem());
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    private CliRunner cli() {
        return new CliRunner().signedInTo(emulator, ca).env("SSM_STATE_DIR", dir.resolve("state").toString());
    }

    /** A usage file of one device and one entitlement, in the demo account. */
    private Path usageFile() throws Exception {
        return Files.writeString(dir.resolve("usage.json"), "{\"account\":\"demo.example\",\"virtualAccount\":\"DEFAULT\","
                + "\"productInstance\":\"vmanage-1\",\"reports\":[{\"hostname\":\"edge-1\",\"softwareTag\":\"regid.sdwan\","
                + "\"usage\":[{\"entitlementTag\":\"sdwan_dna_advantage\",\"count\":4,\"start\":\"2026-11-01T00:00:00Z\","
                + "\"end\":\"2026-11-02T00:00:00Z\"}]}]}");
    }

    private static void assertNoSecrets(CliRunner.Result r) {
        TestSecrets.assertNoSecret("stdout", r.out());
        TestSecrets.assertNoSecret("stderr", r.err());
    }

    private static JsonNode error(CliRunner.Result r, int exitCode, String type) {
        assertEquals(exitCode, r.exitCode(), r.toString());
        JsonNode error = r.json().path("error");
        assertEquals(type, error.path("type").asText(), r.toString());
        for (String field : new String[] {"type", "code", "status", "message", "remediation", "attempts"}) {
            assertTrue(error.has(field), "the JSON error has '" + field + "': " + r.out());
        }
        assertFalse(error.path("message").asText().isBlank());
        assertNoSecrets(r);
        return error;
    }

    @Test
    void accountsTokenAndLicensesSucceed() {
        CliRunner.Result accounts = cli().run("accounts", "--verbose");
        assertEquals(0, accounts.exitCode(), accounts.toString());
        assertTrue(accounts.out().contains("demo.example"), accounts.out());
        assertNoSecrets(accounts);

        CliRunner.Result token = cli().run("token", "--output", "json");
        assertEquals(0, token.exitCode(), token.toString());
        assertEquals("password", token.json().path("grantType").asText());
        assertTrue(token.json().path("refreshToken").asBoolean());
        assertNoSecrets(token);

        CliRunner.Result licenses = cli().run("licenses", "--account", "demo.example", "--virtual-account", "Branch-East",
                "--output", "json");
        assertEquals(0, licenses.exitCode(), licenses.toString());
        assertEquals(50, licenses.json().path("licenses").size());
    }

    @Test
    void exit2ForUsageErrors() throws Exception {
        CliRunner.Result noUrl = new CliRunner().run("accounts", "--output", "json");
        assertEquals("No SSM On-Prem server URL.", error(noUrl, 2, "UsageError").path("message").asText());

        CliRunner.Result noSecret = cli().env("SSM_CLIENT_SECRET", "").run("token", "--output", "json");
        assertTrue(error(noSecret, 2, "UsageError").path("remediation").asText().contains("SSM_CLIENT_SECRET"));

        assertEquals(2, cli().run("licenses").exitCode(), "--account is required");
        assertEquals(2, cli().run("no-such-command").exitCode());

        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"account\":\"demo.example\",\"reports\":[{\"hostname\":\"e1\","
                + "\"softwareTag\":\"t\",\"usage\":[{\"entitlementTag\":\"x\",\"count\":-3,\"start\":\"2026-11-01T00:00:00Z\","
                + "\"end\":\"2026-11-02T00:00:00Z\"}]}],\"virtualAccount\":\"DEFAULT\",\"productInstance\":\"p\"}");
        CliRunner.Result invalid = cli().run("usage", "push", "--file", bad.toString(), "--output", "json");
        assertTrue(error(invalid, 2, "InvalidUsageReportException").path("message").asText().contains("negative count"));
        assertEquals(0, emulator.stats().requests("usage"), "nothing was sent");
    }

    @Test
    void aSecretTypedAsAnOptionIsNotEchoedBack() {
        for (String format : new String[] {"text", "json"}) {
            CliRunner.Result r = cli().run("token", "--output", format, "--client-secret", TestSecrets.CLIENT_SECRET,
                    "--password=" + TestSecrets.PASSWORD);
            assertEquals(2, r.exitCode(), r.toString());
            assertNoSecrets(r);
            assertTrue((r.out() + r.err()).contains("--client-secret"), r.toString());
            assertTrue((r.out() + r.err()).contains("never from options"), r.toString());
        }
    }

    @Test
    void exit3ForAMissingGrantWithTheServerText() {
        emulator.deleteGrant(CliRunner.CLIENT);
        JsonNode e = error(cli().run("token", "--output", "json"), 3, "GrantNotFoundException");
        assertEquals("invalid_client", e.path("code").asText());
        assertEquals(403, e.path("status").asInt());
        assertTrue(e.path("message").asText().contains("Grant not found"), e.toString());
        assertTrue(e.path("remediation").asText().contains("API Toolkit"), e.toString());
        assertEquals(1, e.path("attempts").asInt());
    }

    @Test
    void exit4ForAWrongPassword() {
        JsonNode e = error(cli().env("SSM_PASSWORD", "not-the-password").run("accounts", "--output", "json"), 4,
                "InvalidCredentialsException");
        assertEquals("invalid_grant", e.path("code").asText());
    }

    @Test
    void exit5ForAGrantOfTheWrongKind() {
        error(cli().run("token", "--grant", "client-credentials", "--output", "json"), 5, "UnauthorizedClientException");
    }

    @Test
    void exit6ForABackendThatIsDownOrAPortThatIsClosed() throws Exception {
        emulator.faults().backendDown(true);
        JsonNode down = error(cli().run("accounts", "--retries", "2", "--output", "json"), 6, "ServerUnavailableException");
        assertEquals(502, down.path("status").asInt());
        assertEquals(2, down.path("attempts").asInt());
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        error(cli().env("SSM_URL", "https://127.0.0.1:" + closed).run("accounts", "--retries", "1", "--output", "json"),
                6, "ConnectionFailedException");
    }

    @Test
    void exit7ForAnUntrustedCertificate() {
        JsonNode e = error(cli().env("SSM_CA_CERT", "").run("accounts", "--output", "json"), 7, "TlsException");
        assertTrue(e.path("message").asText().contains("SSM On-Prem Emulator CA"), e.toString());
        assertTrue(e.path("remediation").asText().contains("--ca-cert"), e.toString());
    }

    @Test
    void exit8ForAProxyThatRefusesTheCredentials() {
        try (ForwardProxy proxy = ForwardProxy.withBasicAuth("svc", "right")) {
            CliRunner.Result r = cli().env("HTTPS_PROXY", "http://svc@127.0.0.1:" + proxy.port())
                    .env("SSM_PROXY_PASSWORD", TestSecrets.PROXY_PASSWORD).env("SSM_URL", "https://localhost:" + emulator.port())
                    .run("accounts", "--output", "json");
            error(r, 8, "ProxyAuthenticationException");
        }
    }

    @Test
    void exit1ForAnythingElse() {
        emulator.faults().malformedNext(1);
        CliRunner.Result r = cli().run("token", "--output", "json");
        error(r, 1, "MalformedResponseException");
    }

    @Test
    void textFailuresGoToStderrWithWhatToDo() {
        emulator.deleteGrant(CliRunner.CLIENT);
        CliRunner.Result r = cli().run("token");
        assertEquals(3, r.exitCode());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("error: "), r.err());
        assertTrue(r.err().contains("what to do: "), r.err());
    }

    @Test
    void aFailedPushStaysPendingAndALaterSyncDeliversIt() throws Exception {
        Path usage = usageFile();
        emulator.faults().backendDown(true);
        CliRunner.Result push = cli().run("usage", "push", "--file", usage.toString(), "--retries", "1");
        assertEquals(6, push.exitCode(), push.toString());
        assertTrue(push.out().contains("still pending"), push.toString());
        try (FileSyncStore state = new FileSyncStore(dir.resolve("state"))) {
            assertEquals(1, state.pendingReports().size(), "the report is stored");
        }

        emulator.faults().backendDown(false);
        CliRunner.Result sync = cli().run("sync", "--account", "demo.example", "--output", "json");
        assertEquals(0, sync.exitCode(), sync.toString());
        assertEquals(1, sync.json().path("reportsDelivered").asInt());
        assertEquals(0, sync.json().path("reportsPending").asInt());
        assertEquals(1, emulator.stats().distinctReports());
        assertEquals(1, emulator.stats().usageRecordsCounted());
    }

    @Test
    void pushTakesTheReportIdFromReportIdAndSendsAKnownIdOnlyOnce() throws Exception {
        String body = "{\"account\":\"demo.example\",\"virtualAccount\":\"DEFAULT\",\"productInstance\":\"vmanage-1\","
                + "\"reports\":[{\"hostname\":\"edge-17\",\"softwareTag\":\"regid.sdwan\",\"usage\":[{\"entitlementTag\":"
                + "\"sdwan_dna_advantage\",\"count\":COUNT,\"start\":\"2026-11-30T00:00:00Z\",\"end\":\"2026-12-01T00:00:00Z\"}]}]}";
        Path usage = Files.writeString(dir.resolve("usage.json"), body.replace("COUNT", "12"));
        String id = "usage-2026-11-30-edge-17";
        CliRunner.Result push = cli().run("usage", "push", "--file", usage.toString(), "--report-id", id, "--output", "json");
        assertEquals(0, push.exitCode(), push.toString());
        assertEquals(id, push.json().path("reportId").asText());
        assertEquals("DELIVERED", push.json().path("status").asText());
        assertEquals(1, emulator.stats().submissionsOf(id), "sent under the given id");

        Path changed = Files.writeString(dir.resolve("usage-2.json"), body.replace("COUNT", "13"));
        CliRunner.Result again = cli().run("usage", "push", "--file", changed.toString(), "--report-id", id, "--output", "json");
        assertEquals(0, again.exitCode(), again.toString());
        assertEquals("DELIVERED", again.json().path("status").asText(), "the id's state, from the state directory");
        assertEquals(1, emulator.stats().submissionsOf(id), "a known id is not sent again");
        assertEquals(1, emulator.stats().usageRecordsCounted(), "the first push's usage only");

        CliRunner.Result derived = cli().run("usage", "push", "--file", usage.toString(), "--output", "json");
        assertEquals(0, derived.exitCode(), derived.toString());
        assertFalse(id.equals(derived.json().path("reportId").asText()), "without --report-id the id comes from the content");

        CliRunner.Result invalid = cli().run("usage", "push", "--file", usage.toString(), "--report-id", "../etc/passwd",
                "--output", "json");
        assertEquals(2, invalid.exitCode(), invalid.toString());
        assertEquals("InvalidUsageReportException", invalid.json().path("error").path("type").asText(), invalid.out());
        assertEquals(2, emulator.stats().distinctReports(), "nothing sent for the invalid id");
    }

    @Test
    void demoRunsAFullSyncAgainstItsOwnEmulator() {
        CliRunner.Result demo = new CliRunner().run("demo", "--state-dir", dir.toString());
        assertEquals(0, demo.exitCode(), demo.toString());
        assertTrue(demo.out().contains("5. Sync     succeeded"), demo.out());
        assertTrue(demo.out().contains("acknowledged"), demo.out());
    }

    @Test
    void emulatorCommandPrintsHowToReachIt() {
        CliRunner.Result r = new CliRunner().run("emulator", "--stop-after", "0", "--ca-out", dir.resolve("emu-ca.pem").toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("export SSM_URL=https://127.0.0.1:"), r.out());
        assertTrue(Files.exists(dir.resolve("emu-ca.pem")));
    }

    @Test
    void anEndlessClientSecretFileIsAUsageErrorNotAnOutOfMemory() {
        java.nio.file.Path zero = java.nio.file.Path.of("/dev/zero");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isReadable(zero));
        JsonNode e = error(cli().env("SSM_CLIENT_SECRET", "").run("token", "--client-secret-file", zero.toString(), "--output", "json"),
                2, "UsageError");
        assertTrue(e.path("message").asText().contains("larger than 65536 bytes"), e.toString());
        assertTrue(e.path("remediation").asText().contains("--client-secret-file"), e.toString());
    }

    @Test
    void aSyncWhoseLicensePullNeverEndsStillDeliversThePendingUsage() throws Exception {
        Path usage = usageFile();
        emulator.faults().backendDown(true);
        assertEquals(6, cli().run("usage", "push", "--file", usage.toString(), "--retries", "1").exitCode());
        emulator.faults().backendDown(false);
        emulator.faults().endlessLicensePages(io.github.ssmonprem.testkit.EndlessPages.IGNORED_OFFSET);
        CliRunner.Result sync = cli().run("sync", "--account", "demo.example", "--deadline", "60");
        assertEquals(1, sync.exitCode(), sync.toString());
        assertTrue(sync.out().contains("reports delivered: 1"), sync.toString());
        assertTrue(sync.err().contains("it ignores offset"), sync.toString());
        assertEquals(1, emulator.stats().distinctReports());
        assertTrue(emulator.stats().licensePages() <= 2, "pages: " + emulator.stats().licensePages());
        assertNoSecrets(sync);
    }

    @Test
    void aRedirectIsAUsageErrorAndAnOutOfTimeSyncIsUnavailable() {
        assertEquals(2, io.github.ssmonprem.examples.cli.ExitCodes.of(new io.github.ssmonprem.core.exception.RedirectNotFollowedException(
                "redirect", "use the URL", 301, "https://ssm.example:8443/", null)));
        assertEquals(6, io.github.ssmonprem.examples.cli.ExitCodes.of(new io.github.ssmonprem.sync.SyncDeadlineExceededException(
                "licenses", java.time.Instant.EPOCH, java.time.Duration.ofMinutes(15), "stopped", null)));
    }
}
