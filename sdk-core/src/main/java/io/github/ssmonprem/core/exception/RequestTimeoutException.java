package io.github.ssmonprem.core.exception;

/**
 * A configured timeout elapsed; {@link #phase()} and the message name which limit was hit: connecting,
 * the TLS handshake, waiting for the answer, the whole attempt, the whole call across its attempts,
 * waiting for a pooled connection, or the caller's overall deadline.
 */
public class RequestTimeoutException extends SsmClientException {

    private static final long serialVersionUID = 1L;

    /** Which wait timed out. */
    public enum Phase {
        /** Establishing the TCP connection ({@code connectTimeout}). Retryable. */
        CONNECT,
        /** Waiting for the response ({@code responseTimeout}). Retryable. */
        RESPONSE,
        /** Waiting for a free connection in the client's pool ({@code connectionRequestTimeout}). */
        CONNECTION_POOL,
        /**
         * The TCP connection was accepted but the TLS handshake did not complete (bounded by
         * {@code connectTimeout}): the port may not speak TLS, or a middlebox holds the connection. Retryable.
         */
        TLS_HANDSHAKE,
        /** The attempt as a whole, however the answer trickled in ({@code attemptTimeout}). Retryable. */
        ATTEMPT,
        /**
         * The call as a whole, across its attempts and back-off waits ({@code callTimeout}). Retryable by
         * the caller later; the SDK does not retry it.
         */
        CALL,
        /**
         * The caller's overall deadline for the call ({@code SsmRequest.deadline}), such as the end of a
         * sync's {@code syncTimeout}: the call was cut, or not sent, because the work it belongs to ran
         * out of time. Not retryable, and no evidence against the server's health.
         */
        DEADLINE
    }

    /** The phase that timed out. */
    private final Phase phase;

    /**
     * Creates the exception.
     *
     * @param phase which wait timed out
     * @param detail what went wrong
     * @param remediation what to do about it
     * @param cause the underlying cause
     */
    public RequestTimeoutException(Phase phase, String detail, String remediation, Throwable cause) {
        super(detail, remediation, phase != Phase.CONNECTION_POOL && phase != Phase.DEADLINE, cause);
        this.phase = phase;
        recordSetting(settingOf(phase));
    }

    /** The setting that bounds a phase's wait, as the builders spell it; none for the caller's deadline. */
    private static String settingOf(Phase phase) {
        switch (phase) {
            case CONNECT:
            case TLS_HANDSHAKE:
                return "connectTimeout";
            case RESPONSE:
                return "responseTimeout";
            case CONNECTION_POOL:
                return "maxConnections";
            case ATTEMPT:
                return "attemptTimeout";
            case CALL:
                return "callTimeout";
            default:
                return null;
        }
    }

    /**
     * Which wait timed out.
     *
     * @return the phase
     */
    public Phase phase() {
        return phase;
    }

    /**
     * Returns {@link FailureKind#TIMEOUT}.
     *
     * @return the kind
     */
    @Override
    public FailureKind kind() {
        return FailureKind.TIMEOUT;
    }

    /**
     * True except while waiting for a pooled connection, which is this client's own congestion, and at
     * the caller's deadline, which is the caller's limit.
     *
     * @return whether the timeout counts against the server's health
     */
    @Override
    public boolean isServerFailure() {
        return phase != Phase.CONNECTION_POOL && phase != Phase.DEADLINE;
    }

    /**
     * True but while waiting for a pooled connection; true for the caller's deadline too, which every
     * further request of the same work would meet.
     *
     * @return whether other requests would most likely fail the same way
     */
    @Override
    public boolean isServerWide() {
        return phase == Phase.DEADLINE || super.isServerWide();
    }

    /**
     * Whether this is the whole call's deadline ({@code callTimeout}), which the SDK does not retry.
     *
     * @return true for {@link Phase#CALL}
     */
    public boolean isCallTimeout() {
        return phase == Phase.CALL;
    }
}
