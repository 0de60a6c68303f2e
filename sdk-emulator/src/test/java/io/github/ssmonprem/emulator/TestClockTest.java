package io.github.ssmonprem.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.ssmonprem.auth.OAuthTokenProvider;
import io.github.ssmonprem.core.SsmClientConfig;
import io.github.ssmonprem.core.http.SsmHttpClient;
import io.github.ssmonprem.core.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestClockTest {

    @Test
    void movesOnlyForwardAndOnlyWhenToldOrAskedToSleep() {
        TestClock clock = TestClock.at(Instant.parse("2026-06-01T00:00:00Z"));
        assertEquals(Instant.parse("2026-06-01T00:00:00Z"), clock.instant());
        clock.sleep(Duration.ofSeconds(5));
        clock.advance(Duration.ofMinutes(1));
        clock.sleep(Duration.ofMillis(250));
        assertEquals(Instant.parse("2026-06-01T00:01:05.250Z"), clock.instant());
        assertEquals(List.of(Duration.ofSeconds(5), Duration.ofMillis(250)), clock.sleeps());
        assertEquals(Duration.ofMillis(5250), clock.slept());
        assertThrows(IllegalArgumentException.class, () -> clock.advance(Duration.ofSeconds(-1)));
    }

    @Test
    void theEmulatorSharesItsTestClockWithTheClientAndMeasuresTokenLifetimesOnIt() {
        try (SsmEmulator emulator = SsmEmulator.builder().testClock().tokenLifetime(Duration.ofMinutes(10)).start()) {
            TestClock clock = emulator.testClock();
            SsmClientConfig config = emulator.clientConfig().build();
            assertSame(clock, config.clock());
            assertSame(clock, config.sleeper());
            try (SsmHttpClient http = SsmHttpClient.create(config);
                    OAuthTokenProvider tokens = OAuthTokenProvider.builder(http).grant(emulator.passwordGrant()).build()) {
                Instant expiry = tokens.token().expiresAt();
                assertEquals(clock.instant().plus(Duration.ofMinutes(10)), expiry);
                clock.advance(Duration.ofMinutes(11));
                assertNotEquals(expiry, tokens.token().expiresAt(), "an expired token is replaced at once");
            }
        }
        try (SsmEmulator onSystemClock = SsmEmulator.startDemo()) {
            assertThrows(IllegalStateException.class, onSystemClock::testClock);
        }
    }
}
