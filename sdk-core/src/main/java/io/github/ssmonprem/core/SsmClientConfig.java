package io.github.ssmonprem.core;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.ssmonprem.core.exception.SsmConfigurationException;
import io.github.ssmonprem.core.internal.ConfigRules;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything that shapes how one SDK client talks to one SSM On-Prem server. Immutable; made by
 * {@link #builder()}, validated in {@link Builder#build()}, varied with {@link #toBuilder()}.
 *
 * <pre>{@code
 * SsmClientConfig config = SsmClientConfig.builder()
 *     .baseUrl("https://ssm.example.net:8443")
 *     .tls(TlsConfig.trustPemFile(Path.of("/etc/ssm/ca.pem")))
 *     .proxy(ProxyConfig.builder().host("proxy.example.net").port(3128).build())
 *     .meterRegistry(registry)
 *     .build();
 * }</pre>
 *
 * <p>Proxy resolution: an explicit {@link Builder#proxy(ProxyConfig)} wins; {@link Builder#noProxy()}
 * turns proxies off; otherwise the proxy is discovered once, in {@code build()}, from the JVM's
 * {@code https.proxyHost} properties or the {@code HTTPS_PROXY} environment variable
 * ({@link ProxyConfig#discover()}).
 */
public final class SsmClientConfig {

    /** The default {@code User-Agent}. */
    public static final String DEFAULT_USER_AGENT = "ssm-onprem-java-sdk/" + SdkVersion.VERSION;

    private final URI baseUrl;
    private final boolean allowPlainHttp;
    private final Duration connectTimeout;
    private final Duration responseTimeout;
    private final Duration connectionRequestTimeout;
    private final Duration attemptTimeout;
    private final Duration callTimeout;
    /** As set on the builder (null: derived), so toBuilder() keeps deriving them from the other timeouts. */
    private final Duration attemptTimeoutSet;
    private final Duration callTimeoutSet;
    private final int maxConnections;
    private final String userAgent;
    private final ProxyConfig proxy;
    private final ProxyMode proxyMode;
    private final TlsConfig tls;
    private final RetrySettings retrySettings;
    private final CircuitBreakerConfig circuitBreakerConfig;
    private final boolean circuitBreakerEnabled;
    private final MeterRegistry meterRegistry;
    private final ObservationRegistry observationRegistry;
    private final Clock clock;
    private final Sleeper sleeper;
    private final long maxResponseBytes;
    private final SsmRoutes routes;

    private enum ProxyMode { DISCOVER, EXPLICIT, NONE }

    private SsmClientConfig(Builder b, URI baseUrl, ProxyConfig resolvedProxy) {
        this.baseUrl = baseUrl;
        this.allowPlainHttp = b.allowPlainHttp;
        this.connectTimeout = b.connectTimeout;
        this.responseTimeout = b.responseTimeout;
        this.connectionRequestTimeout = b.connectionRequestTimeout;
        this.attemptTimeout = ConfigRules.attemptTimeout(b.attemptTimeout, b.connectTimeout, b.responseTimeout);
        this.callTimeout = ConfigRules.callTimeout(b.callTimeout, attemptTimeout);
        this.attemptTimeoutSet = b.attemptTimeout;
        this.callTimeoutSet = b.callTimeout;
        this.maxConnections = b.maxConnections;
        this.userAgent = b.userAgent;
        this.proxy = resolvedProxy;
        this.proxyMode = b.proxyMode;
        this.tls = b.tls;
        this.retrySettings = b.retrySettings;
        this.circuitBreakerConfig = b.circuitBreakerConfig;
        this.circuitBreakerEnabled = b.circuitBreakerEnabled;
        this.meterRegistry = b.meterRegistry;
        this.observationRegistry = b.observationRegistry == null ? ObservationRegistry.NOOP : b.observationRegistry;
        this.clock = b.clock;
        this.sleeper = b.sleeper;
        this.maxResponseBytes = b.maxResponseBytes;
        this.routes = b.routes;
    }

    /**
     * Starts a builder.
     *
     * @return a builder with the defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return a builder holding this configuration, for a variation of it} */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.baseUrl = baseUrl.toString();
        b.allowPlainHttp = allowPlainHttp;
        b.connectTimeout = connectTimeout;
        b.responseTimeout = responseTimeout;
        b.connectionRequestTimeout = connectionRequestTimeout;
        b.attemptTimeout = attemptTimeoutSet;
        b.callTimeout = callTimeoutSet;
        b.maxConnections = maxConnections;
        b.userAgent = userAgent;
        b.proxyMode = proxyMode;
        b.proxy = proxyMode == ProxyMode.EXPLICIT ? proxy : null;
        b.tls = tls;
        b.retrySettings = retrySettings;
        b.circuitBreakerConfig = circuitBreakerConfig;
        b.circuitBreakerEnabled = circuitBreakerEnabled;
        b.meterRegistry = meterRegistry;
        b.observationRegistry = observationRegistry;
        b.clock = clock;
        b.sleeper = sleeper;
        b.maxResponseBytes = maxResponseBytes;
        b.routes = routes;
        return b;
    }

    /** {@return the server's base URL, such as {@code https://ssm.example.net:8443}} */
    public URI baseUrl() {
        return baseUrl;
    }

    /** {@return whether plain {@code http://} was explicitly allowed} */
    public boolean allowPlainHttp() {
        return allowPlainHttp;
    }

    /** {@return the TCP connect timeout} */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** {@return how long to wait for a response (socket read timeout)} */
    public Duration responseTimeout() {
        return responseTimeout;
    }

    /** {@return how long to wait for a free pooled connection} */
    public Duration connectionRequestTimeout() {
        return connectionRequestTimeout;
    }

    /**
     * The limit of one attempt as a whole: connecting, the TLS handshake, sending, and reading the
     * complete answer, however slowly it trickles in. Default: the larger of 2 minutes and
     * {@code connectTimeout + 2 × responseTimeout}.
     *
     * @return the per-attempt limit
     */
    public Duration attemptTimeout() {
        return attemptTimeout;
    }

    /**
     * The limit of one call as a whole, across its attempts and the back-off waits between them; a
     * retry that would pass it is not made. Default: the larger of 5 minutes and twice
     * {@link #attemptTimeout()}.
     *
     * @return the per-call limit
     */
    public Duration callTimeout() {
        return callTimeout;
    }

    /** {@return the connection pool's size} */
    public int maxConnections() {
        return maxConnections;
    }

    /** {@return the {@code User-Agent} sent with every request} */
    public String userAgent() {
        return userAgent;
    }

    /** {@return the proxy in effect after resolution, if any} */
    public Optional<ProxyConfig> proxy() {
        return Optional.ofNullable(proxy);
    }

    /** {@return the CAs this client trusts} */
    public TlsConfig tls() {
        return tls;
    }

    /** {@return the retry policy} */
    public RetrySettings retrySettings() {
        return retrySettings;
    }

    /** {@return the circuit breaker configuration} */
    public CircuitBreakerConfig circuitBreakerConfig() {
        return circuitBreakerConfig;
    }

    /** {@return whether the circuit breaker guards requests} */
    public boolean circuitBreakerEnabled() {
        return circuitBreakerEnabled;
    }

    /** {@return the registry metrics go to; empty means no metrics are recorded} */
    public Optional<MeterRegistry> meterRegistry() {
        return Optional.ofNullable(meterRegistry);
    }

    /**
     * Returns the registry of the Micrometer Observations the SDK makes: {@code ssm.client.request} per
     * HTTP attempt, {@code ssm.sync} per sync run; {@link ObservationRegistry#NOOP} (the default) costs nothing.
     *
     * @return the observation registry
     */
    public ObservationRegistry observationRegistry() {
        return observationRegistry;
    }

    /** {@return the clock for expiry and {@code Retry-After} dates} */
    public Clock clock() {
        return clock;
    }

    /** {@return how the client waits between attempts} */
    public Sleeper sleeper() {
        return sleeper;
    }

    /** {@return the largest response body accepted, in bytes} */
    public long maxResponseBytes() {
        return maxResponseBytes;
    }

    /** {@return the server's routes} */
    public SsmRoutes routes() {
        return routes;
    }

    @Override
    public String toString() {
        return "SsmClientConfig{baseUrl=" + baseUrl + ", connectTimeout=" + connectTimeout
                + ", responseTimeout=" + responseTimeout + ", connectionRequestTimeout=" + connectionRequestTimeout
                + ", attemptTimeout=" + attemptTimeout + ", callTimeout=" + callTimeout
                + ", maxConnections=" + maxConnections + ", userAgent=" + userAgent
                + ", proxy=" + (proxy == null ? "none" : proxy) + ", tls=" + tls + ", retry="
                + retrySettings
                + ", circuitBreaker=" + circuitBreakerEnabled + ", metrics=" + (meterRegistry != null)
                + ", maxResponseBytes=" + maxResponseBytes + "}";
    }

    /** Builds an {@link SsmClientConfig}. Not thread-safe. */
    public static final class Builder {
        private String baseUrl;
        private boolean allowPlainHttp;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration responseTimeout = Duration.ofSeconds(60);
        private Duration connectionRequestTimeout = Duration.ofSeconds(30);
        private Duration attemptTimeout;
        private Duration callTimeout;
        private int maxConnections = 16;
        private String userAgent = DEFAULT_USER_AGENT;
        private ProxyConfig proxy;
        private ProxyMode proxyMode = ProxyMode.DISCOVER;
        private TlsConfig tls = TlsConfig.systemDefault();
        private RetrySettings retrySettings = RetrySettings.defaults();
        private CircuitBreakerConfig circuitBreakerConfig = ConfigRules.defaultCircuitBreaker();
        private boolean circuitBreakerEnabled = true;
        private MeterRegistry meterRegistry;
        private ObservationRegistry observationRegistry;
        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper = Sleeper.system();
        private long maxResponseBytes = 64L * 1024 * 1024;
        private SsmRoutes routes = SsmRoutes.defaults();

        private Builder() {
        }

        /**
         * Sets the server's base URL, {@code https://host[:port][/prefix]}; required.
         *
         * @param baseUrl the server's base URL
         * @return this builder
         */
        public Builder baseUrl(String baseUrl) {
            this.baseUrl = baseUrl;
            return this;
        }

        /**
         * Sets the server's base URL; required.
         *
         * @param baseUrl the server's base URL
         * @return this builder
         */
        public Builder baseUrl(URI baseUrl) {
            this.baseUrl = baseUrl == null ? null : baseUrl.toString();
            return this;
        }

        /**
         * Allows a plain {@code http://} base URL. Off by default: tokens and passwords would cross the
         * network in clear. Meant for loopback tests and emulators.
         *
         * @param allow true to allow {@code http://}
         * @return this builder
         */
        public Builder allowPlainHttp(boolean allow) {
            this.allowPlainHttp = allow;
            return this;
        }

        /**
         * Sets the TCP connect timeout (default 10 s).
         *
         * @param timeout the TCP connect timeout
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        /**
         * Sets how long to wait for a response (default 60 s).
         *
         * @param timeout how long to wait for a response
         * @return this builder
         */
        public Builder responseTimeout(Duration timeout) {
            this.responseTimeout = timeout;
            return this;
        }

        /**
         * Sets how long to wait for a pooled connection (default 30 s).
         *
         * @param timeout how long to wait for a pooled connection
         * @return this builder
         */
        public Builder connectionRequestTimeout(Duration timeout) {
            this.connectionRequestTimeout = timeout;
            return this;
        }

        /**
         * Sets the limit of one attempt as a whole. A server that answers one byte at a time resets the
         * socket's {@code responseTimeout} with every byte; this limit still ends the attempt, with a
         * {@code RequestTimeoutException} of phase {@code ATTEMPT}.
         *
         * @param timeout the per-attempt limit (default: the larger of 2 minutes and
         *     {@code connectTimeout + 2 × responseTimeout})
         * @return this builder
         */
        public Builder attemptTimeout(Duration timeout) {
            this.attemptTimeout = timeout;
            return this;
        }

        /**
         * Sets the limit of one call as a whole, across its attempts and back-off waits. A retry whose
         * wait would pass it is not made; the call ends with a {@code RequestTimeoutException} of phase
         * {@code CALL} naming the last failure.
         *
         * @param timeout the per-call limit (default: the larger of 5 minutes and twice the attempt timeout)
         * @return this builder
         */
        public Builder callTimeout(Duration timeout) {
            this.callTimeout = timeout;
            return this;
        }

        /**
         * Sets the connection pool's size (default 16).
         *
         * @param max the connection pool's size
         * @return this builder
         */
        public Builder maxConnections(int max) {
            this.maxConnections = max;
            return this;
        }

        /**
         * Sets the {@code User-Agent} header.
         *
         * @param userAgent the {@code User-Agent} header
         * @return this builder
         */
        public Builder userAgent(String userAgent) {
            this.userAgent = userAgent;
            return this;
        }

        /**
         * Uses this proxy, whatever the environment says.
         *
         * @param proxy the proxy
         * @return this builder
         */
        public Builder proxy(ProxyConfig proxy) {
            this.proxy = Objects.requireNonNull(proxy, "proxy");
            this.proxyMode = ProxyMode.EXPLICIT;
            return this;
        }

        /**
         * Connects directly, whatever the environment says.
         *
         * @return this builder
         */
        public Builder noProxy() {
            this.proxy = null;
            this.proxyMode = ProxyMode.NONE;
            return this;
        }

        /**
         * Resolves the proxy from the environment and system properties in {@code build()} (the default).
         *
         * @return this builder
         */
        public Builder discoverProxy() {
            this.proxy = null;
            this.proxyMode = ProxyMode.DISCOVER;
            return this;
        }

        /**
         * Sets the CAs to trust (default: the JVM's).
         *
         * @param tls the CAs to trust
         * @return this builder
         */
        public Builder tls(TlsConfig tls) {
            this.tls = Objects.requireNonNull(tls, "tls");
            return this;
        }

        /**
         * Sets the retry policy.
         *
         * @param settings the retry policy
         * @return this builder
         */
        public Builder retry(RetrySettings settings) {
            this.retrySettings = Objects.requireNonNull(settings, "retry");
            return this;
        }

        /**
         * Replaces the circuit breaker's configuration. Which errors count as failures stays the
         * SDK's choice (connection failures, timeouts, 5xx).
         *
         * @param config the configuration
         * @return this builder
         */
        public Builder circuitBreakerConfig(CircuitBreakerConfig config) {
            this.circuitBreakerConfig = Objects.requireNonNull(config, "circuitBreakerConfig");
            return this;
        }

        /**
         * Sets whether a circuit breaker guards requests (default true).
         *
         * @param enabled whether a circuit breaker guards requests
         * @return this builder
         */
        public Builder circuitBreakerEnabled(boolean enabled) {
            this.circuitBreakerEnabled = enabled;
            return this;
        }

        /**
         * Sets where metrics go; null (the default) records none.
         *
         * @param registry where metrics go
         * @return this builder
         */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meterRegistry = registry;
            return this;
        }

        /**
         * Sets where the SDK's Micrometer Observations go (with Spring Boot's tracing, each becomes a span);
         * null (the default) makes none.
         *
         * @param registry the observation registry; null (the default) makes none
         * @return this builder
         */
        public Builder observationRegistry(ObservationRegistry registry) {
            this.observationRegistry = registry;
            return this;
        }

        /**
         * Sets the clock (default: system UTC).
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets how to wait between attempts (default: {@link Sleeper#system()}).
         *
         * @param sleeper how to wait between attempts
         * @return this builder
         */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /**
         * Sets the largest response body accepted, in bytes (default 64 MiB).
         *
         * @param max the largest response body accepted
         * @return this builder
         */
        public Builder maxResponseBytes(long max) {
            this.maxResponseBytes = max;
            return this;
        }

        /**
         * Sets the server's routes (default: the SSM On-Prem routes).
         *
         * @param routes the server's routes
         * @return this builder
         */
        public Builder routes(SsmRoutes routes) {
            this.routes = Objects.requireNonNull(routes, "routes");
            return this;
        }

        /**
         * Validates every setting and builds the configuration. The proxy is resolved here, once.
         *
         * @return the configuration
         * @throws SsmConfigurationException naming the first invalid setting
         */
        public SsmClientConfig build() {
            URI uri = ConfigRules.baseUrl(baseUrl, allowPlainHttp);
            ConfigRules.positive("connectTimeout", connectTimeout);
            ConfigRules.positive("responseTimeout", responseTimeout);
            ConfigRules.positive("connectionRequestTimeout", connectionRequestTimeout);
            if (attemptTimeout != null) {
                ConfigRules.positive("attemptTimeout", attemptTimeout);
            }
            if (callTimeout != null) {
                ConfigRules.positive("callTimeout", callTimeout);
            }
            if (maxConnections < 1) {
                throw new SsmConfigurationException("maxConnections", "must be at least 1, was " + maxConnections);
            }
            if (userAgent == null || userAgent.isBlank() || userAgent.chars().anyMatch(c -> c < 0x20 || c > 0x7e)) {
                throw new SsmConfigurationException("userAgent", "must be printable ASCII and not blank");
            }
            if (maxResponseBytes < 1024) {
                throw new SsmConfigurationException("maxResponseBytes", "must be at least 1024, was " + maxResponseBytes);
            }
            ProxyConfig resolved;
            switch (proxyMode) {
                case EXPLICIT:
                    resolved = proxy;
                    break;
                case DISCOVER:
                    resolved = ProxyConfig.discover().orElse(null);
                    break;
                default:
                    resolved = null;
            }
            return new SsmClientConfig(this, uri, resolved);
        }
    }
}
