package io.github.ssmonprem.core.exception;

/**
 * No usable answer came back from the server: the connection failed, timed out, TLS or the proxy
 * refused it, or what came back could not be read.
 */
public class SsmClientException extends SsmException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param detail what went wrong
     * @param remediation what to do about it
     * @param retryable whether the same request may succeed later
     * @param cause the underlying cause, or null
     */
    public SsmClientException(String detail, String remediation, boolean retryable, Throwable cause) {
        super(detail, remediation, retryable, cause);
    }

    /**
     * Always true: no usable answer came back (connection, timeout, TLS, proxy, malformed body, open
     * circuit), which concerns every request to this server.
     *
     * @return true
     */
    @Override
    public boolean isServerWide() {
        return true;
    }

    /**
     * Returns {@link FailureKind#CLIENT_FAILURE}.
     *
     * @return the kind
     */
    @Override
    public FailureKind kind() {
        return FailureKind.CLIENT_FAILURE;
    }
}
