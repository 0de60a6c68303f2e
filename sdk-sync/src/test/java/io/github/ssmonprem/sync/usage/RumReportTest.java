package io.github.ssmonprem.sync.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class RumReportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void readsTheDeviceReportsFieldsAndKeepsItsTextByteForByte() {
        String payload = Rum.payload("C9800-CL-K9", "9NTUEA8FIIH", 1671840750L);
        RumReport r = RumReport.of(payload, Rum.signature("C9800-CL-K9", "9NTUEA8FIIH"));
        assertEquals(payload, r.payload());
        assertTrue(r.payload().contains("\": \"") && r.payload().contains("a\\/b"), "the device's spacing and escapes are kept");
        assertEquals(new Sudi("C9800-CL-K9", "9NTUEA8FIIH"), r.sudi());
        assertEquals("1671840750", r.reportId());
        assertEquals(Rum.TAG, r.softwareTag());
        assertEquals(Rum.ENTITLEMENT, r.entitlementTag());
        assertEquals("C9800-CL-K9:9NTUEA8FIIH#1671840750", r.key());
    }

    @Test
    void readsTheReportIdOfOlderPayloadsFromMetaAndKeepsLargeIdsExactly() {
        String older = "{\"version\":\"1.0\",\"meta\":{\"report_id\":123456789012345678901234567890,\"entitlement_tag\":\"x\"}}";
        RumReport r = RumReport.of(older, Rum.signature("PID", "SN"));
        assertEquals("123456789012345678901234567890", r.reportId());
        assertEquals("x", r.entitlementTag());
        assertEquals(Rum.TAG, r.softwareTag(), "without an asset name, the signature's key is the software tag");
    }

    @Test
    void refusesWhatIsNotARumReport() {
        String sig = Rum.signature("PID", "SN");
        assertRefused("not JSON", () -> RumReport.of("{\"version\": ", sig));
        assertRefused("not a JSON object", () -> RumReport.of("[1,2]", sig));
        assertRefused("no report id", () -> RumReport.of("{\"version\":\"2.0\"}", sig));
        assertRefused("no signature", () -> RumReport.of(Rum.payload("PID", "SN", 1), " "));
        assertRefused("does not name its device", () -> RumReport.of(Rum.payload("PID", "SN", 1), "{\"signing_type\":\"builtin\"}"));
        assertRefused("differs between its payload (PID:SN) and its signature (PID:OTHER)",
                () -> RumReport.of(Rum.payload("PID", "SN", 1), Rum.signature("PID", "OTHER")));
        assertRefused("more than", () -> RumReport.of("{\"x\":\"" + "a".repeat(RumReport.MAX_PAYLOAD_CHARS) + "\"}", sig));
        assertRefused("control character", () -> new Sudi("PID\u0007", "SN"));
    }

    private static void assertRefused(String expected, org.junit.jupiter.api.function.Executable call) {
        InvalidUsageReportException e = assertThrows(InvalidUsageReportException.class, call);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void theBuilderComposesAReportOfTheProtocolsShapeWithADigestForSignature() throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC);
        RumReport r = RumReport.builder().device(new Sudi("VMANAGE", "SN-1")).softwareTag("regid.sdwan").entitlementTag("regid.adv")
                .softwareVersion("20.12.1").reportId(42).count(12, Instant.parse("2026-11-30T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"))
                .clock(clock).build();
        JsonNode p = JSON.readTree(r.payload());
        assertEquals("2.0", p.path("version").asText());
        assertEquals(42, p.path("asset_identification").path("report_id").asLong());
        assertEquals("VMANAGE", p.path("asset_identification").path("instance").path("sudi").path("udi_pid").asText());
        JsonNode m = p.path("measurements").get(0);
        assertEquals("ENTITLEMENT", m.path("metric_name").asText());
        assertEquals(Instant.parse("2026-11-30T00:00:00Z").getEpochSecond(), m.path("start_time").asLong(), "epoch seconds");
        assertEquals(86400, m.path("sample_interval").asLong());
        assertTrue(m.path("value").path("value").isTextual(), "counts are decimal strings");
        assertEquals("12", m.path("value").path("value").asText());
        JsonNode s = JSON.readTree(r.signature());
        assertEquals("SHA-256", s.path("signing_type").asText());
        String digest = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                .digest(r.payload().getBytes(StandardCharsets.UTF_8)));
        assertEquals(digest, s.path("value").asText());
        assertEquals(new Sudi("VMANAGE", "SN-1"), r.sudi());
        assertEquals("42", r.reportId());
    }

    @Test
    void theBuilderRefusesValuesTheWireCannotCarry() {
        Instant t = Instant.parse("2026-12-01T00:00:00Z");
        assertRefused("outside 1970 to 9999", () -> RumReport.builder().count(1, t, Instant.parse("+999999999-12-31T23:59:59Z")));
        assertRefused("outside 1970 to 9999", () -> RumReport.builder().count(1, Instant.parse("1969-12-31T00:00:00Z"), t));
        RumReportBuilder negative = RumReport.builder().device(new Sudi("P", "S")).softwareTag("t").entitlementTag("e").reportId(1)
                .count(-1, t, t);
        assertRefused("negative count", negative::build);
        RumReportBuilder backwards = RumReport.builder().device(new Sudi("P", "S")).softwareTag("t").entitlementTag("e").reportId(1)
                .count(1, t, t.minusSeconds(1));
        assertRefused("ends before it starts", backwards::build);
        assertRefused("its device", () -> RumReport.builder().softwareTag("t").entitlementTag("e").reportId(1).count(1, t, t).build());
        assertRefused("at least one measurement",
                () -> RumReport.builder().device(new Sudi("P", "S")).softwareTag("t").entitlementTag("e").reportId(1).build());
    }
}
