package io.github.ssmonprem.auth;

/**
 * How the client ID and secret travel in the token request. Never in the URL: Doorkeeper ignores
 * query-string client credentials, and URLs end up in proxy and server logs.
 */
public enum ClientAuthentication {
    /** {@code client_id} and {@code client_secret} as form fields of the body (the default). */
    REQUEST_BODY,
    /** HTTP Basic: {@code Authorization: Basic base64(client_id:client_secret)}, form-encoded per RFC 6749 §2.3.1. */
    BASIC
}
