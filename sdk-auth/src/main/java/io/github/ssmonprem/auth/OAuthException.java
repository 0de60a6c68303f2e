package io.github.ssmonprem.auth;

import io.github.ssmonprem.core.exception.SsmServiceException;

/**
 * The OAuth server refused to issue a token. Carries the OAuth error code ({@link #errorCode()}), the
 * server's own text ({@link #serverMessage()}, from {@code error_message} on SSM On-Prem or
 * {@code error_description} on stock Doorkeeper), the HTTP status, the grant type that was used and a
 * remediation. Never retried.
 *
 * <p>Each RFC 6749 code has its own subtype; an unknown code is reported as this type with its code.
 */
public class OAuthException extends SsmServiceException {

    private static final long serialVersionUID = 1L;

    /** The grant type that failed. */
    private final String grantType;

    /**
     * Creates the exception.
     *
     * @param detail what went wrong
     * @param remediation what to do about it
     * @param statusCode the HTTP status
     * @param errorCode the OAuth error code
     * @param serverMessage the server's text, or null
     * @param requestId the {@code X-Request-Id}, or null
     * @param grantType the grant type of the refused request, such as {@code password}
     */
    public OAuthException(String detail, String remediation, int statusCode, String errorCode, String serverMessage,
            String requestId, String grantType) {
        super(detail, remediation, false, statusCode, errorCode, serverMessage, requestId);
        this.grantType = grantType;
    }

    /**
     * The grant type of the refused token request.
     *
     * @return {@code password}, {@code client_credentials} or {@code refresh_token}
     */
    public String grantType() {
        return grantType;
    }
}
