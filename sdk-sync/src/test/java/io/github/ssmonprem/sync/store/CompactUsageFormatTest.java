package io.github.ssmonprem.sync.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.sync.InvalidUsageReportException;
import io.github.ssmonprem.sync.internal.UsageWireFormat;
import io.github.ssmonprem.sync.model.UsageReport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CompactUsageFormatTest {

    private static final Instant T = Instant.parse("2026-11-01T10:00:00.123456789Z");

    private static byte[] encode(UsageReport report) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CompactUsageFormat.encode(report, out);
        return out.toByteArray();
    }

    private static UsageReport decode(String body) throws IOException {
        return CompactUsageFormat.decode("acme.example", "VA1", body.getBytes(StandardCharsets.UTF_8));
    }

    /** Devices with tags and periods drawn from small pools, so that some repeat and some do not. */
    private static UsageReport randomReport(Random random) {
        UsageReport.Builder b = UsageReport.builder(Clock.fixed(T.plusNanos(random.nextInt(1_000_000_000)), ZoneOffset.UTC))
                .account("acme.example").virtualAccount("VA1").productInstance("vmanage-" + random.nextInt(10));
        String[] tags = {"dna_advantage", "dna_essentials", "entitlement_\u00e9\u4e2d", "t\"quoted\\", "x"};
        int devices = 1 + random.nextInt(40);
        for (int d = 0; d < devices; d++) {
            b.device("edge-" + d + "-" + random.nextInt(1000), random.nextBoolean() ? "regid.sdwan" : "regid.\u00fc");
            int records = 1 + random.nextInt(30);
            for (int r = 0; r < records; r++) {
                Instant start = T.minusSeconds(3600L * random.nextInt(5)).plusNanos(random.nextInt(1_000_000_000));
                Instant end = start.plusMillis(random.nextInt(3) * 86_400_000L + random.nextInt(1000));
                long count = random.nextInt(10) == 0 ? Long.MAX_VALUE : random.nextInt(1000);
                String tag = random.nextInt(4) == 0 ? "unique_" + d + "_" + r : tags[random.nextInt(tags.length)];
                b.usage(tag, count, start, end);
            }
        }
        return b.build();
    }

    @Test
    void aReportReadBackIsSentExactlyAsItWouldHaveBeen() throws Exception {
        Random random = new Random(42);
        for (int i = 0; i < 200; i++) {
            UsageReport report = randomReport(random);
            UsageReport back = CompactUsageFormat.decode(report.account(), report.virtualAccount(), encode(report));
            byte[] wire = UsageWireFormat.encode(report);
            assertArrayEquals(wire, UsageWireFormat.encode(back), "report " + i);
            assertEquals(UsageWireFormat.decode(report.account(), report.virtualAccount(), wire), back,
                    "the same report as the request body reads back as (times in milliseconds)");
        }
    }

    @Test
    void aLargeReportTakesAFractionOfItsRequestBody() throws Exception {
        UsageReport.Builder b = UsageReport.builder().account("acme.example").virtualAccount("VA1").productInstance("vmanage-1");
        for (int d = 0; d < 1_000; d++) {
            b.device("edge-" + d, "regid.2019-10.com.cisco.SDWAN");
            for (int e = 0; e < 10; e++) {
                b.usage("entitlement_" + e, d + e, T.minusSeconds(86_400), T);
            }
        }
        UsageReport report = b.build();
        int compact = encode(report).length;
        int wire = UsageWireFormat.encode(report).length;
        assertTrue(compact * 5 < wire, compact + " bytes stored for a request body of " + wire);
        assertTrue(compact <= CompactUsageFormat.sizeHint(report), compact + " > hint " + CompactUsageFormat.sizeHint(report));
    }

    @Test
    void whatIsNotACompactReportIsRefusedWithTheReason() {
        String head = "{\"timestamp\":1,\"nonce\":\"n-1\",\"product_instance_identifier\":\"p\",\"tags\":[\"a\"],\"periods\":[0,1],";
        assertEquals("a record refers to tag 1 of 1",
                assertThrows(IOException.class, () -> decode(head + "\"devices\":[[\"h\",\"s\",1,5,0]]}")).getMessage());
        assertEquals("a record refers to period 1 of 1",
                assertThrows(IOException.class, () -> decode(head + "\"devices\":[[\"h\",\"s\",0,5,1]]}")).getMessage());
        assertTrue(assertThrows(IOException.class, () -> decode(head + "\"devices\":[[\"h\",\"s\",0,5]]}")).getMessage()
                .contains("a record's period"));
        assertEquals("its periods are not pairs of start and end", assertThrows(IOException.class,
                () -> decode("{\"periods\":[0,1,2]}")).getMessage());
        assertTrue(assertThrows(IOException.class, () -> decode("{\"timestamp\":1,\"nonce\":\"n-1\"}")).getMessage()
                .contains("lacks"));
        assertThrows(IOException.class, () -> decode(head + "\"devices\":[[\"h\",\"s\",0,5,0"));   // cut short
        assertThrows(IOException.class, () -> decode("[1,2,3]"));
        assertThrows(InvalidUsageReportException.class, () -> decode(head + "\"devices\":[[\"h\",\"s\",0,-5,0]]}"));
        assertThrows(InvalidUsageReportException.class, () -> decode(head + "\"devices\":[[\"h\",\"s\"]]}"));
    }
}
