package io.github.ssmonprem.sync.usage;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.github.ssmonprem.core.internal.IoText;
import io.github.ssmonprem.sync.internal.usage.RumJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads the RUM reports of usage files: the XML files devices save (one or more {@code <RUMReport>}
 * elements, each holding, usually in CDATA, {@code {"payload": "...", "signature": {...}}}) and JSON
 * arrays of such objects. Payloads are kept byte for byte; signatures as the JSON text they were
 * written as.
 *
 * <p>Input is bounded: a file or stream larger than {@link #maxBytes()} or holding more than
 * {@link #maxReports()} reports is refused, as is any malformed report, with an
 * {@link InvalidUsageReportException} naming the file and the element; nothing is returned then.
 * XML is read with DTDs and external entities off.
 *
 * <pre>{@code
 * List<RumReport> reports = UsageFiles.defaults().read(Path.of("edge-17-usage.xml"));
 * }</pre>
 */
public final class UsageFiles {

    /** The default size limit of a file or stream: 64 MiB. */
    public static final long DEFAULT_MAX_BYTES = 64L << 20;
    /** The default limit of reports in a file or stream: 100,000. */
    public static final int DEFAULT_MAX_REPORTS = 100_000;

    private static final UsageFiles DEFAULTS = new UsageFiles(DEFAULT_MAX_BYTES, DEFAULT_MAX_REPORTS);
    private static final XMLInputFactory XML = xmlFactory();

    private final long maxBytes;
    private final int maxReports;

    private UsageFiles(long maxBytes, int maxReports) {
        this.maxBytes = maxBytes;
        this.maxReports = maxReports;
    }

    /** {@return a reader with the default limits, {@link #DEFAULT_MAX_BYTES} and {@link #DEFAULT_MAX_REPORTS}} */
    public static UsageFiles defaults() {
        return DEFAULTS;
    }

    /**
     * {@return a reader with other limits}
     *
     * @param maxBytes the largest file or stream, in bytes (positive)
     * @param maxReports the most reports in one file or stream (positive)
     */
    public static UsageFiles withLimits(long maxBytes, int maxReports) {
        if (maxBytes < 1 || maxReports < 1) {
            throw new IllegalArgumentException("limits must be positive: " + maxBytes + " bytes, " + maxReports + " reports");
        }
        return new UsageFiles(maxBytes, maxReports);
    }

    /** {@return the largest file or stream read, in bytes} */
    public long maxBytes() {
        return maxBytes;
    }

    /** {@return the most reports read from one file or stream} */
    public int maxReports() {
        return maxReports;
    }

    /**
     * Reads the RUM reports of a usage file, XML or JSON (told by its first character).
     *
     * @param file the file
     * @return its reports, in file order
     * @throws InvalidUsageReportException when the file cannot be read, is too large or holds a
     *     malformed report, naming the file and element
     */
    public List<RumReport> read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        } catch (IOException e) {
            throw new InvalidUsageReportException(file + ": cannot be read (" + IoText.reason(e) + ")");
        }
    }

    /**
     * Reads the RUM reports of several usage files, refusing a report that is in two of them.
     *
     * @param files the files
     * @return their reports, in order
     * @throws InvalidUsageReportException as {@link #read(Path)} does, or naming both places of a report read twice
     */
    public List<RumReport> readAll(List<Path> files) {
        Map<String, String> seen = new LinkedHashMap<>();
        List<RumReport> out = new ArrayList<>();
        for (Path file : files) {
            List<RumReport> reports = read(file);
            for (int i = 0; i < reports.size(); i++) {
                RumReport r = reports.get(i);
                String where = file + " report " + (i + 1);
                String first = seen.putIfAbsent(r.key(), where);
                if (first != null) {
                    throw new InvalidUsageReportException(where + ": RUM report " + r.key() + " was read already, from " + first);
                }
                out.add(r);
            }
        }
        return out;
    }

    /**
     * Reads the RUM reports of a usage stream, XML or JSON (told by its first character). The stream
     * is read to its end (or to the limit) and not closed.
     *
     * @param in the stream
     * @param name its name in messages, such as a file name
     * @return its reports, in order
     * @throws InvalidUsageReportException when it is too large or holds a malformed report
     */
    public List<RumReport> read(InputStream in, String name) {
        byte[] bytes;
        try {
            bytes = readBounded(in, name);
        } catch (IOException e) {
            throw new InvalidUsageReportException(name + ": cannot be read (" + IoText.reason(e) + ")");
        }
        int bom = bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF ? 3 : 0;
        int first = bom;
        while (first < bytes.length && Character.isWhitespace(bytes[first])) {
            first++;
        }
        if (first == bytes.length) {
            throw new InvalidUsageReportException(name + ": the file is empty");
        }
        if (bytes[first] != '<' && bytes[first] != '[' && bytes[first] != '{') {
            throw new InvalidUsageReportException(name + ": neither XML nor a JSON array of {\"payload\",\"signature\"} objects");
        }
        List<RumReport> reports = bytes[first] == '<' ? readXml(bytes, name)
                : readJson(new String(bytes, bom, bytes.length - bom, StandardCharsets.UTF_8), name);
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (int i = 0; i < reports.size(); i++) {
            Integer before = seen.putIfAbsent(reports.get(i).key(), i + 1);
            if (before != null) {
                throw new InvalidUsageReportException(name + ": report " + (i + 1) + " is RUM report " + reports.get(i).key()
                        + " again (report " + before + ")");
            }
        }
        return reports;
    }

    private byte[] readBounded(InputStream in, String name) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) > 0) {
            total += n;
            if (total > maxBytes) {
                throw new InvalidUsageReportException(name + ": larger than " + maxBytes + " bytes, the usage file limit");
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private List<RumReport> readXml(byte[] bytes, String name) {
        List<RumReport> out = new ArrayList<>();
        XMLStreamReader xml = null;
        int element = 0;
        try {
            xml = XML.createXMLStreamReader(new java.io.ByteArrayInputStream(bytes));
            while (xml.hasNext()) {
                if (xml.next() == XMLStreamConstants.START_ELEMENT && "RUMReport".equals(xml.getLocalName())) {
                    element++;
                    String where = name + ": <RUMReport> " + element + " (line " + xml.getLocation().getLineNumber() + ")";
                    checkCount(element, name);
                    out.add(entry(xml.getElementText().strip(), where));
                }
            }
        } catch (XMLStreamException e) {
            throw new InvalidUsageReportException(name + ": not a well-formed usage file (XML"
                    + (e.getLocation() == null ? "" : ", line " + e.getLocation().getLineNumber()) + ")");
        } finally {
            if (xml != null) {
                try {
                    xml.close();
                } catch (XMLStreamException ignored) {
                    // nothing held open: the input is in memory
                }
            }
        }
        if (out.isEmpty()) {
            throw new InvalidUsageReportException(name + ": holds no <RUMReport> element");
        }
        return out;
    }

    private List<RumReport> readJson(String text, String name) {
        List<RumReport> out = new ArrayList<>();
        try (JsonParser p = RumJson.mapper().getFactory().createParser(text)) {
            JsonToken token = p.nextToken();
            if (token == JsonToken.START_OBJECT) {
                out.add(entry(p, text, name + ": the report"));
            } else if (token == JsonToken.START_ARRAY) {
                int element = 0;
                while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
                    element++;
                    checkCount(element, name);
                    String where = name + ": element " + element + " (line " + p.currentTokenLocation().getLineNr() + ")";
                    if (token != JsonToken.START_OBJECT) {
                        throw new InvalidUsageReportException(where + ": not an object {\"payload\":..,\"signature\":..}");
                    }
                    out.add(entry(p, text, where));
                }
            } else {
                throw new InvalidUsageReportException(name + ": neither XML nor a JSON array of {\"payload\",\"signature\"} objects");
            }
            if (p.nextToken() != null) {
                throw new InvalidUsageReportException(name + ": holds more after its JSON (line " + p.currentTokenLocation().getLineNr() + ")");
            }
        } catch (JsonProcessingException e) {
            throw new InvalidUsageReportException(name + ": not valid JSON (line " + e.getLocation().getLineNr() + ": "
                    + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (out.isEmpty()) {
            throw new InvalidUsageReportException(name + ": holds no report");
        }
        return out;
    }

    private void checkCount(int element, String name) {
        if (element > maxReports) {
            throw new InvalidUsageReportException(name + ": holds more than " + maxReports + " reports, the usage file limit");
        }
    }

    /** Reads one {@code {"payload": "...", "signature": {...}}} text (a RUMReport element's content). */
    private static RumReport entry(String json, String where) {
        try (JsonParser p = RumJson.mapper().getFactory().createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidUsageReportException(where + ": does not hold a JSON object {\"payload\":..,\"signature\":..}");
            }
            RumReport report = entry(p, json, where);
            if (p.nextToken() != null) {
                throw new InvalidUsageReportException(where + ": holds more after its JSON object");
            }
            return report;
        } catch (JsonProcessingException e) {
            throw new InvalidUsageReportException(where + ": not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads the object the parser is at the start of; {@code source} is the parser's whole input, for the signature's text. */
    private static RumReport entry(JsonParser p, String source, String where) throws IOException {
        String payload = null;
        String signature = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if ("payload".equals(field)) {
                if (value != JsonToken.VALUE_STRING) {
                    throw new InvalidUsageReportException(where + ": its payload is not a string of JSON text");
                }
                payload = p.getText();
            } else if ("signature".equals(field)) {
                if (value != JsonToken.START_OBJECT) {
                    throw new InvalidUsageReportException(where + ": its signature is not an object");
                }
                int start = (int) p.currentTokenLocation().getCharOffset();
                p.skipChildren();
                int end = (int) p.currentLocation().getCharOffset();
                signature = source.substring(start, end);
            } else {
                p.skipChildren();
            }
        }
        if (payload == null) {
            throw new InvalidUsageReportException(where + ": has no payload");
        }
        if (signature == null) {
            throw new InvalidUsageReportException(where + ": has no signature");
        }
        try {
            return RumReport.of(payload, signature);
        } catch (InvalidUsageReportException e) {
            throw new InvalidUsageReportException(where + ": " + e.problem());
        }
    }

    private static XMLInputFactory xmlFactory() {
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_COALESCING, true);
        return f;
    }
}
