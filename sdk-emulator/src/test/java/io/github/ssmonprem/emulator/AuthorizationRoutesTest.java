package io.github.ssmonprem.emulator;

import static io.github.ssmonprem.emulator.UsageRoutesTest.C8000V;
import static io.github.ssmonprem.emulator.UsageRoutesTest.assertRefused;
import static io.github.ssmonprem.emulator.UsageRoutesTest.fieldNames;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Authorization codes (HSEC, SLAC; PROTOCOL.md section 3): requested, polled, returned. */
class AuthorizationRoutesTest {

    static final String HSEC = "regid.2019-03.com.cisco.DNA_HSEC,1.0_509c41ab-05a8-431f-95fe-ec28086e8844";

    @RegisterExtension
    final SsmEmulatorExtension ssm = SsmEmulatorExtension.perTest(b -> b.testClock().acknowledgeAfter(1, Duration.ZERO));

    static String request(String keys, String extra) {
        return "{\"data\":{\"timestamp\":1656010025453,\"nonce\":\"random1234\",\"licenses\":[{\"sudi\":" + Wire.sudi(C8000V)
                + ",\"hostname\":\"Test-Device-01\",\"keys\":" + keys + extra + "}]}}";
    }

    @Test
    void aCodeIsRequestedPolledAndIssued(SsmEmulator emulator) {
        Wire wire = new Wire(emulator);
        Wire.Answer accepted = wire.authorize(request("[{\"entitlement\":\"" + HSEC + "\",\"count\":\"1\"}]", ""));
        assertEquals(202, accepted.status(), accepted.text());
        assertEquals("OK_POLL", accepted.field("status"));
        assertEquals("authorizations", accepted.field("action"));
        assertEquals("random1234", accepted.field("nonce"));
        String pollId = accepted.json().path("poll_id").bigIntegerValue().toString();

        assertRefused(emulator, wire.poll(wire.headers(), pollId, "acknowledgements"), 400, "INVALID_REQUEST",
                "is a request for authorizations, not acknowledgements");
        assertEquals("OK_POLL", wire.poll(wire.headers(), pollId, "authorizations").field("status"));
        Wire.Answer complete = wire.poll(wire.headers(), pollId, "authorizations");
        JsonNode c = complete.json();
        assertEquals("COMPLETE", c.path("status").asText());
        assertEquals("authorizations", c.path("type").asText());
        JsonNode entry = c.path("data").path("authorizations").get(0);
        assertEquals(List.of("product_instance_identifier", "sudi", "smart_license", "auth_status", "error_code", "status", "status_message",
                "correlation_id"), fieldNames(entry));
        assertEquals(Wire.sudi(C8000V), entry.path("sudi").toString());
        assertEquals("SUCCESS", entry.path("status").asText());
        assertEquals("None", entry.path("error_code").asText(), "as recorded from a real server");
        assertEquals("None", entry.path("status_message").asText());

        IssuedAuthorization issued = emulator.stats().issuedAuthorizations().get(0);
        assertEquals(entry.path("smart_license").asText(), issued.smartLicense());
        assertEquals(List.of(HSEC + "=1"), issued.entitlements());
        assertFalse(issued.isReturn());
        assertTrue(issued.text().contains("udi_serial_number=\"ASDF12345\"") && issued.text().contains("hostname=\"Test-Device-01\""),
                issued.text());
        assertEquals(entry.path("product_instance_identifier").asText(), issued.productInstanceIdentifier());
        assertEquals(1, emulator.stats().authorizationRequests());
        assertEquals(0, emulator.stats().acknowledgementsIssued());
    }

    @Test
    void aCodeIsReturnedWithNoKeysAndItsRemoveCode(SsmEmulator emulator) {
        Wire wire = new Wire(emulator);
        emulator.acknowledgeAfter(0, Duration.ZERO);
        Wire.Answer accepted = wire.authorize(request("[]", ",\"remove_code\":\"UDI_PID:C8000V;RC:12345\""));
        assertEquals(202, accepted.status(), accepted.text());
        String pollId = accepted.json().path("poll_id").asText();
        JsonNode entry = wire.poll(wire.headers(), pollId, "authorizations").json().path("data").path("authorizations").get(0);
        assertEquals("SUCCESS", entry.path("status").asText());
        IssuedAuthorization issued = emulator.stats().issuedAuthorizations().get(0);
        assertTrue(issued.isReturn());
        assertEquals("UDI_PID:C8000V;RC:12345", issued.removeCode());
        assertEquals(List.of(), issued.entitlements());
        assertTrue(issued.text().contains("type=\"return\""), issued.text());
    }

    @Test
    void malformedRequestsAreRefused(SsmEmulator emulator) {
        Wire wire = new Wire(emulator);
        assertRefused(emulator, wire.authorize(request("[]", "")), 400, "INVALID_REQUEST", "remove_code");
        assertRefused(emulator, wire.authorize(request("[{\"entitlement\":\"" + HSEC + "\",\"count\":\"one\"}]", "")), 400,
                "INVALID_REQUEST", "count must be a count");
        assertRefused(emulator, wire.authorize(request("[{\"count\":\"1\"}]", "")), 400, "INVALID_REQUEST", "entitlement");
        assertRefused(emulator, wire.authorize(request("{}", "")), 400, "INVALID_REQUEST", "keys must be an array");
        assertRefused(emulator, wire.authorize("{\"data\":{\"timestamp\":1,\"nonce\":\"n\",\"licenses\":[]}}"), 400, "INVALID_REQUEST",
                "data.licenses");
        assertEquals(0, emulator.stats().authorizationRequests());
    }

    @Test
    void anErrorEntryInPlaceOfACode(SsmEmulator emulator) {
        Wire wire = new Wire(emulator);
        emulator.acknowledgeAfter(0, Duration.ZERO);
        emulator.faults().errorEntryFor(C8000V, "FAILED", "No HSEC license available in the virtual account");
        String pollId = wire.authorize(request("[{\"entitlement\":\"" + HSEC + "\",\"count\":\"1\"}]", "")).json().path("poll_id").asText();
        JsonNode entry = wire.poll(wire.headers(), pollId, "authorizations").json().path("data").path("authorizations").get(0);
        assertEquals("FAILED", entry.path("status").asText());
        assertTrue(entry.path("smart_license").isNull());
        assertEquals("No HSEC license available in the virtual account", entry.path("status_message").asText());
        assertEquals(List.of(), emulator.stats().issuedAuthorizations());
    }
}
