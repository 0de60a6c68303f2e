package io.github.ssmonprem.auth.internal;

import io.github.ssmonprem.auth.GrantNotFoundException;
import io.github.ssmonprem.auth.InvalidCredentialsException;
import io.github.ssmonprem.auth.InvalidRequestException;
import io.github.ssmonprem.auth.InvalidScopeException;
import io.github.ssmonprem.auth.OAuthException;
import io.github.ssmonprem.auth.OAuthGrant;
import io.github.ssmonprem.auth.UnauthorizedClientException;
import io.github.ssmonprem.auth.UnsupportedGrantTypeException;
import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.core.http.ErrorDecoder;
import io.github.ssmonprem.core.http.ErrorResponse;
import io.github.ssmonprem.core.internal.ErrorMapper;
import io.github.ssmonprem.core.internal.Redactor;

/**
 * Decodes the token route's error answers, {@code {"error": CODE, "error_description"|"error_message": TEXT}}
 * with whatever status (400, 401 or 403), into one exception type per OAuth code. Answers without an
 * {@code error} field (nginx's 502 page, a proxy's 407) are left to the transport's mapping.
 */
public final class OAuthErrorDecoder implements ErrorDecoder {

    private final String grantType;
    private final String clientId;
    private final String username;
    private final String scope;

    /**
     * Creates the oauth error decoder.
     *
     * @param grantType the grant type of the request, such as {@code password} or {@code refresh_token}
     * @param clientId the client ID used
     * @param username the user name used, or null
     * @param scope the requested scope, or null
     */
    public OAuthErrorDecoder(String grantType, String clientId, String username, String scope) {
        this.grantType = grantType;
        this.clientId = clientId;
        this.username = username;
        this.scope = scope;
    }

    @Override
    public SsmException decode(ErrorResponse error) {
        String code = error.jsonText("error").orElse(null);
        if (code == null || error.statusCode() == 404 && "Not Found".equalsIgnoreCase(code)) {
            // Rails's generic 404 is no OAuth answer: there is no token route at this URL.
            return null;
        }
        code = Redactor.snippet(code, 100);
        int status = error.statusCode();
        String message = ErrorMapper.serverMessage(error).orElse(null);
        String requestId = error.requestId().map(id -> Redactor.snippet(id, 100)).orElse(null);
        String detail = "The token request (grant type " + grantType + ", client ID " + clientId
                + (username != null ? ", user " + username : "") + ") was refused: HTTP " + status + " " + code
                + (message != null ? ": " + ErrorMapper.inSentence(message) : "") + ".";
        switch (code) {
            case "invalid_client":
                return new GrantNotFoundException(detail,
                        "No API Toolkit grant in SSM On-Prem matches client ID '" + clientId + "' and its secret. In SSM "
                                + "On-Prem, open API Toolkit, create a Resource Owner Grant (password flow) or a Client "
                                + "Credentials Grant, and configure its client ID and client secret here (SSM_CLIENT_ID, "
                                + "SSM_CLIENT_SECRET). A deleted or regenerated grant needs its new values.",
                        status, message, requestId, grantType);
            case "invalid_grant":
                return new InvalidCredentialsException(detail, OAuthGrant.REFRESH_TOKEN.equals(grantType)
                        ? "The refresh token expired or was revoked: obtain a new token with the configured grant."
                        : "The user name or password" + (username != null ? " of '" + username + "'" : "")
                                + " was refused: check both in SSM On-Prem (an expired, changed or locked password "
                                + "needs updating here, SSM_USERNAME and SSM_PASSWORD).",
                        status, message, requestId, grantType);
            case "unauthorized_client":
                return new UnauthorizedClientException(detail,
                        "The API Toolkit grant of client ID '" + clientId + "' exists but may not use the " + grantType
                                + " grant type: create a grant of the matching kind in API Toolkit (Resource Owner Grant "
                                + "for password, Client Credentials Grant for client_credentials), or configure the "
                                + "grant type that this grant was created for.",
                        status, message, requestId, grantType);
            case "unsupported_grant_type":
                return new UnsupportedGrantTypeException(detail,
                        "The server does not accept the " + grantType + " grant type: configure the grant type your "
                                + "API Toolkit grant was created for.",
                        status, message, requestId, grantType);
            case "invalid_scope":
                return new InvalidScopeException(detail,
                        "The requested scope" + (scope != null ? " '" + scope + "'" : "") + " is not allowed: remove it "
                                + "(SSM On-Prem grants need none) or ask for one the grant allows.",
                        status, message, requestId, grantType);
            case "invalid_request":
                return new InvalidRequestException(detail,
                        "A parameter of the token request is missing or malformed: check the client ID, user name and "
                                + "the token route (routes.tokenPath); the server's message names the parameter.",
                        status, message, requestId, grantType);
            default:
                return new OAuthException(detail,
                        "The OAuth server refused the token request with code '" + code + "': see its message, and the "
                                + "SSM On-Prem logs for the request id.",
                        status, code, message, requestId, grantType);
        }
    }
}
