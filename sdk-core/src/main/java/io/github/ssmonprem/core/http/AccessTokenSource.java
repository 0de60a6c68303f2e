package io.github.ssmonprem.core.http;

import io.github.ssmonprem.core.Secret;

/**
 * Where the transport gets the bearer token for an API call. sdk-auth's token provider implements it;
 * the transport calls {@link #accessToken()} before each call and {@link #invalidate(Secret)} when the
 * server rejects a token with 401, then asks once more and repeats the call once.
 */
public interface AccessTokenSource {

    /**
     * Returns a token to send now, obtaining one first if needed.
     *
     * @return the access token
     * @throws io.github.ssmonprem.core.exception.SsmException when no token can be obtained
     */
    Secret accessToken();

    /**
     * Tells the source the server rejected this token (expired or revoked), so the next
     * {@link #accessToken()} returns a different one.
     *
     * @param rejected the token the server answered 401 to
     */
    void invalidate(Secret rejected);
}
