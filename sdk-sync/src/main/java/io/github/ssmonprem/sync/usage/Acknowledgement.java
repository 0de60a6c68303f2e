package io.github.ssmonprem.sync.usage;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * Text from the server that one device must import ({@code license smart import}): the
 * acknowledgement (ACK) of its RUM reports, which keeps it compliant, or, by its {@link #kind()}, an
 * authorization code (HSEC, SLAC) issued on request or the confirmation that a code was returned.
 * The SDK stores it durably the moment it arrives and keeps it until the application has taken it
 * for its device ({@code SsmSyncClient.usage().acknowledgements()}, then {@code take}), or for
 * {@code SyncStore.DELIVERED_RETENTION}.
 *
 * @param id the acknowledgement's id in the store: the report (or request) id, a dash and the device's position
 * @param kind what it is: a usage acknowledgement, an authorization code or a return's confirmation
 * @param reportId the usage report it acknowledges, or the authorization request it answers
 * @param account the smart account domain
 * @param virtualAccount the virtual account
 * @param sudi the device
 * @param softwareTag the device's software tag identifier, or null when the server gave none
 * @param rumReportIds the ids of the device's RUM reports it acknowledges; empty for an authorization code or return
 * @param smartLicense the acknowledgement as the server sent it ({@code smart_license}, base64)
 * @param correlationId the poll answer's correlation id, or null
 * @param receivedAt when it arrived
 */
public record Acknowledgement(String id, AcknowledgementKind kind, String reportId, String account, String virtualAccount, Sudi sudi,
        String softwareTag, List<String> rumReportIds, String smartLicense, String correlationId, Instant receivedAt) {

    /**
     * Checks the required parts.
     *
     * @param id the acknowledgement's id
     * @param kind what it is
     * @param reportId the usage report it acknowledges, or the authorization request it answers
     * @param account the smart account domain
     * @param virtualAccount the virtual account
     * @param sudi the device
     * @param softwareTag the software tag, or null
     * @param rumReportIds the RUM report ids it acknowledges (empty for an authorization code or return)
     * @param smartLicense the acknowledgement, base64
     * @param correlationId the correlation id, or null
     * @param receivedAt when it arrived
     */
    public Acknowledgement {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
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
        String what = kind == AcknowledgementKind.USAGE ? rumReportIds.size() + " RUM reports"
                : kind == AcknowledgementKind.AUTHORIZATION ? "authorization code" : "return of an authorization code";
        return "Acknowledgement{" + id + ", device " + sudi + ", " + what + ", received " + receivedAt + "}";
    }
}
