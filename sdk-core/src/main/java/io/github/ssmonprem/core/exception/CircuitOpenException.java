package io.github.ssmonprem.core.exception;

/**
 * The client's circuit breaker is open after repeated failures, so the request was not sent. It lets
 * requests through again once its wait has elapsed. Not retryable by the SDK.
 */
public class CircuitOpenException extends SsmClientException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param detail what went wrong
     * @param remediation what to do about it
     * @param cause the underlying cause
     */
    public CircuitOpenException(String detail, String remediation, Throwable cause) {
        super(detail, remediation, false, cause);
    }
}
