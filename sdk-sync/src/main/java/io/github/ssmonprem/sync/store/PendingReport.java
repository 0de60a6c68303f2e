package io.github.ssmonprem.sync.store;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.github.ssmonprem.sync.model.UsageReport;
import java.time.Instant;
import java.util.Objects;

/**
 * A usage report waiting for the server's acknowledgement, as kept in the pending store.
 *
 * @param report the report, with its nonce
 * @param storedAt when it was first stored
 * @param pollId the poll id the server gave when it accepted the report, or null before that; with
 *     one, delivery resumes polling instead of submitting again
 * @param attempts how many delivery attempts have failed so far
 * @param lastError the last failure's type and message, or null
 */
public record PendingReport(
        @JsonProperty("report") UsageReport report,
        @JsonProperty("storedAt") Instant storedAt,
        @JsonProperty("pollId") String pollId,
        @JsonProperty("attempts") int attempts,
        @JsonProperty("lastError") String lastError) {

    /**
     * Checks the required parts.
     *
     * @param report the report, with its nonce
     * @param storedAt when it was first stored
     * @param pollId the poll id the server gave when it accepted the report, or null before that; with
     * @param attempts how many delivery attempts have failed so far
     * @param lastError the last failure's type and message, or null
     */
    public PendingReport {
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(storedAt, "storedAt");
    }

    /**
     * A report as first stored.
     *
     * @param report the report
     * @param now the current instant
     * @return the pending entry
     */
    public static PendingReport of(UsageReport report, Instant now) {
        return new PendingReport(report, now, null, 0, null);
    }

    /**
     * Returns the report's nonce.
     *
     * @return the report's nonce
     */
    public String reportId() {
        return report.reportId();
    }

    /**
     * Returns a copy with the poll id.
     *
     * @param id the poll id the server returned
     * @return a copy with the poll id
     */
    public PendingReport withPollId(String id) {
        return new PendingReport(report, storedAt, id, attempts, lastError);
    }

    /**
     * Returns a copy with one more failed attempt.
     *
     * @param error the failure's description
     * @return a copy with one more failed attempt
     */
    public PendingReport withFailure(String error) {
        return new PendingReport(report, storedAt, pollId, attempts + 1, error);
    }
}
