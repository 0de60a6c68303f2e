package io.github.ssmonprem.core.exception;

import java.util.Optional;

/**
 * The server answered with a redirect (3xx). The SDK never follows redirects, so tokens, passwords
 * and usage reports are never sent to another address than the configured one; the message names the
 * {@code Location} the server pointed to. A redirect usually means the base URL is not the SSM On-Prem
 * API's (plain http redirected to https, a path prefix missing or extra, a portal or login page in
 * front of the server). Not retryable.
 */
public class RedirectNotFollowedException extends SsmServiceException {

    private static final long serialVersionUID = 1L;

    /** Where the server redirected to (redacted), or null when it named nowhere. */
    private final String location;

    /**
     * Creates the exception.
     *
     * @param detail what went wrong
     * @param remediation what to do about it
     * @param statusCode the 3xx status
     * @param location the {@code Location} header, redacted, or null
     * @param requestId the {@code X-Request-Id} response header, or null
     */
    public RedirectNotFollowedException(String detail, String remediation, int statusCode, String location, String requestId) {
        super(detail, remediation, false, statusCode, null, null, requestId);
        this.location = location;
        recordSetting("baseUrl");      // the URL is not the API's
    }

    /**
     * Where the server redirected to.
     *
     * @return the {@code Location} header, redacted, if the server sent one
     */
    public Optional<String> location() {
        return Optional.ofNullable(location);
    }
}
