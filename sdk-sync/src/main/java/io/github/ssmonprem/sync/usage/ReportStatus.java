package io.github.ssmonprem.sync.usage;

/** Where a usage report stands: in the store, and after a delivery attempt. */
public enum ReportStatus {
    /** In the pending store: a later delivery submits it, or polls for its acknowledgement. */
    PENDING,
    /** Acknowledged by the server; its acknowledgements are kept for the devices. */
    DELIVERED,
    /**
     * Refused by the server as a report it already has (a second upload): delivered, not a dead
     * letter; its acknowledgements are those an earlier upload's poll returned, if any.
     */
    ALREADY_RECEIVED,
    /** Refused by the server for good: a dead letter until an operator retries or discards it. */
    DEAD;

    /** {@return whether the server has the report (acknowledged or already received)} */
    public boolean isDelivered() {
        return this == DELIVERED || this == ALREADY_RECEIVED;
    }
}
