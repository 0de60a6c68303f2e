package io.github.ssmonprem.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ssmonprem.core.testing.TestClock;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The emulator's account search, upload and poll routes, spoken strictly (PROTOCOL.md sections 2 to 4), over plain HTTP. */
class UsageRoutesTest {

    static final Instant START = Instant.parse("2024-05-01T00:00:00Z");
    static final DeviceId C9800 = new DeviceId("C9800-CL-K9", "9NTUEA8FIIH");
    static final DeviceId C8000V = new DeviceId("C8000V", "ASDF12345");
    /** The SDK's default already-received pattern (SsmSyncClientBuilder.alreadyReceivedPattern). */
    static final Pattern ALREADY_RECEIVED = Pattern.compile("(?i)already\\s+(been\\s+)?(received|reported|uploaded|processed|exists)|duplicate");
    static final BigInteger TWO_TO_53 = BigInteger.ONE.shiftLeft(53);

    @RegisterExtension
    final SsmEmulatorExtension ssm = SsmEmulatorExtension.perTest(b -> b.testClock().acknowledgeAfter(1, Duration.ZERO).pollInterval(300));

    static RumReportFixture report(DeviceId device, long id) {
        return RumReportFixture.builder().device(device).reportId(id).count(3, START, START.plus(Duration.ofDays(1))).build();
    }

    // ---- account search ----

    @Test
    void searchListsNumericIdsAsStringsAndTheyCanBeSet() {
        try (SsmEmulator emulator = SsmEmulator.builder().account("acme.example", "Acme", "DEFAULT", "Lab-01")
                .accountId("acme.example", "123456").virtualAccountId("acme.example", "Lab-01", "654321").start()) {
            Wire wire = new Wire(emulator);
            Wire.Answer answer = wire.get("/backend/api/v2/accounts/search");
            assertEquals(200, answer.status());
            assertEquals("COMPLETE", answer.field("status"));
            assertEquals("", answer.field("message_code"));
            JsonNode acme = null;
            for (JsonNode a : answer.json().path("accounts")) {
                assertTrue(a.path("account_id").isTextual(), "ids are strings, as recorded: " + a);
                if ("acme.example".equals(a.path("domain").asText())) {
                    acme = a;
                }
            }
            assertEquals("123456", acme.path("account_id").asText());
            assertEquals("Acme", acme.path("name").asText());
            JsonNode vas = acme.path("virtual_accounts");
            assertEquals("DEFAULT", vas.get(0).path("name").asText());
            assertTrue(vas.get(0).path("default").asBoolean());
            assertEquals(emulator.virtualAccountId("acme.example", "DEFAULT"), vas.get(0).path("virtual_account_id").asText());
            assertTrue(vas.get(0).path("virtual_account_id").asText().matches("[0-9]+"));
            assertEquals("654321", vas.get(1).path("virtual_account_id").asText());
            assertFalse(vas.get(1).path("default").asBoolean());
            assertEquals(1, emulator.stats().accountSearches());
            assertEquals(1, emulator.stats().requests("search"));
        }
    }

    // ---- upload ----

    @Test
    void anUploadIsAcceptedWithTheRecordedAnswerAndA64BitPollId(SsmEmulator emulator) {
        Wire wire = new Wire(emulator);
        RumReportFixture report = report(C9800, 1671840750);
        Wire.Answer answer = wire.upload(Wire.uploadBody("nonce-42", List.of(report)));
        assertEquals(202, answer.status(), answer.text());
        JsonNode a = answer.json();
        assertEquals(List.of("status", "message_code", "message", "timestamp", "nonce", "type", "poll_id", "poll_interval", "action"),
                fieldNames(a));
        assertEquals("OK_POLL", a.path("status").asText());
        assertTrue(a.path("message_code").isNull());
        assertTrue(a.path("message").isNull());
        assertTrue(a.path("type").isNull());
        assertEquals(emulator.clock().millis(), a.path("timestamp").asLong());
        assertEquals("nonce-42", a.path("nonce").asText());
        assertTrue(a.path("poll_id").isIntegralNumber(), "a JSON number");
        BigInteger pollId = a.path("poll_id").bigIntegerValue();
        assertTrue(pollId.compareTo(TWO_TO_53) > 0, "beyond a double's exact integers: " + pollId);
        assertTrue(pollId.bitLength() <= 63, "a 64-bit number");
        assertTrue(pollId.testBit(0), "odd, so no double holds it exactly");
        assertTrue(answer.text().contains("\"poll_id\":" + pollId + ","), "written as its digits");
        assertEquals(300, a.path("poll_interval").asInt());
        assertEquals("acknowledgements", a.path("action").asText());

        assertEquals(1, emulator.stats().uploads());
        assertEquals(1, emulator.stats().acceptedUploads());
        assertEquals(1, emulator.stats().uploadsOf(report.key()));
        assertEquals(1, emulator.stats().distinctRumReports());
        assertEquals(0, emulator.stats().refusedRequests());
        assertEquals(Wire.REQUESTING_SYSTEM, emulator.stats().lastRequestingSystem());
        ReceivedRumReport received = emulator.stats().receivedReport("C9800-CL-K9:9NTUEA8FIIH#1671840750").orElseThrow();
        assertEquals(C9800, received.sudi());
        assertEquals("1671840750", received.reportId());
        assertEquals(emulator.accountId(SsmEmulator.DEMO_ACCOUNT), received.accountId());
        assertEquals(emulator.virtualAccountId(SsmEmulator.DEMO_ACCOUNT, "DEFAULT"), received.virtualAccountId());
        assertEquals(pollId.toString(), received.pollId());
    }

    @Test
    void everyPollIdIsOddAbove2To53SoNoDoubleHoldsIt(SsmEmulator emulator) {
        Wire wire = new Wire(emulator);
        for (int i = 1; i <= 24; i++) {
            BigInteger pollId = wire.upload(List.of(report(C9800, i))).json().path("poll_id").bigIntegerValue();
            assertTrue(pollId.compareTo(TWO_TO_53) > 0 && pollId.testBit(0), pollId.toString());
            assertNotEquals(pollId, new java.math.BigDecimal(pollId.doubleValue()).toBigInteger(), "a double changes it");
        }
    }

    @Test
    void aPayloadIsKeptByteForByteWithTheSpacingAndEscapesItCameWith(SsmEmulator emulator) {
        RumReportFixture quirky = RumReportFixture.builder().device(C9800).reportId(7).count(2, START, START.plusSeconds(3600))
                .spacing(true).escapeSlashes(true).build();
        assertTrue(quirky.payload().contains("\": ") && quirky.payload().contains("\\/"), quirky.payload());
        String body = Wire.uploadBody("n-1", List.of(quirky));
        assertEquals(202, new Wire(emulator).upload(body).status());
        assertEquals(List.of(quirky.payload()), emulator.stats().receivedPayloads());
        assertEquals(body, emulator.stats().lastUploadBody());
    }

    @Test
    void anUploadMayBeAnswered200() {
        try (SsmEmulator emulator = SsmEmulator.builder().acceptedStatus(200).start()) {
            Wire.Answer answer = new Wire(emulator).upload(List.of(report(C9800, 1)));
            assertEquals(200, answer.status());
            assertEquals("OK_POLL", answer.field("status"));
        }
    }

    @Test
    void reportsAreGroupedByDeviceAndAckedPerDevice(SsmEmulator emulator) {
        Wire wire = new Wire(emulator);
        RumReportFixture a1 = report(C9800, 11);
        RumReportFixture a2 = RumReportFixture.builder().device(C9800).reportId(12).entitlementTag("regid.other,1.0_x")
                .count(1, START, START.plusSeconds(60)).build();
        RumReportFixture b1 = RumReportFixture.builder().device(C8000V).softwareTag("regid.2019-10.com.cisco.C8000V,1.0_e361c3dc")
                .reportId(11).count(5, START, START.plusSeconds(60)).build();
        Wire.Answer upload = wire.upload(List.of(a1, a2, b1));
        String pollId = upload.json().path("poll_id").bigIntegerValue().toString();

        Wire.Answer first = wire.poll(pollId);
        assertEquals(200, first.status());
        assertEquals(List.of("status", "message_code", "message", "timestamp", "nonce", "type", "poll_id", "poll_interval", "action"),
                fieldNames(first.json()));
        assertEquals("OK_POLL", first.field("status"));
        assertEquals("", first.field("message"), "not ready, nothing wrong: an empty message");
        assertEquals("poll-nonce", first.field("nonce"), "the poll's nonce echoed");
        assertEquals(300, first.json().path("poll_interval").asInt());

        Wire.Answer complete = wire.poll(pollId);
        assertEquals(200, complete.status());
        JsonNode c = complete.json();
        assertEquals("COMPLETE", c.path("status").asText());
        assertEquals("acknowledgements", c.path("type").asText());
        assertTrue(c.path("correlation_id").asText().length() > 10);
        JsonNode acks = c.path("data").path("acknowledgements");
        assertEquals(2, acks.size(), "one ACK per device");
        assertEquals(Wire.sudi(C9800), acks.get(0).path("sudi").toString());
        assertEquals("WLC_9500C", acks.get(0).path("software_tag_identifier").asText());
        String ackText = new String(Base64.getDecoder().decode(acks.get(0).path("smart_license").asText()), StandardCharsets.UTF_8);
        assertTrue(ackText.contains("udi_serial_number=\"9NTUEA8FIIH\"") && ackText.contains("report_ids=\"11,12\""), ackText);
        assertEquals(Wire.sudi(C8000V), acks.get(1).path("sudi").toString());
        assertEquals("C8000V", acks.get(1).path("software_tag_identifier").asText(), "as the recorded answer names it");
        String other = new String(Base64.getDecoder().decode(acks.get(1).path("smart_license").asText()), StandardCharsets.UTF_8);
        assertTrue(other.contains("udi_serial_number=\"ASDF12345\"") && other.contains("report_ids=\"11\""), other);

        assertEquals(2, emulator.stats().acknowledgementsIssued());
        IssuedAcknowledgement issued = emulator.stats().acknowledgementsFor(C8000V).get(0);
        assertEquals(List.of("11"), issued.reportIds());
        assertEquals(acks.get(1).path("smart_license").asText(), issued.smartLicense());
        assertEquals(other, issued.text());
        assertEquals(c.path("correlation_id").asText(), issued.correlationId());

        Wire.Answer again = wire.poll(pollId);
        assertEquals("COMPLETE", again.field("status"));
        assertEquals(c.path("correlation_id"), again.json().path("correlation_id"), "the same answer on later polls");
        assertEquals(acks, again.json().path("data").path("acknowledgements"));
        assertEquals(2, emulator.stats().acknowledgementsIssued(), "issued once");
        assertEquals(3, emulator.stats().polls());
    }

    @Test
    void aDelayIsMeasuredOnTheEmulatorsClock(SsmEmulator emulator, TestClock clock) {
        emulator.acknowledgeAfter(0, Duration.ofSeconds(30));
        Wire wire = new Wire(emulator);
        String pollId = wire.upload(List.of(report(C9800, 1))).json().path("poll_id").asText();
        assertEquals("OK_POLL", wire.poll(pollId).field("status"));
        clock.advance(Duration.ofSeconds(29));
        assertEquals("OK_POLL", wire.poll(pollId).field("status"));
        clock.advance(Duration.ofSeconds(1));
        assertEquals("COMPLETE", wire.poll(pollId).field("status"));
    }

    @Test
    void aPollTimestampMayBeDigitsInAString(SsmEmulator emulator) {
        Wire wire = new Wire(emulator);
        String pollId = wire.upload(List.of(report(C9800, 1))).json().path("poll_id").asText();
        Wire.Answer answer = wire.post("/backend/api/v2/accounts/poll", wire.headers(),
                "{\"data\":{\"timestamp\":\"1700000000000\",\"nonce\":\"x\",\"poll_id\":" + pollId + ",\"action\":\"acknowledgements\"}}");
        assertEquals(200, answer.status(), answer.text());
    }

    // ---- duplicates ----

    @Test
    void aReportAlreadyReceivedMakesTheUploadFailedAlreadyReceived(SsmEmulator emulator) {
        Wire wire = new Wire(emulator);
        RumReportFixture report = report(C9800, 1671840750);
        assertEquals(202, wire.upload(List.of(report)).status());
        Wire.Answer again = wire.upload(Wire.uploadBody("nonce-2", List.of(report)));
        assertEquals(200, again.status());
        assertEquals("FAILED", again.field("status"));
        assertEquals("nonce-2", again.field("nonce"));
        assertTrue(ALREADY_RECEIVED.matcher(again.field("message")).find(), again.field("message"));
        assertTrue(again.field("message").contains(report.key()), again.field("message"));
        assertEquals(UsageRoutes.DEFAULT_DUPLICATE_CODE, again.field("message_code"));
        assertTrue(again.json().path("poll_id").isMissingNode());
        assertEquals(1, emulator.stats().duplicatesRefused());
        assertEquals(2, emulator.stats().uploadsOf(report.key()), "sent twice");
        assertEquals(1, emulator.stats().distinctRumReports());
        assertEquals(0, emulator.stats().refusedRequests(), "a duplicate is no malformed request");
    }

    @Test
    void anUploadWithOneReportAlreadyReceivedIsRefusedWhole(SsmEmulator emulator) {
        Wire wire = new Wire(emulator);
        wire.upload(List.of(report(C9800, 1)));
        Wire.Answer mixed = wire.upload(List.of(report(C9800, 1), report(C9800, 2)));
        assertEquals("FAILED", mixed.field("status"));
        assertEquals(1, emulator.stats().distinctRumReports(), "nothing of the refused upload is kept");
        assertTrue(emulator.stats().receivedReport(C9800 + "#2").isEmpty());
    }

    @Test
    void theDuplicateAnswerIsConfigurable() {
        try (SsmEmulator emulator = SsmEmulator.builder().duplicateAnswer(400, "Report is a replay", "RUM_REPLAY").start()) {
            Wire wire = new Wire(emulator);
            wire.upload(List.of(report(C9800, 1)));
            Wire.Answer again = wire.upload(List.of(report(C9800, 1)));
            assertEquals(400, again.status());
            assertEquals("FAILED", again.field("status"));
            assertEquals("Report is a replay", again.field("message"));
            assertEquals("RUM_REPLAY", again.field("message_code"));
            assertFalse(ALREADY_RECEIVED.matcher(again.field("message")).find());
        }
    }

    // ---- strict refusals of uploads ----

    @Test
    void accountNamesInPlaceOfIdsAreRefused(SsmEmulator emulator) {
        Wire wire = new Wire(emulator);
        Map<String, String> names = wire.headers();
        names.put("X-CSW-SMART-ACCOUNT-ID", SsmEmulator.DEMO_ACCOUNT);
        assertRefused(emulator, wire.upload(names, Wire.uploadBody("n", List.of(report(C9800, 1)))), 400, "INVALID_HEADER",
                "X-CSW-SMART-ACCOUNT-ID must be the numeric account_id");
        Map<String, String> vaName = wire.headers();
        vaName.put("X-CSW-VIRTUAL-ACCOUNT-ID", "DEFAULT");
        assertRefused(emulator, wire.upload(vaName, Wire.uploadBody("n", List.of(report(C9800, 1)))), 400, "INVALID_HEADER",
                "X-CSW-VIRTUAL-ACCOUNT-ID must be the numeric virtual_account_id");
        assertEquals(0, emulator.stats().distinctRumReports());
    }

    @Test
    void unknownIdsAreRefused(SsmEmulator emulator) {
        Wire wire = new Wire(emulator);
        Map<String, String> unknown = wire.headers();
        unknown.put("X-CSW-SMART-ACCOUNT-ID", "999999");
        assertRefused(emulator, wire.upload(unknown, Wire.uploadBody("n", List.of(report(C9800, 1)))), 403, "ACCESS_DENIED", "999999");
        Map<String, String> otherVa = wire.headers();
        otherVa.put("X-CSW-VIRTUAL-ACCOUNT-ID", "999999");
        assertRefused(emulator, wire.upload(otherVa, Wire.uploadBody("n", List.of(report(C9800, 1)))), 403, "ACCESS_DENIED", "999999");
    }

    @Test
    void theRequestingSystemMustBeAUdi(SsmEmulator emulator) {
        Wire wire = new Wire(emulator);
        String body = Wire.uploadBody("n", List.of(report(C9800, 1)));
        Map<String, String> guessed = wire.headers();
        guessed.put("X-CSW-REQUESTING-SYSTEM", "{\"display_name\":\"app\",\"host_identifier\":\"h\"}");
        assertRefused(emulator, wire.upload(guessed, body), 400, "INVALID_HEADER", "X-CSW-REQUESTING-SYSTEM needs udi_pid");
        assertEquals("{\"display_name\":\"app\",\"host_identifier\":\"h\"}", emulator.stats().lastRequestingSystem(), "kept as sent");
        Map<String, String> notJson = wire.headers();
        notJson.put("X-CSW-REQUESTING-SYSTEM", "MGMT-APP APP-0001");
        assertRefused(emulator, wire.upload(notJson, body), 400, "INVALID_HEADER", "not JSON");
        Map<String, String> none = wire.headers();
        none.remove("X-CSW-REQUESTING-SYSTEM");
        assertRefused(emulator, wire.upload(none, body), 400, "INVALID_HEADER", "X-CSW-REQUESTING-SYSTEM is required");
        Map<String, String> spaced = wire.headers();
        spaced.put("X-CSW-REQUESTING-SYSTEM", "{\"udi_pid\": \"C8000V\",  \"udi_serial_number\": \"ASDF1234\"}");
        assertEquals(202, wire.upload(spaced, body).status(), "spacing as in the recorded requests is fine");
    }

    @Test
    void aPayloadThatIsNotAStringIsRefused(SsmEmulator emulator) {
        RumReportFixture r = report(C9800, 1);
        String entry = "{\"payload\":" + r.payload() + ",\"signature\":" + r.signature() + "}";
        assertRefused(emulator, new Wire(emulator).upload(Wire.oneEntry(C9800, entry)), 400, "INVALID_PAYLOAD",
                "payload must be a string holding the RUM report's JSON text, not object");
        assertEquals(0, emulator.stats().distinctRumReports());
    }

    @Test
    void aPayloadThatIsNotJsonTextIsRefused(SsmEmulator emulator) {
        RumReportFixture r = report(C9800, 1);
        String cut = r.payload().substring(0, r.payload().length() - 1);
        String entry = "{\"payload\":" + RumReportFixture.quote(cut, false) + ",\"signature\":" + r.signature() + "}";
        assertRefused(emulator, new Wire(emulator).upload(Wire.oneEntry(C9800, entry)), 400, "INVALID_PAYLOAD", "payload is not JSON text");
        String trailing = "{\"payload\":" + RumReportFixture.quote(r.payload() + " x", false) + ",\"signature\":" + r.signature() + "}";
        assertRefused(emulator, new Wire(emulator).upload(Wire.oneEntry(C9800, trailing)), 400, "INVALID_PAYLOAD", "payload is not JSON text");
    }

    @Test
    void aPayloadWithoutReportIdIsRefused(SsmEmulator emulator) {
        String payload = "{\"version\":\"2.0\",\"asset_identification\":{\"instance\":{\"sudi\":" + Wire.sudi(C9800) + "}}}";
        String entry = "{\"payload\":" + RumReportFixture.quote(payload, false) + ",\"signature\":" + report(C9800, 1).signature() + "}";
        assertRefused(emulator, new Wire(emulator).upload(Wire.oneEntry(C9800, entry)), 400, "INVALID_PAYLOAD", "no asset_identification.report_id");
    }

    @Test
    void anOlderPayloadWithItsReportIdUnderMetaIsTaken(SsmEmulator emulator) {
        RumReportFixture older = RumReportFixture.builder().device(C8000V).reportId(1646687340).reportIdUnderMeta()
                .count(1, START, START.plusSeconds(60)).build();
        assertEquals(202, new Wire(emulator).upload(List.of(older)).status());
        assertTrue(emulator.stats().receivedReport("C8000V:ASDF12345#1646687340").isPresent());
    }

    @Test
    void aReportWithoutSignatureIsRefused(SsmEmulator emulator) {
        RumReportFixture r = report(C9800, 1);
        String entry = "{\"payload\":" + RumReportFixture.quote(r.payload(), false) + "}";
        assertRefused(emulator, new Wire(emulator).upload(Wire.oneEntry(C9800, entry)), 400, "INVALID_SIGNATURE", "has no signature");
        String noValue = "{\"payload\":" + RumReportFixture.quote(r.payload(), false) + ",\"signature\":{\"sudi\":" + Wire.sudi(C9800)
                + ",\"signing_type\":\"builtin\",\"key\":\"k\"}}";
        assertRefused(emulator, new Wire(emulator).upload(Wire.oneEntry(C9800, noValue)), 400, "INVALID_SIGNATURE", "signature.value");
        String noSudi = "{\"payload\":" + RumReportFixture.quote(r.payload(), false)
                + ",\"signature\":{\"signing_type\":\"builtin\",\"key\":\"k\",\"value\":\"AAAA\"}}";
        assertRefused(emulator, new Wire(emulator).upload(Wire.oneEntry(C9800, noSudi)), 400, "INVALID_SIGNATURE", "signature.sudi");
        assertEquals(0, emulator.stats().distinctRumReports());
    }

    @Test
    void aPayloadOrSignatureNamingAnotherDeviceIsRefused(SsmEmulator emulator) {
        Wire wire = new Wire(emulator);
        RumReportFixture payloadElsewhere = RumReportFixture.builder().device(C9800).payloadDevice(C8000V).count(1, START, START.plusSeconds(9))
                .build();
        assertRefused(emulator, wire.upload(List.of(payloadElsewhere)), 400, "SUDI_MISMATCH", "the payload's device C8000V:ASDF12345");
        RumReportFixture signedElsewhere = RumReportFixture.builder().device(C9800).signatureDevice(C8000V).count(1, START, START.plusSeconds(9))
                .build();
        String inC9800Group = Wire.oneEntry(C9800, "{\"payload\":" + RumReportFixture.quote(signedElsewhere.payload(), false)
                + ",\"signature\":" + signedElsewhere.signature() + "}");
        assertRefused(emulator, wire.upload(inC9800Group), 400, "SUDI_MISMATCH", "the signature's device C8000V:ASDF12345");
        RumReportFixture fine = report(C9800, 5);
        String inOtherGroup = Wire.oneEntry(C8000V, "{\"payload\":" + RumReportFixture.quote(fine.payload(), false) + ",\"signature\":"
                + fine.signature() + "}");
        assertRefused(emulator, wire.upload(inOtherGroup), 400, "SUDI_MISMATCH", "is not the report group's C8000V:ASDF12345");
        assertEquals(0, emulator.stats().distinctRumReports());
    }

    @Test
    void theEnvelopeIsChecked(SsmEmulator emulator) {
        Wire wire = new Wire(emulator);
        String good = Wire.uploadBody("n", List.of(report(C9800, 1)));
        assertRefused(emulator, wire.upload(good.replace("\"timestamp\":1700000000000", "\"timestamp\":\"1700000000000\"")), 400,
                "INVALID_REQUEST", "data.timestamp must be a number");
        assertRefused(emulator, wire.upload(good.replace("\"nonce\":\"n\",", "")), 400, "INVALID_REQUEST", "data.nonce");
        assertRefused(emulator, wire.upload("{\"data\":{\"timestamp\":1,\"nonce\":\"n\",\"reports\":[]}}"), 400, "INVALID_REQUEST",
                "data.reports must be a non-empty array");
        assertRefused(emulator, wire.upload(good.substring(1)), 400, "INVALID_REQUEST", "not JSON");
        assertRefused(emulator, wire.upload(good.replace("{\"data\":", "{\"body\":")), 400, "INVALID_REQUEST", "{\"data\":{..}}");
        Map<String, String> form = wire.headers();
        form.put("Content-Type", "application/x-www-form-urlencoded");
        assertRefused(emulator, wire.upload(form, good), 415, "UNSUPPORTED_MEDIA_TYPE", "application/json");
        assertRefused(emulator, wire.upload(List.of(report(C9800, 1), report(C9800, 1))), 400, "INVALID_REQUEST", "appears twice");
        assertEquals(0, emulator.stats().distinctRumReports());
        assertEquals(7, emulator.stats().uploads());
    }

    @Test
    void aBodyOverNginxsLimitIs413() {
        try (SsmEmulator emulator = SsmEmulator.builder().maxRequestBytes(2000).start()) {
            Wire wire = new Wire(emulator);
            List<RumReportFixture> many = List.of(report(C9800, 1), report(C9800, 2), report(C9800, 3));
            Wire.Answer answer = wire.upload(many);
            assertEquals(413, answer.status());
            assertTrue(answer.text().contains("413 Request Entity Too Large") && answer.text().contains("nginx"), answer.text());
            assertEquals(202, wire.upload(List.of(report(C9800, 1))).status(), "a smaller upload passes");
        }
    }

    // ---- strict refusals of polls ----

    @Test
    void aPollIdMustComeBackAsTheSameJsonNumber(SsmEmulator emulator) {
        Wire wire = new Wire(emulator);
        BigInteger pollId = wire.upload(List.of(report(C9800, 1))).json().path("poll_id").bigIntegerValue();
        assertRefused(emulator, wire.poll("\"" + pollId + "\""), 400, "INVALID_REQUEST", "not a string");
        assertRefused(emulator, wire.poll(Double.toString(pollId.doubleValue())), 400, "INVALID_REQUEST", "must be an integer");
        BigInteger throughADouble = new java.math.BigDecimal(pollId.doubleValue()).toBigInteger();
        assertNotEquals(pollId, throughADouble);
        Wire.Answer rounded = wire.poll(throughADouble.toString());
        assertRefused(emulator, rounded, 404, "POLL_ID_NOT_FOUND", throughADouble.toString());
        assertEquals(1, emulator.stats().unknownPolls());
        assertEquals(200, wire.poll(pollId.toString()).status(), "every digit kept");
        assertEquals(1, emulator.stats().polls());
    }

    @Test
    void anUnknownPollIdIs404WithAJsonError(SsmEmulator emulator) {
        Wire.Answer answer = new Wire(emulator).poll("9007199254740993");
        assertRefused(emulator, answer, 404, "POLL_ID_NOT_FOUND", "No request with poll_id 9007199254740993");
        assertEquals("FAILED", answer.field("status"));
    }

    @Test
    void aPollNeedsItsActionAndItsAccount(SsmEmulator emulator) {
        Wire wire = new Wire(emulator);
        String pollId = wire.upload(List.of(report(C9800, 1))).json().path("poll_id").asText();
        assertRefused(emulator, wire.poll(wire.headers(), pollId, "acks"), 400, "INVALID_REQUEST", "data.action");
        assertRefused(emulator, wire.poll(wire.headers(), pollId, "authorizations"), 400, "INVALID_REQUEST",
                "is a request for acknowledgements, not authorizations");
        assertRefused(emulator, wire.poll(wire.headers(SsmEmulator.DEMO_ACCOUNT, "Branch-East"), pollId, "acknowledgements"), 404,
                "POLL_ID_NOT_FOUND", pollId);
        Map<String, String> names = wire.headers();
        names.put("X-CSW-SMART-ACCOUNT-ID", SsmEmulator.DEMO_ACCOUNT);
        assertRefused(emulator, wire.poll(names, pollId, "acknowledgements"), 400, "INVALID_HEADER", "numeric account_id");
        assertEquals(0, emulator.stats().polls());
    }

    @Test
    void theUsageRoutesNeedAToken(SsmEmulator emulator) {
        Wire wire = new Wire(emulator);
        emulator.revokeAllTokens();
        assertEquals(401, wire.upload(List.of(report(C9800, 1))).status());
        assertEquals(401, wire.get("/backend/api/v2/accounts/search").status());
        assertEquals(1, emulator.stats().uploadsOf(report(C9800, 1).key()), "counted all the same");
        assertEquals(0, emulator.stats().distinctRumReports());
    }

    static void assertRefused(SsmEmulator emulator, Wire.Answer answer, int status, String code, String messagePart) {
        assertEquals(status, answer.status(), answer.text());
        assertEquals("FAILED", answer.field("status"), answer.text());
        assertEquals(code, answer.field("message_code"), answer.text());
        assertTrue(answer.field("message").contains(messagePart), answer.field("message"));
        assertTrue(emulator.stats().lastRefusal().contains(messagePart), emulator.stats().lastRefusal());
        assertNull(answer.json().get("poll_id"));
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
