package io.github.ssmonprem.core.internal.pipeline;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.RetryConfig;
import io.github.ssmonprem.core.RetrySettings;
import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.core.exception.SsmServiceException;
import java.time.Duration;

/** The Resilience4j configuration a transport's {@link RetrySettings} stand for: the one place they turn into it. */
public final class RetryPolicy {

    private RetryPolicy() {
    }

    /**
     * {@return the configuration: retry only exceptions that say they are retryable, wait with
     * exponential back-off and jitter, or for the server's {@code Retry-After} (at most
     * {@link RetrySettings#maxRetryAfter()}; a longer one is not retried)}
     *
     * @param settings the retry policy
     */
    public static RetryConfig of(RetrySettings settings) {
        IntervalFunction backoff = IntervalFunction.ofExponentialRandomBackoff(
                settings.initialBackoff(), settings.multiplier(), settings.jitter(), settings.maxBackoff());
        long capMillis = settings.maxRetryAfter().toMillis();
        return RetryConfig.custom()
                .maxAttempts(settings.maxAttempts())
                .retryOnException(t -> t instanceof SsmException && ((SsmException) t).isRetryable())
                .intervalBiFunction((attempt, outcome) -> {
                    if (outcome.isLeft() && outcome.getLeft() instanceof SsmServiceException) {
                        Duration asked = ((SsmServiceException) outcome.getLeft()).retryAfter().orElse(null);
                        if (asked != null) {
                            return Math.min(asked.toMillis(), capMillis);
                        }
                    }
                    return backoff.apply(attempt);
                })
                .failAfterMaxAttempts(false)
                .build();
    }
}
