package io.github.ssmonprem.core.exception;

import java.time.Duration;
import java.util.Optional;

/**
 * The server, or the web server or proxy in front of it, answered with an error status.
 *
 * <p>Carries the HTTP status, the error code and message from the body when it had them, and the
 * {@code X-Request-Id} the server assigned, which the SSM On-Prem logs can be searched for.
 */
public class SsmServiceException extends SsmException {

    private static final long serialVersionUID = 1L;

    /** The HTTP status. */
    private final int statusCode;
    /** The server's error code, or null. */
    private final String errorCode;
    /** The server's message, or null. */
    private final String serverMessage;
    /** The server's request ID, or null. */
    private final String requestId;
    /** The server's Retry-After, or null. */
    private final Duration retryAfter;

    /**
     * Creates the exception.
     *
     * @param detail what went wrong
     * @param remediation what to do about it
     * @param retryable whether the same request may succeed later
     * @param statusCode the HTTP status
     * @param errorCode the error code from the body ({@code error} or {@code status}), or null
     * @param serverMessage the server's own message, or null
     * @param requestId the {@code X-Request-Id} response header, or null
     */
    public SsmServiceException(String detail, String remediation, boolean retryable, int statusCode,
            String errorCode, String serverMessage, String requestId) {
        this(detail, remediation, retryable, statusCode, errorCode, serverMessage, requestId, null);
    }

    /**
     * Creates the exception with the wait the server asked for.
     *
     * @param detail what went wrong
     * @param remediation what to do about it
     * @param retryable whether the same request may succeed later
     * @param statusCode the HTTP status
     * @param errorCode the error code from the body ({@code error} or {@code status}), or null
     * @param serverMessage the server's own message, or null
     * @param requestId the {@code X-Request-Id} response header, or null
     * @param retryAfter the {@code Retry-After} the server sent, or null
     */
    public SsmServiceException(String detail, String remediation, boolean retryable, int statusCode,
            String errorCode, String serverMessage, String requestId, Duration retryAfter) {
        super(detail, remediation, retryable, null);
        this.statusCode = statusCode;
        this.errorCode = errorCode;
        this.serverMessage = serverMessage;
        this.requestId = requestId;
        this.retryAfter = retryAfter;
    }

    /**
     * The HTTP status code.
     *
     * @return the status
     */
    public int statusCode() {
        return statusCode;
    }

    /**
     * True for a 5xx answer or a retryable one: the server as a whole is failing, not this request.
     *
     * @return whether other requests would most likely fail too
     */
    @Override
    public boolean isServerWide() {
        return statusCode >= 500 || isRetryable();
    }

    /**
     * True for a 5xx or a 429 answer: the server is failing or overloaded, which the circuit breaker counts.
     *
     * @return whether the answer counts against the server's health
     */
    @Override
    public boolean isServerFailure() {
        return statusCode >= 500 || statusCode == 429;
    }

    /**
     * {@link FailureKind#SERVER_ERROR} for a 5xx answer, else {@link FailureKind#CLIENT_ERROR}.
     *
     * @return the kind
     */
    @Override
    public FailureKind kind() {
        return statusCode >= 500 ? FailureKind.SERVER_ERROR : FailureKind.CLIENT_ERROR;
    }

    /**
     * The error code from the body, such as {@code invalid_client} or {@code ERROR}.
     *
     * @return the code, or null when the body had none
     */
    public String errorCode() {
        return errorCode;
    }

    /**
     * The server's own message ({@code error_message}, {@code error_description} or {@code statusMessage}).
     *
     * @return the message, or null when the body had none
     */
    public String serverMessage() {
        return serverMessage;
    }

    /**
     * The {@code X-Request-Id} of the failed response.
     *
     * @return the request id, or null when the server sent none
     */
    public String requestId() {
        return requestId;
    }

    /**
     * The wait the server asked for in {@code Retry-After} (429 and 503 answers may carry one).
     *
     * @return the wait, or empty when the server named none
     */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
