package io.github.ssmonprem.core;

import io.github.ssmonprem.core.exception.SsmConfigurationException;
import java.time.Duration;
import java.util.Objects;

/**
 * The SDK's retry policy in plain settings: how many attempts, the exponential back-off with jitter,
 * and the cap on a server's {@code Retry-After}: the one retry configuration of a client
 * ({@link SsmClientConfig.Builder#retry(RetrySettings)}). Resilience4j runs it.
 *
 * <p>Only connection failures, timeouts, 502/503/504 and 429 are retried, and a POST only when the
 * request is marked idempotent.
 */
public final class RetrySettings {

    private static final RetrySettings DEFAULTS = builder().build();

    private final int maxAttempts;
    private final Duration initialBackoff;
    private final double multiplier;
    private final Duration maxBackoff;
    private final double jitter;
    private final Duration maxRetryAfter;

    private RetrySettings(Builder b) {
        this.maxAttempts = b.maxAttempts;
        this.initialBackoff = b.initialBackoff;
        this.multiplier = b.multiplier;
        this.maxBackoff = b.maxBackoff;
        this.jitter = b.jitter;
        this.maxRetryAfter = b.maxRetryAfter;
    }

    /**
     * The defaults: 4 attempts, 500 ms doubling up to 30 s, ±50 % jitter, {@code Retry-After} up to 60 s.
     *
     * @return the default settings
     */
    public static RetrySettings defaults() {
        return DEFAULTS;
    }

    /**
     * No retries: every request is attempted once.
     *
     * @return settings with one attempt
     */
    public static RetrySettings none() {
        return builder().maxAttempts(1).build();
    }

    /**
     * Starts a builder holding the defaults.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return attempts in all, including the first} */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** {@return the wait before the first retry, before jitter} */
    public Duration initialBackoff() {
        return initialBackoff;
    }

    /** {@return the factor each further wait grows by} */
    public double multiplier() {
        return multiplier;
    }

    /** {@return the longest back-off wait} */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    /** {@return the randomisation factor, 0 (none) to 1} */
    public double jitter() {
        return jitter;
    }

    /**
     * {@return the longest {@code Retry-After} the SDK waits for} A server asking for longer fails the call at
     * once, its message saying when the server takes calls again.
     */
    public Duration maxRetryAfter() {
        return maxRetryAfter;
    }

    @Override
    public String toString() {
        return "RetrySettings{maxAttempts=" + maxAttempts + ", initialBackoff=" + initialBackoff
                + ", multiplier=" + multiplier + ", maxBackoff=" + maxBackoff + ", jitter=" + jitter
                + ", maxRetryAfter=" + maxRetryAfter + "}";
    }

    /** Builds {@link RetrySettings}. */
    public static final class Builder {
        private int maxAttempts = 4;
        private Duration initialBackoff = Duration.ofMillis(500);
        private double multiplier = 2.0;
        private Duration maxBackoff = Duration.ofSeconds(30);
        private double jitter = 0.5;
        private Duration maxRetryAfter = Duration.ofSeconds(60);

        private Builder() {
        }

        /**
         * Sets the attempts in all, including the first; at least 1.
         *
         * @param maxAttempts attempts in all, including the first; at least 1
         * @return this builder
         */
        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * Sets the wait before the first retry, before jitter.
         *
         * @param initialBackoff the wait before the first retry, before jitter
         * @return this builder
         */
        public Builder initialBackoff(Duration initialBackoff) {
            this.initialBackoff = Objects.requireNonNull(initialBackoff, "initialBackoff");
            return this;
        }

        /**
         * Sets the factor each further wait grows by; at least 1.
         *
         * @param multiplier the factor each further wait grows by
         * @return this builder
         */
        public Builder multiplier(double multiplier) {
            this.multiplier = multiplier;
            return this;
        }

        /**
         * Sets the longest back-off wait.
         *
         * @param maxBackoff the longest back-off wait
         * @return this builder
         */
        public Builder maxBackoff(Duration maxBackoff) {
            this.maxBackoff = Objects.requireNonNull(maxBackoff, "maxBackoff");
            return this;
        }

        /**
         * Sets the randomisation factor, 0 (none) to 1 (a wait anywhere from 0 to twice the base).
         *
         * @param jitter the randomisation factor, 0 (none) to 1 (a wait anywhere from 0 to twice the base)
         * @return this builder
         */
        public Builder jitter(double jitter) {
            this.jitter = jitter;
            return this;
        }

        /**
         * Sets the longest {@code Retry-After} waited for (default 60 s); a longer one fails the call at once.
         *
         * @param maxRetryAfter the longest {@code Retry-After} waited for
         * @return this builder
         */
        public Builder maxRetryAfter(Duration maxRetryAfter) {
            this.maxRetryAfter = Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the settings
         * @throws SsmConfigurationException naming the invalid setting
         */
        public RetrySettings build() {
            if (maxAttempts < 1) {
                throw new SsmConfigurationException("retry.maxAttempts", "must be at least 1, was " + maxAttempts);
            }
            if (initialBackoff.isNegative() || initialBackoff.isZero()) {
                throw new SsmConfigurationException("retry.initialBackoff", "must be positive, was " + initialBackoff);
            }
            if (multiplier < 1.0) {
                throw new SsmConfigurationException("retry.multiplier", "must be at least 1, was " + multiplier);
            }
            if (maxBackoff.compareTo(initialBackoff) < 0) {
                throw new SsmConfigurationException("retry.maxBackoff", "must not be below initialBackoff, was " + maxBackoff);
            }
            if (jitter < 0.0 || jitter >= 1.0) {
                throw new SsmConfigurationException("retry.jitter", "must be from 0 up to (not including) 1, was " + jitter);
            }
            if (maxRetryAfter.isNegative()) {
                throw new SsmConfigurationException("retry.maxRetryAfter", "must not be negative, was " + maxRetryAfter);
            }
            return new RetrySettings(this);
        }
    }
}
