package io.github.ssmonprem.sync.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsageFilesTest {

    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    @Test
    void readsADevicesXmlUsageFileWithPayloadsByteForByte() throws IOException {
        Path file = write("usage.xml", Rum.xml(Rum.entry("C9800-CL-K9", "A", 1), Rum.entry("C9800-CL-K9", "A", 2),
                Rum.entry("C8000V", "B", 7)));
        List<RumReport> reports = UsageFiles.defaults().read(file);
        assertEquals(3, reports.size());
        assertEquals(Rum.payload("C9800-CL-K9", "A", 1), reports.get(0).payload());
        assertEquals(Rum.signature("C8000V", "B"), reports.get(2).signature(), "the signature object as written in the file");
        assertEquals("C8000V:B#7", reports.get(2).key());
    }

    @Test
    void readsASingleRumReportElementAndAJsonArray() throws IOException {
        Path single = write("one.xml", "<RUMReport>" + Rum.entry("PID", "SN", 5) + "</RUMReport>");
        assertEquals("5", UsageFiles.defaults().read(single).get(0).reportId());
        Path json = write("usage.json", "\ufeff[ " + Rum.entry("PID", "SN", 1) + ",\n " + Rum.entry("PID", "SN", 2) + " ]");
        List<RumReport> reports = UsageFiles.defaults().read(json);
        assertEquals(List.of("1", "2"), reports.stream().map(RumReport::reportId).toList());
        assertEquals(Rum.payload("PID", "SN", 2), reports.get(1).payload());
    }

    @Test
    void refusesAMalformedReportNamingTheFileAndElement() throws IOException {
        Path notJson = write("bad.xml", Rum.xml(Rum.entry("PID", "SN", 1),
                Rum.entry("{\"version\": ", Rum.signature("PID", "SN"))));
        assertProblem(notJson, "bad.xml: <RUMReport> 2 (line 4): the payload is not JSON");
        Path noSignature = write("nosig.xml", Rum.xml("{\"payload\":\"{}\"}"));
        assertProblem(noSignature, "nosig.xml: <RUMReport> 1 (line 3): has no signature");
        Path mismatch = write("mismatch.xml", Rum.xml(Rum.entry(Rum.payload("PID", "SN", 1), Rum.signature("PID", "OTHER"))));
        assertProblem(mismatch, "mismatch.xml: <RUMReport> 1 (line 3): the device of report 1 differs");
        Path twice = write("twice.xml", Rum.xml(Rum.entry("PID", "SN", 1), Rum.entry("PID", "SN", 1)));
        assertProblem(twice, "twice.xml: report 2 is RUM report PID:SN#1 again (report 1)");
        assertProblem(write("empty.xml", "  \n"), "empty.xml: the file is empty");
        assertProblem(write("none.xml", "<smartLicense/>"), "none.xml: holds no <RUMReport> element");
        assertProblem(write("text.txt", "hello"), "text.txt: neither XML nor a JSON array");
        assertProblem(write("broken.xml", "<smartLicense><RUMReport>"), "broken.xml: not a well-formed usage file");
    }

    @Test
    void refusesAReportReadFromTwoFiles() throws IOException {
        Path a = write("a.xml", Rum.xml(Rum.entry("PID", "SN", 1)));
        Path b = write("b.xml", Rum.xml(Rum.entry("PID", "SN", 2), Rum.entry("PID", "SN", 1)));
        InvalidUsageReportException e = assertThrows(InvalidUsageReportException.class, () -> UsageFiles.defaults().readAll(List.of(a, b)));
        assertTrue(e.getMessage().contains("b.xml report 2: RUM report PID:SN#1 was read already, from " + a + " report 1"), e.getMessage());
    }

    @Test
    void boundsTheSizeAndNumberOfReportsOfAFileOrStream() throws IOException {
        Path three = write("three.xml", Rum.xml(Rum.entry("P", "S", 1), Rum.entry("P", "S", 2), Rum.entry("P", "S", 3)));
        assertProblem(UsageFiles.withLimits(1 << 20, 2), three, "holds more than 2 reports");
        assertProblem(UsageFiles.withLimits(100, 10), three, "larger than 100 bytes");
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return ' ';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                java.util.Arrays.fill(b, off, off + len, (byte) ' ');
                return len;
            }
        };
        InvalidUsageReportException e = assertThrows(InvalidUsageReportException.class,
                () -> UsageFiles.withLimits(1 << 20, 10).read(endless, "a FIFO"));
        assertTrue(e.getMessage().contains("a FIFO: larger than 1048576 bytes"), e.getMessage());
    }

    @Test
    void neverResolvesExternalEntities() throws IOException {
        Path secret = write("secret.txt", "do-not-read");
        String xml = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"" + secret.toUri() + "\">]>"
                + "<r><RUMReport>&x;</RUMReport></r>";
        InvalidUsageReportException e = assertThrows(InvalidUsageReportException.class,
                () -> UsageFiles.defaults().read(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), "xxe.xml"));
        assertFalse(e.getMessage().contains("do-not-read"), e.getMessage());
    }

    private static void assertProblem(Path file, String expected) {
        assertProblem(UsageFiles.defaults(), file, expected);
    }

    private static void assertProblem(UsageFiles files, Path file, String expected) {
        InvalidUsageReportException e = assertThrows(InvalidUsageReportException.class, () -> files.read(file));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
