package io.github.ssmonprem.sync;

import io.github.ssmonprem.core.exception.SsmException;

/**
 * A usage report could not be delivered in this sync; it stays in the pending store and a later
 * sync delivers it. Reported in a {@link SyncResult}, whose other steps may have succeeded.
 */
public class UsageDeliveryException extends SsmException {

    private static final long serialVersionUID = 1L;

    /** The report that was not delivered. */
    private final String reportId;

    /**
     * Creates the exception. It reports the attempts its cause made.
     *
     * @param reportId the report's nonce
     * @param why why it is still pending
     * @param cause the failure that kept it pending, or null
     */
    public UsageDeliveryException(String reportId, String why, SsmException cause) {
        super("Usage report " + reportId + " is still pending: " + why + attempts(cause),
                "Nothing is lost: the report stays in the pending store with its nonce and is delivered by the next sync. "
                        + "If it keeps failing, the reason above says what to fix.", true, cause);
        this.reportId = reportId;
        if (cause != null) {
            recordAttempts(cause.attempts());
        }
    }

    private static String attempts(SsmException cause) {
        return cause == null ? "" : " (" + cause.attempts() + (cause.attempts() == 1 ? " attempt)" : " attempts)");
    }

    /**
     * Returns the report's nonce.
     *
     * @return the report's nonce
     */
    public String reportId() {
        return reportId;
    }
}
