package io.github.ssmonprem.sync.usage;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ssmonprem.sync.internal.usage.RumJson;
import java.util.Objects;

/**
 * A RUM report (Resource Utilization Measurement): the usage of one entitlement on one device over a
 * period, as the device wrote and signed it, and the unit of Smart Licensing Using Policy.
 *
 * <p>The payload is JSON text kept <b>byte for byte</b> as it was read: its signature covers those
 * exact characters, so the SDK never parses and writes it again; it reads a few fields from it
 * ({@link #sudi()}, {@link #reportId()}, {@link #softwareTag()}, {@link #entitlementTag()}) and
 * sends the text unchanged. The signature object is kept as the JSON text it was read as, too.
 * Read reports from the usage files devices save with {@link UsageFiles}; an application that meters
 * its own use composes one with {@link #builder()}.
 *
 * <p>A report is identified by its device and report id, {@link #key()}.
 */
public final class RumReport {

    /** The longest payload accepted, in characters: 1 MiB. */
    public static final int MAX_PAYLOAD_CHARS = 1 << 20;

    private final String payload;
    private final String signature;
    private final Sudi sudi;
    private final String reportId;
    private final String softwareTag;
    private final String entitlementTag;

    private RumReport(String payload, String signature, Sudi sudi, String reportId, String softwareTag, String entitlementTag) {
        this.payload = payload;
        this.signature = signature;
        this.sudi = sudi;
        this.reportId = reportId;
        this.softwareTag = softwareTag;
        this.entitlementTag = entitlementTag;
    }

    /**
     * Reads a RUM report from its payload text and the JSON text of its signature object, checking
     * that the payload is a JSON object with a report id, that the signature names the device, and
     * that the device of the payload (when it names one) is the signature's.
     *
     * @param payload the payload, JSON text, kept as it is
     * @param signature the signature, the JSON text of an object such as
     *     {@code {"sudi":{...},"signing_type":"builtin","key":"...","value":"..."}}
     * @return the report
     * @throws InvalidUsageReportException naming what is wrong; nothing was stored or sent
     */
    public static RumReport of(String payload, String signature) {
        if (payload == null || payload.isBlank()) {
            throw new InvalidUsageReportException("the RUM report has no payload");
        }
        if (payload.length() > MAX_PAYLOAD_CHARS) {
            throw new InvalidUsageReportException("the RUM report's payload is " + payload.length() + " characters, more than "
                    + MAX_PAYLOAD_CHARS);
        }
        if (signature == null || signature.isBlank()) {
            throw new InvalidUsageReportException("the RUM report has no signature");
        }
        JsonNode body = RumJson.object(payload, "the payload");
        JsonNode sig = RumJson.object(signature, "the signature");
        JsonNode identification = body.path("asset_identification");
        String reportId = RumJson.id(identification.path("report_id"));
        if (reportId == null) {
            reportId = RumJson.id(body.path("meta").path("report_id"));
        }
        if (reportId == null) {
            throw new InvalidUsageReportException("the payload has no report id (asset_identification.report_id)");
        }
        if (sig.path("sudi").isMissingNode() || sig.path("sudi").isNull()) {
            throw new InvalidUsageReportException("the signature of report " + reportId + " does not name its device (signature.sudi)");
        }
        Sudi sudi = RumJson.sudi(sig.path("sudi"), "signature.sudi");
        JsonNode payloadSudi = identification.path("instance").path("sudi");
        if (!payloadSudi.isMissingNode() && !payloadSudi.isNull()) {
            Sudi fromPayload = RumJson.sudi(payloadSudi, "asset_identification.instance.sudi");
            if (!fromPayload.equals(sudi)) {
                throw new InvalidUsageReportException("the device of report " + reportId + " differs between its payload ("
                        + fromPayload + ") and its signature (" + sudi + ")");
            }
        }
        String softwareTag = RumJson.text(identification.path("asset").path("name"));
        if (softwareTag == null) {
            softwareTag = RumJson.text(sig.path("key"));
        }
        return new RumReport(payload, signature.strip(), sudi, reportId, softwareTag,
                RumJson.text(body.path("meta").path("entitlement_tag")));
    }

    /**
     * Starts composing a report for an application that meters its own use (PROTOCOL: the payload of
     * a RUM report, with no device signature).
     *
     * @return a builder
     */
    public static RumReportBuilder builder() {
        return new RumReportBuilder();
    }

    /** {@return the payload, exactly as read or composed} */
    public String payload() {
        return payload;
    }

    /** {@return the signature object's JSON text, as read or composed} */
    public String signature() {
        return signature;
    }

    /** {@return the device that wrote the report (the signature's SUDI)} */
    public Sudi sudi() {
        return sudi;
    }

    /** {@return the report id within its device ({@code asset_identification.report_id}), as decimal or other text} */
    public String reportId() {
        return reportId;
    }

    /** {@return the software tag ({@code asset_identification.asset.name}, else the signature's key), or null} */
    public String softwareTag() {
        return softwareTag;
    }

    /** {@return the entitlement tag ({@code meta.entitlement_tag}), or null} */
    public String entitlementTag() {
        return entitlementTag;
    }

    /** {@return what identifies the report: its device and report id, {@code PID:SERIAL#REPORT_ID}} */
    public String key() {
        return sudi + "#" + reportId;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RumReport r && payload.equals(r.payload) && signature.equals(r.signature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(payload, signature);
    }

    @Override
    public String toString() {
        return "RumReport{" + key() + (entitlementTag == null ? "" : ", " + entitlementTag) + "}";
    }
}
