package io.github.ssmonprem.sync.usage;

import java.util.Objects;

/**
 * A request for an authorization code (HSEC, SLAC) for one device, or the return of the code a
 * device holds, made with {@code SsmSyncClient.requestAuthorization}. The server answers with the
 * code (or the confirmation of its return): text the device imports ({@code license smart import}),
 * kept in the store as an {@link Acknowledgement} of kind {@link AcknowledgementKind#AUTHORIZATION}
 * (or {@link AcknowledgementKind#RETURN}) until the application takes it.
 *
 * <pre>{@code
 * AuthorizationRequest hsec = AuthorizationRequest.of(new Sudi("C8300-1N1S-6T", "FDO2601X1AB"), "edge-17",
 *         "regid.2019-03.com.cisco.DNA_HSEC,1.0_509c41ab-05a8-431f-95fe-ec28086e8844");
 * AuthorizationRequest giveBack = AuthorizationRequest.returnOf(device, "edge-17", removeCode);
 * }</pre>
 *
 * @param device the device the code is for (its SUDI); the request is made in its name
 * @param hostname the device's host name
 * @param entitlement the entitlement tag of the code requested, or null for a return
 * @param count how many licenses the code grants (at least one), or 0 for a return
 * @param removeCode the remove code the device gave for the code it returns, or null for a request
 */
public record AuthorizationRequest(Sudi device, String hostname, String entitlement, int count, String removeCode) {

    /** The longest host name, entitlement tag or remove code accepted. */
    public static final int MAX_LENGTH = 4096;

    /**
     * Checks the parts: a device, a host name, and either an entitlement tag with a count of at least
     * one or a remove code; texts not blank, without control characters, stripped of surrounding spaces.
     *
     * @param device the device
     * @param hostname the device's host name
     * @param entitlement the entitlement tag, or null for a return
     * @param count the count, or 0 for a return
     * @param removeCode the remove code, or null for a request
     * @throws InvalidAuthorizationRequestException naming what is wrong
     */
    public AuthorizationRequest {
        if (device == null) {
            throw new InvalidAuthorizationRequestException("it names no device (SUDI)");
        }
        hostname = text(hostname, "host name");
        if ((entitlement == null) == (removeCode == null)) {
            throw new InvalidAuthorizationRequestException("it needs either an entitlement tag (a request) or a remove code (a return)");
        }
        if (entitlement != null) {
            entitlement = text(entitlement, "entitlement tag");
            if (count < 1) {
                throw new InvalidAuthorizationRequestException("the count must be at least 1, was " + count);
            }
        } else {
            removeCode = text(removeCode, "remove code");
            if (count != 0) {
                throw new InvalidAuthorizationRequestException("a return has no count, was " + count);
            }
        }
    }

    /**
     * {@return a request for a code of one license of an entitlement for a device}
     *
     * @param device the device
     * @param hostname its host name
     * @param entitlement the entitlement tag
     * @throws InvalidAuthorizationRequestException naming what is wrong
     */
    public static AuthorizationRequest of(Sudi device, String hostname, String entitlement) {
        return of(device, hostname, entitlement, 1);
    }

    /**
     * {@return a request for a code of {@code count} licenses of an entitlement for a device}
     *
     * @param device the device
     * @param hostname its host name
     * @param entitlement the entitlement tag
     * @param count how many licenses, at least one
     * @throws InvalidAuthorizationRequestException naming what is wrong
     */
    public static AuthorizationRequest of(Sudi device, String hostname, String entitlement, int count) {
        return new AuthorizationRequest(device, hostname, Objects.requireNonNullElse(entitlement, ""), count, null);
    }

    /**
     * {@return the return of the code a device holds, by the remove code the device gave for it}
     *
     * @param device the device
     * @param hostname its host name
     * @param removeCode the remove code
     * @throws InvalidAuthorizationRequestException naming what is wrong
     */
    public static AuthorizationRequest returnOf(Sudi device, String hostname, String removeCode) {
        return new AuthorizationRequest(device, hostname, null, 0, Objects.requireNonNullElse(removeCode, ""));
    }

    /** {@return whether it returns a code (rather than requests one)} */
    public boolean isReturn() {
        return removeCode != null;
    }

    /** {@return the kind of the acknowledgement that answers it: an authorization code, or a return's confirmation} */
    public AcknowledgementKind kind() {
        return isReturn() ? AcknowledgementKind.RETURN : AcknowledgementKind.AUTHORIZATION;
    }

    private static String text(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new InvalidAuthorizationRequestException("the " + what + " is missing");
        }
        String v = value.strip();
        if (v.length() > MAX_LENGTH) {
            throw new InvalidAuthorizationRequestException("the " + what + " is longer than " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < v.length(); i++) {
            if (Character.isISOControl(v.charAt(i))) {
                throw new InvalidAuthorizationRequestException("the " + what + " holds a control character");
            }
        }
        return v;
    }

    /** {@return the request without its remove code, which is the device's to keep} */
    @Override
    public String toString() {
        return "AuthorizationRequest{" + device + ", " + hostname + ", "
                + (isReturn() ? "return" : entitlement + " x" + count) + "}";
    }
}
