package io.github.ssmonprem.core.exception;

import java.time.Duration;

/**
 * The SSM On-Prem backend is not answering: a 502, 503 or 504, typically an HTML page from nginx
 * when the Rails application behind it is down or restarting. Retryable.
 */
public class ServerUnavailableException extends SsmServiceException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param detail what went wrong
     * @param remediation what to do about it
     * @param statusCode the HTTP status
     * @param errorCode the error code from the body, or null
     * @param serverMessage the server's own message, or null
     * @param requestId the {@code X-Request-Id} response header, or null
     * @param retryAfter the {@code Retry-After} the server sent, or null
     */
    public ServerUnavailableException(String detail, String remediation, int statusCode, String errorCode, String serverMessage,
            String requestId, Duration retryAfter) {
        this(detail, remediation, true, statusCode, errorCode, serverMessage, requestId, retryAfter);
    }

    /**
     * Creates the exception, retryable or not.
     *
     * @param detail what went wrong
     * @param remediation what to do about it
     * @param retryable false when the server asked for a wait longer than the SDK waits
     * @param statusCode the HTTP status
     * @param errorCode the error code from the body, or null
     * @param serverMessage the server's own message, or null
     * @param requestId the {@code X-Request-Id} response header, or null
     * @param retryAfter the {@code Retry-After} the server sent, or null
     */
    public ServerUnavailableException(String detail, String remediation, boolean retryable, int statusCode, String errorCode,
            String serverMessage, String requestId, Duration retryAfter) {
        super(detail, remediation, retryable, statusCode, errorCode, serverMessage, requestId, retryAfter);
    }
}
