package io.github.ssmonprem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ssmonprem.core.testing.ForwardProxy;
import io.github.ssmonprem.core.testing.TestSecrets;
import io.github.ssmonprem.emulator.DeviceUsageFiles;
import io.github.ssmonprem.emulator.RumReportFixture;
import io.github.ssmonprem.emulator.SsmEmulator;
import io.github.ssmonprem.sync.store.FileSyncStore;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The ssm command line against the emulator: every exit code, the JSON error shape, the usage round trip. */
class SsmCliTest extends EmulatedCliTest {

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
        assertEquals("No SSM On-Prem server URL.", error(noUrl, 2, "usage").path("message").asText());

        CliRunner.Result noSecret = cli().env("SSM_CLIENT_SECRET", "").run("token", "--output", "json");
        assertTrue(error(noSecret, 2, "usage").path("remediation").asText().contains("SSM_CLIENT_SECRET"));

        assertEquals(2, cli().run("licenses").exitCode(), "--account is required");
        assertEquals(2, cli().run("no-such-command").exitCode());

        Path good = DeviceUsageFiles.writeXml(dir.resolve("good.xml"), List.of(device("A", 1)));
        Path bad = Files.writeString(dir.resolve("bad.xml"), "<smartLicense><RUMReport><![CDATA[" + device("B", 1).entry()
                + "]]></RUMReport><RUMReport><![CDATA[{\"payload\":\"{\\\"version\\\": \",\"signature\":{}}]]></RUMReport></smartLicense>");
        CliRunner.Result invalid = cli().run("usage", "push", "--account", "demo.example", "--virtual-account", "DEFAULT",
                "--file", good.toString(), "--file", bad.toString(), "--output", "json");
        String message = error(invalid, 2, "invalid-usage-report").path("message").asText();
        assertTrue(message.contains(bad + ": <RUMReport> 2 (line ") && message.contains("): the payload is not JSON"), message);
        Path noSignature = Files.writeString(dir.resolve("nosig.xml"), "<RUMReport>{\"payload\":\"{}\"}</RUMReport>");
        assertTrue(error(cli().run("usage", "push", "--account", "demo.example", "--virtual-account", "DEFAULT", "--file",
                noSignature.toString(), "--output", "json"), 2, "invalid-usage-report").path("message").asText()
                .contains("has no signature"));
        Path twice = DeviceUsageFiles.writeXml(dir.resolve("twice.xml"), List.of(device("A", 1), device("A", 2)));
        assertTrue(error(cli().run("usage", "push", "--account", "demo.example", "--virtual-account", "DEFAULT", "--file",
                good.toString(), "--file", twice.toString(), "--output", "json"), 2, "invalid-usage-report")
                .path("message").asText().contains("was read already, from " + good), "the same report in two files");
        CliRunner.Result noAccount = cli().run("usage", "push", "--virtual-account", "DEFAULT", "--file", good.toString());
        assertEquals(2, noAccount.exitCode(), noAccount.toString());
        assertTrue(noAccount.err().contains("SSM_ACCOUNT"), noAccount.err());
        assertEquals(0, emulator.stats().uploads(), "nothing was sent");
        assertFalse(Files.exists(dir.resolve("state").resolve("pending")) && Files.list(dir.resolve("state").resolve("pending"))
                .findAny().isPresent(), "nothing was stored");
    }

    /** A device's RUM report as the device writes it, with the spacing and escapes a JSON library would not. */
    private static RumReportFixture device(String serial, long reportId) {
        return RumReportFixture.builder().device("C8000V", serial).reportId(reportId).spacing(true).escapeSlashes(true)
                .count(4, java.time.Instant.parse("2026-11-01T00:00:00Z"), java.time.Instant.parse("2026-11-02T00:00:00Z")).build();
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
        JsonNode e = error(cli().run("token", "--output", "json"), 3, "grant-not-found");
        assertEquals("invalid_client", e.path("code").asText());
        assertEquals(403, e.path("status").asInt());
        assertTrue(e.path("message").asText().contains("Grant not found"), e.toString());
        assertTrue(e.path("remediation").asText().contains("API Toolkit"), e.toString());
        assertEquals(1, e.path("attempts").asInt());
    }

    @Test
    void exit4ForAWrongPassword() {
        JsonNode e = error(cli().env("SSM_PASSWORD", "not-the-password").run("accounts", "--output", "json"), 4,
                "invalid-credentials");
        assertEquals("invalid_grant", e.path("code").asText());
    }

    @Test
    void exit5ForAGrantOfTheWrongKind() {
        error(cli().run("token", "--grant", "client-credentials", "--output", "json"), 5, "unauthorized-client");
    }

    @Test
    void exit6ForABackendThatIsDownOrAPortThatIsClosed() throws Exception {
        emulator.faults().backendDown(true);
        JsonNode down = error(cli().run("accounts", "--retries", "2", "--output", "json"), 6, "server-unavailable");
        assertEquals(502, down.path("status").asInt());
        assertEquals(2, down.path("attempts").asInt());
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        error(cli().env("SSM_URL", "https://127.0.0.1:" + closed).run("accounts", "--retries", "1", "--output", "json"),
                6, "connection-failed");
    }

    @Test
    void exit7ForAnUntrustedCertificate() {
        JsonNode e = error(cli().env("SSM_CA_CERT", "").run("accounts", "--output", "json"), 7, "tls");
        assertTrue(e.path("message").asText().contains("SSM On-Prem Emulator CA"), e.toString());
        assertTrue(e.path("remediation").asText().contains("--ca-cert"), e.toString());
    }

    @Test
    void exit8ForAProxyThatRefusesTheCredentials() {
        try (ForwardProxy proxy = ForwardProxy.withBasicAuth("svc", "right")) {
            CliRunner.Result r = cli().env("HTTPS_PROXY", "http://svc@127.0.0.1:" + proxy.port())
                    .env("SSM_PROXY_PASSWORD", TestSecrets.PROXY_PASSWORD).env("SSM_URL", "https://localhost:" + emulator.port())
                    .run("accounts", "--output", "json");
            error(r, 8, "proxy-authentication");
        }
    }

    @Test
    void exit1ForAnythingElse() {
        emulator.faults().malformedNext(1);
        CliRunner.Result r = cli().run("token", "--output", "json");
        error(r, 1, "malformed-response");
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
        Path usage = DeviceUsageFiles.writeXml(dir.resolve("usage.xml"), List.of(device("A", 1)));
        emulator.faults().backendDown(true);
        CliRunner.Result push = cli().env("SSM_ACCOUNT", "demo.example").env("SSM_VIRTUAL_ACCOUNT", "DEFAULT")
                .run("usage", "push", "--file", usage.toString(), "--retries", "1");
        assertEquals(6, push.exitCode(), push.toString());
        assertTrue(push.out().contains("is pending"), push.toString());
        try (FileSyncStore state = new FileSyncStore(dir.resolve("state"))) {
            assertEquals(1, state.pending().size(), "the report is stored");
        }

        emulator.faults().backendDown(false);
        CliRunner.Result sync = cli().run("sync", "--account", "demo.example", "--output", "json");
        assertEquals(0, sync.exitCode(), sync.toString());
        assertEquals(1, sync.json().path("reportsDelivered").asInt());
        assertEquals(0, sync.json().path("reportsPending").asInt());
        assertEquals(1, emulator.stats().distinctRumReports());
        assertEquals(1, emulator.stats().acknowledgementsIssued());
    }

    @Test
    void pushSendsTheDevicesReportsByteForByteTheirAcknowledgementsComeBackAndAgainSendsNothing() throws Exception {
        Path a = DeviceUsageFiles.writeXml(dir.resolve("edge-a.xml"), List.of(device("A", 1), device("A", 2)));
        Path b = DeviceUsageFiles.writeJsonArray(dir.resolve("edge-b.json"), List.of(device("B", 7)));
        String[] args = {"usage", "push", "--account", "demo.example", "--virtual-account", "DEFAULT", "--file", a.toString(),
            "--file", b.toString(), "--output", "json"};
        CliRunner.Result push = cli().run(args);
        assertEquals(0, push.exitCode(), push.toString());
        JsonNode report = push.json().path("reports").get(0);
        assertEquals("DELIVERED", report.path("status").asText());
        assertEquals(2, report.path("acknowledgements").size(), "one per device");
        assertEquals(3, push.json().path("rumReports").asInt());
        assertEquals(List.of(device("A", 1).payload(), device("A", 2).payload(), device("B", 7).payload()).stream().sorted().toList(),
                emulator.stats().receivedPayloads().stream().sorted().toList(), "every payload byte for byte");

        CliRunner.Result again = cli().run(args);
        assertEquals(0, again.exitCode(), again.toString());
        assertEquals(report.path("reportId").asText(), again.json().path("reports").get(0).path("reportId").asText());
        assertEquals(1, emulator.stats().uploads(), "pushing the same files again sends nothing");

        CliRunner.Result listed = cli().run("usage", "acks", "--output", "json");
        assertEquals(0, listed.exitCode(), listed.toString());
        assertEquals(2, listed.json().path("acknowledgements").size());
        CliRunner.Result notADirectory = cli().run("usage", "acks", "--out", a.toString());
        assertEquals(1, notADirectory.exitCode(), notADirectory.toString());
        assertTrue(notADirectory.err().contains("Cannot write the acknowledgements to " + a + " (a file of that name is in the way): "
                + "0 of 2 written and marked taken; the others stay not taken.") && notADirectory.err().contains("--out"),
                notADirectory.err());
        assertEquals(2, cli().run("usage", "acks", "--output", "json").json().path("acknowledgements").size(), "none taken");

        Path out = dir.resolve("acks");
        JsonNode second = listed.json().path("acknowledgements").get(1);
        Path blocker = Files.createDirectories(out.resolve(second.path("pid").asText() + "_" + second.path("serialNumber").asText()
                + "-" + second.path("reportId").asText() + ".txt"));
        Files.writeString(blocker.resolve("in-the-way"), "x");
        CliRunner.Result partly = cli().run("usage", "acks", "--out", out.toString());
        assertEquals(1, partly.exitCode(), partly.toString());
        assertTrue(partly.err().contains("1 of 2 written and marked taken; the others stay not taken."), partly.err());
        assertEquals(1, cli().run("usage", "acks", "--output", "json").json().path("acknowledgements").size(), "the written one taken");
        Files.delete(blocker.resolve("in-the-way"));
        Files.delete(blocker);

        CliRunner.Result written = cli().run("usage", "acks", "--out", out.toString());
        assertEquals(0, written.exitCode(), written.toString());
        try (Stream<Path> files = Files.list(out)) {
            List<Path> acks = files.sorted().toList();
            assertEquals(2, acks.size(), acks.toString());
            assertTrue(acks.get(0).getFileName().toString().startsWith("C8000V_A-u"), acks.toString());
            String text = Files.readString(acks.get(0));
            assertTrue(text.contains("C8000V") && text.contains("A") && !text.isBlank(), "the decoded ACK for its device: " + text);
        }
        assertEquals(0, cli().run("usage", "acks", "--output", "json").json().path("acknowledgements").size(), "taken");
    }

    @Test
    void aPushToAVirtualAccountTheGrantDoesNotSeeNamesTheOptionAndKeepsNothing() throws Exception {
        Path usage = DeviceUsageFiles.writeXml(dir.resolve("usage.xml"), List.of(device("A", 1)));
        CliRunner.Result typo = cli().run("usage", "push", "--account", "demo.example", "--virtual-account", "DEFAULT-TYPO",
                "--file", usage.toString());
        assertEquals(2, typo.exitCode(), typo.toString());
        assertTrue(typo.err().contains("no virtual account 'DEFAULT-TYPO'") && typo.err().contains("it sees DEFAULT"), typo.err());
        assertTrue(typo.err().contains("Correct --virtual-account (SSM_VIRTUAL_ACCOUNT): `ssm accounts` lists"), typo.err());
        assertFalse(typo.err().contains("dead letter") || typo.err().contains("Exception"), typo.err());
        JsonNode listed = cli().run("usage", "list", "--output", "json").json();
        assertEquals(0, listed.path("pending").asInt() + listed.path("dead").asInt(), "nothing kept to discard: " + listed);
        assertEquals(0, emulator.stats().uploads());

        CliRunner.Result right = cli().run("usage", "push", "--account", "demo.example", "--virtual-account", "DEFAULT",
                "--file", usage.toString());
        assertEquals(0, right.exitCode(), "the same files under the right name: " + right);
    }

    @Test
    void aRefusedPushIsADeadLetterAndAPushStillAwaitingItsAcknowledgementSaysSo() throws Exception {
        emulator.faults().failNextUploads(1, "Signature verification failed", "SIG_INVALID");
        Path usage = DeviceUsageFiles.writeXml(dir.resolve("usage.xml"), List.of(device("A", 1)));
        CliRunner.Result dead = cli().run("usage", "push", "--account", "demo.example", "--virtual-account", "DEFAULT",
                "--file", usage.toString());
        assertEquals(9, dead.exitCode(), dead.toString());
        assertTrue(dead.out().contains("dead letter") && dead.out().contains("Signature verification failed"), dead.out());
        assertFalse(dead.toString().contains("still pending"), dead.toString());

        emulator.acknowledgeAfter(1000, Duration.ZERO);
        Path later = DeviceUsageFiles.writeXml(dir.resolve("later.xml"), List.of(device("B", 1)));
        CliRunner.Result waiting = cli().run("usage", "push", "--account", "demo.example", "--virtual-account", "DEFAULT",
                "--file", later.toString(), "--ack-timeout", "0");
        assertEquals(11, waiting.exitCode(), waiting.toString());
        assertTrue(waiting.out().contains("`ssm sync` with the same --state-dir polls for it"), waiting.out());
    }

    @Test
    void demoRunsAFullSyncAgainstItsOwnEmulator() {
        CliRunner.Result demo = new CliRunner().run("demo", "--state-dir", dir.toString());
        assertEquals(0, demo.exitCode(), demo.toString());
        assertTrue(demo.out().contains("6. Sync     succeeded"), demo.out());
        assertTrue(demo.out().contains("acknowledged"), demo.out());
        assertTrue(demo.out().contains("5. ACK      for device C8000V:FDO2401A0BC written to " + dir), demo.out());
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
                2, "usage");
        assertTrue(e.path("message").asText().contains("larger than 65536 bytes"), e.toString());
        assertTrue(e.path("remediation").asText().contains("--client-secret-file"), e.toString());
    }

    @Test
    void aSyncWhoseLicensePullNeverEndsStillDeliversThePendingUsage() throws Exception {
        Path usage = DeviceUsageFiles.writeXml(dir.resolve("usage.xml"), List.of(device("A", 1)));
        emulator.faults().backendDown(true);
        assertEquals(6, cli().run("usage", "push", "--account", "demo.example", "--virtual-account", "DEFAULT", "--file",
                usage.toString(), "--retries", "1").exitCode());
        emulator.faults().backendDown(false);
        emulator.faults().endlessLicensePages(io.github.ssmonprem.emulator.EndlessPages.IGNORED_OFFSET);
        CliRunner.Result sync = cli().run("sync", "--account", "demo.example", "--deadline", "60");
        assertEquals(1, sync.exitCode(), sync.toString());
        assertTrue(sync.out().contains("reports delivered: 1"), sync.toString());
        assertTrue(sync.err().contains("it ignores offset"), sync.toString());
        assertEquals(1, emulator.stats().distinctRumReports());
        assertTrue(emulator.stats().licensePages() <= 2, "pages: " + emulator.stats().licensePages());
        assertNoSecrets(sync);
    }

    @Test
    void aRedirectIsAUsageErrorAndAnOutOfTimeSyncIsUnavailable() {
        assertEquals(2, io.github.ssmonprem.cli.ExitCodes.of(new io.github.ssmonprem.core.exception.RedirectNotFollowedException(
                "redirect", "use the URL", 301, "https://ssm.example:8443/", null)));
        assertEquals(6, io.github.ssmonprem.cli.ExitCodes.of(new io.github.ssmonprem.sync.SyncDeadlineExceededException(
                "licenses", java.time.Instant.EPOCH, java.time.Duration.ofMinutes(15), "stopped", null)));
    }
}
