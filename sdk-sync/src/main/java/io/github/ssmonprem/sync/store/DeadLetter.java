package io.github.ssmonprem.sync.store;

import io.github.ssmonprem.sync.usage.Acknowledgement;
import io.github.ssmonprem.sync.usage.ServerMessage;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A usage report the server refused for good, kept with the server's answer until an operator retries
 * it ({@link UsageOutbox#retry}) or discards it ({@link UsageOutbox#discard}).
 *
 * @param entry the report with its delivery state when it was refused
 * @param httpStatus the HTTP status of the refusal (such as 400, or 200 for a {@code FAILED} answer)
 * @param server what the server said (status, message code, message, correlation id)
 * @param refusedAt when the refusal arrived
 * @param acknowledgements acknowledgements that arrived for some of its devices before the refusal
 *     of the others (kept for the devices like any other); usually empty
 */
public record DeadLetter(PendingReport entry, int httpStatus, ServerMessage server, Instant refusedAt,
        List<Acknowledgement> acknowledgements) {

    /**
     * Checks the required parts.
     *
     * @param entry the refused report
     * @param httpStatus the HTTP status of the refusal
     * @param server what the server said
     * @param refusedAt when the refusal arrived
     * @param acknowledgements acknowledgements of some of its devices, or empty
     */
    public DeadLetter {
        Objects.requireNonNull(entry, "entry");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(refusedAt, "refusedAt");
        acknowledgements = acknowledgements == null ? List.of() : List.copyOf(acknowledgements);
    }

    /** {@return the refused report's id} */
    public String reportId() {
        return entry.reportId();
    }
}
