package io.github.ssmonprem.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.exception.ServerUnavailableException;
import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.core.testing.TestClock;
import io.github.ssmonprem.emulator.SsmEmulator;
import io.github.ssmonprem.sync.usage.DeliveryResult;
import io.github.ssmonprem.sync.usage.ReportStatus;
import io.github.ssmonprem.sync.usage.UsageDeliveryException;
import io.github.ssmonprem.sync.usage.UsageReport;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A usage push that failed reports the attempts it really made, however the failure surfaces. */
class UsageAttemptsTest {

    private static final String USAGE_PATH = "/backend/api/v2/devices/reportusage";
    private static final String POLL_PATH = "/backend/api/v2/accounts/poll";

    @TempDir
    Path state;

    private TestClock clock;
    private SsmEmulator emulator;

    @BeforeEach
    void start() {
        clock = TestClock.start();
        emulator = EmulatorFixtures.emulator(clock).licenses(EmulatorFixtures.ACCOUNT, EmulatorFixtures.VIRTUAL_ACCOUNT, 5)
                .acknowledgeAfter(1, Duration.ZERO).start();
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    private SsmSyncClient client() {
        return EmulatorFixtures.client(emulator, clock).stateDirectory(state)
                .account(AccountSelection.of(EmulatorFixtures.ACCOUNT, EmulatorFixtures.VIRTUAL_ACCOUNT)).build();
    }

    private UsageReport report() {
        return EmulatorFixtures.usage(clock);
    }

    @Test
    void aPollThatMeetsOneTransientFailureIsRetriedAndTheReportDelivered() {
        try (SsmSyncClient ssm = client()) {
            ssm.listAccounts();
            emulator.faults().backendDownOn(POLL_PATH, 1);
            DeliveryResult result = ssm.submitUsage(report()).get(0);
            assertEquals(ReportStatus.DELIVERED, result.status(), () -> String.valueOf(result.failure()));
            assertEquals(1, emulator.stats().faultsServed(), "the poll met the 502");
            assertEquals(emulator.stats().polls() + 1, emulator.stats().requests("poll"), "the poll was sent again");
            assertEquals(1, emulator.stats().acknowledgementsIssued());
            assertEquals(1, emulator.stats().uploads(), "polled again, not uploaded again");
        }
    }

    @Test
    void anUploadThatMadeFourAttemptsSaysFour() {
        try (SsmSyncClient ssm = client()) {
            ssm.listAccounts();   // the token is obtained before the usage route goes down
            emulator.faults().backendDownOn(USAGE_PATH, 4);
            DeliveryResult result = ssm.submitUsage(report()).get(0);
            assertEquals(ReportStatus.PENDING, result.status());
            ServerUnavailableException failure = assertInstanceOf(ServerUnavailableException.class, result.failure());
            assertEquals(4, failure.attempts());
            assertEquals(4, emulator.stats().faultsServed());
            assertEquals(4, emulator.stats().uploadsOf(EmulatorFixtures.keys(report()).get(0)));

            UsageDeliveryException surfaced = new UsageDeliveryException(result);
            assertEquals(4, surfaced.attempts(), "as the command line shows it");
            assertTrue(surfaced.getMessage().contains("(4 attempts)"), surfaced.getMessage());
        }
    }

    @Test
    void aSyncWhoseUploadMadeFourAttemptsReportsFour() {
        try (SsmSyncClient ssm = client()) {
            ssm.store().add(report(), ssm.nodeName(), EmulatorFixtures.LEASE);
            emulator.faults().backendDownOn(USAGE_PATH, 4);
            SyncResult result = ssm.sync();
            SsmException error = result.failure().orElseThrow();
            assertInstanceOf(UsageDeliveryException.class, error);
            assertEquals(4, error.attempts());
            assertTrue(error.getMessage().contains("(4 attempts)"), error.getMessage());
            assertInstanceOf(ServerUnavailableException.class, error.getCause());
            assertTrue(error.getMessage().contains("HTTP 502"), error.getMessage());
            assertEquals(1, ssm.usage().counts().pending(), "nothing is lost");
        }
    }
}
