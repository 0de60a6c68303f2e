package io.github.ssmonprem.core.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.ssmonprem.core.exception.SsmConfigurationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;

/**
 * The rules behind {@code SsmClientConfig}: validation of the settings that need more than a range
 * check, and the defaults derived from other settings.
 */
public final class ConfigRules {

    private ConfigRules() {
    }

    /**
     * Validates the server URL and normalises it: lower-case scheme, no trailing slash.
     *
     * @param baseUrl the URL as configured
     * @param allowPlainHttp whether {@code http://} is allowed
     * @return the normalised URL
     * @throws SsmConfigurationException naming {@code baseUrl} when it is not a usable server URL
     */
    public static URI baseUrl(String baseUrl, boolean allowPlainHttp) {
        if (baseUrl == null || baseUrl.isBlank()) {
            throw new SsmConfigurationException("baseUrl", "the SSM On-Prem server URL is required, e.g. https://ssm.example.net:8443");
        }
        SettingText.require("baseUrl", baseUrl.trim(), false);
        URI uri;
        try {
            uri = new URI(baseUrl.trim());
        } catch (URISyntaxException e) {
            throw new SsmConfigurationException("baseUrl", "'" + baseUrl + "' is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null) {
            throw new SsmConfigurationException("baseUrl", "'" + baseUrl + "' has no host; expected https://host[:port]");
        }
        if (uri.getRawUserInfo() != null) {
            throw new SsmConfigurationException("baseUrl", "must not carry credentials; configure the grant instead");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new SsmConfigurationException("baseUrl", "must not have a query string or fragment");
        }
        if (scheme.equals("http")) {
            if (!allowPlainHttp) {
                throw new SsmConfigurationException("baseUrl", "plain http:// would send tokens and passwords in clear",
                        "Use https://, or call allowPlainHttp(true) for loopback tests.", null);
            }
        } else if (!scheme.equals("https")) {
            throw new SsmConfigurationException("baseUrl", "scheme must be https, was '" + uri.getScheme() + "'");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        try {
            // The raw path as given: a prefix already percent-encoded (a %20) is kept, never encoded again.
            return new URI(scheme + "://" + uri.getRawAuthority() + path);
        } catch (URISyntaxException e) {
            throw new SsmConfigurationException("baseUrl", "'" + baseUrl + "' is not a URL");
        }
    }

    /**
     * Rejects a duration that is missing, zero or negative.
     *
     * @param setting the setting's name, for the error
     * @param d the duration
     * @throws SsmConfigurationException naming the setting when the duration is not positive
     */
    public static void positive(String setting, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new SsmConfigurationException(setting, "must be a positive duration, was " + d);
        }
    }

    /**
     * The per-attempt limit: as set, else the larger of 2 minutes and {@code connectTimeout + 2 × responseTimeout}.
     *
     * @param set the configured limit, or null
     * @param connectTimeout the connect timeout
     * @param responseTimeout the response timeout
     * @return the limit
     */
    public static Duration attemptTimeout(Duration set, Duration connectTimeout, Duration responseTimeout) {
        return set != null ? set : max(Duration.ofMinutes(2), connectTimeout.plus(responseTimeout).plus(responseTimeout));
    }

    /**
     * The per-call limit: as set, else the larger of 5 minutes and twice the per-attempt limit.
     *
     * @param set the configured limit, or null
     * @param attemptTimeout the per-attempt limit
     * @return the limit
     */
    public static Duration callTimeout(Duration set, Duration attemptTimeout) {
        return set != null ? set : max(Duration.ofMinutes(5), attemptTimeout.multipliedBy(2));
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** {@return the default circuit breaker} */
    public static CircuitBreakerConfig defaultCircuitBreaker() {
        // Time-based, so failures from an outage hours ago do not trip the breaker on the first
        // calls after recovery (a count-based window would still hold them).
        return CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.TIME_BASED)
                .slidingWindowSize(60)
                // Every request records its outcome: a lock here serialises all calling threads.
                .slidingWindowSynchronizationStrategy(CircuitBreakerConfig.SlidingWindowSynchronizationStrategy.LOCK_FREE)
                .minimumNumberOfCalls(10)
                .failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(30))
                .permittedNumberOfCallsInHalfOpenState(2)
                .build();
    }
}
