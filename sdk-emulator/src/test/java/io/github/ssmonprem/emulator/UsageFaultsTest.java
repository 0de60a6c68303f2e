package io.github.ssmonprem.emulator;

import static io.github.ssmonprem.emulator.UsageRoutesTest.C8000V;
import static io.github.ssmonprem.emulator.UsageRoutesTest.C9800;
import static io.github.ssmonprem.emulator.UsageRoutesTest.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The faults of the usage routes, on demand; each served once as asked, then the usual answer again. */
class UsageFaultsTest {

    @RegisterExtension
    final SsmEmulatorExtension ssm = SsmEmulatorExtension.perTest(b -> b.testClock().acknowledgeAfter(0, Duration.ZERO).pollInterval(5));

    private static String pollId(Wire.Answer upload) {
        JsonNode id = upload.json().path("poll_id");
        return (id.isMissingNode() ? upload.json().path("data").path("poll_id") : id).bigIntegerValue().toString();
    }

    @Test
    void okPollWithAMessageAndCode(SsmEmulator emulator) {
        Wire wire = new Wire(emulator);
        String pollId = pollId(wire.upload(List.of(report(C9800, 1))));
        emulator.faults().okPollWithMessageNext(2, "Device is not registered yet", "DEVICE_PENDING");
        for (int i = 0; i < 2; i++) {
            Wire.Answer answer = wire.poll(pollId);
            assertEquals(200, answer.status());
            assertEquals("OK_POLL", answer.field("status"));
            assertEquals("Device is not registered yet", answer.field("message"));
            assertEquals("DEVICE_PENDING", answer.field("message_code"));
            assertEquals(5, answer.json().path("poll_interval").asInt());
        }
        assertEquals("COMPLETE", wire.poll(pollId).field("status"), "the fault spent, acknowledged as configured");
        assertEquals(2, emulator.stats().faultsServed());
    }

    @Test
    void forgottenPollIdsAnswer404AndTheirReportsCanBeUploadedAgain(SsmEmulator emulator) {
        Wire wire = new Wire(emulator);
        String acknowledged = pollId(wire.upload(Wire.uploadBody("a", List.of(report(C9800, 1)))));
        assertEquals("COMPLETE", wire.poll(acknowledged).field("status"));
        emulator.acknowledgeAfter(Integer.MAX_VALUE, Duration.ZERO);
        String pending = pollId(wire.upload(Wire.uploadBody("b", List.of(report(C9800, 2)))));
        assertEquals("OK_POLL", wire.poll(pending).field("status"));

        emulator.faults().forgetPollIds();
        assertEquals(404, wire.poll(pending).status());
        assertEquals(404, wire.poll(acknowledged).status());
        assertEquals(2, emulator.stats().unknownPolls());
        assertEquals(202, wire.upload(Wire.uploadBody("c", List.of(report(C9800, 2)))).status(), "the lost upload is taken again");
        assertEquals("FAILED", wire.upload(Wire.uploadBody("d", List.of(report(C9800, 1)))).field("status"),
                "an acknowledged report is still known");
    }

    @Test
    void forgettingPollIdsButKeepingReportsLeavesADuplicateWithoutAck(SsmEmulator emulator) {
        Wire wire = new Wire(emulator);
        emulator.acknowledgeAfter(Integer.MAX_VALUE, Duration.ZERO);
        String pending = pollId(wire.upload(List.of(report(C9800, 2))));
        emulator.faults().forgetPollIdsKeepingReports();
        assertEquals(404, wire.poll(pending).status());
        Wire.Answer again = wire.upload(List.of(report(C9800, 2)));
        assertEquals("FAILED", again.field("status"));
        assertTrue(UsageRoutesTest.ALREADY_RECEIVED.matcher(again.field("message")).find());
        assertEquals(0, emulator.stats().acknowledgementsIssued());
    }

    @Test
    void failedUploadsWithAMessageAndCode(SsmEmulator emulator) {
        Wire wire = new Wire(emulator);
        emulator.faults().failNextUploads(1, "Signature validation failed for the usage report", "SIGNATURE_INVALID");
        Wire.Answer failed = wire.upload(Wire.uploadBody("n-1", List.of(report(C9800, 1))));
        assertEquals(200, failed.status());
        assertEquals("FAILED", failed.field("status"));
        assertEquals("Signature validation failed for the usage report", failed.field("message"));
        assertEquals("SIGNATURE_INVALID", failed.field("message_code"));
        assertEquals("n-1", failed.field("nonce"));
        assertEquals(0, emulator.stats().distinctRumReports(), "nothing stored");
        assertEquals(1, emulator.stats().failedUploads());

        emulator.faults().failNextUploads(1, 400, "Unknown device", "DEVICE_UNKNOWN");
        Wire.Answer refused = wire.upload(List.of(report(C9800, 1)));
        assertEquals(400, refused.status());
        assertEquals("DEVICE_UNKNOWN", refused.field("message_code"));
        assertEquals(202, wire.upload(List.of(report(C9800, 1))).status(), "the same report, accepted now");
        assertEquals(0, emulator.stats().duplicatesRefused());
    }

    @Test
    void anErrorEntryForOneDeviceInPlaceOfItsAck(SsmEmulator emulator) {
        Wire wire = new Wire(emulator);
        emulator.faults().errorEntryFor(C8000V, "FAILED", "ACK_GENERATION_FAILED", "The device is not in this virtual account");
        String pollId = pollId(wire.upload(List.of(report(C9800, 1), report(C8000V, 1))));
        JsonNode acks = wire.poll(pollId).json().path("data").path("acknowledgements");
        assertEquals(2, acks.size());
        assertTrue(acks.get(0).path("smart_license").isTextual(), "the other device's ACK is served");
        JsonNode error = acks.get(1);
        assertEquals(Wire.sudi(C8000V), error.path("sudi").toString());
        assertTrue(error.path("smart_license").isNull());
        assertEquals("FAILED", error.path("status").asText());
        assertEquals("ACK_GENERATION_FAILED", error.path("error_code").asText());
        assertEquals("The device is not in this virtual account", error.path("status_message").asText());
        assertEquals(acks, wire.poll(pollId).json().path("data").path("acknowledgements"), "the answer stays so for this poll id");
        assertEquals(1, emulator.stats().acknowledgementsIssued());
        assertEquals(List.of(), emulator.stats().acknowledgementsFor(C8000V));

        String next = pollId(wire.upload(List.of(report(C8000V, 2))));
        assertTrue(wire.poll(next).json().path("data").path("acknowledgements").get(0).path("smart_license").isTextual(),
                "served once");
    }

    @Test
    void aHugeOrNegativePollInterval(SsmEmulator emulator) {
        Wire wire = new Wire(emulator);
        emulator.acknowledgeAfter(Integer.MAX_VALUE, Duration.ZERO);
        emulator.faults().pollIntervalNext(1, 1_000_000_000L);
        Wire.Answer upload = wire.upload(List.of(report(C9800, 1)));
        assertEquals(1_000_000_000L, upload.json().path("poll_interval").asLong());
        emulator.faults().pollIntervalNext(1, -5);
        assertEquals(-5, wire.poll(pollId(upload)).json().path("poll_interval").asLong());
        assertEquals(5, wire.poll(pollId(upload)).json().path("poll_interval").asLong());
    }

    @Test
    void anAnswerWithAnotherNonce(SsmEmulator emulator) {
        Wire wire = new Wire(emulator);
        emulator.faults().otherNonceNext(1);
        Wire.Answer answer = wire.upload(Wire.uploadBody("mine", List.of(report(C9800, 1))));
        assertEquals("OK_POLL", answer.field("status"));
        assertNotEquals("mine", answer.field("nonce"));
        assertEquals(1, emulator.stats().distinctRumReports(), "stored all the same");
        assertEquals("mine", wire.upload(Wire.uploadBody("mine", List.of(report(C9800, 2)))).field("nonce"));
    }

    @Test
    void aPollIdUnderData(SsmEmulator emulator) {
        Wire wire = new Wire(emulator);
        emulator.faults().pollIdUnderDataNext(1);
        Wire.Answer answer = wire.upload(List.of(report(C9800, 1)));
        assertTrue(answer.json().path("poll_id").isMissingNode());
        assertTrue(answer.json().path("data").path("poll_id").isIntegralNumber());
        assertEquals("COMPLETE", wire.poll(pollId(answer)).field("status"));
    }

    @Test
    void twoHundredInsteadOf202(SsmEmulator emulator) {
        Wire wire = new Wire(emulator);
        emulator.faults().accept200Next(1);
        assertEquals(200, wire.upload(List.of(report(C9800, 1))).status());
        assertEquals(202, wire.upload(List.of(report(C9800, 2))).status());
    }

    @Test
    void numericIdsInTheSearch(SsmEmulator emulator) {
        Wire wire = new Wire(emulator);
        emulator.faults().numericSearchIdsNext(1);
        JsonNode account = wire.get("/backend/api/v2/accounts/search").json().path("accounts").get(0);
        assertTrue(account.path("account_id").isIntegralNumber());
        assertTrue(account.path("virtual_accounts").get(0).path("virtual_account_id").isIntegralNumber());
        assertEquals(emulator.accountId(SsmEmulator.DEMO_ACCOUNT), account.path("account_id").asText());
        assertTrue(wire.get("/backend/api/v2/accounts/search").json().path("accounts").get(0).path("account_id").isTextual());
    }

    @Test
    void clearEndsTheUsageFaults(SsmEmulator emulator) {
        Wire wire = new Wire(emulator);
        emulator.faults().failNextUploads(3, "no", "NO").accept200Next(3).otherNonceNext(3).pollIdUnderDataNext(3).pollIntervalNext(3, -1)
                .okPollWithMessageNext(3, "wait", "W").numericSearchIdsNext(3).errorEntryFor(C9800, "FAILED", "no");
        emulator.faults().clear();
        Wire.Answer upload = wire.upload(Wire.uploadBody("n", List.of(report(C9800, 1))));
        assertEquals(202, upload.status());
        assertEquals("n", upload.field("nonce"));
        assertEquals(5, upload.json().path("poll_interval").asInt());
        Wire.Answer complete = wire.poll(pollId(upload));
        assertTrue(complete.json().path("data").path("acknowledgements").get(0).path("smart_license").isTextual());
        assertTrue(wire.get("/backend/api/v2/accounts/search").json().path("accounts").get(0).path("account_id").isTextual());
        assertEquals(0, emulator.stats().faultsServed());
    }
}
