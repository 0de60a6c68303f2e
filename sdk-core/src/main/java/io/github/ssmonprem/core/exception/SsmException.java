package io.github.ssmonprem.core.exception;

import io.github.ssmonprem.core.internal.Redactor;

/**
 * The root of every error the SDK throws. Unchecked.
 *
 * <p>Two branches sit below it: {@link SsmServiceException} when the server (or the web server in
 * front of it) answered with an error, and {@link SsmClientException} when no usable answer came back
 * (connection, timeout, TLS, proxy, malformed body). Every instance carries a {@link #remediation()}
 * that tells an operator what to do, and how many {@link #attempts()} were made.
 *
 * <p>No message of this hierarchy contains a client secret, password, token or proxy password: on top
 * of the redaction of every server text where it is quoted, each message is scrubbed, when the
 * exception is created, of the values of the live {@link io.github.ssmonprem.core.Secret}s.
 */
public class SsmException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    private final String detail;
    /** What to do about it. */
    private final String remediation;
    /** Whether a retry may succeed. */
    private final boolean retryable;
    /** Attempts made. */
    private volatile int attempts = 1;
    /** The setting the remedy is to change, or null. */
    private volatile String setting;

    /**
     * Creates an exception.
     *
     * @param detail what went wrong, without the remediation
     * @param remediation what an operator should do about it
     * @param retryable whether repeating the same request may succeed
     * @param cause the underlying cause, or null
     */
    public SsmException(String detail, String remediation, boolean retryable, Throwable cause) {
        this(Redactor.scrubSecrets(detail), Redactor.scrubSecrets(remediation), retryable, cause, true);
    }

    private SsmException(String detail, String remediation, boolean retryable, Throwable cause, boolean scrubbed) {
        super(compose(detail, remediation), cause);
        this.detail = detail;
        this.remediation = remediation;
        this.retryable = retryable;
    }

    private static String compose(String detail, String remediation) {
        if (remediation == null || remediation.isEmpty()) {
            return detail;
        }
        return detail + " Remediation: " + remediation;
    }

    /**
     * What went wrong, without the remediation ({@link #getMessage()} has both).
     *
     * @return the detail
     */
    public String detail() {
        return detail;
    }

    /**
     * What an operator should do about this error.
     *
     * @return the remediation, never null
     */
    public String remediation() {
        return remediation == null ? "" : remediation;
    }

    /**
     * Whether repeating the same request may succeed. The SDK's retry policy retries only these.
     *
     * @return true when retryable
     */
    public boolean isRetryable() {
        return retryable;
    }

    /**
     * Whether the server is throttling this client (HTTP 429): slow down rather than fail over.
     *
     * @return true for {@link RateLimitedException}
     */
    public boolean isThrottling() {
        return false;
    }

    /**
     * Whether this failure concerns the server, or the path to it, as a whole rather than this one
     * request, so that other requests to the same server would most likely fail too (a transport
     * failure, a 5xx, anything retryable). Callers sending a batch stop at such a failure.
     *
     * @return true when other requests to the server would most likely fail the same way
     */
    public boolean isServerWide() {
        return isRetryable();
    }

    /**
     * Whether this failure shows the server, or the path to it, failing: a 5xx or 429 answer, a
     * connection that failed, or a timeout while talking to the server. The client's circuit breaker
     * counts these calls as failed; any other failure (a 4xx, a TLS or proxy refusal, a malformed
     * answer) says nothing about the server's health and counts as a success. Narrower than
     * {@link #isServerWide()}.
     *
     * @return true when the failure counts against the server's health
     */
    public boolean isServerFailure() {
        return false;
    }

    /**
     * What kind of failure this is, in one word; the {@code outcome} tag of the request metric.
     *
     * @return the kind, never null
     */
    public FailureKind kind() {
        return FailureKind.ERROR;
    }

    /**
     * How many attempts were made before this error was thrown (1 when the request was not retried).
     *
     * @return the number of attempts
     */
    public int attempts() {
        return attempts;
    }

    /**
     * The setting, as the builders spell it ({@code baseUrl}, {@code connectTimeout}, {@code tls},
     * {@code proxy}...), whose value this error's remediation asks to change: a command line or a framework
     * maps it to its own option or property rather than reading the message, whose detail names the setting
     * by this same name where it names it at all.
     *
     * @return the setting, or null when the remedy lies elsewhere (the server, the network, the grant)
     */
    public String setting() {
        return setting;
    }

    /**
     * Records the setting this error's remediation asks to change. Called by the SDK where it finds which
     * setting is at fault.
     *
     * @param setting the setting, as the builders spell it
     */
    public final void recordSetting(String setting) {
        this.setting = setting;
    }

    /**
     * Records how many attempts were made. Called by the SDK's transport when it gives up.
     *
     * @param attempts the number of attempts, at least 1
     */
    public void recordAttempts(int attempts) {
        this.attempts = Math.max(1, attempts);
    }
}
