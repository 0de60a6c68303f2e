package io.github.ssmonprem.core.exception;

/**
 * The server answered 401 on an API route even with a freshly obtained token.
 */
public class UnauthorizedException extends SsmServiceException {

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
     */
    public UnauthorizedException(String detail, String remediation, int statusCode, String errorCode, String serverMessage,
            String requestId) {
        super(detail, remediation, false, statusCode, errorCode, serverMessage, requestId);
    }
}
