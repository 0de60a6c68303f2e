package io.github.ssmonprem.core;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.exception.CircuitOpenException;
import io.github.ssmonprem.core.exception.ConnectionFailedException;
import io.github.ssmonprem.core.exception.ProxyAuthenticationException;
import io.github.ssmonprem.core.exception.RateLimitedException;
import io.github.ssmonprem.core.exception.ResourceNotFoundException;
import io.github.ssmonprem.core.exception.ServerUnavailableException;
import io.github.ssmonprem.core.exception.SsmServiceException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The classification callers read from the exception instead of their own instanceof ladders. */
class ErrorClassificationTest {

    @Test
    void transportFailuresAnd5xxAreServerWideAndRequestErrorsAreNot() {
        assertTrue(new ConnectionFailedException(ConnectionFailedException.Reason.DNS_RESOLUTION, "d", "r", null).isServerWide(),
                "not retryable, but every request to that host fails");
        assertTrue(new ProxyAuthenticationException("p:3128", "d", "r").isServerWide());
        assertTrue(new CircuitOpenException("d", "r", Duration.ofSeconds(5)).isServerWide());
        assertTrue(new ServerUnavailableException("d", "r", 502, null, null, null, null).isServerWide());
        assertTrue(new SsmServiceException("d", "r", false, 500, null, null, null).isServerWide());
        assertFalse(new ResourceNotFoundException("d", "r", 404, null, null, null).isServerWide());
        assertFalse(new SsmServiceException("d", "r", false, 422, null, null, null).isServerWide());
    }

    @Test
    void onlyA429IsThrottling() {
        assertTrue(new RateLimitedException("d", "r", null, null, null, null).isThrottling());
        assertFalse(new ServerUnavailableException("d", "r", 503, null, null, null, null).isThrottling());
        assertFalse(new ConnectionFailedException(ConnectionFailedException.Reason.OTHER, "d", "r", null).isThrottling());
    }
}
