package io.github.ssmonprem.sync.store;

/**
 * Where a report id stands in a {@link SyncStore}: pending, dead, or delivered (remembered for
 * {@link SyncStore#DELIVERED_RETENTION}).
 *
 * @param reportId the report's nonce
 * @param status where it stands
 * @param pending the pending entry when {@code status} is {@link Status#PENDING}, else null
 * @param deadLetter the dead letter when {@code status} is {@link Status#DEAD}, else null
 * @param deliveredAt when it was acknowledged, when {@code status} is {@link Status#DELIVERED}, else null
 */
public record ReportState(String reportId, Status status, PendingReport pending, DeadLetter deadLetter,
        java.time.Instant deliveredAt) {

    /** Where a report stands. */
    public enum Status {
        /** Waiting for delivery or acknowledgement. */
        PENDING,
        /** Refused permanently by the server; waits for an operator. */
        DEAD,
        /** Acknowledged by the server. */
        DELIVERED
    }

    /**
     * The state of a pending report.
     *
     * @param entry the entry
     * @return its state
     */
    public static ReportState pending(PendingReport entry) {
        return new ReportState(entry.reportId(), Status.PENDING, entry, null, null);
    }

    /**
     * The state of a dead letter.
     *
     * @param letter the dead letter
     * @return its state
     */
    public static ReportState dead(DeadLetter letter) {
        return new ReportState(letter.reportId(), Status.DEAD, null, letter, null);
    }

    /**
     * The state of a delivered report.
     *
     * @param reportId its nonce
     * @param at when it was acknowledged
     * @return its state
     */
    public static ReportState delivered(String reportId, java.time.Instant at) {
        return new ReportState(reportId, Status.DELIVERED, null, null, at);
    }
}
