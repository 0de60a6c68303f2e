package io.github.ssmonprem.core.exception;

/**
 * A configured timeout elapsed: connecting, waiting for the answer, or waiting for a pooled connection.
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
        CONNECTION_POOL
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
}
