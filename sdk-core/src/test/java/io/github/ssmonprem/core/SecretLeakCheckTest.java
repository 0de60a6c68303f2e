package io.github.ssmonprem.core;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.ssmonprem.core.testing.TestSecrets;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.slf4j.LoggerFactory;

/** The leak check that guards the other tests does fail when a secret is logged. */
class SecretLeakCheckTest {

    @Test
    void aLoggedSecretFailsTheCheck() {
        TestSecrets.NoLeaks check = new TestSecrets.NoLeaks();
        check.beforeEach(null);
        LoggerFactory.getLogger("any.library.logger").debug("sending client_secret {}", TestSecrets.CLIENT_SECRET);
        assertThrows(AssertionFailedError.class, () -> check.afterEach(null));
    }

    @Test
    void aSecretInAnExceptionChainFailsTheCheck() {
        TestSecrets.NoLeaks check = new TestSecrets.NoLeaks();
        check.beforeEach(null);
        LoggerFactory.getLogger("any.library.logger").warn("failed",
                new IllegalStateException("outer", new RuntimeException("token " + TestSecrets.ACCESS_TOKEN)));
        assertThrows(AssertionFailedError.class, () -> check.afterEach(null));
        assertThrows(AssertionFailedError.class, () -> TestSecrets.assertNoSecret(
                new IllegalStateException("outer", new RuntimeException(TestSecrets.PASSWORD))));
    }
}
