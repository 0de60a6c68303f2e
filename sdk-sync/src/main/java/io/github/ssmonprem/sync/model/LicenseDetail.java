package io.github.ssmonprem.sync.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One source of a license's quantity: a subscription or perpetual purchase.
 *
 * @param licenseType the type, such as {@code TERM} or {@code PERPETUAL}
 * @param quantity the quantity it contributes
 * @param startDate its start date as the server wrote it
 * @param endDate its end date as the server wrote it (absent for perpetual licenses)
 * @param subscriptionId the subscription, if any
 * @param status its status, such as {@code ACTIVE}
 */
public record LicenseDetail(
        @JsonProperty("licenseType") String licenseType,
        @JsonProperty("quantity") long quantity,
        @JsonProperty("startDate") String startDate,
        @JsonProperty("endDate") String endDate,
        @JsonProperty("subscriptionId") String subscriptionId,
        @JsonProperty("status") String status) {
}
