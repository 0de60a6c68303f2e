package io.github.ssmonprem.sync.store;

import io.github.ssmonprem.sync.usage.ReportStatus;

/**
 * Where a report id stands in a store: pending, dead, or delivered (remembered for
 * {@link UsageOutbox#DELIVERED_RETENTION}). Exactly one of the three parts is set, as its status says.
 *
 * @param reportId the report's id
 * @param status where it stands
 * @param pending the pending entry when {@code status} is {@link ReportStatus#PENDING}, else null
 * @param deadLetter the dead letter when {@code status} is {@link ReportStatus#DEAD}, else null
 * @param delivered the delivered report when the status is delivered or already received, else null
 */
public record ReportState(String reportId, ReportStatus status, PendingReport pending, DeadLetter deadLetter,
        DeliveredReport delivered) {

    /**
     * {@return the state of a pending report}
     *
     * @param entry the report
     */
    public static ReportState pending(PendingReport entry) {
        return new ReportState(entry.reportId(), ReportStatus.PENDING, entry, null, null);
    }

    /**
     * {@return the state of a dead letter}
     *
     * @param letter the dead letter
     */
    public static ReportState dead(DeadLetter letter) {
        return new ReportState(letter.reportId(), ReportStatus.DEAD, null, letter, null);
    }

    /**
     * {@return the state of a delivered report}
     *
     * @param delivered the delivered report
     */
    public static ReportState delivered(DeliveredReport delivered) {
        return new ReportState(delivered.reportId(), delivered.status(), null, null, delivered);
    }
}
