package io.github.ssmonprem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ssmonprem.core.testing.TestSecrets;
import io.github.ssmonprem.emulator.DeviceId;
import io.github.ssmonprem.emulator.IssuedAuthorization;
import io.github.ssmonprem.emulator.SsmEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code ssm usage authorize} against the emulator: a code requested and returned, kept for
 * {@code ssm usage acks --out}, and the exit codes of a refusal (9), a code that has not come (11), a
 * server that is down (6) and bad input (2), with no Java type in what an operator reads.
 */
class SsmCliAuthorizeTest extends EmulatedCliTest {

    private static final String HSEC = "regid.2019-03.com.cisco.DNA_HSEC,1.0_509c41ab-05a8-431f-95fe-ec28086e8844";
    private static final String DEVICE = "C8300-1N1S-6T:FDO2601X1AB";

    private CliRunner.Result authorize(String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("usage", "authorize", "--account", "demo.example", "--virtual-account",
                "DEFAULT", "--device", DEVICE, "--hostname", "edge-17"));
        args.addAll(List.of(more));
        return cli().run(args.toArray(String[]::new));
    }

    private static void assertForOperators(CliRunner.Result r) {
        String all = r.out() + r.err();
        assertFalse(all.contains("Exception") || all.contains("io.github") || all.contains("AuthorizationRequest"),
                "no Java type in what an operator reads: " + r);
        TestSecrets.assertNoSecret("stdout", r.out());
        TestSecrets.assertNoSecret("stderr", r.err());
    }

    @Test
    void aRequestedCodeIsKeptAndWrittenForTheDeviceByAcksOut() throws Exception {
        CliRunner.Result r = authorize("--entitlement", HSEC, "--count", "2");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("Authorization code for device " + DEVICE + " (edge-17, " + HSEC + " x2) received"), r.out());
        assertTrue(r.out().contains("`ssm usage acks --out DIR` writes it to C8300-1N1S-6T_FDO2601X1AB-a"), r.out());
        assertForOperators(r);
        IssuedAuthorization issued = emulator.stats().issuedAuthorizations().get(0);
        assertEquals(new DeviceId("C8300-1N1S-6T", "FDO2601X1AB"), issued.sudi());
        assertEquals(List.of(HSEC + "=2"), issued.entitlements());

        JsonNode listed = cli().run("usage", "acks", "--output", "json").json().path("acknowledgements");
        assertEquals(1, listed.size(), listed.toString());
        assertEquals("authorization", listed.get(0).path("kind").asText());
        assertEquals(DEVICE, listed.get(0).path("device").asText());
        CliRunner.Result text = cli().run("usage", "acks");
        assertTrue(text.out().contains("authorization code"), text.out());

        Path out = dir.resolve("codes");
        CliRunner.Result written = cli().run("usage", "acks", "--out", out.toString());
        assertEquals(0, written.exitCode(), written.toString());
        try (Stream<Path> files = Files.list(out)) {
            List<Path> codes = files.toList();
            assertEquals(1, codes.size(), codes.toString());
            assertEquals(issued.text(), Files.readString(codes.get(0)), "the code, decoded, to import on the device");
        }
        assertEquals(0, cli().run("usage", "acks", "--output", "json").json().path("acknowledgements").size(), "taken");
    }

    @Test
    void aReturnIsConfirmedAndTheAccountMayComeFromTheEnvironment() {
        CliRunner.Result r = cli().env("SSM_ACCOUNT", "demo.example").env("SSM_VIRTUAL_ACCOUNT", "DEFAULT").run("usage", "authorize",
                "--device", DEVICE, "--hostname", "edge-17", "--return", "RC-4711", "--output", "json");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode doc = r.json();
        assertEquals("return", doc.path("kind").asText());
        assertEquals("DELIVERED", doc.path("status").asText());
        assertTrue(doc.path("kept").asBoolean());
        assertTrue(doc.path("requestId").asText().matches("a[0-9a-f]{32}"), doc.toString());
        assertEquals(doc.path("requestId").asText() + "-1", doc.path("acknowledgement").asText());
        assertEquals("RC-4711", emulator.stats().issuedAuthorizations().get(0).removeCode());
        assertEquals("return", cli().run("usage", "acks", "--output", "json").json().path("acknowledgements").get(0).path("kind").asText());
    }

    @Test
    void aRefusalExits9WithTheServersMessage() {
        emulator.faults().errorEntryFor(new DeviceId("C8300-1N1S-6T", "FDO2601X1AB"), "FAILED", "SLAC_NO_LICENSE",
                "No HSEC license is available in the virtual account");
        CliRunner.Result r = authorize("--entitlement", HSEC);
        assertEquals(9, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("error: The server refused to issue an authorization code for device " + DEVICE), r.err());
        assertTrue(r.err().contains(": FAILED: No HSEC license is available in the virtual account (message code SLAC_NO_LICENSE)"),
                r.err());
        assertTrue(r.err().contains("what to do: Check the entitlement tag"), r.err());
        assertForOperators(r);
        assertEquals(0, cli().run("usage", "acks", "--output", "json").json().path("acknowledgements").size(), "nothing kept");
    }

    @Test
    void aCodeThatHasNotComeExits11AndADownServer6() {
        emulator.acknowledgeAfter(1000, Duration.ZERO);
        CliRunner.Result waiting = authorize("--entitlement", HSEC, "--ack-timeout", "0");
        assertEquals(11, waiting.exitCode(), waiting.toString());
        assertTrue(waiting.out().contains("No authorization code for device " + DEVICE) && waiting.out().contains("request it again"),
                waiting.out());
        assertForOperators(waiting);

        emulator.faults().backendDown(true);
        CliRunner.Result down = authorize("--entitlement", HSEC, "--retries", "1");
        assertEquals(6, down.exitCode(), down.toString());
        assertTrue(down.out().contains("request it again once the server answers"), down.out());
        assertTrue(down.err().startsWith("error: "), down.err());
        assertForOperators(down);
    }

    @Test
    void badInputExits2AndSendsNothing() {
        for (String[] args : List.of(new String[] {"--entitlement", HSEC, "--return", "RC-1"}, new String[] {},
                new String[] {"--return", "RC-1", "--count", "2"}, new String[] {"--entitlement", HSEC, "--count", "0"},
                new String[] {"--entitlement", " "})) {
            CliRunner.Result r = authorize(args);
            assertEquals(2, r.exitCode(), String.join(" ", args) + ": " + r);
            assertTrue(r.err().contains("what to do: "), r.err());
            assertForOperators(r);
        }
        CliRunner.Result noColon = cli().run("usage", "authorize", "--account", "demo.example", "--virtual-account", "DEFAULT",
                "--device", "FDO2601X1AB", "--hostname", "edge-17", "--entitlement", HSEC);
        assertEquals(2, noColon.exitCode(), noColon.toString());
        assertTrue(noColon.err().contains("--device must be PID:SERIAL"), noColon.err());
        CliRunner.Result noAccount = cli().run("usage", "authorize", "--virtual-account", "DEFAULT", "--device", DEVICE, "--hostname",
                "edge-17", "--entitlement", HSEC);
        assertEquals(2, noAccount.exitCode(), noAccount.toString());
        assertTrue(noAccount.err().contains("SSM_ACCOUNT"), noAccount.err());
        assertEquals(0, emulator.stats().requests("authrequest"), "nothing was sent");
    }
}
