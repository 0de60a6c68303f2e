package io.github.ssmonprem.core.exception;

/**
 * The server answered, but the body could not be used: not JSON, truncated, missing a required field,
 * or larger than the configured cap. Carries a short snippet of the body, with secrets redacted.
 */
public class MalformedResponseException extends SsmClientException {

    private static final long serialVersionUID = 1L;

    /** The HTTP status of the response. */
    private final int statusCode;
    /** The start of the body, redacted. */
    private final String snippet;

    /**
     * Creates the exception.
     *
     * @param detail what went wrong
     * @param remediation what to do about it
     * @param statusCode the HTTP status of the unusable answer
     * @param snippet a short, sanitised start of the body (may be empty)
     */
    public MalformedResponseException(String detail, String remediation, int statusCode, String snippet) {
        super(detail, remediation, false, null);
        this.statusCode = statusCode;
        this.snippet = snippet;
    }

    /**
     * The HTTP status of the unusable answer.
     *
     * @return the status
     */
    public int statusCode() {
        return statusCode;
    }

    /**
     * The start of the body, shortened, with control characters and secrets removed.
     *
     * @return the snippet, possibly empty
     */
    public String snippet() {
        return snippet;
    }

    /**
     * Returns {@link FailureKind#MALFORMED_RESPONSE}.
     *
     * @return the kind
     */
    @Override
    public FailureKind kind() {
        return FailureKind.MALFORMED_RESPONSE;
    }
}
