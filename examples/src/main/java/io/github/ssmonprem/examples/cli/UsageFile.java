package io.github.ssmonprem.examples.cli;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.ssmonprem.core.http.SsmJson;
import io.github.ssmonprem.sync.model.UsageReport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * The file {@code ssm usage push --file} reads:
 * {@code {"account","virtualAccount","productInstance","reports":[{"hostname","softwareTag",
 * "usage":[{"entitlementTag","count","start","end"}]}]}}, times in ISO-8601.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
final class UsageFile {

    public String account;
    public String virtualAccount;
    public String productInstance;
    public List<Device> reports;

    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class Device {
        public String hostname;
        public String softwareTag;
        public List<Usage> usage;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class Usage {
        public String entitlementTag;
        public long count;
        public Instant start;
        public Instant end;
    }

    /**
     * Reads the file and builds the report (which assigns its nonce).
     *
     * @param file the file
     * @return the report
     * @throws UsageError when the file cannot be read or is not valid
     * @throws io.github.ssmonprem.sync.InvalidUsageReportException when its content is invalid
     */
    static UsageReport read(Path file) {
        UsageFile parsed;
        try {
            parsed = SsmJson.mapper().readValue(file.toFile(), UsageFile.class);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr();
            throw new UsageError("The usage file " + file + " is not valid" + where + " (" + e.getClass().getSimpleName() + ").",
                    "Fix the file: {\"account\",\"virtualAccount\",\"productInstance\",\"reports\":[{\"hostname\",\"softwareTag\","
                            + "\"usage\":[{\"entitlementTag\",\"count\",\"start\",\"end\"}]}]}, times in ISO-8601.");
        } catch (IOException e) {
            throw new UsageError("The usage file " + file + " cannot be read (" + e.getClass().getSimpleName() + ").",
                    "Check the path given to --file.");
        }
        UsageReport.Builder b = UsageReport.builder().account(parsed.account).virtualAccount(parsed.virtualAccount)
                .productInstance(parsed.productInstance);
        for (Device d : parsed.reports == null ? List.<Device>of() : parsed.reports) {
            b.device(d.hostname, d.softwareTag);
            for (Usage u : d.usage == null ? List.<Usage>of() : d.usage) {
                b.usage(u.entitlementTag, u.count, u.start, u.end);
            }
        }
        return b.build();
    }
}
