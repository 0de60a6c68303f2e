package io.github.ssmonprem.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.exception.CircuitOpenException;
import io.github.ssmonprem.core.exception.ConnectionFailedException;
import io.github.ssmonprem.core.exception.FailureKind;
import io.github.ssmonprem.core.exception.MalformedResponseException;
import io.github.ssmonprem.core.exception.ProxyAuthenticationException;
import io.github.ssmonprem.core.exception.RateLimitedException;
import io.github.ssmonprem.core.exception.RedirectNotFollowedException;
import io.github.ssmonprem.core.exception.RequestTimeoutException;
import io.github.ssmonprem.core.exception.ResourceNotFoundException;
import io.github.ssmonprem.core.exception.ServerUnavailableException;
import io.github.ssmonprem.core.exception.SsmClientException;
import io.github.ssmonprem.core.exception.SsmConfigurationException;
import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.core.exception.SsmServiceException;
import io.github.ssmonprem.core.exception.TlsException;
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

    @Test
    void theCircuitBreakerCountsOnlyFailuresThatSayTheServerIsFailing() {
        assertTrue(new ServerUnavailableException("d", "r", 502, null, null, null, null).isServerFailure());
        assertTrue(new RateLimitedException("d", "r", null, null, null, null).isServerFailure());
        assertTrue(new ConnectionFailedException(ConnectionFailedException.Reason.CONNECTION_CLOSED, "d", "r", null).isServerFailure());
        assertTrue(new RequestTimeoutException(RequestTimeoutException.Phase.ATTEMPT, "d", "r", null).isServerFailure());
        assertFalse(new RequestTimeoutException(RequestTimeoutException.Phase.CONNECTION_POOL, "d", "r", null).isServerFailure(),
                "this client's own pool");
        assertFalse(new ResourceNotFoundException("d", "r", 404, null, null, null).isServerFailure());
        assertFalse(new ProxyAuthenticationException("p:3128", "d", "r").isServerFailure());
        assertFalse(new MalformedResponseException("d", "r", 200, "").isServerFailure());
        assertFalse(new CircuitOpenException("d", "r", Duration.ofSeconds(5)).isServerFailure(), "not a call that was sent");
    }

    @Test
    void eachExceptionNamesItsKindTheMetricsOutcomeTag() {
        assertEquals(FailureKind.SERVER_ERROR, new ServerUnavailableException("d", "r", 502, null, null, null, null).kind());
        assertEquals(FailureKind.CLIENT_ERROR, new RateLimitedException("d", "r", null, null, null, null).kind());
        assertEquals(FailureKind.CLIENT_ERROR, new ResourceNotFoundException("d", "r", 404, null, null, null).kind());
        assertEquals(FailureKind.TLS_ERROR,
                new TlsException(TlsException.Reason.HANDSHAKE_FAILED, "d", "r", null, null, null, null).kind());
        assertEquals(FailureKind.PROXY_AUTH_ERROR, new ProxyAuthenticationException("p:3128", "d", "r").kind());
        assertEquals(FailureKind.TIMEOUT, new RequestTimeoutException(RequestTimeoutException.Phase.CALL, "d", "r", null).kind());
        assertEquals(FailureKind.MALFORMED_RESPONSE, new MalformedResponseException("d", "r", 200, "").kind());
        assertEquals(FailureKind.CIRCUIT_OPEN, new CircuitOpenException("d", "r", Duration.ofSeconds(5)).kind());
        assertEquals(FailureKind.CONNECTION_ERROR,
                new ConnectionFailedException(ConnectionFailedException.Reason.DNS_RESOLUTION, "d", "r", null).kind());
        assertEquals(FailureKind.CLIENT_FAILURE, new SsmClientException("d", "r", false, null).kind());
        assertEquals(FailureKind.ERROR, new SsmException("d", "r", false, null).kind());
    }

    @Test
    void anErrorNamesTheSettingItsRemedyChangesOrNone() {
        assertEquals("connectTimeout", new RequestTimeoutException(RequestTimeoutException.Phase.CONNECT, "d", "r", null).setting());
        assertEquals("connectTimeout", new RequestTimeoutException(RequestTimeoutException.Phase.TLS_HANDSHAKE, "d", "r", null).setting());
        assertEquals("responseTimeout", new RequestTimeoutException(RequestTimeoutException.Phase.RESPONSE, "d", "r", null).setting());
        assertEquals("attemptTimeout", new RequestTimeoutException(RequestTimeoutException.Phase.ATTEMPT, "d", "r", null).setting());
        assertEquals("callTimeout", new RequestTimeoutException(RequestTimeoutException.Phase.CALL, "d", "r", null).setting());
        assertEquals("maxConnections", new RequestTimeoutException(RequestTimeoutException.Phase.CONNECTION_POOL, "d", "r", null).setting());
        assertEquals(null, new RequestTimeoutException(RequestTimeoutException.Phase.DEADLINE, "d", "r", null).setting(),
                "the caller's own deadline");
        assertEquals("tls", new TlsException(TlsException.Reason.UNTRUSTED_CERTIFICATE, "d", "r", null, null, null, null).setting());
        assertEquals(null, new TlsException(TlsException.Reason.EXPIRED_CERTIFICATE, "d", "r", null, null, null, null).setting(),
                "the server's certificate to renew");
        assertEquals("proxy", new ProxyAuthenticationException("p:3128", "d", "r").setting());
        assertEquals("baseUrl", new RedirectNotFollowedException("d", "r", 302, "https://sso.example", null).setting());
        assertEquals(null, new ServerUnavailableException("d", "r", 502, null, null, null, null).setting());
        assertEquals(null, new ConnectionFailedException(ConnectionFailedException.Reason.DNS_RESOLUTION, "d", "r", null).setting());
        SsmConfigurationException config = new SsmConfigurationException("proxy.port", "0 is not a port between 1 and 65535");
        assertEquals("proxy.port", config.setting());
        assertEquals("0 is not a port between 1 and 65535", config.problem());
        assertEquals("Invalid setting 'proxy.port': 0 is not a port between 1 and 65535", config.detail());
    }
}
