package io.github.ssmonprem.auth;

/**
 * {@code invalid_request}: a parameter of the token request is missing or malformed.
 */
public class InvalidRequestException extends OAuthException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param detail what went wrong
     * @param remediation what to do about it
     * @param statusCode the HTTP status
     * @param serverMessage the server's text, or null
     * @param requestId the {@code X-Request-Id}, or null
     * @param grantType the grant type of the refused request
     */
    public InvalidRequestException(String detail, String remediation, int statusCode, String serverMessage, String requestId,
            String grantType) {
        super(detail, remediation, statusCode, "invalid_request", serverMessage, requestId, grantType);
    }
}
