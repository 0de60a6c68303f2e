package io.github.ssmonprem.auth;

/**
 * {@code invalid_client}: no API Toolkit grant in SSM On-Prem matches this client ID and secret (SSM On-Prem
 * answers 403 "Grant not found. Ensure that the given grant details are correct."; stock Doorkeeper 401).
 * The fix is in SSM On-Prem's API Toolkit: create a grant of the right kind and configure its client ID and secret.
 */
public class GrantNotFoundException extends OAuthException {

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
    public GrantNotFoundException(String detail, String remediation, int statusCode, String serverMessage, String requestId,
            String grantType) {
        super(detail, remediation, statusCode, "invalid_client", serverMessage, requestId, grantType);
    }
}
