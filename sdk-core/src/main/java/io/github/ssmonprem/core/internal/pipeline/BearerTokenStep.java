package io.github.ssmonprem.core.internal.pipeline;

import io.github.ssmonprem.core.Secret;
import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.core.exception.UnauthorizedException;
import io.github.ssmonprem.core.http.AccessTokenSource;
import io.github.ssmonprem.core.http.SsmResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the request's bearer token; on a 401 the token is renewed once and the whole call (its
 * retries included) repeated once. The error then reports the attempts of both rounds.
 */
public final class BearerTokenStep implements Step {

    private static final Logger LOG = LoggerFactory.getLogger("io.github.ssmonprem.core.http.SsmHttpClient");

    @Override
    public SsmResponse proceed(Exchange exchange, Chain next) {
        AccessTokenSource source = exchange.request().bearer();
        if (source == null) {
            return next.proceed(exchange);
        }
        Secret token = source.accessToken();
        exchange.token(token);
        try {
            return next.proceed(exchange);
        } catch (UnauthorizedException first) {
            LOG.debug("{} {}: the server rejected the access token (401); obtaining a new one and repeating once",
                    exchange.request().method(), exchange.request().path());
            source.invalidate(token);
            exchange.token(source.accessToken());
            try {
                return next.proceed(exchange);
            } catch (SsmException second) {
                second.recordAttempts(first.attempts() + second.attempts());
                throw second;
            }
        }
    }
}
