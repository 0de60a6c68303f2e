package io.github.ssmonprem.auth.internal;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The token route's success body. Unknown fields are ignored. */
public final class TokenResponse {

    /** {@code access_token}. */
    @JsonProperty("access_token")
    public String accessToken;

    /** {@code token_type}. */
    @JsonProperty("token_type")
    public String tokenType;

    /** {@code expires_in}, seconds; may be absent. */
    @JsonProperty("expires_in")
    public Long expiresIn;

    /** {@code refresh_token}; may be absent. */
    @JsonProperty("refresh_token")
    public String refreshToken;

    /** {@code scope}; may be absent. */
    @JsonProperty("scope")
    public String scope;

    /** {@code created_at}, Unix seconds; may be absent. */
    @JsonProperty("created_at")
    public Long createdAt;

    @Override
    public String toString() {
        return "TokenResponse{type=" + tokenType + ", expiresIn=" + expiresIn + ", createdAt=" + createdAt + "}";
    }
}
