package io.github.ssmonprem.auth;

import io.github.ssmonprem.auth.internal.OAuthErrorDecoder;
import io.github.ssmonprem.auth.internal.TokenLifetime;
import io.github.ssmonprem.auth.internal.TokenResponse;
import io.github.ssmonprem.core.Secret;
import io.github.ssmonprem.core.exception.SsmConfigurationException;
import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.core.http.AccessTokenSource;
import io.github.ssmonprem.core.http.SsmHttpClient;
import io.github.ssmonprem.core.http.SsmRequest;
import io.github.ssmonprem.core.http.SsmResponse;
import io.github.ssmonprem.core.internal.DaemonThreads;
import io.github.ssmonprem.core.internal.JsonCodec;
import io.github.ssmonprem.core.internal.Redactor;
import io.github.ssmonprem.core.internal.SettingText;
import io.github.ssmonprem.core.internal.Meters;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Obtains, caches and refreshes OAuth access tokens for one API Toolkit grant, and hands them to the
 * transport as its {@link AccessTokenSource}. Thread-safe.
 *
 * <ul>
 *   <li><b>FRESH</b>: the cached token is returned by a lock-free read.</li>
 *   <li><b>STALE</b> ({@code refreshMargin} before expiry): the cached token is still returned, and one
 *       background refresh starts; no caller waits.</li>
 *   <li><b>EXPIRED</b> ({@code clockSkew} before expiry, or no token yet): callers wait on one shared
 *       token request. N concurrent callers cause one request, never N.</li>
 * </ul>
 *
 * <p>A refresh uses the refresh token when the server issued one; if the server answers
 * {@code invalid_grant}, the provider falls back to the configured grant once. A failed background
 * refresh keeps serving the still-valid token and waits {@code refreshBackoff} (doubling, capped)
 * before trying again. When the server rejects a token on an API call (401), the transport calls
 * {@link #invalidate(Secret)} and asks again.
 *
 * <pre>{@code
 * OAuthTokenProvider tokens = OAuthTokenProvider.builder(http)
 *     .grant(OAuthGrant.password(clientId, clientSecret, "svc-sdwan", password))
 *     .build();
 * SsmRequest request = SsmRequest.get("accounts", routes.accountsPath()).bearer(tokens).build();
 * }</pre>
 *
 * <p>Metrics, when the transport has a registry: {@code ssm.auth.token.requests} (counter: grant_type,
 * outcome), {@code ssm.auth.token.acquisition} (timer: grant_type), {@code ssm.auth.token.refreshes}
 * (counter: mode = background, blocking, rejected).
 */
public final class OAuthTokenProvider implements AccessTokenSource, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OAuthTokenProvider.class);

    private final SsmHttpClient http;
    private final OAuthGrant grant;
    private final String scope;
    private final ClientAuthentication clientAuthentication;
    private final Duration refreshMargin;
    private final Duration clockSkew;
    private final Duration defaultLifetime;
    private final Duration maxLifetime;
    private final Duration refreshBackoff;
    private final Duration maxRefreshBackoff;
    private final Clock clock;
    private final Executor executor;
    private final ExecutorService ownedExecutor;
    private final MeterRegistry registry;
    private final JsonCodec json;

    private final AtomicReference<AccessToken> current = new AtomicReference<>();
    private final Object lock = new Object();
    private CompletableFuture<AccessToken> inflight;
    private volatile Instant backgroundRetryAfter = Instant.MIN;
    private int consecutiveFailures;

    private OAuthTokenProvider(Builder b) {
        this.http = b.http;
        this.grant = b.grant;
        this.scope = b.scope;
        this.clientAuthentication = b.clientAuthentication;
        this.refreshMargin = b.refreshMargin;
        this.clockSkew = b.clockSkew;
        this.defaultLifetime = b.defaultLifetime;
        this.maxLifetime = b.maxLifetime;
        this.refreshBackoff = b.refreshBackoff;
        this.maxRefreshBackoff = b.maxRefreshBackoff;
        this.clock = http.config().clock();
        if (b.executor != null) {
            this.executor = b.executor;
            this.ownedExecutor = null;
        } else {
            this.ownedExecutor = Executors.newSingleThreadExecutor(DaemonThreads.named("ssm-token-refresh"));
            this.executor = ownedExecutor;
        }
        this.registry = http.config().meterRegistry().orElse(null);
        this.json = new JsonCodec(http.config().baseUrl());
    }

    /**
     * Starts a builder.
     *
     * @param http the transport the token requests go through (same proxy, trust and retries as API calls)
     * @return a builder
     */
    public static Builder builder(SsmHttpClient http) {
        return new Builder(http);
    }

    /** {@return the grant this provider authenticates with} */
    public OAuthGrant grant() {
        return grant;
    }

    @Override
    public Secret accessToken() {
        return token().value();
    }

    /**
     * Returns a usable token: the cached one when fresh or stale (a stale one starts a background
     * refresh), otherwise a new one obtained by one request shared by every waiting caller.
     *
     * @return the token
     * @throws OAuthException when the server refuses the grant
     * @throws SsmException when no token can be obtained for another reason
     */
    public AccessToken token() {
        AccessToken token = current.get();
        Instant now = clock.instant();
        if (token != null) {
            AccessToken.State state = token.state(now);
            if (state == AccessToken.State.FRESH) {
                return token;
            }
            if (state == AccessToken.State.STALE) {
                refreshInBackground(token, now);
                return token;
            }
        }
        return awaitNewToken();
    }

    /**
     * Forces the next {@link #token()} to obtain a new token (keeping the refresh token), if the given
     * token is still the cached one.
     *
     * @param rejected the token the server rejected
     */
    @Override
    public void invalidate(Secret rejected) {
        AccessToken token = current.get();
        if (token != null && token.value().equals(rejected)) {
            if (current.compareAndSet(token, token.rejected())) {
                countRefresh("rejected");
                LOG.debug("The server rejected the cached access token; the next call obtains a new one");
            }
        }
    }

    /**
     * Starts one background refresh of the stale token {@code seen}, unless one runs already, a
     * failed one's back-off has not elapsed, or {@code seen} is no longer the cached token: a caller
     * that read it just before a refresh ended would otherwise start a second one for the fresh token
     * (or, after a failed one, skip the back-off). The checks before the lock spare the lock to the
     * callers of a stale token's last moments; the ones under it decide.
     */
    private void refreshInBackground(AccessToken seen, Instant now) {
        if (now.isBefore(backgroundRetryAfter) || current.get() != seen) {
            return;
        }
        CompletableFuture<AccessToken> mine;
        synchronized (lock) {
            if (inflight != null || current.get() != seen || now.isBefore(backgroundRetryAfter)) {
                return;
            }
            mine = new CompletableFuture<>();
            inflight = mine;
        }
        countRefresh("background");
        try {
            executor.execute(() -> runRefresh(mine, true));
        } catch (RuntimeException rejected) {
            synchronized (lock) {
                inflight = null;
            }
            mine.completeExceptionally(rejected);
        }
    }

    private AccessToken awaitNewToken() {
        CompletableFuture<AccessToken> shared;
        CompletableFuture<AccessToken> mine = null;
        synchronized (lock) {
            AccessToken token = current.get();
            if (token != null && token.state(clock.instant()) != AccessToken.State.EXPIRED) {
                return token;
            }
            shared = inflight;
            if (shared == null) {
                mine = new CompletableFuture<>();
                inflight = mine;
                shared = mine;
            }
        }
        if (mine != null) {
            countRefresh("blocking");
            runRefresh(mine, false);
        }
        try {
            return shared.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof SsmException) {
                throw (SsmException) e.getCause();
            }
            throw e;
        }
    }

    private void runRefresh(CompletableFuture<AccessToken> future, boolean background) {
        AccessToken result = null;
        RuntimeException failure = null;
        try {
            result = fetch();
        } catch (RuntimeException e) {
            failure = e;
        }
        synchronized (lock) {
            if (result != null) {
                current.set(result);
                consecutiveFailures = 0;
                backgroundRetryAfter = Instant.MIN;
            } else {
                consecutiveFailures++;
                Duration wait = backoff(consecutiveFailures);
                backgroundRetryAfter = clock.instant().plus(wait);
                if (background) {
                    LOG.debug("Background token refresh failed ({}); keeping the current token, next try in {} s",
                            failure.getClass().getSimpleName(), wait.toSeconds());
                }
            }
            if (inflight == future) {
                inflight = null;
            }
        }
        if (result != null) {
            future.complete(result);
        } else {
            future.completeExceptionally(failure);
        }
    }

    private Duration backoff(int failures) {
        Duration wait = refreshBackoff.multipliedBy(1L << Math.min(failures - 1, 16));
        return wait.compareTo(maxRefreshBackoff) > 0 ? maxRefreshBackoff : wait;
    }

    private AccessToken fetch() {
        AccessToken previous = current.get();
        if (previous != null && previous.refreshToken().isPresent()) {
            Secret refreshToken = previous.refreshToken().get();
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("grant_type", OAuthGrant.REFRESH_TOKEN);
            fields.put("refresh_token", refreshToken.reveal());
            try {
                return request(OAuthGrant.REFRESH_TOKEN, fields, refreshToken);
            } catch (InvalidCredentialsException expired) {
                LOG.debug("The refresh token was refused (invalid_grant); obtaining a token with the {} grant instead",
                        grant.grantType());
            }
        }
        return request(grant.grantType(), grant.grantFields(), null);
    }

    private AccessToken request(String grantType, Map<String, String> grantFields, Secret previousRefreshToken) {
        Map<String, String> fields = new LinkedHashMap<>(grantFields);
        if (scope != null) {
            fields.put("scope", scope);
        }
        SsmRequest.Builder request = SsmRequest.post("token", http.config().routes().tokenPath())
                .idempotent(true)
                .errorDecoder(new OAuthErrorDecoder(grantType, grant.clientId(),
                        OAuthGrant.PASSWORD.equals(grantType) ? grant.username() : null, scope));
        if (clientAuthentication == ClientAuthentication.BASIC) {
            String pair = formEncode(grant.clientId()) + ":" + formEncode(grant.clientSecret().reveal());
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        } else {
            fields.put("client_id", grant.clientId());
            fields.put("client_secret", grant.clientSecret().reveal());
        }
        SsmRequest built = request.formBody(fields).build();
        long start = System.nanoTime();
        String outcome = "error";
        try {
            SsmResponse response = http.execute(built);
            TokenResponse body = json.decodeUnquoted(built, response, TokenResponse.class);
            AccessToken token = toToken(built, response, body, previousRefreshToken);
            outcome = "success";
            return token;
        } catch (SsmException e) {
            outcome = e instanceof OAuthException ? ((OAuthException) e).errorCode() : e.getClass().getSimpleName();
            throw e;
        } finally {
            Meters.count(registry, "ssm.auth.token.requests", "OAuth token requests", "requests",
                    "grant_type", grantType, "outcome", outcome);
            Meters.time(registry, "ssm.auth.token.acquisition", "Time to obtain an OAuth token", System.nanoTime() - start,
                    "grant_type", grantType);
        }
    }

    private AccessToken toToken(SsmRequest request, SsmResponse response, TokenResponse body, Secret previousRefreshToken) {
        if (body.accessToken == null || body.accessToken.isBlank()) {
            throw json.malformed(request, response, "has no access_token", false);
        }
        if (SettingText.hasControl(body.accessToken) || body.refreshToken != null && SettingText.hasControl(body.refreshToken)) {
            throw json.malformed(request, response, "has an access_token or refresh_token holding control characters, which "
                    + "cannot be sent in a header", false);
        }
        if (body.tokenType != null && !"bearer".equalsIgnoreCase(body.tokenType)) {
            throw json.malformed(request, response, "has token_type '" + Redactor.snippet(body.tokenType, 40) + "', not Bearer", false);
        }
        Instant now = clock.instant();
        Duration lifetime = TokenLifetime.of(body.expiresIn, defaultLifetime, maxLifetime,
                problem -> json.malformed(request, response, problem, false));
        Instant issuedAt = now;
        if (body.createdAt != null && body.expiresIn != null && TokenLifetime.plausibleEpochSecond(body.createdAt)) {
            // created_at has one-second resolution. Trust it only when it says the token is older than
            // that truncation (a cached or slow answer) yet not expired on arrival; otherwise time the
            // token from now: the truncation would eat into short lifetimes, and a server clock far
            // off the local one would make every token look expired.
            Instant created = Instant.ofEpochSecond(body.createdAt);
            Duration age = Duration.between(created, now);
            if (age.compareTo(Duration.ofSeconds(1)) > 0 && age.compareTo(lifetime) < 0) {
                issuedAt = created;
            } else if (age.isNegative() && age.abs().compareTo(clockSkew) > 0 || age.compareTo(lifetime) >= 0) {
                LOG.debug("The server's created_at ({}) disagrees with the local clock ({}); timing the token from now",
                        created, now);
            }
        }
        Secret refresh = body.refreshToken != null && !body.refreshToken.isBlank()
                ? Secret.of(body.refreshToken) : previousRefreshToken;
        AccessToken token = AccessToken.of(Secret.of(body.accessToken), issuedAt, lifetime, refreshMargin, clockSkew,
                refresh, body.scope);
        LOG.debug("Obtained an access token for client ID {}, expiring at {}", grant.clientId(), token.expiresAt());
        return token;
    }

    private static String formEncode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private void countRefresh(String mode) {
        Meters.count(registry, "ssm.auth.token.refreshes", "OAuth token refreshes, by how they ran", "refreshes", "mode", mode);
    }

    /** Stops the background refresh thread the provider created, if any. The transport is not closed. */
    @Override
    public void close() {
        if (ownedExecutor != null) {
            ownedExecutor.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "OAuthTokenProvider{" + grant + ", token=" + current.get() + "}";
    }

    /** Builds an {@link OAuthTokenProvider}. */
    public static final class Builder {
        private final SsmHttpClient http;
        private OAuthGrant grant;
        private String scope;
        private ClientAuthentication clientAuthentication = ClientAuthentication.REQUEST_BODY;
        private Duration refreshMargin = Duration.ofMinutes(5);
        private Duration clockSkew = Duration.ofSeconds(30);
        private Duration defaultLifetime = Duration.ofHours(1);
        private Duration maxLifetime = Duration.ofHours(24);
        private Duration refreshBackoff = Duration.ofSeconds(30);
        private Duration maxRefreshBackoff = Duration.ofMinutes(5);
        private Executor executor;

        private Builder(SsmHttpClient http) {
            this.http = Objects.requireNonNull(http, "http");
        }

        /**
         * Sets the API Toolkit grant; required.
         *
         * @param grant the API Toolkit grant
         * @return this builder
         */
        public Builder grant(OAuthGrant grant) {
            this.grant = grant;
            return this;
        }

        /**
         * Sets the scope to request, or null for none (the default).
         *
         * @param scope the scope to request
         * @return this builder
         */
        public Builder scope(String scope) {
            this.scope = scope;
            return this;
        }

        /**
         * Sets where the client ID and secret go (default: the request body).
         *
         * @param how where the client ID and secret go
         * @return this builder
         */
        public Builder clientAuthentication(ClientAuthentication how) {
            this.clientAuthentication = Objects.requireNonNull(how);
            return this;
        }

        /**
         * Sets how long before expiry to refresh in the background (default 5 min).
         *
         * @param margin how long before expiry to refresh in the background
         * @return this builder
         */
        public Builder refreshMargin(Duration margin) {
            this.refreshMargin = margin;
            return this;
        }

        /**
         * Sets how long before expiry to stop using a token (default 30 s).
         *
         * @param skew how long before expiry to stop using a token
         * @return this builder
         */
        public Builder clockSkew(Duration skew) {
            this.clockSkew = skew;
            return this;
        }

        /**
         * Sets the lifetime assumed when the server sends no {@code expires_in} (default 1 h).
         *
         * @param lifetime the lifetime assumed when the server sends no {@code expires_in}
         * @return this builder
         */
        public Builder defaultLifetime(Duration lifetime) {
            this.defaultLifetime = lifetime;
            return this;
        }

        /**
         * Sets the longest lifetime a token is trusted for (default 24 h): a larger {@code expires_in}
         * (a server that says 10^12 seconds) is cut to it, so a token is asked for again at least this often.
         *
         * @param lifetime the longest lifetime trusted
         * @return this builder
         */
        public Builder maxLifetime(Duration lifetime) {
            this.maxLifetime = lifetime;
            return this;
        }

        /**
         * Sets the wait after a failed background refresh (default 30 s), doubling per failure.
         *
         * @param first the wait after a failed background refresh
         * @param max the longest such wait (default 5 min)
         * @return this builder
         */
        public Builder refreshBackoff(Duration first, Duration max) {
            this.refreshBackoff = first;
            this.maxRefreshBackoff = max;
            return this;
        }

        /**
         * Sets the executor that runs background refreshes (default: one daemon thread of the provider's own).
         *
         * @param executor runs background refreshes (default: one daemon thread of the provider's own)
         * @return this builder
         */
        public Builder executor(Executor executor) {
            this.executor = executor;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the provider
         * @throws SsmConfigurationException naming the invalid setting
         */
        public OAuthTokenProvider build() {
            if (grant == null) {
                throw new SsmConfigurationException("grant", "an API Toolkit grant (password or client credentials) is required");
            }
            nonNegative("refreshMargin", refreshMargin);
            nonNegative("clockSkew", clockSkew);
            positive("defaultLifetime", defaultLifetime);
            positive("maxLifetime", maxLifetime);
            if (maxLifetime.compareTo(defaultLifetime) < 0) {
                throw new SsmConfigurationException("maxLifetime", "must not be below defaultLifetime (" + defaultLifetime + "), was "
                        + maxLifetime);
            }
            positive("refreshBackoff", refreshBackoff);
            if (maxRefreshBackoff == null || maxRefreshBackoff.compareTo(refreshBackoff) < 0) {
                throw new SsmConfigurationException("refreshBackoff", "the maximum must not be below the first wait");
            }
            if (scope != null && scope.isBlank()) {
                scope = null;
            }
            SettingText.require("scope", scope, false);
            return new OAuthTokenProvider(this);
        }

        private static void nonNegative(String setting, Duration d) {
            if (d == null || d.isNegative()) {
                throw new SsmConfigurationException(setting, "must be zero or positive, was " + d);
            }
        }

        private static void positive(String setting, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new SsmConfigurationException(setting, "must be positive, was " + d);
            }
        }
    }
}
