package io.github.ssmonprem.sync.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.github.ssmonprem.sync.InvalidUsageReportException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A license-usage report for one virtual account and product instance.
 *
 * <p>Its {@link #reportId()} is the nonce the server deduplicates by. It is assigned once, when the
 * report is built, and travels with the report through the durable pending store: every retry and
 * every resubmission after a restart uses the same one, so the server counts the report once.
 *
 * <pre>{@code
 * UsageReport report = UsageReport.builder()
 *     .account("acme.example").virtualAccount("Branch-East").productInstance("vmanage-cluster-1")
 *     .device("edge-17", "regid.2019-10.com.cisco.SDWAN,1.0")
 *         .usage("sdwan_dna_advantage", 12, start, end)
 *     .build();
 * }</pre>
 *
 * @param reportId the nonce, unique per report
 * @param createdAt when the report was built; its wire timestamp
 * @param account the smart account domain
 * @param virtualAccount the virtual account
 * @param productInstance the product instance identifier (the reporting system)
 * @param reports the devices' usage
 */
public record UsageReport(
        @JsonProperty("reportId") String reportId,
        @JsonProperty("createdAt") Instant createdAt,
        @JsonProperty("account") String account,
        @JsonProperty("virtualAccount") String virtualAccount,
        @JsonProperty("productInstance") String productInstance,
        @JsonProperty("reports") List<DeviceUsage> reports) {

    /**
     * Validates the report.
     *
     * @param reportId the nonce, unique per report
     * @param createdAt when the report was built; its wire timestamp
     * @param account the smart account domain
     * @param virtualAccount the virtual account
     * @param productInstance the product instance identifier (the reporting system)
     * @param reports the devices' usage
     */
    public UsageReport {
        if (reportId == null || reportId.isBlank()) {
            throw new InvalidUsageReportException("the report has no reportId");
        }
        if (createdAt == null) {
            throw new InvalidUsageReportException("the report has no createdAt");
        }
        require(account, "account");
        require(virtualAccount, "virtualAccount");
        require(productInstance, "productInstance");
        if (reports == null || reports.isEmpty()) {
            throw new InvalidUsageReportException("the report is empty: it has no device usage");
        }
        reports = List.copyOf(reports);
    }

    private static void require(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new InvalidUsageReportException("the report has no " + field);
        }
    }

    /**
     * Starts a builder that stamps the report with the system clock.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder(Clock.systemUTC());
    }

    /**
     * Starts a builder that stamps the report with the given clock.
     *
     * @param clock the clock for {@code createdAt}
     * @return a builder
     */
    public static Builder builder(Clock clock) {
        return new Builder(clock);
    }

    /**
     * Returns how many usage records the report holds.
     *
     * @return how many usage records the report holds
     */
    @JsonIgnore
    public int recordCount() {
        int n = 0;
        for (DeviceUsage d : reports) {
            n += d.usage().size();
        }
        return n;
    }

    /** Builds a {@link UsageReport}; assigns its nonce once, in {@link #build()}, unless {@link #reportId(String)} set it. */
    public static final class Builder {
        private static final java.util.regex.Pattern REPORT_ID = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
        private final Clock clock;
        private String account;
        private String virtualAccount;
        private String productInstance;
        private final List<DeviceUsage> devices = new ArrayList<>();
        private String hostname;
        private String softwareTag;
        private List<UsageRecord> records;

        private String reportId;

        private Builder(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
        }

        /**
         * Sets the report's nonce instead of a random one, so that a caller who derives it from the
         * usage itself (a file's content, a period and device set) can submit the same usage again
         * without it being counted twice: submitting an id that is already pending or delivered
         * returns that report's state and sends nothing new.
         *
         * @param id 1 to 128 of the characters {@code A-Z a-z 0-9 . _ -}, starting with a letter or digit
         * @return this builder
         * @throws InvalidUsageReportException when the id is not of that form
         */
        public Builder reportId(String id) {
            if (id == null || !REPORT_ID.matcher(id).matches()) {
                throw new InvalidUsageReportException("reportId must be 1 to 128 of the characters A-Z a-z 0-9 . _ -, "
                        + "starting with a letter or digit");
            }
            this.reportId = id;
            return this;
        }

        /**
         * Sets the smart account domain.
         *
         * @param domain the smart account domain
         * @return this builder
         */
        public Builder account(String domain) {
            this.account = domain;
            return this;
        }

        /**
         * Sets the virtual account.
         *
         * @param name the virtual account
         * @return this builder
         */
        public Builder virtualAccount(String name) {
            this.virtualAccount = name;
            return this;
        }

        /**
         * Sets the product instance identifier.
         *
         * @param id the product instance identifier
         * @return this builder
         */
        public Builder productInstance(String id) {
            this.productInstance = id;
            return this;
        }

        /**
         * Starts a device; the following {@link #usage} calls belong to it.
         *
         * @param hostname the device's host name
         * @param softwareTag its software tag identifier
         * @return this builder
         */
        public Builder device(String hostname, String softwareTag) {
            flushDevice();
            this.hostname = hostname;
            this.softwareTag = softwareTag;
            this.records = new ArrayList<>();
            return this;
        }

        /**
         * Adds a usage record to the current device.
         *
         * @param entitlementTag the entitlement tag
         * @param count how many were used
         * @param start the period's start
         * @param end the period's end
         * @return this builder
         */
        public Builder usage(String entitlementTag, long count, Instant start, Instant end) {
            if (records == null) {
                throw new InvalidUsageReportException("usage(...) needs a device(...) first");
            }
            records.add(new UsageRecord(entitlementTag, count, start, end));
            return this;
        }

        /**
         * Adds a device's usage as a whole.
         *
         * @param device the device usage
         * @return this builder
         */
        public Builder device(DeviceUsage device) {
            flushDevice();
            devices.add(device);
            return this;
        }

        private void flushDevice() {
            if (records != null) {
                devices.add(new DeviceUsage(hostname, softwareTag, records));
                records = null;
            }
        }

        /**
         * Validates the report and assigns its nonce.
         *
         * @return the report
         * @throws InvalidUsageReportException naming what is wrong
         */
        public UsageReport build() {
            flushDevice();
            return new UsageReport(reportId != null ? reportId : UUID.randomUUID().toString(), clock.instant(), account, virtualAccount,
                    productInstance, devices);
        }
    }
}
