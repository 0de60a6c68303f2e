package io.github.ssmonprem.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.emulator.SsmEmulator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The single-file script {@code SyncNow.java}, run as a user runs it: with sdk-cli's {@code ssm.jar} as
 * the class path (after {@code mvn package}).
 */
class SyncNowIT {

    private static final Path JAR = Path.of(System.getProperty("ssm.jar", "../sdk-cli/target/ssm.jar"));
    private static final Path SCRIPT = Path.of(System.getProperty("ssm.script", "SyncNow.java"));

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private record Run(int exit, String output) {
    }

    private static Run syncNow(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(java(), "-cp", JAR.toString(), SCRIPT.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("SSM_") || k.equalsIgnoreCase("https_proxy"));
        pb.environment().putAll(env);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return new Run(p.exitValue(), output);
    }

    @Test
    void syncNowWithoutAServerUrlExitsTwoSayingWhatToSet() throws Exception {
        Run run = syncNow(Map.of());
        assertEquals(2, run.exit(), run.output());
        assertTrue(run.output().contains("SSM_URL is not set") && run.output().contains("--emulator"), run.output());
        assertTrue(!run.output().contains("sync OK"), run.output());
    }

    @Test
    void syncNowRunsAgainstTheEmulatorOnlyWhenAskedTo() throws Exception {
        Run run = syncNow(Map.of(), "--emulator");
        assertEquals(0, run.exit(), run.output());
        assertTrue(run.output().contains("sync OK: 120 licenses"), run.output());
    }

    @Test
    void syncNowAcceptsBothGrantSpellingsAndNamesAMissingAccountInOneLine(@TempDir Path dir) throws Exception {
        try (SsmEmulator emulator = SsmEmulator.builder().https().start()) {
            Path ca = Files.writeString(dir.resolve("ca.pem"), emulator.caPem());
            Map<String, String> env = new HashMap<>(Map.of("SSM_URL", emulator.url().toString(), "SSM_CA_CERT", ca.toString(),
                    "SSM_CLIENT_ID", SsmEmulator.DEMO_CC_CLIENT_ID, "SSM_CLIENT_SECRET", SsmEmulator.DEMO_CC_CLIENT_SECRET,
                    "SSM_STATE_DIR", dir.resolve("state").toString(), "SSM_GRANT", "client-credentials"));
            Run missing = syncNow(env);
            assertEquals(2, missing.exit(), missing.output());
            assertEquals("sync NOT RUN: SSM_ACCOUNT is not set: set it along with SSM_URL.", missing.output().strip());

            env.put("SSM_ACCOUNT", SsmEmulator.DEMO_ACCOUNT);
            for (String spelling : List.of("client-credentials", "client_credentials")) {
                env.put("SSM_GRANT", spelling);
                Run run = syncNow(env);
                assertEquals(0, run.exit(), spelling + ": " + run.output());
                assertTrue(run.output().contains("sync OK"), run.output());
            }
            assertTrue(Files.exists(dir.resolve("state").resolve("last-sync.json")));

            env.put("SSM_ACCOUNT", "typo.example");
            Run unknown = syncNow(env);
            assertEquals(2, unknown.exit(), "a setting that is wrong, as ssm says: " + unknown.output());
            assertTrue(unknown.output().contains("'typo.example'"), unknown.output());
        }
    }

    @Test
    void syncNowStatesAConfigurationErrorsRemediationOnce(@TempDir Path state) throws Exception {
        Run run = syncNow(Map.of("SSM_URL", "ftp://ssm.example.test", "SSM_CLIENT_ID", "x", "SSM_CLIENT_SECRET", "y",
                "SSM_USERNAME", "u", "SSM_PASSWORD", "p", "SSM_ACCOUNT", "demo.example", "SSM_STATE_DIR", state.toString()));
        assertEquals(2, run.exit(), run.output());
        String remediation = new io.github.ssmonprem.core.exception.SsmConfigurationException("baseUrl", "x").remediation();
        assertTrue(run.output().startsWith("sync NOT RUN: Invalid setting 'baseUrl'"), run.output());
        assertEquals(1, occurrences(run.output(), remediation), run.output());
    }

    private static int occurrences(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
            n++;
        }
        return n;
    }

    @Test
    void syncNowExitsWithTheUnavailableCodeWhenTheServerIsUnreachable(@TempDir Path state) throws Exception {
        Run run = syncNow(Map.of("SSM_URL", "https://127.0.0.1:1", "SSM_CLIENT_ID", "x", "SSM_CLIENT_SECRET", "y",
                "SSM_USERNAME", "u", "SSM_PASSWORD", "p", "SSM_ACCOUNT", "demo.example", "SSM_STATE_DIR", state.toString()));
        assertEquals(6, run.exit(), run.output());
        assertTrue(run.output().contains("sync FAILED (ConnectionFailedException)"), run.output());
    }
}
