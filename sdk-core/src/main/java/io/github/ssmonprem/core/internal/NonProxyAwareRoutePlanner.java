package io.github.ssmonprem.core.internal;

import io.github.ssmonprem.core.ProxyConfig;
import org.apache.hc.client5.http.impl.routing.DefaultRoutePlanner;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * Routes through the configured proxy, except to hosts its non-proxy list names. Per client: no
 * JVM-wide {@code ProxySelector} is consulted or changed.
 */
public final class NonProxyAwareRoutePlanner extends DefaultRoutePlanner {

    private final ProxyConfig proxy;
    private final HttpHost proxyHost;

    /**
     * Creates the non proxy aware route planner.
     *
     * @param proxy the proxy configuration
     */
    public NonProxyAwareRoutePlanner(ProxyConfig proxy) {
        super(null);
        this.proxy = proxy;
        this.proxyHost = new HttpHost("http", proxy.host(), proxy.port());
    }

    @Override
    protected HttpHost determineProxy(HttpHost target, HttpContext context) {
        return proxy.appliesTo(target.getHostName()) ? proxyHost : null;
    }
}
