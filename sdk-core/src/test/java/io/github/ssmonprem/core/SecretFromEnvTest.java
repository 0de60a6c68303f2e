package io.github.ssmonprem.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.exception.SsmConfigurationException;
import org.junit.jupiter.api.Test;

/** {@link Secret#fromEnv} on an unset variable fails with the SDK's configuration error, naming the variable. */
class SecretFromEnvTest {

    @Test
    void anUnsetVariableIsAConfigurationErrorNamingIt() {
        String unset = "SSM_SDK_TEST_UNSET_" + Long.toHexString(System.nanoTime());
        assertEquals(null, System.getenv(unset));
        SsmConfigurationException e = assertThrows(SsmConfigurationException.class, () -> Secret.fromEnv(unset));
        assertEquals(unset, e.setting());
        assertTrue(e.getMessage().contains(unset + " is not set"), e.getMessage());
        assertTrue(e.remediation().contains(unset), e.remediation());
    }

    @Test
    void aSetVariableIsRead() {
        String name = System.getenv().keySet().stream().filter(k -> !System.getenv(k).isEmpty()).findFirst().orElseThrow();
        assertTrue(System.getenv(name).equals(Secret.fromEnv(name).reveal()), "the value of " + name + " (not shown)");
    }
}
