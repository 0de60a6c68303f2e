package io.github.ssmonprem.sync.usage;

import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.core.internal.ErrorMapper;
import io.github.ssmonprem.sync.AccountNotFoundException;

/**
 * A usage report was not delivered: it stays pending (a later delivery sends it, or polls for its
 * acknowledgement), or the server refused it for good and it is a dead letter. The message says
 * which; {@link #status()} tells it to a program. Reported in a sync's result, whose other steps may
 * have succeeded.
 */
public class UsageDeliveryException extends SsmException {

    private static final long serialVersionUID = 1L;

    /** The report that was not delivered. */
    private final String reportId;
    /** Where it stands. */
    private final ReportStatus status;

    /**
     * Creates the exception from a delivery's result; it reports the attempts its cause made.
     *
     * @param result a result that is not delivered (pending or dead)
     */
    public UsageDeliveryException(DeliveryResult result) {
        super(message(result), remediation(result), result.status() == ReportStatus.PENDING, result.failure());
        this.reportId = result.reportId();
        this.status = result.status();
        if (result.failure() != null) {
            recordAttempts(result.failure().attempts());
        }
    }

    private static String message(DeliveryResult r) {
        String server = r.server() != null && r.server().hasMessage() ? " The server said " + r.server().describe() + "." : "";
        String attempts = r.failure() == null ? "" : " (" + r.failure().attempts() + (r.failure().attempts() == 1 ? " attempt)" : " attempts)");
        if (r.status() == ReportStatus.DEAD && r.failure() instanceof AccountNotFoundException) {
            return "Usage report " + r.reportId() + " cannot be sent and was moved to the dead letters: " + ErrorMapper.inSentence(r.detail())
                    + ".";
        }
        if (r.status() == ReportStatus.DEAD) {
            return "Usage report " + r.reportId() + " was refused by the server for good and moved to the dead letters: "
                    + ErrorMapper.inSentence(r.detail()) + attempts + "." + server;
        }
        return "Usage report " + r.reportId() + " is still pending: " + ErrorMapper.inSentence(r.detail()) + attempts + "." + server;
    }

    private static String remediation(DeliveryResult r) {
        if (r.status() == ReportStatus.DEAD && r.failure() instanceof AccountNotFoundException) {
            return "Either give the API Toolkit grant's user access to that account in SSM On-Prem and retry the dead letter, or "
                    + "discard it and submit the report again under the right account; until then its devices get no acknowledgement.";
        }
        if (r.status() == ReportStatus.DEAD) {
            return "Fix what the server refused (the message above), then retry the dead letter (`ssm usage retry ID`, "
                    + "or the client's retry of the report) or discard it; until then its devices get no acknowledgement.";
        }
        return "Nothing is lost: the report stays in the pending store and the next sync delivers it "
                + "(or polls for its acknowledgement). If it keeps failing, the reason above says what to fix.";
    }

    /** {@return the report's id} */
    public String reportId() {
        return reportId;
    }

    /** {@return where the report stands: {@link ReportStatus#PENDING} or {@link ReportStatus#DEAD}} */
    public ReportStatus status() {
        return status;
    }
}
