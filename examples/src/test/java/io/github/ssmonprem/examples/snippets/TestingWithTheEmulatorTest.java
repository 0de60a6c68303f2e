package io.github.ssmonprem.examples.snippets;

// tag::testing[]
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.testing.TestClock;
import io.github.ssmonprem.emulator.RumReportFixture;
import io.github.ssmonprem.emulator.SsmEmulator;
import io.github.ssmonprem.emulator.SsmEmulatorExtension;
import io.github.ssmonprem.sync.SsmSyncClient;
import io.github.ssmonprem.sync.usage.DeliveryResult;
import io.github.ssmonprem.sync.usage.RumReport;
import io.github.ssmonprem.sync.usage.UsageReport;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
// end::testing[]

/** README, "Testing your integration with the emulator": a real test, run by the build. */
class TestingWithTheEmulatorTest {

    // tag::testing[]
    @RegisterExtension                                    // a fresh emulator for each test; perClass(...) shares one
    static SsmEmulatorExtension ssm = SsmEmulatorExtension.perTest(b -> b.https().testClock()
        .account("acme.example", "Acme", "DEFAULT", "Branch-East").licenses("acme.example", "Branch-East", 250)
        .acknowledgeAfter(1, Duration.ofSeconds(30)));   // reports acknowledged 30 s after receipt

    @Test
    void pushesUsage(SsmEmulator emulator, TestClock clock, @TempDir Path state) {
        try (SsmSyncClient client = SsmSyncClient.builder()
                .config(emulator.clientConfig().build())  // URL, private CA, and the emulator's clock and sleeper
                .grant(emulator.passwordGrant())          // demo Resource Owner Grant
                .stateDirectory(state)
                .build()) {
            assertEquals(250, client.licenses("acme.example", List.of("Branch-East")).size());
            Instant now = clock.instant();
            RumReportFixture device = RumReportFixture.builder().device("C8000V", "FDO2401A0BC")  // a device's signed RUM report
                .count(3, now.minus(Duration.ofHours(1)), now).build();
            UsageReport report = UsageReport.of("acme.example", "Branch-East", List.of(RumReport.of(device.payload(), device.signature())));
            DeliveryResult delivery = client.submitUsage(report).get(0);   // 30 s of polling on the test clock: no real wait
            assertTrue(delivery.delivered());
            assertEquals(device.sudi().toString(), delivery.acknowledgements().get(0).sudi().toString());   // the ACK for that device
            assertEquals(now.plus(Duration.ofSeconds(30)), clock.instant());
        }
        assertEquals(1, emulator.stats().distinctRumReports());
    }
    // end::testing[]
}
