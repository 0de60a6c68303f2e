package io.github.ssmonprem.sync.store;

import io.github.ssmonprem.sync.usage.Acknowledgement;
import io.github.ssmonprem.sync.usage.ReportStatus;
import io.github.ssmonprem.sync.usage.ServerMessage;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A usage report the server has: acknowledged, or refused as already received. A store remembers it
 * for {@link UsageOutbox#DELIVERED_RETENTION} at least.
 *
 * @param reportId the report's id
 * @param status {@link ReportStatus#DELIVERED} or {@link ReportStatus#ALREADY_RECEIVED}
 * @param deliveredAt when the server's answer arrived
 * @param pollId the poll id that returned the acknowledgements, or null
 * @param server what the server said last (status, message, correlation id)
 * @param acknowledgements the acknowledgements of its devices, taken or not; possibly empty (a report
 *     already received whose earlier poll id was not known)
 */
public record DeliveredReport(String reportId, ReportStatus status, Instant deliveredAt, String pollId, ServerMessage server,
        List<Acknowledgement> acknowledgements) {

    /**
     * Checks the required parts.
     *
     * @param reportId the report's id
     * @param status delivered or already received
     * @param deliveredAt when the answer arrived
     * @param pollId the poll id, or null
     * @param server what the server said last
     * @param acknowledgements the acknowledgements
     */
    public DeliveredReport {
        Objects.requireNonNull(reportId, "reportId");
        Objects.requireNonNull(deliveredAt, "deliveredAt");
        Objects.requireNonNull(server, "server");
        if (status == null || !status.isDelivered()) {
            throw new IllegalArgumentException("a delivered report is DELIVERED or ALREADY_RECEIVED, not " + status);
        }
        acknowledgements = acknowledgements == null ? List.of() : List.copyOf(acknowledgements);
    }
}
