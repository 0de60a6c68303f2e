package io.github.ssmonprem.emulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes RUM reports ({@link RumReportFixture}) as devices save them, for tests: the XML usage file, one
 * {@code <RUMReport>} element per report holding its {@code {"payload": ..., "signature": ...}} object in
 * CDATA, several under a root element; or a JSON array of those objects.
 *
 * <pre>{@code
 * Path file = DeviceUsageFiles.writeXml(dir.resolve("c9800-usage.xml"), List.of(first, second));
 * // <smartLicense><RUMReport><![CDATA[{ "payload": "...", "signature": {...} }]]></RUMReport>...</smartLicense>
 * }</pre>
 */
public final class DeviceUsageFiles {

    /**
     * The root element of a file of several reports: {@code smartLicense}, as Cisco's sample code for the
     * offline upload writes it. Devices' own files are not documented publicly; a reader should accept
     * any root element.
     */
    public static final String DEFAULT_ROOT = "smartLicense";

    private DeviceUsageFiles() {
    }

    /**
     * {@return the XML usage file of the reports: one report as a lone {@code <RUMReport>} element, as a
     * device saves it; several under {@link #DEFAULT_ROOT}}
     *
     * @param reports the reports, at least one
     */
    public static String xml(List<RumReportFixture> reports) {
        if (reports.size() == 1) {
            return "<RUMReport>\n" + cdata(reports.get(0).entry()) + "\n</RUMReport>\n";
        }
        return xml(DEFAULT_ROOT, reports);
    }

    /**
     * {@return the XML usage file of the reports under a root element}
     *
     * @param rootElement the root element's name, such as {@code smartLicense}
     * @param reports the reports, at least one
     */
    public static String xml(String rootElement, List<RumReportFixture> reports) {
        requireSome(reports);
        StringBuilder out = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<").append(rootElement).append(">\n");
        for (RumReportFixture r : reports) {
            out.append("<RUMReport>").append(cdata(r.entry())).append("</RUMReport>\n");
        }
        return out.append("</").append(rootElement).append(">\n").toString();
    }

    /**
     * {@return a JSON array of the reports' {@code {"payload": ..., "signature": ...}} objects}
     *
     * @param reports the reports, at least one
     */
    public static String jsonArray(List<RumReportFixture> reports) {
        requireSome(reports);
        StringBuilder out = new StringBuilder("[\n");
        for (int i = 0; i < reports.size(); i++) {
            out.append(reports.get(i).entry()).append(i + 1 < reports.size() ? ",\n" : "\n");
        }
        return out.append("]\n").toString();
    }

    /**
     * Writes the XML usage file of the reports ({@link #xml(List)}), UTF-8.
     *
     * @param file the file, replaced when it exists
     * @param reports the reports, at least one
     * @return the file
     * @throws UncheckedIOException when it cannot be written
     */
    public static Path writeXml(Path file, List<RumReportFixture> reports) {
        return write(file, xml(reports));
    }

    /**
     * Writes a JSON array of the reports ({@link #jsonArray(List)}), UTF-8.
     *
     * @param file the file, replaced when it exists
     * @param reports the reports, at least one
     * @return the file
     * @throws UncheckedIOException when it cannot be written
     */
    public static Path writeJsonArray(Path file, List<RumReportFixture> reports) {
        return write(file, jsonArray(reports));
    }

    private static Path write(Path file, String text) {
        try {
            return Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** {@return the text in a CDATA section, split where it holds {@code ]]>}} */
    private static String cdata(String text) {
        return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>";
    }

    private static void requireSome(List<RumReportFixture> reports) {
        if (reports.isEmpty()) {
            throw new IllegalArgumentException("a usage file holds at least one report");
        }
    }
}
