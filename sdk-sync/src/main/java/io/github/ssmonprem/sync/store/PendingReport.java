package io.github.ssmonprem.sync.store;

import io.github.ssmonprem.sync.usage.UsageReport;
import java.time.Instant;
import java.util.Objects;

/**
 * A usage report in the pending store, with its delivery state and its claim.
 *
 * @param report the report
 * @param storedAt when it was first stored
 * @param pollId the poll id of its accepted upload (the server's exact digits), or null before one;
 *     with one, delivery polls for the acknowledgement instead of uploading again
 * @param nonce the nonce of that upload, sent again with each of its polls; null without a poll id
 * @param attempts how many delivery attempts have failed so far
 * @param lastError the last failure or server message, or null
 * @param claimOwner the node that claimed the report for delivery, or null
 * @param claimedUntil until when the claim holds, in the store's clock, or null
 */
public record PendingReport(UsageReport report, Instant storedAt, String pollId, String nonce, int attempts, String lastError,
        String claimOwner, Instant claimedUntil) {

    /**
     * Checks the required parts.
     *
     * @param report the report
     * @param storedAt when it was first stored
     * @param pollId the poll id, or null
     * @param nonce the upload's nonce, or null
     * @param attempts the failed attempts so far
     * @param lastError the last failure, or null
     * @param claimOwner the claim's owner, or null
     * @param claimedUntil the claim's expiry, or null
     */
    public PendingReport {
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(storedAt, "storedAt");
    }

    /**
     * {@return a report as first stored, with no delivery state or claim}
     *
     * @param report the report
     * @param now the current instant
     */
    public static PendingReport of(UsageReport report, Instant now) {
        return new PendingReport(report, now, null, null, 0, null, null, null);
    }

    /** {@return the report's id} */
    public String reportId() {
        return report.reportId();
    }

    /**
     * {@return a copy with the poll id and nonce of an accepted upload (or none)}
     *
     * @param id the poll id, or null
     * @param uploadNonce the upload's nonce, or null
     */
    public PendingReport withUpload(String id, String uploadNonce) {
        return new PendingReport(report, storedAt, id, uploadNonce, attempts, lastError, claimOwner, claimedUntil);
    }

    /**
     * {@return a copy with one more failed attempt}
     *
     * @param error the failure's description
     */
    public PendingReport withFailure(String error) {
        return new PendingReport(report, storedAt, pollId, nonce, attempts + 1, error, claimOwner, claimedUntil);
    }

    /**
     * {@return a copy with a note from the server that is not a failure (an {@code OK_POLL} with a message)}
     *
     * @param note the note
     */
    public PendingReport withNote(String note) {
        return new PendingReport(report, storedAt, pollId, nonce, attempts, note, claimOwner, claimedUntil);
    }

    /**
     * {@return a copy claimed by a node until an instant}
     *
     * @param owner the node name of the claim's owner, or null for none
     * @param until the claim's expiry, or null for none
     */
    public PendingReport withClaim(String owner, Instant until) {
        return new PendingReport(report, storedAt, pollId, nonce, attempts, lastError, owner, until);
    }

    /**
     * {@return whether a node may claim the report at an instant: it is unclaimed, its claim expired, or
     * the node holds it already}
     *
     * @param owner the node name of who wants to claim it
     * @param now the store's current instant
     */
    public boolean claimableBy(String owner, Instant now) {
        return claimOwner == null || claimedUntil == null || !claimedUntil.isAfter(now) || claimOwner.equals(owner);
    }
}
