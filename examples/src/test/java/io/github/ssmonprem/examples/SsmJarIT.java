package io.github.ssmonprem.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import io.github.ssmonprem.testkit.SsmEmulator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged command line and the single-file script, run as a user runs them (after {@code mvn package}). */
class SsmJarIT {

    private static final Path JAR = Path.of(System.getProperty("ssm.jar", "target/ssm.jar"));
    private static final Path SCRIPT = Path.of(System.getProperty("ssm.script", "SyncNow.java"));

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private record Run(int exit, String output) {
    }

    private static Run run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return new Run(p.exitValue(), output);
    }

    @Test
    void theJarRunsTheDemo() throws Exception {
        Run demo = run(List.of(java(), "-jar", JAR.toString(), "demo"));
        assertEquals(0, demo.exit(), demo.output());
        assertTrue(demo.output().contains("6. Sync     succeeded"), demo.output());
        assertTrue(!demo.output().contains("|-ERROR"), "logback configured cleanly: " + demo.output());
    }

    @Test
    void helpFromTheJarGoesToStdoutWithExitZero() throws Exception {
        Process p = new ProcessBuilder(java(), "-jar", JAR.toString(), "usage", "push", "--help").start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out + err);
        assertTrue(out.startsWith("Usage: ssm usage push"), out);
        assertEquals("", err);
    }

    @Test
    void theLauncherNextToTheJarRunsIt() throws Exception {
        Path launcher = Path.of(System.getProperty("ssm.launcher", "target/ssm"));
        assertTrue(Files.isExecutable(launcher), launcher + " is executable");
        ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "--version").redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("SSM_JAR");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.startsWith("ssm "), out);
    }

    @Test
    void verboseShowsTheSdkAndOnlyVeryVerboseShowsHttpClient(@TempDir Path dir) throws Exception {
        try (SsmEmulator emulator = SsmEmulator.builder().https().start()) {
            Path ca = Files.writeString(dir.resolve("ca.pem"), emulator.caPem());
            Map<String, String> env = Map.of("SSM_URL", emulator.url().toString(), "SSM_CA_CERT", ca.toString(),
                    "SSM_CLIENT_ID", SsmEmulator.DEMO_CLIENT_ID, "SSM_CLIENT_SECRET", SsmEmulator.DEMO_CLIENT_SECRET,
                    "SSM_USERNAME", SsmEmulator.DEMO_USER, "SSM_PASSWORD", SsmEmulator.DEMO_PASSWORD);
            String verbose = jar(env, "accounts", "--verbose");
            assertTrue(verbose.contains(" DEBUG "), verbose);
            assertFalse(verbose.contains("DEBUG o.a.h") || verbose.contains("org.apache.hc"), verbose);
            String veryVerbose = jar(env, "accounts", "-vv");
            assertTrue(veryVerbose.contains("DEBUG o.a.h"), veryVerbose);
            assertFalse((verbose + veryVerbose).contains(SsmEmulator.DEMO_PASSWORD), "secrets stay redacted");
        }
    }

    private static String jar(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(java(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("SSM_") || k.equalsIgnoreCase("https_proxy"));
        pb.environment().putAll(env);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), output);
        return output;
    }

    @Test
    void theJarCarriesItsModuleNameAndMainClass() throws Exception {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            assertEquals("io.github.ssmonprem.examples", jar.getManifest().getMainAttributes().getValue("Automatic-Module-Name"));
            assertEquals("io.github.ssmonprem.examples.cli.SsmCli", jar.getManifest().getMainAttributes().getValue("Main-Class"));
        }
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
