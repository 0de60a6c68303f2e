package io.github.ssmonprem.sync.store;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Objects;

/**
 * A usage report the server refused permanently, kept with the server's answer until an operator
 * retries it ({@link SyncStore#retryDead}) or discards it ({@link SyncStore#discardDead}).
 *
 * @param entry the report with its delivery state when it was refused
 * @param status the HTTP status of the refusal (such as 400 or 413)
 * @param code the server's error code, or null when it gave none
 * @param message the server's message, or null when it gave none
 * @param refusedAt when the refusal arrived
 */
public record DeadLetter(
        @JsonProperty("entry") PendingReport entry,
        @JsonProperty("status") int status,
        @JsonProperty("code") String code,
        @JsonProperty("message") String message,
        @JsonProperty("refusedAt") Instant refusedAt) {

    /**
     * Checks the required parts.
     *
     * @param entry the report with its delivery state when it was refused
     * @param status the HTTP status of the refusal (such as 400 or 413)
     * @param code the server's error code, or null when it gave none
     * @param message the server's message, or null when it gave none
     * @param refusedAt when the refusal arrived
     */
    public DeadLetter {
        Objects.requireNonNull(entry, "entry");
        Objects.requireNonNull(refusedAt, "refusedAt");
    }

    /**
     * The refused report's nonce.
     *
     * @return the report id
     */
    public String reportId() {
        return entry.reportId();
    }
}
