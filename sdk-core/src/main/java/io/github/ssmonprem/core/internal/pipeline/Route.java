package io.github.ssmonprem.core.internal.pipeline;

import io.github.ssmonprem.core.ProxyConfig;
import io.github.ssmonprem.core.SsmClientConfig;
import java.net.URI;

/**
 * Where a transport's requests go: the server, and the proxy when one applies to it.
 *
 * @param baseUrl the server's base URL, as text
 * @param host the server's host name
 * @param hostPort the server as {@code host:port}
 * @param https whether the server is reached over TLS
 * @param proxy the proxy that applies to the server, or null
 */
public record Route(String baseUrl, String host, String hostPort, boolean https, ProxyConfig proxy) {

    /**
     * Derives the route from a configuration.
     *
     * @param config the configuration
     * @return the route
     */
    public static Route of(SsmClientConfig config) {
        URI base = config.baseUrl();
        boolean https = "https".equals(base.getScheme());
        int port = base.getPort() > 0 ? base.getPort() : (https ? 443 : 80);
        ProxyConfig proxy = config.proxy().filter(p -> p.appliesTo(base.getHost())).orElse(null);
        return new Route(base.toString(), base.getHost(), base.getHost() + ":" + port, https, proxy);
    }

    /** {@return whether requests go through the proxy} */
    public boolean proxied() {
        return proxy != null;
    }

    /** {@return whether requests go through a CONNECT tunnel: HTTPS through the proxy} */
    public boolean tunnelled() {
        return proxy != null && https;
    }

    /**
     * Returns " via proxy host:port" when proxied, else "".
     *
     * @return the suffix for messages
     */
    public String via() {
        return proxy != null ? " via proxy " + proxy.address() : "";
    }
}
