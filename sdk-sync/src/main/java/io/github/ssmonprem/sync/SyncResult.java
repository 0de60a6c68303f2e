package io.github.ssmonprem.sync;

import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.sync.store.DeadLetter;
import io.github.ssmonprem.sync.store.SyncOutcome;
import io.github.ssmonprem.sync.usage.DeliveryResult;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of one sync: its recorded outcome, the license changes per smart account, what became of
 * each pending usage report, entries quarantined on the way, and the failure if there was one.
 *
 * <p>A sync's failure has one form, the exception ({@link #failure()}); the outcome's error type and
 * message, and each step's, are what the store keeps of it. A result is a success exactly when it
 * has no failure, and its outcome says the same.
 */
public final class SyncResult {

    private final SyncOutcome outcome;
    private final Map<String, LicenseChanges> changes;
    private final List<DeliveryResult> deliveries;
    private final List<String> quarantined;
    private final SsmException error;
    private final List<DeadLetter> deadLetters;

    /**
     * Creates a result; the collections are copied.
     *
     * @param outcome the outcome as stored (times, counts, error type and message)
     * @param changes the license changes per smart account domain
     * @param deliveries the usage reports this sync tried to deliver
     * @param quarantined entries of the pending store that could not be read and were moved aside
     * @param error the failure, or null when the sync succeeded
     * @param deadLetters the usage reports the server refused for good, this sync or earlier, until an
     *     operator retries or discards them ({@link UsageOperations#retry}, {@link UsageOperations#discard});
     *     null for none
     * @throws IllegalArgumentException when the outcome's success disagrees with the failure
     */
    public SyncResult(SyncOutcome outcome, Map<String, LicenseChanges> changes, List<DeliveryResult> deliveries,
            List<String> quarantined, SsmException error, List<DeadLetter> deadLetters) {
        if (outcome.success() != (error == null)) {
            throw new IllegalArgumentException("the outcome says " + (outcome.success() ? "success" : "failure")
                    + " but the failure is " + error);
        }
        this.outcome = outcome;
        this.changes = Map.copyOf(changes);
        this.deliveries = List.copyOf(deliveries);
        this.quarantined = List.copyOf(quarantined);
        this.error = error;
        this.deadLetters = deadLetters == null ? List.of() : List.copyOf(deadLetters);
    }

    /**
     * Creates a result without dead letters.
     *
     * @param outcome the outcome as stored
     * @param changes the license changes per smart account domain
     * @param deliveries the usage reports this sync tried to deliver
     * @param quarantined descriptions of the quarantined entries
     * @param error the failure, or null when the sync succeeded
     */
    public SyncResult(SyncOutcome outcome, Map<String, LicenseChanges> changes, List<DeliveryResult> deliveries,
            List<String> quarantined, SsmException error) {
        this(outcome, changes, deliveries, quarantined, error, List.of());
    }

    /** {@return the outcome as stored (times, counts, error type and message)} */
    public SyncOutcome outcome() {
        return outcome;
    }

    /** {@return the license changes per smart account domain} */
    public Map<String, LicenseChanges> changes() {
        return changes;
    }

    /** {@return the usage reports this sync tried to deliver} */
    public List<DeliveryResult> deliveries() {
        return deliveries;
    }

    /** {@return the entries of the pending store that could not be read and were moved aside} */
    public List<String> quarantined() {
        return quarantined;
    }

    /**
     * {@return the usage reports the server refused for good, this sync or earlier} They stay until an
     * operator retries or discards them ({@link UsageOperations#retry}, {@link UsageOperations#discard}).
     */
    public List<DeadLetter> deadLetters() {
        return deadLetters;
    }

    /** {@return whether every step succeeded: the result has no failure} */
    public boolean isSuccess() {
        return error == null;
    }

    /** {@return the failure, if any: the one accessor to use for it} */
    public Optional<SsmException> failure() {
        return Optional.ofNullable(error);
    }

    /**
     * {@return whether this sync skipped the license step because the client has no account configured
     * ({@link SsmSyncClientBuilder#account(AccountSelection)}): it pulled no licenses and only delivered
     * usage. A success with zero licenses is then not a sign that the smart account has none}
     */
    public boolean licensesSkipped() {
        return !outcome.steps().isEmpty() && outcome.steps().stream().noneMatch(s -> "licenses".equals(s.name()));
    }

    /**
     * Throws the failure, for callers that prefer exceptions.
     *
     * @return this result when it succeeded
     * @throws SsmException the failure
     */
    public SyncResult throwIfFailed() {
        if (error != null) {
            throw error;
        }
        return this;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SyncResult r && Objects.equals(outcome, r.outcome) && changes.equals(r.changes)
                && deliveries.equals(r.deliveries) && quarantined.equals(r.quarantined) && Objects.equals(error, r.error)
                && deadLetters.equals(r.deadLetters);
    }

    @Override
    public int hashCode() {
        return Objects.hash(outcome, changes, deliveries, quarantined, error, deadLetters);
    }

    @Override
    public String toString() {
        return "SyncResult{" + (isSuccess() ? "success" : "failed: " + outcome.errorType()) + ", licenses="
                + (licensesSkipped() ? "not pulled (no account configured)" : outcome.licensesPulled()) + ", delivered=" + outcome.reportsDelivered() + ", pending="
                + outcome.reportsPending() + ", changes=" + changes + "}";
    }
}
