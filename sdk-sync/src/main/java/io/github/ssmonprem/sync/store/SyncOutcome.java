package io.github.ssmonprem.sync.store;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * What the last sync did: what an application shows as "last synced" and why a sync failed.
 *
 * @param startedAt when it started
 * @param finishedAt when it ended
 * @param success whether every step succeeded
 * @param licensesPulled how many licenses were pulled
 * @param reportsDelivered how many usage reports were acknowledged
 * @param reportsPending how many usage reports still wait for delivery
 * @param errorType the simple name of the failure's exception type, or null
 * @param errorMessage the failure's message, or null
 */
public record SyncOutcome(
        @JsonProperty("startedAt") Instant startedAt,
        @JsonProperty("finishedAt") Instant finishedAt,
        @JsonProperty("success") boolean success,
        @JsonProperty("licensesPulled") long licensesPulled,
        @JsonProperty("reportsDelivered") int reportsDelivered,
        @JsonProperty("reportsPending") int reportsPending,
        @JsonProperty("errorType") String errorType,
        @JsonProperty("errorMessage") String errorMessage) {
}
