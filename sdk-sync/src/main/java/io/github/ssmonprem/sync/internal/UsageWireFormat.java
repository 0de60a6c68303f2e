package io.github.ssmonprem.sync.internal;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.github.ssmonprem.core.http.SsmJson;
import io.github.ssmonprem.sync.InvalidUsageReportException;
import io.github.ssmonprem.sync.model.DeviceUsage;
import io.github.ssmonprem.sync.model.UsageRecord;
import io.github.ssmonprem.sync.model.UsageReport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The usage report's body on the wire, {@code {"data":{"timestamp","nonce","product_instance_identifier",
 * "reports":[...]}}}, written by a streaming generator, and read back (the file store's slots of
 * format 2 held reports in this form).
 */
public final class UsageWireFormat {

    private static final JsonFactory FACTORY = SsmJson.mapper().getFactory();

    private UsageWireFormat() {
    }

    /**
     * Writes a report's request body.
     *
     * @param report the report
     * @return the body, UTF-8 JSON
     */
    public static byte[] encode(UsageReport report) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(sizeHint(report));
        try {
            encode(report, out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode usage report " + report.reportId(), e);
        }
        return out.toByteArray();
    }

    /**
     * Returns about how many bytes its request body takes.
     *
     * @param report a report
     * @return about how many bytes its request body takes
     */
    public static int sizeHint(UsageReport report) {
        return (int) Math.min(1 << 30, 256L + report.recordCount() * 120L);
    }

    /**
     * Writes a report's request body to a stream, as it is generated; the stream is not closed.
     *
     * @param report the report
     * @param out where to write the body, UTF-8 JSON
     * @throws IOException when the stream fails
     */
    public static void encode(UsageReport report, OutputStream out) throws IOException {
        long timestamp = report.createdAt().toEpochMilli();
        try (JsonGenerator g = FACTORY.createGenerator(out).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)) {
            g.writeStartObject();
            g.writeObjectFieldStart("data");
            g.writeNumberField("timestamp", timestamp);
            g.writeStringField("nonce", report.reportId());
            g.writeStringField("product_instance_identifier", report.productInstance());
            g.writeArrayFieldStart("reports");
            for (DeviceUsage device : report.reports()) {
                g.writeStartObject();
                g.writeStringField("hostname", device.hostname());
                g.writeStringField("software_tag_identifier", device.softwareTag());
                g.writeNumberField("timestamp", timestamp);
                g.writeArrayFieldStart("usage");
                for (UsageRecord r : device.usage()) {
                    g.writeStartObject();
                    g.writeStringField("entitlement_tag", r.entitlementTag());
                    g.writeNumberField("count", r.count());
                    g.writeNumberField("start_time", r.start().toEpochMilli());
                    g.writeNumberField("end_time", r.end().toEpochMilli());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeEndObject();
        }
    }

    /**
     * Reads a request body back into a report (times at millisecond precision, as on the wire).
     *
     * @param account the smart account domain (sent as a header, not in the body)
     * @param virtualAccount the virtual account (sent as a header, not in the body)
     * @param body the body
     * @return the report
     * @throws IOException when the body is not a usage report body
     * @throws InvalidUsageReportException when its content is invalid
     */
    public static UsageReport decode(String account, String virtualAccount, byte[] body) throws IOException {
        Wire wire = SsmJson.mapper().readValue(body, Wire.class);
        if (wire.data == null) {
            throw new IOException("no data object");
        }
        List<DeviceUsage> devices = new ArrayList<>();
        for (WireDevice d : wire.data.reports == null ? List.<WireDevice>of() : wire.data.reports) {
            List<UsageRecord> records = new ArrayList<>();
            for (WireUsage u : d.usage == null ? List.<WireUsage>of() : d.usage) {
                records.add(new UsageRecord(u.entitlementTag, u.count, Instant.ofEpochMilli(u.startTime),
                        Instant.ofEpochMilli(u.endTime)));
            }
            devices.add(new DeviceUsage(d.hostname, d.softwareTag, records));
        }
        return new UsageReport(wire.data.nonce, Instant.ofEpochMilli(wire.data.timestamp), account, virtualAccount,
                wire.data.productInstance, devices);
    }

    /** The body. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class Wire {
        @JsonProperty("data")
        WireData data;
    }

    /** Its data object. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class WireData {
        @JsonProperty("timestamp")
        long timestamp;
        @JsonProperty("nonce")
        String nonce;
        @JsonProperty("product_instance_identifier")
        String productInstance;
        @JsonProperty("reports")
        List<WireDevice> reports;
    }

    /** One device. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class WireDevice {
        @JsonProperty("hostname")
        String hostname;
        @JsonProperty("software_tag_identifier")
        String softwareTag;
        @JsonProperty("usage")
        List<WireUsage> usage;
    }

    /** One usage record. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class WireUsage {
        @JsonProperty("entitlement_tag")
        String entitlementTag;
        @JsonProperty("count")
        long count;
        @JsonProperty("start_time")
        long startTime;
        @JsonProperty("end_time")
        long endTime;
    }
}
