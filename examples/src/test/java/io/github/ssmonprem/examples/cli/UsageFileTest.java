package io.github.ssmonprem.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.sync.InvalidUsageReportException;
import io.github.ssmonprem.sync.model.UsageReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsageFileTest {

    @TempDir
    Path dir;

    private Path file(String secondUsage) throws IOException {
        return Files.writeString(dir.resolve("usage-" + Math.abs(secondUsage.hashCode()) + ".json"),
                "{\"account\":\"demo.example\",\"virtualAccount\":\"DEFAULT\",\"productInstance\":\"p\",\"reports\":[{"
                        + "\"hostname\":\"e1\",\"softwareTag\":\"t\",\"usage\":["
                        + "{\"entitlementTag\":\"a\",\"count\":2,\"start\":\"2026-11-01T00:00:00Z\",\"end\":\"2026-11-02T00:00:00Z\"},"
                        + "{\"entitlementTag\":\"b\"," + secondUsage + "\"start\":\"2026-11-01T00:00:00Z\",\"end\":\"2026-11-02T00:00:00Z\"}]}]}");
    }

    private static InvalidUsageReportException invalid(Path file) {
        InvalidUsageReportException e = assertThrows(InvalidUsageReportException.class, () -> UsageFile.read(file));
        assertEquals(ExitCodes.USAGE, ExitCodes.of(e), "exit 2");
        return e;
    }

    @Test
    void aValidFileIsRead() throws IOException {
        UsageReport report = UsageFile.read(file("\"count\":5,"));
        assertEquals(2, report.recordCount());
    }

    @Test
    void aMissingCountIsAnErrorNamingItsPath() throws IOException {
        assertTrue(invalid(file("")).getMessage().contains("reports[0].usage[1].count"), "message names the path");
        assertTrue(invalid(file("\"count\":null,")).getMessage().contains("reports[0].usage[1].count"));
    }

    @Test
    void anUnknownKeyIsAnErrorNamingItsPath() throws IOException {
        String message = invalid(file("\"Count\":5,")).getMessage();
        assertTrue(message.contains("reports[0].usage[1].Count"), message);
    }

    @Test
    void aFractionalOrQuotedCountIsAnErrorNamingItsPath() throws IOException {
        String message = invalid(file("\"count\":1.7,")).getMessage();
        assertTrue(message.contains("reports[0].usage[1].count"), message);
        assertTrue(invalid(file("\"count\":\"5\",")).getMessage().contains("reports[0].usage[1].count"));
    }

    @Test
    void theReportIdIsDerivedFromTheContent() throws IOException {
        Path one = file("\"count\":5,");
        String id = UsageFile.read(one).reportId();
        assertTrue(id.startsWith(UsageFile.DERIVED_ID_PREFIX), id);
        assertEquals(id, UsageFile.read(one).reportId(), "the same file twice is one report");
        Path reformatted = Files.writeString(dir.resolve("reformatted.json"),
                Files.readString(one).replace(",", ",\n  ").replace("\"count\":5", "\"count\" : 5"));
        assertEquals(id, UsageFile.read(reformatted).reportId(), "formatting does not change the id");
        assertNotEquals(id, UsageFile.read(file("\"count\":6,")).reportId(), "other usage is another report");
        UsageReport.builder().reportId(id); // valid for the builder's pattern
    }

    @Test
    void theReportIdCanBeGiven() throws IOException {
        assertEquals("batch-42", UsageFile.read(file("\"count\":5,"), "batch-42").reportId());
        assertThrows(InvalidUsageReportException.class, () -> UsageFile.read(file("\"count\":5,"), "no spaces"));
    }
}
