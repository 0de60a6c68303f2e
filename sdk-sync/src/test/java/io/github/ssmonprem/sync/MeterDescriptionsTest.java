package io.github.ssmonprem.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.testing.TestClock;
import io.github.ssmonprem.emulator.SsmEmulator;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every meter of core, auth and sync has a description and a base unit, under the documented names. */
class MeterDescriptionsTest {

    @TempDir
    Path state;

    @Test
    void everyMeterHasADescriptionAndABaseUnit() {
        TestClock clock = TestClock.start();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (SsmEmulator emulator = SsmEmulator.builder().clock(clock).account("acme.example", "Acme", "VA1")
                .licenses("acme.example", "VA1", 3).acknowledgeAfter(1, Duration.ZERO).start();
                SsmSyncClient ssm = SsmSyncClient.builder()
                        .config(emulator.clientConfig().clock(clock).sleeper(clock).meterRegistry(registry).build())
                        .grant(emulator.passwordGrant()).stateDirectory(state)
                        .account(AccountSelection.of("acme.example", "VA1")).build()) {
            ssm.submitUsage(EmulatorFixtures.usage(clock));
            emulator.faults().dropNextConnections(1);   // one retry
            ssm.sync();
            Set<String> names = new TreeSet<>();
            for (Meter meter : registry.getMeters()) {
                Meter.Id id = meter.getId();
                names.add(id.getName());
                assertNotNull(id.getDescription(), id.getName() + " has a description");
                assertTrue(meter instanceof Timer || id.getBaseUnit() != null, id.getName() + " has a base unit");
            }
            assertEquals(Set.of("ssm.client.requests", "ssm.client.retries", "ssm.client.circuit.state",
                    "ssm.auth.token.requests", "ssm.auth.token.acquisition", "ssm.auth.token.refreshes", "ssm.sync.runs", "ssm.sync.duration",
                    "ssm.sync.last.success", "ssm.usage.pending", "ssm.usage.dead", "ssm.usage.acknowledgements", "ssm.licenses"), names);
        }
    }
}
