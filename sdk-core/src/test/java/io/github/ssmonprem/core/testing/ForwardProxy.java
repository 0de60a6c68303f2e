package io.github.ssmonprem.core.testing;

import io.netty.handler.codec.http.HttpRequest;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.littleshoot.proxy.HttpFilters;
import org.littleshoot.proxy.HttpFiltersAdapter;
import org.littleshoot.proxy.HttpFiltersSourceAdapter;
import org.littleshoot.proxy.HttpProxyServer;
import org.littleshoot.proxy.ProxyAuthenticator;
import org.littleshoot.proxy.impl.DefaultHttpProxyServer;
import io.netty.channel.ChannelHandlerContext;

/**
 * A real HTTP forward proxy (LittleProxy, on Netty) on a loopback port, optionally demanding Basic
 * credentials, that records the request lines it was asked to forward (e.g. {@code CONNECT host:port}).
 */
public final class ForwardProxy implements AutoCloseable {

    private final HttpProxyServer server;
    private final List<String> requestLines = new CopyOnWriteArrayList<>();

    private ForwardProxy(String user, String password) {
        var bootstrap = DefaultHttpProxyServer.bootstrap()
                .withAddress(new InetSocketAddress("127.0.0.1", 0))
                .withName("test-proxy")
                .withFiltersSource(new HttpFiltersSourceAdapter() {
                    @Override
                    public HttpFilters filterRequest(HttpRequest originalRequest, ChannelHandlerContext ctx) {
                        requestLines.add(originalRequest.method() + " " + originalRequest.uri());
                        return new HttpFiltersAdapter(originalRequest, ctx);
                    }
                });
        if (user != null) {
            bootstrap.withProxyAuthenticator(new ProxyAuthenticator() {
                @Override
                public boolean authenticate(String u, String p) {
                    return user.equals(u) && password.equals(p);
                }

                @Override
                public String getRealm() {
                    return "test-proxy";
                }
            });
        }
        this.server = bootstrap.start();
    }

    /** @return a proxy that needs no credentials */
    public static ForwardProxy open() {
        return new ForwardProxy(null, null);
    }

    /**
     * @param user the required user name
     * @param password the required password
     * @return a proxy that demands these Basic credentials
     */
    public static ForwardProxy withBasicAuth(String user, String password) {
        return new ForwardProxy(user, password);
    }

    /** @return the port it listens on (127.0.0.1) */
    public int port() {
        return server.getListenAddress().getPort();
    }

    /** @return the request lines it received, such as {@code CONNECT localhost:1234} */
    public List<String> requestLines() {
        return List.copyOf(requestLines);
    }

    @Override
    public void close() {
        server.abort();
    }
}
