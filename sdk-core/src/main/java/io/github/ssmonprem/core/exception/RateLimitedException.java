package io.github.ssmonprem.core.exception;

import java.time.Duration;

/**
 * The server answered 429 Too Many Requests, on any route and whatever its body. Retryable; the SDK
 * waits for {@link #retryAfter()} when the server sent one, unless it asks for longer than the retry
 * settings' {@code maxRetryAfter}: then the call fails at once, saying when the server will take calls again.
 */
public class RateLimitedException extends SsmServiceException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param detail what went wrong
     * @param remediation what to do about it
     * @param errorCode the error code from the body, or null
     * @param serverMessage the server's own message, or null
     * @param requestId the {@code X-Request-Id} response header, or null
     * @param retryAfter the wait the server asked for, or null
     */
    public RateLimitedException(String detail, String remediation, String errorCode, String serverMessage,
            String requestId, Duration retryAfter) {
        this(detail, remediation, true, errorCode, serverMessage, requestId, retryAfter);
    }

    /**
     * Creates the exception, retryable or not.
     *
     * @param detail what went wrong
     * @param remediation what to do about it
     * @param retryable false when the server asked for a wait longer than the SDK waits
     * @param errorCode the error code from the body, or null
     * @param serverMessage the server's own message, or null
     * @param requestId the {@code X-Request-Id} response header, or null
     * @param retryAfter the wait the server asked for, or null
     */
    public RateLimitedException(String detail, String remediation, boolean retryable, String errorCode, String serverMessage,
            String requestId, Duration retryAfter) {
        super(detail, remediation, retryable, 429, errorCode, serverMessage, requestId, retryAfter);
    }

    /**
     * Always true: the server is throttling this client.
     *
     * @return true
     */
    @Override
    public boolean isThrottling() {
        return true;
    }
}
