package io.github.ssmonprem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ssmonprem.core.testing.TestSecrets;
import io.github.ssmonprem.emulator.SsmEmulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The conventions of a command line: help, errors in its own vocabulary, output for people. */
class SsmCliConventionsTest extends EmulatedCliTest {

    @Test
    void helpInEverySpellingGoesToStdoutWithExitZero() {
        List<String[]> spellings = List.of(new String[] {"sync", "--help"}, new String[] {"sync", "-h"},
                new String[] {"help", "sync"}, new String[] {"licenses", "--help"}, new String[] {"usage", "push", "--help"},
                new String[] {"--help"});
        for (String[] args : spellings) {
            CliRunner.Result r = new CliRunner().run(args);
            assertEquals(0, r.exitCode(), String.join(" ", args) + ": " + r);
            assertTrue(r.out().startsWith("Usage: ssm"), String.join(" ", args) + ": " + r);
            assertEquals("", r.err(), String.join(" ", args) + ": no complaint about required options");
        }
        assertTrue(new CliRunner().run("usage", "push", "--help").out().contains("--file"));
    }

    @Test
    void aBadGrantExitsTwoListingTheAllowedValues() {
        JsonNode env = error(cli().env("SSM_GRANT", "bogus").run("token", "--output", "json"));
        assertTrue(env.path("message").asText().contains("SSM_GRANT=bogus"), env.toString());
        assertTrue(env.path("remediation").asText().contains("password, client-credentials"), env.toString());

        JsonNode option = error(cli().run("token", "--grant", "bogus", "--output", "json"));
        assertTrue(option.path("message").asText().contains("password, client-credentials"), option.toString());
    }

    @Test
    void parameterErrorsAreUsageErrorsInJson() {
        JsonNode missing = error(cli().run("licenses", "--output", "json"));
        assertTrue(missing.path("message").asText().contains("--account"), missing.toString());
        assertTrue(missing.path("remediation").asText().contains("ssm licenses --help"), missing.toString());
    }

    private static JsonNode error(CliRunner.Result r) {
        assertEquals(2, r.exitCode(), r.toString());
        JsonNode error = r.json().path("error");
        assertEquals("usage", error.path("type").asText(), r.toString());
        return error;
    }

    @Test
    void settingErrorsNameTheOptionNotTheBuilderMethod() {
        CliRunner.Result http = cli().env("SSM_URL", "http://127.0.0.1:" + emulator.port()).run("token");
        assertEquals(2, http.exitCode(), http.toString());
        assertTrue(http.err().contains("--allow-http"), http.err());
        assertFalse(http.err().contains("allowPlainHttp"), http.err());

        CliRunner.Result retries = cli().run("token", "--retries", "0");
        assertEquals(2, retries.exitCode(), retries.toString());
        assertTrue(retries.err().contains("Invalid --retries"), retries.err());
        assertFalse(retries.err().contains("maxAttempts"), retries.err());

        Path notPem = Files.exists(dir) ? dir.resolve("not.pem") : null;
        try {
            Files.writeString(notPem, "no certificate here");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        CliRunner.Result tls = cli().env("SSM_CA_CERT", notPem.toString()).run("token");
        assertEquals(2, tls.exitCode(), tls.toString());
        assertTrue(tls.err().contains("--ca-cert"), tls.err());
        assertFalse(tls.err().contains("tls.caPem"), tls.err());
    }

    @Test
    void aProxyPasswordOnTheCommandLineIsRefused() {
        CliRunner.Result r = cli().run("token", "--proxy", "http://svc:" + TestSecrets.PASSWORD + "@127.0.0.1:3128", "--output", "json");
        JsonNode e = error(r);
        assertTrue(e.path("remediation").asText().contains("SSM_PROXY_PASSWORD"), e.toString());
        TestSecrets.assertNoSecret("stdout", r.out());
        TestSecrets.assertNoSecret("stderr", r.err());
        assertEquals(0, emulator.stats().requests("token"), "nothing was sent");
    }

    @Test
    void instantsPrintToTheSecond() {
        CliRunner.Result token = cli().run("token");
        assertEquals(0, token.exitCode(), token.toString());
        assertTrue(Pattern.compile("expires at: +\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\n").matcher(token.out()).find(), token.out());
    }

    @Test
    void anUnknownVirtualAccountIsAnErrorListingTheKnownOnesWithNoTableHeader() {
        CliRunner.Result r = cli().run("licenses", "--account", SsmEmulator.DEMO_ACCOUNT, "--virtual-account", "Branch-Wesst");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("Branch-Wesst") && r.err().contains("Branch-East") && r.err().contains("DEFAULT"), r.err());
        assertEquals("", r.out(), "no table header before an error");

        CliRunner.Result sync = cli().run("sync", "--account", SsmEmulator.DEMO_ACCOUNT, "--virtual-account", "nope");
        assertEquals(2, sync.exitCode(), sync.toString());
        assertTrue(sync.err().contains("Branch-East"), sync.err());

        CliRunner.Result known = cli().run("licenses", "--account", SsmEmulator.DEMO_ACCOUNT, "--virtual-account", "Branch-East");
        assertEquals(0, known.exitCode(), known.toString());
        assertTrue(known.out().startsWith("VIRTUAL ACCOUNT"), known.out());
    }

    @Test
    void stateDirIsCreatedWhenMissing() {
        Path fresh = dir.resolve("new").resolve("dir");
        CliRunner.Result sync = cli().run("sync", "--account", SsmEmulator.DEMO_ACCOUNT, "--state-dir", fresh.toString());
        assertEquals(0, sync.exitCode(), sync.toString());
        assertTrue(Files.isDirectory(fresh));

        Path demoDir = dir.resolve("demo").resolve("state");
        CliRunner.Result demo = new CliRunner().run("demo", "--state-dir", demoDir.toString());
        assertEquals(0, demo.exitCode(), demo.toString());
        assertTrue(Files.exists(demoDir.resolve("ssm-emulator-ca.pem")));
    }

    @Test
    void aFileThatCannotBeUsedIsExplainedInWordsNotInJavaTypes() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("a-folder"));
        Path plainFile = Files.writeString(dir.resolve("a-file"), "x");
        String missing = dir.resolve("missing.xml").toString();
        String[] push = {"usage", "push", "--account", SsmEmulator.DEMO_ACCOUNT, "--virtual-account", "DEFAULT", "--file"};
        List<CliRunner.Result> results = List.of(
                cli().run(Stream.concat(Stream.of(push), Stream.of(missing)).toArray(String[]::new)),
                cli().run(Stream.concat(Stream.of(push), Stream.of(folder.toString())).toArray(String[]::new)),
                cli().env("SSM_CA_CERT", missing).run("token"),
                cli().env("SSM_CA_CERT", folder.toString()).run("token"),
                cli().env("SSM_CA_CERT", plainFile.toString()).run("token"),
                cli().run("sync", "--account", SsmEmulator.DEMO_ACCOUNT, "--state-dir", plainFile.toString()));
        Pattern javaType = Pattern.compile("[A-Z][A-Za-z]*(Exception|Error)\\b");
        for (CliRunner.Result r : results) {
            assertEquals(2, r.exitCode(), r.toString());
            assertFalse(javaType.matcher(r.err()).find(), "no Java type: " + r.err());
        }
        assertTrue(results.get(0).err().contains(missing + ": cannot be read (no such file or directory)"), results.get(0).err());
        assertTrue(results.get(2).err().contains("no such file or directory"), results.get(2).err());
        assertTrue(results.get(5).err().contains("a file of that name is in the way"), results.get(5).err());
    }

    @Test
    void theDemoExplainsEachTermOnceAndLeavesNoTemporaryDirectoryBehind() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        long before = demoDirectories(tmp);
        CliRunner.Result demo = new CliRunner().run("demo");
        assertEquals(0, demo.exitCode(), demo.toString());
        for (String term : List.of("a grant is", "a smart account holds", "acknowledged:", "+added -removed ~changed",
                "out of compliance:")) {
            assertEquals(1, demo.out().split(Pattern.quote(term), -1).length - 1, term + " explained once: " + demo.out());
        }
        assertFalse(demo.out().contains(" 1 polls") || demo.out().contains(" 1 pages"), demo.out());
        assertEquals(before, demoDirectories(tmp), "the demo's temporary state directory is removed");
    }

    private static long demoDirectories(Path tmp) throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.filter(p -> p.getFileName().toString().startsWith("ssm-demo-state")).count();
        }
    }

    @Test
    void theEmulatorRemovesItsTemporaryCaFile() throws Exception {
        CliRunner.Result r = new CliRunner().run("emulator", "--stop-after", "0", "--output", "json");
        assertEquals(0, r.exitCode(), r.toString());
        Path written = Path.of(r.json().path("caCert").asText());
        assertFalse(Files.exists(written), "removed when the emulator stopped: " + written);
    }

    @Test
    void deadlineBoundsTheWholeCommand() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            long started = System.nanoTime();
            CliRunner.Result r = cli().env("SSM_URL", "https://127.0.0.1:" + silent.getLocalPort())
                    .run("accounts", "--timeout", "60", "--deadline", "1", "--output", "json");
            long seconds = (System.nanoTime() - started) / 1_000_000_000L;
            assertEquals(6, r.exitCode(), r.toString());
            JsonNode error = r.json().path("error");
            assertEquals("deadline-exceeded", error.path("type").asText(), r.toString());
            assertTrue(error.path("message").asText().contains("--deadline 1 s"), r.toString());
            assertTrue(seconds < 30, "gave up at the deadline, not after the 60 s timeout: " + seconds + " s");
        }
        assertEquals(2, cli().run("accounts", "--deadline", "0").exitCode());
    }

    @Test
    void completionIsGeneratedByPicocli() {
        CliRunner.Result r = new CliRunner().run("generate-completion");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("complete -F") && r.out().contains("sync"), r.out());
    }
}
