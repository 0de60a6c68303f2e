package io.github.ssmonprem.core.exception;

import java.time.Duration;
import java.util.Optional;

/**
 * The client's circuit breaker is open after repeated failed calls, so the request was not sent. Its
 * message names the failure that opened it and when calls will be tried again. It lets requests
 * through again once its wait has elapsed: {@link #isRetryable()} is true, after {@link #retryAfter()}.
 */
public class CircuitOpenException extends SsmClientException {

    private static final long serialVersionUID = 1L;

    /** How long the breaker stays open. */
    private final Duration retryAfter;

    /**
     * Creates the exception.
     *
     * @param detail what went wrong
     * @param remediation what to do about it
     * @param cause the underlying cause
     */
    public CircuitOpenException(String detail, String remediation, Throwable cause) {
        super(detail, remediation, false, cause);
        this.retryAfter = null;
    }

    /**
     * Creates the exception for a breaker that lets calls through again after a wait: retryable.
     *
     * @param detail what went wrong, naming the failure that opened the breaker
     * @param remediation what to do about it
     * @param retryAfter how long until the breaker lets a trial call through, zero or more
     */
    public CircuitOpenException(String detail, String remediation, Duration retryAfter) {
        super(detail, remediation, true, null);
        this.retryAfter = retryAfter;
    }

    /**
     * How long after this exception the breaker lets a trial call through.
     *
     * @return the wait, or empty when unknown
     */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /**
     * Returns {@link FailureKind#CIRCUIT_OPEN}.
     *
     * @return the kind
     */
    @Override
    public FailureKind kind() {
        return FailureKind.CIRCUIT_OPEN;
    }
}
