package io.github.ssmonprem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.emulator.SsmEmulator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged command line, run as a user runs it (after {@code mvn package}). The single-file script
 * {@code examples/SyncNow.java}, run on this jar, is tested in examples ({@code SyncNowIT}).
 */
class SsmJarIT {

    private static final Path JAR = Path.of(System.getProperty("ssm.jar", "target/ssm.jar"));

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
        assertTrue(demo.output().contains("5. ACK      for device"), demo.output());
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
            assertEquals("io.github.ssmonprem.cli", jar.getManifest().getMainAttributes().getValue("Automatic-Module-Name"));
            assertEquals("io.github.ssmonprem.cli.SsmCli", jar.getManifest().getMainAttributes().getValue("Main-Class"));
        }
    }
}
