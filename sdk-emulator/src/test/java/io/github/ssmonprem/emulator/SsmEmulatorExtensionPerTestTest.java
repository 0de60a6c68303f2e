package io.github.ssmonprem.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

/** A per-test extension (the default): each test gets a fresh emulator and clock, stopped after it. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SsmEmulatorExtensionPerTestTest {

    @RegisterExtension
    static final SsmEmulatorExtension SSM = SsmEmulatorExtension.perTest(b -> b.testClock());

    private static final AtomicReference<SsmEmulator> FIRST = new AtomicReference<>();

    private static void obtainToken(SsmEmulator emulator) {
        try (SsmHttpClient http = SsmHttpClient.create(emulator.clientConfig().build());
                OAuthTokenProvider tokens = OAuthTokenProvider.builder(http).grant(emulator.passwordGrant()).build()) {
            tokens.token();
        }
    }

    @Test
    @Order(1)
    void firstTestObtainsATokenAndMovesTheClock(SsmEmulator emulator, TestClock clock) {
        FIRST.set(emulator);
        assertSame(emulator, SSM.emulator());
        obtainToken(emulator);
        clock.advance(Duration.ofMinutes(5));
        assertEquals(1, emulator.stats().tokenRequests());
    }

    @Test
    @Order(2)
    void secondTestGetsAFreshEmulatorAndClock(SsmEmulator emulator, TestClock clock) {
        assertNotSame(FIRST.get(), emulator);
        assertEquals(0, emulator.stats().tokenRequests(), "nothing of the first test's emulator");
        assertEquals(TestClock.DEFAULT_START, clock.instant());
    }

    @Test
    void outsideATestThereIsNoEmulator() {
        SsmEmulatorExtension perTest = SsmEmulatorExtension.perTest(b -> b);
        assertThrows(IllegalStateException.class, perTest::emulator);
        SsmEmulatorExtension perClass = SsmEmulatorExtension.perClass(b -> b);
        perClass.beforeAll(null);
        SsmEmulator running = perClass.emulator();
        perClass.beforeEach(null);
        perClass.afterEach(null);
        assertSame(running, perClass.emulator(), "a per-class emulator outlives each test");
        assertThrows(IllegalStateException.class, perClass::clock, "the demo emulator runs on the system clock");
        perClass.afterAll(null);
        assertThrows(IllegalStateException.class, perClass::emulator);
    }
}
