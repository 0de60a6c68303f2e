package io.github.ssmonprem.examples.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.github.ssmonprem.core.http.SsmJson;
import io.github.ssmonprem.sync.InvalidUsageReportException;
import io.github.ssmonprem.sync.model.UsageReport;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * The file {@code ssm usage push --file} reads:
 * {@code {"account","virtualAccount","productInstance","reports":[{"hostname","softwareTag",
 * "usage":[{"entitlementTag","count","start","end"}]}]}}, times in ISO-8601.
 *
 * <p>The file is read strictly: an unknown key (a misspelt {@code "Count"}), a missing or null
 * {@code count}, a fractional or quoted count are errors naming the field's path, such as
 * {@code reports[0].usage[1].count}, rather than a count of 0 or a rounded one sent silently.
 *
 * <p>The report id (the nonce the server deduplicates by) is derived from the file's content unless
 * one is given: pushing the same file twice delivers one report, never twice the usage.
 */
final class UsageFile {

    /** Prefix of the report ids derived from a file's content. */
    static final String DERIVED_ID_PREFIX = "usage-";

    private static final ObjectMapper STRICT = strictMapper();

    public String account;
    public String virtualAccount;
    public String productInstance;
    public List<Device> reports;

    static final class Device {
        public String hostname;
        public String softwareTag;
        public List<Usage> usage;
    }

    static final class Usage {
        public String entitlementTag;
        public Long count;
        public Instant start;
        public Instant end;
    }

    private static ObjectMapper strictMapper() {
        ObjectMapper m = SsmJson.newMapper()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        m.coercionConfigFor(LogicalType.Integer)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        return m;
    }

    /**
     * Reads the file and builds the report, its id derived from the file's content.
     *
     * @param file the file
     * @return the report
     * @throws UsageError when the file cannot be read or is not JSON
     * @throws InvalidUsageReportException when its content is invalid, naming the field's path
     */
    static UsageReport read(Path file) {
        return read(file, null);
    }

    /**
     * Reads the file and builds the report.
     *
     * @param file the file
     * @param reportId the report id to use, or {@code null} to derive it from the file's content
     *     (a hash of its parsed content, so formatting and key order do not change it)
     * @return the report
     * @throws UsageError when the file cannot be read or is not JSON
     * @throws InvalidUsageReportException when its content is invalid, naming the field's path, or
     *     when {@code reportId} is not a valid report id
     */
    static UsageReport read(Path file, String reportId) {
        UsageFile parsed;
        try {
            parsed = STRICT.readValue(file.toFile(), UsageFile.class);
        } catch (JsonMappingException e) {
            String path = path(e);
            throw new InvalidUsageReportException("the usage file " + file + " has "
                    + (e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException
                            ? "an unknown field " + path + " (the fields are: account, virtualAccount, productInstance, "
                                    + "reports[].hostname, reports[].softwareTag, reports[].usage[].entitlementTag, "
                                    + "reports[].usage[].count, reports[].usage[].start, reports[].usage[].end)"
                            : "an invalid value at " + (path.isEmpty() ? "its top level" : path)
                                    + " (counts are whole numbers, times ISO-8601 such as 2026-11-01T00:00:00Z)")
                    + where(e));
        } catch (JsonProcessingException e) {
            throw new UsageError("The usage file " + file + " is not valid JSON" + where(e) + " (" + e.getClass().getSimpleName() + ").",
                    "Fix the file: {\"account\",\"virtualAccount\",\"productInstance\",\"reports\":[{\"hostname\",\"softwareTag\","
                            + "\"usage\":[{\"entitlementTag\",\"count\",\"start\",\"end\"}]}]}, times in ISO-8601.");
        } catch (IOException e) {
            throw new UsageError("The usage file " + file + " cannot be read (" + e.getClass().getSimpleName() + ").",
                    "Check the path given to --file.");
        }
        if (parsed == null) {
            throw new InvalidUsageReportException("the usage file " + file + " is empty");
        }
        UsageReport.Builder b = UsageReport.builder().account(parsed.account).virtualAccount(parsed.virtualAccount)
                .productInstance(parsed.productInstance);
        List<Device> devices = parsed.reports == null ? List.of() : parsed.reports;
        for (int i = 0; i < devices.size(); i++) {
            Device d = devices.get(i);
            if (d == null) {
                throw new InvalidUsageReportException("the usage file " + file + " has null at reports[" + i + "]");
            }
            b.device(d.hostname, d.softwareTag);
            List<Usage> usage = d.usage == null ? List.of() : d.usage;
            for (int j = 0; j < usage.size(); j++) {
                Usage u = usage.get(j);
                String at = "reports[" + i + "].usage[" + j + "]";
                if (u == null) {
                    throw new InvalidUsageReportException("the usage file " + file + " has null at " + at);
                }
                if (u.count == null) {
                    throw new InvalidUsageReportException("the usage file " + file + " has no " + at + ".count");
                }
                b.usage(u.entitlementTag, u.count, u.start, u.end);
            }
        }
        b.reportId(reportId != null ? reportId : contentId(parsed));
        return b.build();
    }

    /**
     * The report id derived from a parsed file: {@value #DERIVED_ID_PREFIX} and 32 hex digits of the
     * SHA-256 of its canonical form (re-serialised, so whitespace, key order and time notation do not matter).
     */
    private static String contentId(UsageFile parsed) {
        try {
            byte[] canonical = STRICT.writeValueAsBytes(parsed);
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(canonical);
            return DERIVED_ID_PREFIX + HexFormat.of().formatHex(hash, 0, 16);
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash the usage file", e);
        }
    }

    private static String path(JsonMappingException e) {
        StringBuilder s = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (s.length() > 0) {
                    s.append('.');
                }
                s.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                s.append('[').append(r.getIndex()).append(']');
            }
        }
        return s.toString();
    }

    private static String where(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }
}
