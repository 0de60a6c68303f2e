package io.github.ssmonprem.sync.usage;

import io.github.ssmonprem.core.exception.SsmException;
import java.util.List;

/**
 * What became of one usage report in a delivery, or of one authorization-code request
 * ({@code SsmSyncClient.requestAuthorization}).
 *
 * @param reportId the report's id (or the authorization request's)
 * @param status where it stands now
 * @param pollId the server's poll id for it (its exact digits), or null when no upload was accepted
 * @param acknowledgements the acknowledgements that arrived for its devices, or the authorization
 *     code (also kept in the store until taken); empty unless delivered
 * @param detail why it is still pending, dead or delivered without acknowledgement; null when it was
 *     simply acknowledged
 * @param server what the server said about it last, or null when it said nothing (a failure before an answer)
 * @param failure the exception that kept it pending or made it dead (or that kept a code that came
 *     out of the store), or null
 */
public record DeliveryResult(String reportId, ReportStatus status, String pollId, List<Acknowledgement> acknowledgements,
        String detail, ServerMessage server, SsmException failure) {

    /**
     * Freezes the acknowledgements.
     *
     * @param reportId the report's id
     * @param status where it stands now
     * @param pollId the poll id, or null
     * @param acknowledgements the acknowledgements that arrived
     * @param detail why it is not simply acknowledged, or null
     * @param server what the server said last, or null
     * @param failure the exception, or null
     */
    public DeliveryResult {
        acknowledgements = acknowledgements == null ? List.of() : List.copyOf(acknowledgements);
    }

    /** {@return whether the server has the report (acknowledged, or already received)} */
    public boolean delivered() {
        return status.isDelivered();
    }
}
