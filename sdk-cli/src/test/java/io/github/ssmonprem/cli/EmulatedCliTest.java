package io.github.ssmonprem.cli;

import io.github.ssmonprem.core.testing.TestSecrets;
import io.github.ssmonprem.emulator.SsmEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Command-line tests against a fresh HTTPS emulator per test ({@link CliRunner#emulator()}), its CA in
 * a file, the state in the test's directory; every secret checked out of what was printed and logged.
 */
@ExtendWith(TestSecrets.NoLeaks.class)
abstract class EmulatedCliTest {

    @TempDir
    Path dir;

    SsmEmulator emulator;
    Path ca;

    @BeforeEach
    void startEmulator() throws Exception {
        emulator = CliRunner.emulator().start();
        ca = Files.writeString(dir.resolve("ca.pem"), emulator.caPem());
    }

    @AfterEach
    void stopEmulator() {
        emulator.close();
    }

    /** {@return a runner signed in to the emulator, its state in the test's directory} */
    CliRunner cli() {
        return new CliRunner().signedInTo(emulator, ca).env("SSM_STATE_DIR", dir.resolve("state").toString());
    }
}
