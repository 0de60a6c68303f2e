package io.github.ssmonprem.sync.store;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.github.ssmonprem.sync.model.UsageReport;
import java.time.Instant;
import java.util.Objects;

/**
 * A usage report waiting for the server's acknowledgement, with its delivery state, as kept in a
 * {@link SyncStore}.
 *
 * @param report the report, with its nonce
 * @param storedAt when it was first stored
 * @param pollId the poll id the server gave when it accepted the report, or null before that; with
 *     one, delivery resumes polling instead of submitting again
 * @param attempts how many delivery attempts have failed so far
 * @param lastError the last failure's type and message, or null
 * @param claimOwner who claimed the report for delivery ({@link SyncStore#claimPending}), or null
 * @param claimedUntil until when the claim holds, in the store's clock, or null
 */
public record PendingReport(
        @JsonProperty("report") UsageReport report,
        @JsonProperty("storedAt") Instant storedAt,
        @JsonProperty("pollId") String pollId,
        @JsonProperty("attempts") int attempts,
        @JsonProperty("lastError") String lastError,
        @JsonProperty("claimOwner") String claimOwner,
        @JsonProperty("claimedUntil") Instant claimedUntil) {

    /**
     * Checks the required parts.
     *
     * @param report the report, with its nonce
     * @param storedAt when it was first stored
     * @param pollId the poll id the server gave when it accepted the report, or null before that; with one, delivery resumes polling instead of submitting again
     * @param attempts how many delivery attempts have failed so far
     * @param lastError the last failure's type and message, or null
     * @param claimOwner who claimed the report for delivery ({@link SyncStore#claimPending}), or null
     * @param claimedUntil until when the claim holds, in the store's clock, or null
     */
    public PendingReport {
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(storedAt, "storedAt");
    }

    /**
     * A report's delivery state without a claim.
     *
     * @param report the report
     * @param storedAt when it was first stored
     * @param pollId the poll id, or null
     * @param attempts the failed attempts so far
     * @param lastError the last failure, or null
     */
    public PendingReport(UsageReport report, Instant storedAt, String pollId, int attempts, String lastError) {
        this(report, storedAt, pollId, attempts, lastError, null, null);
    }

    /**
     * A report as first stored.
     *
     * @param report the report
     * @param now the current instant
     * @return the pending entry
     */
    public static PendingReport of(UsageReport report, Instant now) {
        return new PendingReport(report, now, null, 0, null, null, null);
    }

    /**
     * The report's nonce.
     *
     * @return the report id
     */
    public String reportId() {
        return report.reportId();
    }

    /**
     * A copy with the poll id the server returned.
     *
     * @param id the poll id
     * @return the copy
     */
    public PendingReport withPollId(String id) {
        return new PendingReport(report, storedAt, id, attempts, lastError, claimOwner, claimedUntil);
    }

    /**
     * A copy with one more failed attempt.
     *
     * @param error the failure's description
     * @return the copy
     */
    public PendingReport withFailure(String error) {
        return new PendingReport(report, storedAt, pollId, attempts + 1, error, claimOwner, claimedUntil);
    }

    /**
     * A copy claimed by an owner until an instant.
     *
     * @param owner the claim's owner, or null for none
     * @param until the claim's expiry, or null for none
     * @return the copy
     */
    public PendingReport withClaim(String owner, Instant until) {
        return new PendingReport(report, storedAt, pollId, attempts, lastError, owner, until);
    }

    /**
     * Whether another owner may claim the report at an instant: it is unclaimed, its claim expired,
     * or the owner holds it already.
     *
     * @param owner who wants to claim it
     * @param now the store's current instant
     * @return whether it may be claimed
     */
    public boolean claimableBy(String owner, Instant now) {
        return claimOwner == null || claimedUntil == null || !claimedUntil.isAfter(now) || claimOwner.equals(owner);
    }
}
