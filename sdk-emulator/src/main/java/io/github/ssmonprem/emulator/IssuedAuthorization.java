package io.github.ssmonprem.emulator;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * An authorization code (HSEC, SLAC), or the confirmation of a code's return, that the
 * {@link SsmEmulator} issued for one device in a {@code COMPLETE} poll answer of
 * {@code "action":"authorizations"}.
 *
 * <p>Its {@link #text()} is an emulator-made stand-in for a real code that names its device and what it
 * grants: {@code <smartLicense type="authorization"><authorizationCode udi_pid=".." udi_serial_number=".."
 * hostname=".." entitlements="TAG=1,..." poll_id=".."/></smartLicense>}, or for a return
 * {@code <smartLicense type="return"><returnConfirmation ... remove_code=".."/></smartLicense>}.
 *
 * @param pollId the poll id of the request, as decimal digits
 * @param sudi the device
 * @param hostname the request's {@code hostname}
 * @param entitlements the requested keys as {@code ENTITLEMENT=COUNT}, in request order; empty for a return
 * @param removeCode the {@code remove_code} of a return, else null
 * @param productInstanceIdentifier the answer's {@code product_instance_identifier}
 * @param smartLicense the code as sent ({@code smart_license}, base64 of {@link #text()})
 * @param correlationId the entry's {@code correlation_id}
 */
public record IssuedAuthorization(String pollId, DeviceId sudi, String hostname, List<String> entitlements, String removeCode,
        String productInstanceIdentifier, String smartLicense, String correlationId) {

    /**
     * Copies the entitlements and checks that the required parts are present.
     *
     * @param pollId the poll id
     * @param sudi the device
     * @param hostname the host name
     * @param entitlements the keys, {@code ENTITLEMENT=COUNT}
     * @param removeCode the remove code of a return, or null
     * @param productInstanceIdentifier the product instance identifier
     * @param smartLicense the code, base64
     * @param correlationId the correlation id
     */
    public IssuedAuthorization {
        Objects.requireNonNull(pollId, "pollId");
        Objects.requireNonNull(sudi, "sudi");
        Objects.requireNonNull(smartLicense, "smartLicense");
        entitlements = List.copyOf(entitlements);
    }

    /** {@return whether it confirms the return of a code (the request had no keys and a remove code)} */
    public boolean isReturn() {
        return removeCode != null;
    }

    /** {@return the code's text, {@link #smartLicense()} decoded from base64} */
    public String text() {
        return new String(Base64.getDecoder().decode(smartLicense), StandardCharsets.UTF_8);
    }
}
