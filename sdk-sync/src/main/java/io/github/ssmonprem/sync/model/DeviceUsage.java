package io.github.ssmonprem.sync.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.github.ssmonprem.sync.InvalidUsageReportException;
import java.util.List;

/**
 * The usage of one device (product instance member).
 *
 * @param hostname the device's host name
 * @param softwareTag its software tag identifier
 * @param usage its usage records; at least one
 */
public record DeviceUsage(
        @JsonProperty("hostname") String hostname,
        @JsonProperty("softwareTag") String softwareTag,
        @JsonProperty("usage") List<UsageRecord> usage) {

    /**
     * Validates the device's usage.
     *
     * @param hostname the device's host name
     * @param softwareTag its software tag identifier
     * @param usage its usage records; at least one
     */
    public DeviceUsage {
        if (hostname == null || hostname.isBlank()) {
            throw new InvalidUsageReportException("a device has no hostname");
        }
        if (softwareTag == null || softwareTag.isBlank()) {
            throw new InvalidUsageReportException("device " + hostname + " has no softwareTag");
        }
        if (usage == null || usage.isEmpty()) {
            throw new InvalidUsageReportException("device " + hostname + " has no usage records");
        }
        usage = List.copyOf(usage);
    }
}
