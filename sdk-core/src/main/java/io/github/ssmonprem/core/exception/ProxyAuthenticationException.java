package io.github.ssmonprem.core.exception;

/**
 * The forward proxy answered 407 Proxy Authentication Required: the proxy credentials are missing or
 * wrong. Not retryable.
 */
public class ProxyAuthenticationException extends SsmClientException {

    private static final long serialVersionUID = 1L;

    /** The proxy, as host:port. */
    private final String proxy;

    /**
     * Creates the exception.
     *
     * @param proxy the proxy as {@code host:port}
     * @param detail what went wrong
     * @param remediation what to do about it
     */
    public ProxyAuthenticationException(String proxy, String detail, String remediation) {
        super(detail, remediation, false, null);
        this.proxy = proxy;
        recordSetting("proxy");        // its credentials
    }

    /**
     * The proxy that refused the request.
     *
     * @return {@code host:port}
     */
    public String proxy() {
        return proxy;
    }

    /**
     * Returns {@link FailureKind#PROXY_AUTH_ERROR}.
     *
     * @return the kind
     */
    @Override
    public FailureKind kind() {
        return FailureKind.PROXY_AUTH_ERROR;
    }
}
