package io.github.ssmonprem.jdbc.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.ssmonprem.core.internal.SsmJson;
import io.github.ssmonprem.sync.usage.RumReport;
import io.github.ssmonprem.sync.usage.UsageReport;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The stored form of a usage report, the {@code report} column: JSON text such as
 * <pre>{@code
 * {"account":"acme.example","virtualAccount":"SDWAN","createdAt":"2026-11-01T10:00:00Z",
 *  "reports":[{"payload":"{\"asset_identification\": ...}","signature":"{\"sudi\": ...}"}]}
 * }</pre>
 * Each RUM report's payload and signature are JSON <em>strings</em>, so reading gives back the exact
 * characters written: a signed payload is never parsed and written again. Everything outside ASCII is
 * written as a JSON unicode escape (backslash, u, four hex digits), so the text survives a database of any character set. Not part of
 * the public API.
 */
public final class ReportJson {

    private static final ObjectMapper MAPPER = SsmJson.mapper();
    private static final JsonFactory ASCII = JsonFactory.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

    private ReportJson() {
    }

    /**
     * Writes a report's stored form.
     *
     * @param report the report
     * @return its JSON text, ASCII only
     */
    public static String write(UsageReport report) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = ASCII.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("account", report.account());
            g.writeStringField("virtualAccount", report.virtualAccount());
            g.writeStringField("createdAt", report.createdAt().toString());
            g.writeArrayFieldStart("reports");
            for (RumReport r : report.reports()) {
                g.writeStartObject();
                g.writeStringField("payload", r.payload());
                g.writeStringField("signature", r.signature());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write usage report " + report.reportId(), e);
        }
        return out.toString();
    }

    /**
     * Reads a report from its stored form, checking it as {@link RumReport#of} and {@link UsageReport} do.
     *
     * @param reportId the report's id (its row's key)
     * @param json the stored form
     * @return the report
     * @throws UnreadableRowException when the text is not a valid stored report
     */
    public static UsageReport read(String reportId, String json) throws UnreadableRowException {
        try {
            JsonNode root = MAPPER.readTree(json);
            List<RumReport> reports = new ArrayList<>();
            for (JsonNode r : required(root, "reports")) {
                reports.add(RumReport.of(required(r, "payload").textValue(), required(r, "signature").textValue()));
            }
            return new UsageReport(reportId, required(root, "account").textValue(), required(root, "virtualAccount").textValue(),
                    Instant.parse(required(root, "createdAt").textValue()), reports);
        } catch (IOException | RuntimeException e) {
            throw new UnreadableRowException("its report is not a stored usage report (" + (e instanceof IOException
                    ? "its JSON cannot be read" : "a field is missing or holds a value of another kind") + ")", e);
        }
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("no " + field);
        }
        return value;
    }
}
