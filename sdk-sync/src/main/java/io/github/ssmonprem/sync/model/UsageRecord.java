package io.github.ssmonprem.sync.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.github.ssmonprem.sync.InvalidUsageReportException;
import java.time.Instant;

/**
 * How much of one entitlement a device used over a period.
 *
 * @param entitlementTag the entitlement tag
 * @param count how many were used; zero or more
 * @param start the start of the period
 * @param end the end of the period; not before {@code start}
 */
public record UsageRecord(
        @JsonProperty("entitlementTag") String entitlementTag,
        @JsonProperty("count") long count,
        @JsonProperty("start") Instant start,
        @JsonProperty("end") Instant end) {

    /**
     * Validates the record.
     *
     * @param entitlementTag the entitlement tag
     * @param count how many were used; zero or more
     * @param start the start of the period
     * @param end the end of the period; not before {@code start}
     */
    public UsageRecord {
        if (entitlementTag == null || entitlementTag.isBlank()) {
            throw new InvalidUsageReportException("a usage record has no entitlementTag");
        }
        if (count < 0) {
            throw new InvalidUsageReportException("the usage of " + entitlementTag + " has a negative count (" + count + ")");
        }
        if (start == null || end == null) {
            throw new InvalidUsageReportException("the usage of " + entitlementTag + " needs both start and end");
        }
        if (end.isBefore(start)) {
            throw new InvalidUsageReportException("the usage of " + entitlementTag + " ends (" + end + ") before it starts (" + start + ")");
        }
    }
}
