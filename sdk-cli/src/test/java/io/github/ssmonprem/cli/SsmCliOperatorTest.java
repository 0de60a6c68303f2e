package io.github.ssmonprem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.emulator.SsmEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator's scripts rely on: {@code ssm status} fails while the last sync failed,
 * {@code ssm sync} without an account syncs every account the grant sees, {@code SSM_ACCOUNT} works
 * where {@code --account} does, remediations that point the right way, and no Java type in any message.
 */
class SsmCliOperatorTest {

    /** A Java type, builder or setting name, as no command-line message may show. */
    private static final Pattern JAVA = Pattern.compile("\\b\\w+(Exception|Config|Builder)\\b|\\w+\\{|\\b(connectTimeout|"
            + "responseTimeout|attemptTimeout|callTimeout|baseUrl|allowPlainHttp)\\b|\\.builder\\(|\\.account\\(");

    @TempDir
    Path dir;

    private static void assertNoJava(CliRunner.Result result) {
        String text = result.out() + result.err();
        assertFalse(JAVA.matcher(text).find(), "a Java name in: " + result);
    }

    private CliRunner signedIn(SsmEmulator emulator) throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), emulator.caPem());
        return new CliRunner().env("SSM_STATE_DIR", dir.resolve("state").toString()).signedInTo(emulator, ca);
    }

    @Test
    void statusExitsTenWhileTheLastSyncFailedAndZeroOnceOneSucceeds() throws Exception {
        try (SsmEmulator emulator = CliRunner.emulator().start()) {
            CliRunner cli = signedIn(emulator).env("SSM_ACCOUNT", SsmEmulator.DEMO_ACCOUNT);
            emulator.faults().backendDown(true);
            CliRunner.Result sync = cli.run("sync", "--retries", "1");
            assertEquals(6, sync.exitCode(), sync.toString());
            CliRunner.Result status = cli.run("status");
            assertEquals(10, status.exitCode(), status.toString());
            assertTrue(status.out().contains("last sync:    FAILED at"), status.toString());
            assertTrue(status.out().contains("warning: the last sync failed"), status.toString());
            assertNoJava(status);
            assertEquals(10, cli.run("status", "--output", "json").exitCode());

            emulator.faults().clear();
            assertEquals(0, cli.run("sync").exitCode());
            assertEquals(0, cli.run("status").exitCode());
        }
    }

    @Test
    void syncWithoutAnAccountSyncsEveryAccountTheGrantSees() throws Exception {
        try (SsmEmulator emulator = CliRunner.emulator().account("second.example", "Second", "VA1")
                .licenses("second.example", "VA1", 3).start()) {
            CliRunner cli = signedIn(emulator);
            CliRunner.Result sync = cli.run("sync", "--output", "json");
            assertEquals(0, sync.exitCode(), sync.toString());
            assertTrue(sync.err().contains("syncing every smart account the grant can see (" + SsmEmulator.DEMO_ACCOUNT
                    + ", second.example)"), sync.toString());
            assertTrue(sync.json().path("changes").has("second.example"), sync.toString());
            assertTrue(sync.json().path("changes").has(SsmEmulator.DEMO_ACCOUNT), sync.toString());
            assertNoJava(sync);

            CliRunner.Result one = cli.env("SSM_ACCOUNT", "second.example").run("sync", "--output", "json");
            assertEquals(0, one.exitCode(), one.toString());
            assertFalse(one.err().contains("every smart account"), one.toString());
            assertEquals(1, one.json().path("changes").size(), one.toString());
            assertEquals(3, one.json().path("licensesPulled").asInt(), one.toString());
        }
    }

    @Test
    void ssmAccountWorksWhereAccountDoesAndNeitherSaysWhatToGive() throws Exception {
        try (SsmEmulator emulator = CliRunner.emulator().start()) {
            CliRunner cli = signedIn(emulator);
            CliRunner.Result none = cli.run("licenses");
            assertEquals(2, none.exitCode(), none.toString());
            assertTrue(none.err().contains("--account") && none.err().contains("SSM_ACCOUNT"), none.toString());
            CliRunner.Result fromEnv = cli.env("SSM_ACCOUNT", SsmEmulator.DEMO_ACCOUNT).run("licenses", "--output", "json");
            assertEquals(0, fromEnv.exitCode(), fromEnv.toString());
        }
    }

    @Test
    void plainHttpToTheTlsPortSaysUseHttps() throws Exception {
        try (SsmEmulator emulator = CliRunner.emulator().start()) {
            CliRunner.Result result = signedIn(emulator).env("SSM_URL", "http://127.0.0.1:" + emulator.port())
                    .run("accounts", "--allow-http", "--retries", "1");
            assertTrue(result.exitCode() != 0, result.toString());
            assertTrue(result.err().contains("use https:// in --url (SSM_URL)"), result.toString());
            assertNoJava(result);
        }
    }

    @Test
    void aWrongPathPrefixSaysTheBaseUrlsPathIsWrong() throws Exception {
        try (SsmEmulator emulator = CliRunner.emulator().start()) {
            CliRunner.Result result = signedIn(emulator).env("SSM_URL", emulator.url() + "/ssm")
                    .env("SSM_ACCOUNT", SsmEmulator.DEMO_ACCOUNT).run("licenses");
            assertTrue(result.exitCode() != 0, result.toString());
            assertTrue(result.err().contains("path is wrong"), result.toString());
            assertFalse(result.err().contains("smart account domain"), result.toString());
            assertNoJava(result);
        }
    }

    @Test
    void doctorNamesTheCaFileNotAJavaType() throws Exception {
        try (SsmEmulator emulator = CliRunner.emulator().start()) {
            CliRunner.Result result = signedIn(emulator).run("doctor");
            assertEquals(0, result.exitCode(), result.toString());
            assertTrue(result.out().contains("trusting the CA file " + dir.resolve("ca.pem")), result.toString());
            assertNoJava(result);
        }
    }
}
