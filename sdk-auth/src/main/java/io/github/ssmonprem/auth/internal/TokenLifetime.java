package io.github.ssmonprem.auth.internal;

import io.github.ssmonprem.core.exception.MalformedResponseException;
import java.time.Duration;
import java.util.function.Function;

/**
 * How long a new token is trusted, from the server's {@code expires_in}: absent, the configured
 * default; zero or negative, refused (the server says the token is already expired: reusing it, as if
 * it lived the default hour, would fail every call); beyond the configured maximum, cut to it.
 */
public final class TokenLifetime {

    /** Unix seconds beyond which a {@code created_at} is not a date this century can hold. */
    private static final long LATEST_PLAUSIBLE_EPOCH_SECOND = 32_503_680_000L;   // year 3000

    private TokenLifetime() {
    }

    /**
     * {@return the lifetime to use}
     *
     * @param expiresIn the server's {@code expires_in}, or null
     * @param defaultLifetime the lifetime when the server names none
     * @param maxLifetime the longest lifetime trusted
     * @param malformed builds the error for an unusable value, from what is wrong with it
     * @throws MalformedResponseException when {@code expires_in} is zero or negative
     */
    public static Duration of(Long expiresIn, Duration defaultLifetime, Duration maxLifetime,
            Function<String, MalformedResponseException> malformed) {
        if (expiresIn == null) {
            return defaultLifetime;
        }
        if (expiresIn <= 0) {
            throw malformed.apply("has expires_in " + expiresIn + ": the token is expired on arrival (check the token lifetime "
                    + "configured on the server, and its clock)");
        }
        return expiresIn >= maxLifetime.toSeconds() ? maxLifetime : Duration.ofSeconds(expiresIn);
    }

    /**
     * Whether a {@code created_at} can be a real instant (positive, before the year 3000).
     *
     * @param epochSecond the value
     * @return true when it is worth comparing with the clock
     */
    public static boolean plausibleEpochSecond(long epochSecond) {
        return epochSecond > 0 && epochSecond < LATEST_PLAUSIBLE_EPOCH_SECOND;
    }
}
