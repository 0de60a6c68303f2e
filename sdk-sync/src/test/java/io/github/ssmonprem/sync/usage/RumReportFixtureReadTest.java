package io.github.ssmonprem.sync.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.ssmonprem.emulator.DeviceId;
import io.github.ssmonprem.emulator.DeviceUsageFiles;
import io.github.ssmonprem.emulator.RumReportFixture;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The emulator's fixture kit (sdk-emulator's {@code RumReportFixtureTest} tests the fixtures themselves)
 * writes RUM reports and usage files that the SDK reads back byte for byte, and the malformed ones it
 * writes for refusal tests are refused by the SDK too.
 */
class RumReportFixtureReadTest {

    static final Instant START = Instant.parse("2024-05-01T00:00:00Z");
    static final DeviceId C9800 = new DeviceId("C9800-CL-K9", "9NTUEA8FIIH");
    static final DeviceId C8000V = new DeviceId("C8000V", "ASDF12345");

    /** {@return the report as the SDK reads it} */
    private static RumReport read(RumReportFixture fixture) {
        return RumReport.of(fixture.payload(), fixture.signature());
    }

    @Test
    void anXmlUsageFileIsWhatTheSdkReadsBackByteForByte(@TempDir Path dir) {
        RumReportFixture first = RumReportFixture.builder().device(C9800).reportId(1).count(1, START, START.plusSeconds(60))
                .spacing(true).escapeSlashes(true).build();
        RumReportFixture second = RumReportFixture.builder().device(C8000V).reportId(2).count(7, START, START.plusSeconds(60)).build();
        Path file = DeviceUsageFiles.writeXml(dir.resolve("usage.xml"), List.of(first, second));
        List<RumReport> read = UsageFiles.defaults().read(file);
        assertEquals(2, read.size());
        assertEquals(first.payload(), read.get(0).payload());
        assertEquals(first.signature(), read.get(0).signature());
        assertEquals(first.key(), read.get(0).key());
        assertEquals(second.payload(), read.get(1).payload());
        assertEquals(read(second), read.get(1));
    }

    @Test
    void aJsonArrayIsWhatTheSdkReadsBack(@TempDir Path dir) {
        RumReportFixture a = RumReportFixture.builder().reportId(1).count(1, START, START.plusSeconds(1)).escapeSlashes(true).build();
        RumReportFixture b = RumReportFixture.builder().device(C8000V).reportId(1).count(1, START, START.plusSeconds(1)).build();
        List<RumReport> read = UsageFiles.defaults().read(DeviceUsageFiles.writeJsonArray(dir.resolve("usage.json"), List.of(a, b)));
        assertEquals(List.of(read(a), read(b)), read);
        assertEquals(a.payload(), read.get(0).payload());
    }

    @Test
    void olderReportsAreReadAndMalformedOnesRefused() {
        RumReportFixture older = RumReportFixture.builder().reportId(9).reportIdUnderMeta().count(1, START, START.plusSeconds(1)).build();
        assertEquals("9", read(older).reportId());

        RumReportFixture elsewhere = RumReportFixture.builder().payloadDevice(C8000V).count(1, START, START.plusSeconds(1)).build();
        assertThrows(InvalidUsageReportException.class, () -> read(elsewhere), "the SDK refuses it too");
        RumReportFixture signedElsewhere = RumReportFixture.builder().signatureDevice(C8000V).count(1, START, START.plusSeconds(1)).build();
        assertThrows(InvalidUsageReportException.class, () -> read(signedElsewhere));
    }
}
