package io.github.ssmonprem.emulator;

import java.time.Instant;
import java.util.Objects;

/**
 * A RUM report the {@link SsmEmulator} accepted in an upload, as it received it: its payload exactly as
 * the upload carried it (the JSON string's value, unescaped once, never parsed and written again), so a
 * test can assert that a client sent a device's payload byte for byte.
 *
 * @param key what identifies it, {@code PID:SERIAL#REPORT_ID} (the device and the payload's report id),
 *     as {@code RumReport.key()} gives it
 * @param sudi the device (the report group's SUDI, which the payload and signature name too)
 * @param reportId the payload's {@code asset_identification.report_id} (or {@code meta.report_id}), as text
 * @param payload the payload text, exactly as received
 * @param signature the signature object, as JSON text (normalised by the emulator's parser)
 * @param accountId the upload's {@code X-CSW-SMART-ACCOUNT-ID}
 * @param virtualAccountId the upload's {@code X-CSW-VIRTUAL-ACCOUNT-ID}
 * @param pollId the poll id of the upload that brought it, as decimal digits
 * @param receivedAt when it arrived, on the emulator's clock
 */
public record ReceivedRumReport(String key, DeviceId sudi, String reportId, String payload, String signature, String accountId,
        String virtualAccountId, String pollId, Instant receivedAt) {

    /**
     * Checks that every part is present.
     *
     * @param key the report's key
     * @param sudi the device
     * @param reportId the report id
     * @param payload the payload text
     * @param signature the signature's JSON text
     * @param accountId the account id
     * @param virtualAccountId the virtual account id
     * @param pollId the poll id
     * @param receivedAt when it arrived
     */
    public ReceivedRumReport {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(sudi, "sudi");
        Objects.requireNonNull(reportId, "reportId");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(signature, "signature");
        Objects.requireNonNull(pollId, "pollId");
        Objects.requireNonNull(receivedAt, "receivedAt");
    }
}
