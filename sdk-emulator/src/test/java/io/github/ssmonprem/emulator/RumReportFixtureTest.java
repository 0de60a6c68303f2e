package io.github.ssmonprem.emulator;

import static io.github.ssmonprem.emulator.UsageRoutesTest.C8000V;
import static io.github.ssmonprem.emulator.UsageRoutesTest.C9800;
import static io.github.ssmonprem.emulator.UsageRoutesTest.START;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamReader;
import org.junit.jupiter.api.Test;

/** The fixture kit: RUM reports as devices write them, and their usage files. */
class RumReportFixtureTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aPayloadHasTheFieldsOfADevicesReport() throws Exception {
        RumReportFixture r = RumReportFixture.builder().device(C8000V).reportId(42).entitlementTag("regid.tag,1.0_x")
                .count(3, START, START.plus(Duration.ofDays(1))).count(0, START.plus(Duration.ofDays(1)), START.plus(Duration.ofDays(2)))
                .build();
        JsonNode p = JSON.readTree(r.payload());
        assertEquals("2.0", p.path("version").asText());
        assertEquals(42, p.path("asset_identification").path("report_id").asLong());
        assertTrue(p.path("asset_identification").path("report_id").isIntegralNumber());
        assertEquals(Wire.sudi(C8000V), p.path("asset_identification").path("instance").path("sudi").toString());
        assertEquals(RumReportFixture.DEFAULT_SOFTWARE_TAG, p.path("asset_identification").path("asset").path("name").asText());
        assertEquals("regid.tag,1.0_x", p.path("meta").path("entitlement_tag").asText());
        JsonNode m = p.path("measurements");
        assertEquals(2, m.size());
        assertEquals(START.getEpochSecond(), m.get(0).path("start_time").asLong(), "epoch seconds");
        assertEquals(START.plus(Duration.ofDays(1)).getEpochSecond(), m.get(0).path("end_time").asLong());
        assertEquals("COUNT", m.get(0).path("value").path("type").asText());
        assertEquals("3", m.get(0).path("value").path("value").textValue(), "a count is a string");
        assertEquals("0", m.get(1).path("value").path("value").textValue());
        JsonNode s = JSON.readTree(r.signature());
        assertEquals(Wire.sudi(C8000V), s.path("sudi").toString());
        assertEquals("builtin", s.path("signing_type").asText());
        assertEquals(RumReportFixture.DEFAULT_SOFTWARE_TAG, s.path("key").asText());
        assertEquals(32, java.util.Base64.getDecoder().decode(s.path("value").asText()).length);
        assertEquals("C8000V:ASDF12345#42", r.key());
        assertFalse(r.payload().contains(" "), "compact, as devices write it");
    }

    @Test
    void spacingAndEscapesAreWhatAJsonLibraryWouldNotWriteAgain() throws Exception {
        RumReportFixture plain = RumReportFixture.builder().count(1, START, START.plusSeconds(60)).build();
        RumReportFixture quirky = RumReportFixture.builder().count(1, START, START.plusSeconds(60)).spacing(true).escapeSlashes(true).build();
        assertTrue(quirky.payload().contains("\"report_id\": 1671840750, "), quirky.payload());
        assertTrue(quirky.payload().contains("\\/"), quirky.payload());
        assertFalse(plain.payload().contains("\\/"));
        assertTrue(plain.payload().contains("/"), "the payload's own signature value holds a slash");
        assertEquals(JSON.readTree(plain.payload()), JSON.readTree(quirky.payload()), "the same JSON");
        String rewritten = JSON.writeValueAsString(JSON.readTree(quirky.payload()));
        assertNotEquals(quirky.payload(), rewritten, "a library writes it otherwise");
        assertEquals(plain.payload(), rewritten, "the plain payload is what Jackson writes");
    }

    @Test
    void aLoneReportIsWrittenAsADeviceSavesIt() throws Exception {
        RumReportFixture r = RumReportFixture.builder().count(2, START, START.plusSeconds(60)).build();
        String xml = DeviceUsageFiles.xml(List.of(r));
        assertTrue(xml.startsWith("<RUMReport>\n<![CDATA[{\n  \"payload\": \"{\\\"version\\\":\\\"2.0\\\""), xml);
        assertTrue(xml.endsWith("}]]>\n</RUMReport>\n"), xml);
        assertEquals(List.of(r.entry()), rumReportTexts(xml));
        JsonNode entry = JSON.readTree(r.entry());
        assertEquals(r.payload(), entry.path("payload").textValue());
        assertEquals(JSON.readTree(r.signature()), entry.path("signature"));
    }

    @Test
    void severalReportsGoUnderARootElement() throws Exception {
        RumReportFixture a = RumReportFixture.builder().reportId(1).count(1, START, START.plusSeconds(1)).build();
        RumReportFixture b = RumReportFixture.builder().reportId(2).count(1, START, START.plusSeconds(1)).build();
        String xml = DeviceUsageFiles.xml(List.of(a, b));
        assertTrue(xml.contains("<smartLicense>\n<RUMReport><![CDATA["), xml);
        assertEquals(List.of(a.entry(), b.entry()), rumReportTexts(xml));
        assertTrue(DeviceUsageFiles.xml("usageReports", List.of(a)).contains("<usageReports>"));
    }

    @Test
    void aCdataEndInsideAReportIsSplit() throws Exception {
        RumReportFixture r = RumReportFixture.builder().softwareTag("regid.odd]]>tag").count(1, START, START.plusSeconds(1)).build();
        assertTrue(r.entry().contains("]]>"));
        assertEquals(List.of(r.entry(), r.entry()), rumReportTexts(DeviceUsageFiles.xml(List.of(r, r))));
        assertEquals(List.of(r.entry()), rumReportTexts(DeviceUsageFiles.xml(List.of(r))));
    }

    @Test
    void olderReportsAndMalformedOnesForRefusalTests() throws Exception {
        RumReportFixture older = RumReportFixture.builder().reportId(9).reportIdUnderMeta().count(1, START, START.plusSeconds(1)).build();
        JsonNode p = JSON.readTree(older.payload());
        assertTrue(p.path("asset_identification").path("report_id").isMissingNode());
        assertEquals(9, p.path("meta").path("report_id").asLong());

        RumReportFixture signedElsewhere = RumReportFixture.builder().signatureDevice(C8000V).count(1, START, START.plusSeconds(1)).build();
        assertEquals(C8000V, signedElsewhere.sudi());
        // That the SDK reads the older report and refuses the two others: RumReportFixtureReadTest in sdk-sync.

        RumReportFixture custom = RumReportFixture.builder().signingType("SHA-256").signatureValue("AAAA").count(1, START, START.plusSeconds(1))
                .build();
        assertEquals("SHA-256", JSON.readTree(custom.signature()).path("signing_type").asText());
        assertEquals("AAAA", JSON.readTree(custom.signature()).path("value").asText());
        assertThrows(IllegalStateException.class, () -> RumReportFixture.builder().build(), "no measurement");
        assertThrows(IllegalArgumentException.class, () -> DeviceUsageFiles.xml(List.of()));
    }

    @Test
    void fixturesUploadedToTheEmulatorArriveByteForByte() {
        try (SsmEmulator emulator = SsmEmulator.builder().start()) {
            RumReportFixture quirky = RumReportFixture.builder().reportId(77).count(4, START, START.plusSeconds(600)).spacing(true)
                    .escapeSlashes(true).build();
            assertEquals(202, new Wire(emulator).upload(List.of(quirky)).status());
            assertEquals(quirky.payload(), emulator.stats().receivedReport(quirky.key()).orElseThrow().payload());
        }
    }

    /** {@return the text of each RUMReport element, as an XML parser reads it} */
    private static List<String> rumReportTexts(String xml) throws Exception {
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_COALESCING, true);
        XMLStreamReader r = f.createXMLStreamReader(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        List<String> out = new ArrayList<>();
        while (r.hasNext()) {
            if (r.next() == XMLStreamConstants.START_ELEMENT && "RUMReport".equals(r.getLocalName())) {
                out.add(r.getElementText().strip());
            }
        }
        return out;
    }
}
