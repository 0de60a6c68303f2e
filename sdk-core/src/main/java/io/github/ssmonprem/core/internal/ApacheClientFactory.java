package io.github.ssmonprem.core.internal;

import io.github.ssmonprem.core.ProxyConfig;
import io.github.ssmonprem.core.Secret;
import io.github.ssmonprem.core.SsmClientConfig;
import io.github.ssmonprem.core.exception.SsmConfigurationException;
import java.security.GeneralSecurityException;
import java.util.concurrent.ScheduledExecutorService;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.apache.hc.client5.http.auth.AuthScope;
import org.apache.hc.client5.http.auth.UsernamePasswordCredentials;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.ChainElement;
import org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.core5.util.Timeout;

/**
 * The Apache HttpClient 5 wiring of the transport: the connection pool with its TLS strategy and
 * timeouts, and the client with its proxy route planner and credentials. HttpClient's own retries,
 * redirects and cookies are off: the transport owns retries.
 */
public final class ApacheClientFactory {

    /**
     * The context attribute set once the route is established (TCP, TLS, and a successful CONNECT):
     * an answer that arrives without it is the proxy's answer to CONNECT, and a timeout before it is a
     * handshake that did not complete.
     */
    public static final String TARGET_REACHED = "io.github.ssmonprem.target-reached";

    private ApacheClientFactory() {
    }

    /**
     * Builds the connection pool: trust, TLS handshake bounded as a whole by {@code connectTimeout}, pool size and
     * socket timeouts from the configuration.
     *
     * @param config the configuration
     * @param timers the scheduler that bounds each TLS handshake as a whole by {@code connectTimeout}
     * @return the pool; close it with the client
     * @throws SsmConfigurationException when the TLS context cannot be created, or the HttpClient on
     *     the class path is older than the SDK runs on ({@link HttpClientVersionCheck})
     */
    public static PoolingHttpClientConnectionManager pool(SsmClientConfig config, ScheduledExecutorService timers) {
        HttpClientVersionCheck.verify();
        return PoolingHttpClientConnectionManagerBuilder.create()
                .setTlsSocketStrategy(new BoundedHandshakeStrategy(new DefaultClientTlsStrategy(sslContext(config),
                        HostnameVerificationPolicy.CLIENT, new NamingHostnameVerifier()), timers, config.connectTimeout()))
                .setConnectionFactory(new QuietConnectionFactory())
                .setDefaultTlsConfig(TlsConfig.custom().setHandshakeTimeout(Timeout.of(config.connectTimeout())).build())
                .setMaxConnTotal(config.maxConnections())
                .setMaxConnPerRoute(config.maxConnections())
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(config.connectTimeout()))
                        .setSocketTimeout(Timeout.of(config.responseTimeout()))
                        .setValidateAfterInactivity(Timeout.ofSeconds(2))
                        .build())
                .build();
    }

    /**
     * Builds the client over a pool, with the proxy's route planner and credentials when one is set.
     *
     * @param config the configuration
     * @param pool the pool from {@link #pool(SsmClientConfig)}
     * @param proxy the proxy, or null
     * @return the client
     */
    public static CloseableHttpClient client(SsmClientConfig config, PoolingHttpClientConnectionManager pool, ProxyConfig proxy) {
        HttpClientBuilder builder = HttpClients.custom()
                .setConnectionManager(pool)
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectionRequestTimeout(Timeout.of(config.connectionRequestTimeout()))
                        .setResponseTimeout(Timeout.of(config.responseTimeout()))
                        .setRedirectsEnabled(false)
                        .build())
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .disableCookieManagement()
                .setUserAgent(config.userAgent());
        builder.addExecInterceptorAfter(ChainElement.CONNECT.name(), "ssm-target-reached", (req, scope, chain) -> {
            scope.clientContext.setAttribute(TARGET_REACHED, Boolean.TRUE);
            return chain.proceed(req, scope);
        });
        WireLog wireLog = new WireLog();
        builder.addRequestInterceptorLast(wireLog).addResponseInterceptorFirst(wireLog);
        if (proxy != null) {
            builder.setRoutePlanner(new NonProxyAwareRoutePlanner(proxy));
            if (proxy.username().isPresent()) {
                BasicCredentialsProvider credentials = new BasicCredentialsProvider();
                char[] password = proxy.password().map(Secret::reveal).orElse("").toCharArray();
                credentials.setCredentials(new AuthScope(proxy.host(), proxy.port()),
                        new UsernamePasswordCredentials(proxy.username().get(), password));
                builder.setDefaultCredentialsProvider(credentials);
            }
        }
        return builder.build();
    }

    private static SSLContext sslContext(SsmClientConfig config) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new CapturingTrustManager(config.tls().trustManager())}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new SsmConfigurationException("tls", "cannot create the TLS context: " + e.getClass().getSimpleName(), e);
        }
    }
}
