package io.github.ssmonprem.auth;

import io.github.ssmonprem.core.Secret;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An access token with the instants that govern its use: from {@link #staleAt()} it is refreshed in
 * the background while still served; from {@link #expiredAt()} callers wait for a new one;
 * {@link #expiresAt()} is when the server stops accepting it.
 *
 * <p>{@link #toString()} shows the expiry and scope, never the token or refresh token.
 */
public final class AccessToken {

    /** Where a token stands at a given instant. */
    public enum State {
        /** Served from cache as is. */
        FRESH,
        /** Still served, and one background refresh is started. */
        STALE,
        /** Not served: callers wait for a new token. */
        EXPIRED
    }

    private final Secret value;
    private final String tokenType;
    private final Instant issuedAt;
    private final Instant expiresAt;
    private final Instant staleAt;
    private final Instant expiredAt;
    private final Secret refreshToken;
    private final String scope;

    /**
     * Creates a token.
     *
     * @param value the token
     * @param tokenType the type, {@code Bearer}
     * @param issuedAt when it was issued
     * @param expiresAt when the server stops accepting it
     * @param staleAt from when to refresh it in the background
     * @param expiredAt from when not to use it any more
     * @param refreshToken the refresh token, or null
     * @param scope the granted scope, or null
     */
    public AccessToken(Secret value, String tokenType, Instant issuedAt, Instant expiresAt, Instant staleAt,
            Instant expiredAt, Secret refreshToken, String scope) {
        this.value = Objects.requireNonNull(value, "value");
        this.tokenType = tokenType;
        this.issuedAt = issuedAt;
        this.expiresAt = expiresAt;
        this.staleAt = staleAt;
        this.expiredAt = expiredAt;
        this.refreshToken = refreshToken;
        this.scope = scope;
    }

    /**
     * Computes the stale and expired instants of a token: stale {@code refreshMargin} before expiry,
     * expired {@code clockSkew} before it, each cut to a quarter and a tenth of the lifetime for tokens
     * that live shorter than those margins.
     *
     * @param value the token
     * @param issuedAt when it was issued
     * @param lifetime how long the server accepts it
     * @param refreshMargin how long before expiry to refresh in the background
     * @param clockSkew how long before expiry to stop using it
     * @param refreshToken the refresh token, or null
     * @param scope the granted scope, or null
     * @return the token
     */
    public static AccessToken of(Secret value, Instant issuedAt, Duration lifetime, Duration refreshMargin,
            Duration clockSkew, Secret refreshToken, String scope) {
        Instant expires = issuedAt.plus(lifetime);
        Duration margin = min(refreshMargin, lifetime.dividedBy(4));
        Duration skew = min(clockSkew, lifetime.dividedBy(10));
        return new AccessToken(value, "Bearer", issuedAt, expires, expires.minus(margin), expires.minus(skew),
                refreshToken, scope);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /**
     * Where the token stands.
     *
     * @param now the current instant
     * @return FRESH, STALE or EXPIRED
     */
    public State state(Instant now) {
        if (now.isBefore(staleAt)) {
            return State.FRESH;
        }
        return now.isBefore(expiredAt) ? State.STALE : State.EXPIRED;
    }

    /**
     * A copy that is already expired, keeping the refresh token: what remains of a token the server rejected.
     *
     * @return the expired copy
     */
    AccessToken rejected() {
        return new AccessToken(value, tokenType, issuedAt, Instant.EPOCH, Instant.EPOCH, Instant.EPOCH, refreshToken, scope);
    }

    /** {@return the token; put it on the wire only} */
    public Secret value() {
        return value;
    }

    /** {@return the token type, {@code Bearer}} */
    public String tokenType() {
        return tokenType;
    }

    /** {@return when it was issued} */
    public Instant issuedAt() {
        return issuedAt;
    }

    /** {@return when the server stops accepting it} */
    public Instant expiresAt() {
        return expiresAt;
    }

    /**
     * Returns the instant from which it is refreshed in the background.
     *
     * @return from when it is refreshed in the background
     */
    public Instant staleAt() {
        return staleAt;
    }

    /**
     * Returns the instant from which it is no longer used.
     *
     * @return from when it is no longer used
     */
    public Instant expiredAt() {
        return expiredAt;
    }

    /** {@return the refresh token, if the server issued one} */
    public Optional<Secret> refreshToken() {
        return Optional.ofNullable(refreshToken);
    }

    /** {@return the granted scope, if the server named one} */
    public Optional<String> scope() {
        return Optional.ofNullable(scope);
    }

    @Override
    public String toString() {
        return "AccessToken{type=" + tokenType + ", issuedAt=" + issuedAt + ", expiresAt=" + expiresAt
                + (scope != null ? ", scope=" + scope : "") + ", refreshToken=" + (refreshToken != null ? "****" : "none")
                + ", value=****}";
    }
}
