package io.github.ssmonprem.sync;

import io.github.ssmonprem.core.exception.SsmException;

/**
 * What became of one usage report in a delivery attempt.
 *
 * @param reportId the report's nonce
 * @param status DELIVERED when acknowledged (and removed from the pending store), DEAD when refused
 *     for good (and kept as a dead letter), PENDING otherwise
 * @param pollId the server's poll id, or null when the report was not accepted yet
 * @param smartLicense the acknowledgement's {@code smart_license} (base64), or null
 * @param error why it is still pending, or null
 * @param failure the exception that kept it pending, or null (also null when only the deadline passed)
 */
public record DeliveryResult(String reportId, Status status, String pollId, String smartLicense, String error,
        SsmException failure) {

    /** Where a report stands after the attempt. */
    public enum Status {
        /** Acknowledged by the server and removed from the pending store. */
        DELIVERED,
        /** Still in the pending store; a later delivery resumes it. */
        PENDING,
        /** Refused permanently by the server: a dead letter in the store until an operator retries or discards it. */
        DEAD
    }

    /** @return whether the report was acknowledged */
    public boolean delivered() {
        return status == Status.DELIVERED;
    }
}
