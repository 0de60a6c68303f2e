package io.github.ssmonprem.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.ssmonprem.core.RetrySettings;
import io.github.ssmonprem.core.exception.CircuitOpenException;
import io.github.ssmonprem.core.exception.SsmException;
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

/**
 * The testkit's {@link TestClock}, shared by the emulator and the client under test, lets a test skip
 * the waits a real server imposes: an acknowledgement that comes 30 s after receipt, a circuit breaker
 * that stays open 30 s.
 */
class TestClockTest {

    @RegisterExtension
    static final SsmEmulatorExtension SSM = SsmEmulatorExtension.perTest(b -> b.testClock()
            .pollInterval(5).acknowledgeAfter(1, Duration.ofSeconds(30)));

    @TempDir
    Path state;

    private SsmSyncClient client(SsmEmulator emulator, boolean breaker) {
        var config = emulator.clientConfig().retry(RetrySettings.none());
        if (breaker) {
            config.circuitBreakerConfig(CircuitBreakerConfig.custom()
                    .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED).slidingWindowSize(2)
                    .minimumNumberOfCalls(2).failureRateThreshold(50).waitDurationInOpenState(Duration.ofSeconds(30))
                    .build());
        }
        return SsmSyncClient.builder().config(config.build()).grant(emulator.passwordGrant()).stateDirectory(state).build();
    }

    @Test
    void anAcknowledgementThirtyEmulatedSecondsOutTakesNoRealWait(SsmEmulator emulator, TestClock clock) {
        try (SsmSyncClient client = client(emulator, false)) {
            client.listAccounts();                               // token and connection set up before timing
            Instant start = clock.instant();
            RumReportFixture rum = RumReportFixture.builder().count(3, start.minus(Duration.ofHours(1)), start).build();
            UsageReport report = UsageReport.of(SsmEmulator.DEMO_ACCOUNT, "DEFAULT", List.of(RumReport.of(rum.payload(), rum.signature())), clock);

            long realStart = System.nanoTime();
            DeliveryResult delivery = client.submitUsage(report).get(0);
            Duration real = Duration.ofNanos(System.nanoTime() - realStart);

            assertTrue(delivery.delivered(), delivery::toString);
            assertEquals(Duration.ofSeconds(30), clock.slept(), "six waits of poll_interval=5, on the test clock");
            assertEquals(start.plus(Duration.ofSeconds(30)), clock.instant());
            assertEquals(6, emulator.stats().polls(), "five OK_POLL answers, then COMPLETE");
            // Generous bound for a loaded machine; with real sleeps this would take 30 s.
            assertTrue(real.compareTo(Duration.ofSeconds(5)) < 0, "took " + real + " of real time");
        }
    }

    @Test
    void anOpenCircuitBreakerLetsATrialThroughOnceTheTestClockPassesItsWait(SsmEmulator emulator, TestClock clock) {
        try (SsmSyncClient client = client(emulator, true)) {
            emulator.faults().backendDown(true);
            assertThrows(SsmException.class, client::listAccounts);
            assertThrows(SsmException.class, client::listAccounts);
            int seen = emulator.stats().requestLines().size();
            assertThrows(CircuitOpenException.class, client::listAccounts, "two failures of two open the breaker");
            emulator.faults().backendDown(false);
            assertThrows(CircuitOpenException.class, client::listAccounts, "still open: no time has passed");
            assertEquals(seen, emulator.stats().requestLines().size(), "an open breaker sends nothing");

            clock.advance(Duration.ofSeconds(31));
            assertFalse(client.listAccounts().isEmpty(), "past the 30 s open wait a trial request goes through");
            assertTrue(clock.slept().isZero(), "nothing slept: the breaker's wait is measured on the test clock");
        }
    }
}
