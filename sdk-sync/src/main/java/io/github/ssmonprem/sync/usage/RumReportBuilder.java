package io.github.ssmonprem.sync.usage;

import com.fasterxml.jackson.core.JsonGenerator;
import io.github.ssmonprem.sync.internal.usage.RumJson;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Composes a RUM report for an application that meters its own use: the payload of a device's report
 * (version 2.0: report id, software tag, device, entitlement tag, count measurements in epoch seconds,
 * counts as decimal strings) and a signature object.
 *
 * <p><b>Such a report is not signed by a device key.</b> Its signature is
 * {@code {"sudi":..,"signing_type":SIGNING_TYPE,"key":SOFTWARE_TAG,"value":BASE64}} with the signing
 * type as configured ({@code SHA-256} by default) and, as value, the base64 SHA-256 digest of the
 * payload. Whether a server accepts a report without a device signature is not known: a refusal
 * becomes a dead letter with the server's message. The payload carries no signature object of its
 * own.
 *
 * <pre>{@code
 * RumReport report = RumReport.builder()
 *     .device(new Sudi("VMANAGE-CLUSTER", "SN-0001"))
 *     .softwareTag("regid.2019-10.com.cisco.SDWAN,1.0_...")
 *     .entitlementTag("regid.2019-10.com.cisco.DNA_ADVANTAGE,1.0_...")
 *     .reportId(1001)                              // unique per device: a counter you keep
 *     .count(12, periodStart, periodEnd)
 *     .build();
 * }</pre>
 */
public final class RumReportBuilder {

    /** The latest instant a report may carry: the end of year 9999. */
    private static final long LATEST_SECOND = 253_402_300_799L;

    private Sudi device;
    private String softwareTag;
    private String entitlementTag;
    private String softwareVersion;
    private Long reportId;
    private String signingType = "SHA-256";
    private Clock clock = Clock.systemUTC();
    private final List<long[]> measurements = new ArrayList<>();

    RumReportBuilder() {
    }

    /**
     * Sets the device (or application instance) the usage belongs to.
     *
     * @param sudi its identity
     * @return this builder
     */
    public RumReportBuilder device(Sudi sudi) {
        this.device = sudi;
        return this;
    }

    /**
     * Sets the software tag ({@code asset_identification.asset.name} and the signature's key).
     *
     * @param tag the software tag, such as {@code regid.2019-10.com.cisco.SDWAN,1.0_...}
     * @return this builder
     */
    public RumReportBuilder softwareTag(String tag) {
        this.softwareTag = tag;
        return this;
    }

    /**
     * Sets the entitlement whose use is measured ({@code meta.entitlement_tag}).
     *
     * @param tag the entitlement tag
     * @return this builder
     */
    public RumReportBuilder entitlementTag(String tag) {
        this.entitlementTag = tag;
        return this;
    }

    /**
     * Sets the software version ({@code meta.software_version}); optional.
     *
     * @param version such as {@code 20.12.1}
     * @return this builder
     */
    public RumReportBuilder softwareVersion(String version) {
        this.softwareVersion = version;
        return this;
    }

    /**
     * Sets the report id, unique among the reports of the device: the server recognises a report it
     * has already received by the device and this id.
     *
     * @param id a non-negative number, such as a counter the application keeps
     * @return this builder
     */
    public RumReportBuilder reportId(long id) {
        this.reportId = id;
        return this;
    }

    /**
     * Adds a measurement: how many of the entitlement were in use over a period.
     *
     * @param count how many; zero or more
     * @param start the period's start (whole seconds are sent)
     * @param end the period's end, not before its start
     * @return this builder
     */
    public RumReportBuilder count(long count, Instant start, Instant end) {
        if (start == null || end == null) {
            throw new InvalidUsageReportException("a measurement needs both its start and its end");
        }
        measurements.add(new long[] {count, seconds(start, "start"), seconds(end, "end")});
        return this;
    }

    /**
     * Sets the signature's signing type (default {@code SHA-256}: the value is the payload's digest).
     *
     * @param type the signing type the server expects for reports without a device signature
     * @return this builder
     */
    public RumReportBuilder signingType(String type) {
        this.signingType = type;
        return this;
    }

    /**
     * Sets the clock for the measurements' log time (default the system clock).
     *
     * @param clock the clock
     * @return this builder
     */
    public RumReportBuilder clock(Clock clock) {
        this.clock = clock;
        return this;
    }

    private static long seconds(Instant t, String what) {
        long s = t.getEpochSecond();
        if (s < 0 || s > LATEST_SECOND) {
            throw new InvalidUsageReportException("a measurement's " + what + " (" + t + ") is outside 1970 to 9999");
        }
        return s;
    }

    /**
     * Composes the payload and its signature.
     *
     * @return the report
     * @throws InvalidUsageReportException naming a missing or invalid part
     */
    public RumReport build() {
        if (device == null) {
            throw new InvalidUsageReportException("the report needs its device (device(sudi))");
        }
        require(softwareTag, "softwareTag");
        require(entitlementTag, "entitlementTag");
        require(signingType, "signingType");
        if (reportId == null || reportId < 0) {
            throw new InvalidUsageReportException("the report needs a non-negative reportId");
        }
        if (measurements.isEmpty()) {
            throw new InvalidUsageReportException("the report needs at least one measurement (count(...))");
        }
        long now = seconds(clock.instant(), "log time");
        String payload = write(g -> {
            g.writeStartObject();
            g.writeStringField("version", "2.0");
            g.writeObjectFieldStart("asset_identification");
            g.writeNumberField("report_id", reportId);
            g.writeObjectFieldStart("asset");
            g.writeStringField("name", softwareTag);
            g.writeEndObject();
            g.writeObjectFieldStart("instance");
            writeSudi(g, "sudi");
            g.writeEndObject();
            g.writeEndObject();
            g.writeObjectFieldStart("meta");
            g.writeStringField("entitlement_tag", entitlementTag);
            g.writeBooleanField("utility_enabled", false);
            if (softwareVersion != null) {
                g.writeStringField("software_version", softwareVersion);
            }
            g.writeArrayFieldStart("ha_udi");
            g.writeStartObject();
            g.writeStringField("role", "Active");
            writeSudi(g, "sudi");
            g.writeEndObject();
            g.writeEndArray();
            g.writeEndObject();
            g.writeArrayFieldStart("measurements");
            for (long[] m : measurements) {
                if (m[0] < 0) {
                    throw new InvalidUsageReportException("a measurement has a negative count (" + m[0] + ")");
                }
                if (m[2] < m[1]) {
                    throw new InvalidUsageReportException("a measurement ends before it starts");
                }
                g.writeStartObject();
                g.writeNumberField("log_time", now);
                g.writeStringField("metric_name", "ENTITLEMENT");
                g.writeNumberField("start_time", m[1]);
                g.writeNumberField("end_time", m[2]);
                g.writeNumberField("sample_interval", m[2] - m[1]);
                g.writeNumberField("num_samples", 1);
                g.writeObjectFieldStart("value");
                g.writeStringField("type", "COUNT");
                g.writeStringField("value", Long.toString(m[0]));
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
        String digest = Base64.getEncoder().encodeToString(sha256(payload));
        String signature = write(g -> {
            g.writeStartObject();
            writeSudi(g, "sudi");
            g.writeStringField("signing_type", signingType);
            g.writeStringField("key", softwareTag);
            g.writeStringField("value", digest);
            g.writeEndObject();
        });
        return RumReport.of(payload, signature);
    }

    private void writeSudi(JsonGenerator g, String field) throws IOException {
        g.writeObjectFieldStart(field);
        g.writeStringField("udi_pid", device.pid());
        g.writeStringField("udi_serial_number", device.serialNumber());
        g.writeEndObject();
    }

    private static void require(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new InvalidUsageReportException("the report needs its " + what);
        }
    }

    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static String write(Body body) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = RumJson.mapper().getFactory().createGenerator(out)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
