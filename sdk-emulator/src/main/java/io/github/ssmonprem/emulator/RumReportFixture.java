package io.github.ssmonprem.emulator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A RUM report as a device writes it, for tests: the payload's JSON text (version 2.0, with
 * {@code asset_identification.report_id}, {@code instance.sudi}, {@code meta.entitlement_tag},
 * measurements in epoch seconds with counts as decimal strings) and its signature object
 * ({@code sudi}, {@code signing_type} {@code builtin}, {@code key}, a base64 {@code value}). The
 * signature is a stand-in: its value is the base64 SHA-256 digest of the payload, which the
 * {@link SsmEmulator} does not check (it checks shape, not cryptography), nor would any real server
 * accept.
 *
 * <p>The payload can carry what a JSON library would not write again when it re-serialises a parsed
 * payload (spaces after colons and commas, {@code \/} escapes, the report id under {@code meta} as older
 * devices write it), so a test can prove that a client sends it byte for byte. Write reports to a
 * device's usage file with {@link DeviceUsageFiles}.
 *
 * <pre>{@code
 * RumReportFixture report = RumReportFixture.builder()
 *     .device("C9800-CL-K9", "9NTUEA8FIIH").reportId(1671840750)
 *     .count(3, Instant.parse("2024-05-01T00:00:00Z"), Instant.parse("2024-05-02T00:00:00Z"))
 *     .spacing(true).escapeSlashes(true)        // as no JSON library writes it
 *     .build();
 * Files.writeString(dir.resolve("usage.xml"), DeviceUsageFiles.xml(List.of(report)));
 * ...
 * assertEquals(report.payload(), emulator.stats().receivedReport(report.key()).orElseThrow().payload());
 * }</pre>
 */
public final class RumReportFixture {

    /** The default device's product id. */
    public static final String DEFAULT_PID = "C9800-CL-K9";
    /** The default device's serial number. */
    public static final String DEFAULT_SERIAL = "9NTUEA8FIIH";
    /** The default software tag ({@code asset_identification.asset.name}, the signature's {@code key}). */
    public static final String DEFAULT_SOFTWARE_TAG = "regid.2018-05.com.cisco.WLC_9500C,1.0_85665885-b865-4e32-8184-5510412fcb54";
    /** The default entitlement tag ({@code meta.entitlement_tag}). */
    public static final String DEFAULT_ENTITLEMENT_TAG = "regid.2018-06.com.cisco.DNA_NWStack,1.0_e7244e71-3ad5-4608-8bf0-d12f67c80896";
    /** The default report id. */
    public static final long DEFAULT_REPORT_ID = 1_671_840_750L;

    private final DeviceId sudi;
    private final String reportId;
    private final String payload;
    private final String signature;
    private final String entry;

    private RumReportFixture(DeviceId sudi, String reportId, String payload, String signature, String entry) {
        this.sudi = sudi;
        this.reportId = reportId;
        this.payload = payload;
        this.signature = signature;
        this.entry = entry;
    }

    /** {@return a builder for the default device, software tag, entitlement and report id, with no measurement yet} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the device that wrote and signed the report (the signature's SUDI)} */
    public DeviceId sudi() {
        return sudi;
    }

    /** {@return the report id, as decimal text} */
    public String reportId() {
        return reportId;
    }

    /** {@return what identifies the report: {@code PID:SERIAL#REPORT_ID}, as {@code RumReport.key()} and the emulator's stats say} */
    public String key() {
        return sudi + "#" + reportId;
    }

    /** {@return the payload, the exact JSON text a client must send unchanged} */
    public String payload() {
        return payload;
    }

    /**
     * {@return the signature object's JSON text exactly as it stands in {@link #entry()}: on several
     * lines, indented as a device indents it there}
     */
    public String signature() {
        return signature;
    }

    /**
     * {@return the report as a device writes it in its usage file: the JSON object
     * {@code {"payload": "<the payload as a JSON string>", "signature": {...}}}, indented by two spaces}
     */
    public String entry() {
        return entry;
    }

    @Override
    public String toString() {
        return "RumReportFixture{" + key() + "}";
    }

    /** Builds a {@link RumReportFixture}; every option has a default but the measurements. */
    public static final class Builder {
        private DeviceId device = new DeviceId(DEFAULT_PID, DEFAULT_SERIAL);
        private DeviceId payloadDevice;
        private DeviceId signatureDevice;
        private String softwareTag = DEFAULT_SOFTWARE_TAG;
        private String entitlementTag = DEFAULT_ENTITLEMENT_TAG;
        private String softwareVersion = "17.09.02";
        private long reportId = DEFAULT_REPORT_ID;
        private boolean reportIdUnderMeta;
        private String signingType = "builtin";
        private String signatureValue;
        private boolean spacing;
        private boolean escapeSlashes;
        private final List<long[]> measurements = new ArrayList<>();

        private Builder() {
        }

        /**
         * Sets the device that writes and signs the report.
         *
         * @param sudi its identity
         * @return this builder
         */
        public Builder device(DeviceId sudi) {
            this.device = Objects.requireNonNull(sudi, "sudi");
            return this;
        }

        /**
         * Sets the device that writes and signs the report.
         *
         * @param pid its product id ({@code udi_pid})
         * @param serialNumber its serial number ({@code udi_serial_number})
         * @return this builder
         */
        public Builder device(String pid, String serialNumber) {
            return device(new DeviceId(pid, serialNumber));
        }

        /**
         * Names another device in the payload ({@code asset_identification.instance.sudi} and
         * {@code meta.ha_udi}) than the one that signs it: a malformed report, for refusal tests.
         *
         * @param sudi the device the payload names
         * @return this builder
         */
        public Builder payloadDevice(DeviceId sudi) {
            this.payloadDevice = Objects.requireNonNull(sudi, "sudi");
            return this;
        }

        /**
         * Names another device in the signature ({@code signature.sudi}) than the one the payload
         * names: a malformed report, for refusal tests.
         *
         * @param sudi the device the signature names
         * @return this builder
         */
        public Builder signatureDevice(DeviceId sudi) {
            this.signatureDevice = Objects.requireNonNull(sudi, "sudi");
            return this;
        }

        /**
         * Sets the software tag ({@code asset_identification.asset.name}, the signatures' {@code key}).
         *
         * @param tag the tag
         * @return this builder
         */
        public Builder softwareTag(String tag) {
            this.softwareTag = Objects.requireNonNull(tag, "tag");
            return this;
        }

        /**
         * Sets the entitlement tag ({@code meta.entitlement_tag}).
         *
         * @param tag the tag
         * @return this builder
         */
        public Builder entitlementTag(String tag) {
            this.entitlementTag = Objects.requireNonNull(tag, "tag");
            return this;
        }

        /**
         * Sets the software version ({@code meta.software_version}, default {@code 17.09.02}).
         *
         * @param version the version
         * @return this builder
         */
        public Builder softwareVersion(String version) {
            this.softwareVersion = Objects.requireNonNull(version, "version");
            return this;
        }

        /**
         * Sets the report id, unique per device (default {@link #DEFAULT_REPORT_ID}).
         *
         * @param id the id
         * @return this builder
         */
        public Builder reportId(long id) {
            this.reportId = id;
            return this;
        }

        /**
         * Writes the report id under {@code meta} ({@code meta.report_id}) instead of
         * {@code asset_identification}, as older devices do.
         *
         * @return this builder
         */
        public Builder reportIdUnderMeta() {
            this.reportIdUnderMeta = true;
            return this;
        }

        /**
         * Adds a measurement: {@code count} entitlements in use from {@code start} to {@code end}
         * (epoch seconds in the payload, the count as a decimal string, logged at {@code end}).
         *
         * @param count the count
         * @param start the start of the period
         * @param end the end of the period
         * @return this builder
         */
        public Builder count(long count, Instant start, Instant end) {
            measurements.add(new long[] {count, start.getEpochSecond(), end.getEpochSecond()});
            return this;
        }

        /**
         * Sets the signature's {@code signing_type} (default {@code builtin}).
         *
         * @param type the signing type
         * @return this builder
         */
        public Builder signingType(String type) {
            this.signingType = Objects.requireNonNull(type, "type");
            return this;
        }

        /**
         * Sets the signature's {@code value} (default: the base64 SHA-256 digest of the payload).
         *
         * @param base64 the value
         * @return this builder
         */
        public Builder signatureValue(String base64) {
            this.signatureValue = Objects.requireNonNull(base64, "base64");
            return this;
        }

        /**
         * Writes the payload with a space after every colon and comma ({@code "report_id": 1}, as
         * Python's {@code json.dumps} does), which Jackson and most JSON libraries do not.
         *
         * @param on whether to
         * @return this builder
         */
        public Builder spacing(boolean on) {
            this.spacing = on;
            return this;
        }

        /**
         * Writes every {@code /} in the payload's strings as {@code \/} (the payload's own signature
         * value, a base64 text, always holds one), which JSON libraries do not.
         *
         * @param on whether to
         * @return this builder
         */
        public Builder escapeSlashes(boolean on) {
            this.escapeSlashes = on;
            return this;
        }

        /**
         * {@return the report}
         *
         * @throws IllegalStateException when no measurement was added
         */
        public RumReportFixture build() {
            if (measurements.isEmpty()) {
                throw new IllegalStateException("add at least one measurement with count(count, start, end)");
            }
            DeviceId inPayload = payloadDevice != null ? payloadDevice : device;
            DeviceId signer = signatureDevice != null ? signatureDevice : device;
            String id = Long.toString(reportId);
            Map<String, Object> identification = new LinkedHashMap<>();
            if (!reportIdUnderMeta) {
                identification.put("report_id", reportId);
            }
            identification.put("asset", Map.of("name", softwareTag));
            identification.put("instance", Map.of("sudi", sudi(inPayload)));
            Map<String, Object> innerSignature = new LinkedHashMap<>();
            innerSignature.put("signing_type", "builtin");
            innerSignature.put("key", softwareTag);
            String digest = base64(sha256(device + "#" + id + "#" + entitlementTag));
            innerSignature.put("value", digest.substring(0, 7) + "/" + digest.substring(8));
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put("entitlement_tag", entitlementTag);
            if (reportIdUnderMeta) {
                meta.put("report_id", reportId);
            }
            meta.put("utility_enabled", false);
            meta.put("software_version", softwareVersion);
            Map<String, Object> active = new LinkedHashMap<>();
            active.put("role", "Active");
            active.put("sudi", sudi(inPayload));
            meta.put("ha_udi", List.of(active));
            List<Object> values = new ArrayList<>();
            for (long[] m : measurements) {
                Map<String, Object> measurement = new LinkedHashMap<>();
                measurement.put("log_time", m[2]);
                measurement.put("metric_name", "ENTITLEMENT");
                measurement.put("start_time", m[1]);
                measurement.put("end_time", m[2]);
                measurement.put("sample_interval", m[2] - m[1]);
                measurement.put("num_samples", Math.max(1, (m[2] - m[1]) / 900));
                Map<String, Object> value = new LinkedHashMap<>();
                value.put("type", "COUNT");
                value.put("value", Long.toString(m[0]));
                measurement.put("value", value);
                values.add(measurement);
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("version", "2.0");
            body.put("asset_identification", identification);
            body.put("signature", innerSignature);
            body.put("meta", meta);
            body.put("measurements", values);
            StringBuilder payload = new StringBuilder();
            write(payload, body, spacing, escapeSlashes);
            String text = payload.toString();
            String value = signatureValue != null ? signatureValue : base64(sha256(text));
            String signature = "{\n    \"sudi\": {\n      \"udi_pid\": " + quote(signer.pid(), false) + ",\n      \"udi_serial_number\": "
                    + quote(signer.serialNumber(), false) + "\n    },\n    \"signing_type\": " + quote(signingType, false) + ",\n    \"key\": "
                    + quote(softwareTag, false) + ",\n    \"value\": " + quote(value, false) + "\n  }";
            String entry = "{\n  \"payload\": " + quote(text, false) + ",\n  \"signature\": " + signature + "\n}";
            return new RumReportFixture(signer, id, text, signature, entry);
        }

        private static Map<String, Object> sudi(DeviceId sudi) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("udi_pid", sudi.pid());
            m.put("udi_serial_number", sudi.serialNumber());
            return m;
        }
    }

    /** Writes JSON by hand, so the spacing and escapes are the fixture's choice rather than a library's. */
    @SuppressWarnings("unchecked")
    private static void write(StringBuilder out, Object value, boolean spacing, boolean escapeSlashes) {
        if (value instanceof Map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, Object> e : ((Map<String, Object>) value).entrySet()) {
                if (!first) {
                    out.append(spacing ? ", " : ",");
                }
                first = false;
                out.append(quote(e.getKey(), escapeSlashes)).append(spacing ? ": " : ":");
                write(out, e.getValue(), spacing, escapeSlashes);
            }
            out.append('}');
        } else if (value instanceof List) {
            out.append('[');
            boolean first = true;
            for (Object v : (List<Object>) value) {
                if (!first) {
                    out.append(spacing ? ", " : ",");
                }
                first = false;
                write(out, v, spacing, escapeSlashes);
            }
            out.append(']');
        } else if (value instanceof String) {
            out.append(quote((String) value, escapeSlashes));
        } else {
            out.append(value);
        }
    }

    /** {@return a JSON string literal of the text; {@code /} as {@code \/} when asked} */
    static String quote(String s, boolean escapeSlashes) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"':
                    out.append("\\\"");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                case '/':
                    out.append(escapeSlashes ? "\\/" : "/");
                    break;
                default:
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
            }
        }
        return out.append('"').toString();
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
