package io.github.ssmonprem.auth;

/**
 * {@code unsupported_grant_type}: the server does not have this grant type enabled.
 */
public class UnsupportedGrantTypeException extends OAuthException {

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
    public UnsupportedGrantTypeException(String detail, String remediation, int statusCode, String serverMessage, String requestId,
            String grantType) {
        super(detail, remediation, statusCode, "unsupported_grant_type", serverMessage, requestId, grantType);
    }
}
