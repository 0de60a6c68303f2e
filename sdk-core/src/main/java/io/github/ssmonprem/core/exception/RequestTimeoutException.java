package io.github.ssmonprem.core.exception;

/**
 * A configured timeout elapsed; {@link #phase()} and the message name which limit was hit: connecting,
 * the TLS handshake, waiting for the answer, the whole attempt, the whole call across its attempts, or
 * waiting for a pooled connection.
 */
public class RequestTimeoutException extends SsmClientException {

    private static final long serialVersionUID = 1L;

    /** Which wait timed out. */
    public enum Phase {
        /** Establishing the TCP connection ({@code connectTimeout}). Retryable. */
        CONNECT,
        /** Waiting for the response ({@code responseTimeout}). Retryable. */
        RESPONSE,
        /** Waiting for a free connection in the client's pool ({@code connectionRequestTimeout}). */
        CONNECTION_POOL,
        /**
         * The TCP connection was accepted but the TLS handshake did not complete (bounded by
         * {@code connectTimeout}): the port may not speak TLS, or a middlebox holds the connection. Retryable.
         */
        TLS_HANDSHAKE,
        /** The attempt as a whole, however the answer trickled in ({@code attemptTimeout}). Retryable. */
        ATTEMPT,
        /**
         * The call as a whole, across its attempts and back-off waits ({@code callTimeout}). Retryable by
         * the caller later; the SDK does not retry it.
         */
        CALL
    }

    /** The phase that timed out. */
    private final Phase phase;

    /**
     * Creates the exception.
     *
     * @param phase which wait timed out
     * @param detail what went wrong
     * @param remediation what to do about it
     * @param cause the underlying cause
     */
    public RequestTimeoutException(Phase phase, String detail, String remediation, Throwable cause) {
        super(detail, remediation, phase != Phase.CONNECTION_POOL, cause);
        this.phase = phase;
    }

    /**
     * Which wait timed out.
     *
     * @return the phase
     */
    public Phase phase() {
        return phase;
    }

    /**
     * Returns {@link FailureKind#TIMEOUT}.
     *
     * @return the kind
     */
    @Override
    public FailureKind kind() {
        return FailureKind.TIMEOUT;
    }

    /**
     * True except while waiting for a pooled connection, which is this client's own congestion.
     *
     * @return whether the timeout counts against the server's health
     */
    @Override
    public boolean isServerFailure() {
        return phase != Phase.CONNECTION_POOL;
    }

    /**
     * Whether this is the whole call's deadline ({@code callTimeout}), which the SDK does not retry.
     *
     * @return true for {@link Phase#CALL}
     */
    public boolean isCallTimeout() {
        return phase == Phase.CALL;
    }
}
