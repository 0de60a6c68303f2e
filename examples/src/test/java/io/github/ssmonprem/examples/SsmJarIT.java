package io.github.ssmonprem.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

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
        assertTrue(demo.output().contains("5. Sync     succeeded"), demo.output());
        assertTrue(!demo.output().contains("|-ERROR"), "logback configured cleanly: " + demo.output());
    }

    @Test
    void theJarCarriesItsModuleNameAndMainClass() throws Exception {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            assertEquals("io.github.ssmonprem.examples", jar.getManifest().getMainAttributes().getValue("Automatic-Module-Name"));
            assertEquals("io.github.ssmonprem.examples.cli.SsmCli", jar.getManifest().getMainAttributes().getValue("Main-Class"));
        }
    }

    @Test
    void syncNowRunsFromSourceAndExitsWithAStatus() throws Exception {
        Path state = Files.createTempDirectory("sync-now-it");
        ProcessBuilder pb = new ProcessBuilder(java(), "-cp", JAR.toString(), SCRIPT.toString()).redirectErrorStream(true);
        pb.environment().remove("SSM_URL");
        pb.environment().put("SSM_STATE_DIR", state.toString());
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("sync OK: 120 licenses"), output);
        assertTrue(Files.exists(state.resolve("last-sync.json")));
    }

    @Test
    void syncNowExitsWithTheUnavailableCodeWhenTheServerIsUnreachable() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(java(), "-cp", JAR.toString(), SCRIPT.toString()).redirectErrorStream(true);
        Path state = Files.createTempDirectory("sync-now-it");
        pb.environment().put("SSM_URL", "https://127.0.0.1:1");
        pb.environment().put("SSM_CLIENT_ID", "x");
        pb.environment().put("SSM_CLIENT_SECRET", "y");
        pb.environment().put("SSM_USERNAME", "u");
        pb.environment().put("SSM_PASSWORD", "p");
        pb.environment().put("SSM_ACCOUNT", "demo.example");
        pb.environment().put("SSM_STATE_DIR", state.toString());
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(6, p.exitValue(), output);
        assertTrue(output.contains("sync FAILED (ConnectionFailedException)"), output);
    }
}
