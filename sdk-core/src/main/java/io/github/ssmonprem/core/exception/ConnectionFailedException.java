package io.github.ssmonprem.core.exception;

/**
 * The TCP connection to the server (or to the proxy) could not be made or was lost before an answer.
 * Retryable, except when the host name does not resolve or the proxy refuses the tunnel by policy.
 */
public class ConnectionFailedException extends SsmClientException {

    private static final long serialVersionUID = 1L;

    /** Why the connection failed. */
    public enum Reason {
        /** The host name did not resolve. */
        DNS_RESOLUTION,
        /** Nothing listens on the port, or a firewall rejected the connection. */
        CONNECTION_REFUSED,
        /** The peer closed or reset the connection before answering. */
        CONNECTION_CLOSED,
        /**
         * The forward proxy refused to open a tunnel to the server (it answered {@code CONNECT} with 403):
         * a proxy policy, not retryable.
         */
        PROXY_REFUSED,
        /** Any other I/O failure. */
        OTHER
    }

    /** Why the connection failed. */
    private final Reason reason;

    /**
     * Creates the exception.
     *
     * @param reason why it failed
     * @param detail what went wrong
     * @param remediation what to do about it
     * @param cause the underlying cause
     */
    public ConnectionFailedException(Reason reason, String detail, String remediation, Throwable cause) {
        super(detail, remediation, reason != Reason.DNS_RESOLUTION && reason != Reason.PROXY_REFUSED, cause);
        this.reason = reason;
    }

    /**
     * Why the connection failed.
     *
     * @return the reason
     */
    public Reason reason() {
        return reason;
    }

    /**
     * Returns {@link FailureKind#CONNECTION_ERROR}.
     *
     * @return the kind
     */
    @Override
    public FailureKind kind() {
        return FailureKind.CONNECTION_ERROR;
    }

    /**
     * True: a connection that cannot be made or is lost counts against the server's health.
     *
     * @return true
     */
    @Override
    public boolean isServerFailure() {
        return true;
    }
}
