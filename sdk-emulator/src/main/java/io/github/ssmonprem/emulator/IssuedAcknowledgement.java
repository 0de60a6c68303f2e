package io.github.ssmonprem.emulator;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * An acknowledgement (ACK) the {@link SsmEmulator} issued for one device in a {@code COMPLETE} poll
 * answer, to compare with what a client stored and handed to that device.
 *
 * <p>Its {@link #text()} is an emulator-made stand-in for a real ACK that names its device and report ids,
 * so a test can check that each ACK reached its own device:
 * {@code <smartLicense type="ack"><ack udi_pid=".." udi_serial_number=".." software_tag=".."
 * report_ids="1671840750,1671840751" poll_id=".." account_id=".." virtual_account_id=".."/></smartLicense>}.
 *
 * @param pollId the poll id of the upload it acknowledges, as decimal digits
 * @param sudi the device
 * @param softwareTag the answer's {@code software_tag_identifier}
 * @param reportIds the ids of the device's RUM reports in that upload, in upload order
 * @param smartLicense the ACK as sent ({@code smart_license}, base64 of {@link #text()})
 * @param correlationId the {@code COMPLETE} answer's {@code correlation_id}
 */
public record IssuedAcknowledgement(String pollId, DeviceId sudi, String softwareTag, List<String> reportIds, String smartLicense,
        String correlationId) {

    /**
     * Copies the report ids and checks that every part is present.
     *
     * @param pollId the poll id
     * @param sudi the device
     * @param softwareTag the software tag identifier
     * @param reportIds the RUM report ids
     * @param smartLicense the ACK, base64
     * @param correlationId the correlation id
     */
    public IssuedAcknowledgement {
        Objects.requireNonNull(pollId, "pollId");
        Objects.requireNonNull(sudi, "sudi");
        Objects.requireNonNull(smartLicense, "smartLicense");
        reportIds = List.copyOf(reportIds);
    }

    /** {@return the ACK's text, {@link #smartLicense()} decoded from base64} */
    public String text() {
        return new String(Base64.getDecoder().decode(smartLicense), StandardCharsets.UTF_8);
    }
}
