package io.github.ssmonprem.sync.store;

import java.time.Instant;
import java.util.List;

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
 * @param deadReports the ids of the usage reports the server refused for good, waiting for an
 *     operator to retry or discard them (empty when none, or for an outcome stored by an earlier version)
 * @param quarantined the ids of the store's quarantined entries, waiting for an operator
 * @param steps each step's result, in the order they ran
 */
public record SyncOutcome(Instant startedAt, Instant finishedAt, boolean success, long licensesPulled, int reportsDelivered,
        int reportsPending, String errorType, String errorMessage, List<String> deadReports, List<String> quarantined,
        List<Step> steps) {

    /**
     * Freezes the lists; a missing list is empty.
     *
     * @param startedAt when it started
     * @param finishedAt when it ended
     * @param success whether every step succeeded
     * @param licensesPulled how many licenses were pulled
     * @param reportsDelivered how many usage reports were acknowledged
     * @param reportsPending how many usage reports still wait for delivery
     * @param errorType the simple name of the failure's exception type, or null
     * @param errorMessage the failure's message, or null
     * @param deadReports the ids of the usage reports the server refused for good, waiting for an operator to retry or discard them (empty when none, or for an outcome stored by an earlier version)
     * @param quarantined the ids of the store's quarantined entries, waiting for an operator
     * @param steps each step's result, in the order they ran
     */
    public SyncOutcome {
        deadReports = deadReports == null ? List.of() : List.copyOf(deadReports);
        quarantined = quarantined == null ? List.of() : List.copyOf(quarantined);
        steps = steps == null ? List.of() : List.copyOf(steps);
    }

    /**
     * An outcome without dead letters, quarantined entries or step results.
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
    public SyncOutcome(Instant startedAt, Instant finishedAt, boolean success, long licensesPulled, int reportsDelivered,
            int reportsPending, String errorType, String errorMessage) {
        this(startedAt, finishedAt, success, licensesPulled, reportsDelivered, reportsPending, errorType, errorMessage,
                List.of(), List.of(), List.of());
    }

    /**
     * One step of a sync and its result. The steps are {@code licenses} (pull and snapshot of every
     * account) and {@code usage} (delivery of the pending reports); each runs whatever became of the other.
     * With no account configured there is no {@code licenses} step.
     *
     * @param name the step
     * @param success whether it succeeded
     * @param errorType the simple name of its failure's exception type, or null
     * @param errorMessage its failure's message, or null
     */
    public record Step(String name, boolean success, String errorType, String errorMessage) {
    }
}
