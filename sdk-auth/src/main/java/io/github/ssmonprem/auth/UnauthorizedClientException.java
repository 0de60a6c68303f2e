package io.github.ssmonprem.auth;

/**
 * {@code unauthorized_client}: the API Toolkit grant exists but may not use this grant type.
 */
public class UnauthorizedClientException extends OAuthException {

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
    public UnauthorizedClientException(String detail, String remediation, int statusCode, String serverMessage, String requestId,
            String grantType) {
        super(detail, remediation, statusCode, "unauthorized_client", serverMessage, requestId, grantType);
    }
}
