package io.github.ssmonprem.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.github.ssmonprem.auth.OAuthTokenProvider;
import io.github.ssmonprem.core.http.SsmHttpClient;
import io.github.ssmonprem.core.testing.TestClock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A per-class extension: every test of the class gets the same emulator, with what earlier tests did. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SsmEmulatorExtensionPerClassTest {

    @RegisterExtension
    static final SsmEmulatorExtension SSM = SsmEmulatorExtension.perClass(b -> b.testClock());

    private static final AtomicReference<SsmEmulator> FIRST = new AtomicReference<>();

    @Test
    @Order(1)
    void firstTestObtainsATokenAndMovesTheClock(SsmEmulator emulator, TestClock clock) {
        FIRST.set(emulator);
        try (SsmHttpClient http = SsmHttpClient.create(emulator.clientConfig().build());
                OAuthTokenProvider tokens = OAuthTokenProvider.builder(http).grant(emulator.passwordGrant()).build()) {
            tokens.token();
        }
        clock.advance(Duration.ofMinutes(5));
        assertEquals(1, emulator.stats().tokenRequests());
    }

    @Test
    @Order(2)
    void secondTestSeesTheSameEmulatorAndClock(SsmEmulator emulator, TestClock clock) {
        assertSame(FIRST.get(), emulator);
        assertSame(emulator, SSM.emulator());
        assertEquals(1, emulator.stats().tokenRequests(), "the first test's token request is still counted");
        assertEquals(TestClock.DEFAULT_START.plus(Duration.ofMinutes(5)), clock.instant());
    }
}
