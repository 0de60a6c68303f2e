package io.github.ssmonprem.sync.usage;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * The server's acknowledgement (ACK) of one device's RUM reports: the text that device must import
 * ({@code license smart import}) to stay compliant. The SDK stores it durably the moment it arrives
 * and keeps it until the application has taken it for its device
 * ({@code SsmSyncClient.usage().acknowledgements()}, then {@code take}), or for
 * {@code SyncStore.DELIVERED_RETENTION}.
 *
 * @param id the acknowledgement's id in the store: the report id, a dash and the device's position
 * @param reportId the usage report it acknowledges
 * @param account the smart account domain
 * @param virtualAccount the virtual account
 * @param sudi the device
 * @param softwareTag the device's software tag identifier, or null when the server gave none
 * @param rumReportIds the ids of the device's RUM reports it acknowledges
 * @param smartLicense the acknowledgement as the server sent it ({@code smart_license}, base64)
 * @param correlationId the poll answer's correlation id, or null
 * @param receivedAt when it arrived
 */
public record Acknowledgement(String id, String reportId, String account, String virtualAccount, Sudi sudi, String softwareTag,
        List<String> rumReportIds, String smartLicense, String correlationId, Instant receivedAt) {

    /**
     * Checks the required parts.
     *
     * @param id the acknowledgement's id
     * @param reportId the usage report it acknowledges
     * @param account the smart account domain
     * @param virtualAccount the virtual account
     * @param sudi the device
     * @param softwareTag the software tag, or null
     * @param rumReportIds the RUM report ids it acknowledges
     * @param smartLicense the acknowledgement, base64
     * @param correlationId the correlation id, or null
     * @param receivedAt when it arrived
     */
    public Acknowledgement {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(reportId, "reportId");
        Objects.requireNonNull(sudi, "sudi");
        Objects.requireNonNull(smartLicense, "smartLicense");
        Objects.requireNonNull(receivedAt, "receivedAt");
        rumReportIds = rumReportIds == null ? List.of() : List.copyOf(rumReportIds);
    }

    /**
     * {@return the text to import on the device: {@link #smartLicense()} decoded from base64 as UTF-8,
     * or as sent when it is not base64}
     */
    public String text() {
        try {
            return new String(Base64.getMimeDecoder().decode(smartLicense), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notBase64) {
            return smartLicense;
        }
    }

    /** {@return a file name for the device's copy, {@code PID_SERIAL-REPORTID.txt}} */
    public String fileName() {
        return sudi.fileName() + "-" + reportId + ".txt";
    }

    @Override
    public String toString() {
        return "Acknowledgement{" + id + ", device " + sudi + ", " + rumReportIds.size() + " RUM reports, received " + receivedAt + "}";
    }
}
