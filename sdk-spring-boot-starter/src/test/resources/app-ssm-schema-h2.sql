-- The SDK's H2 schema with the prefix app_, as an application managing the schema itself would ship it.

-- The cluster's sync lock: one row per lock name. token is the fencing token, raised on every
-- acquisition; expires_at is in the database's clock; last_success_at is when a sync under the lock
-- last succeeded, which decides on every node whether this period's sync is still due.
CREATE TABLE IF NOT EXISTS app_sync_lock (
    lock_name       VARCHAR(64)  NOT NULL PRIMARY KEY,
    holder          VARCHAR(200),
    token           BIGINT       NOT NULL,
    acquired_at     TIMESTAMP WITH TIME ZONE,
    expires_at      TIMESTAMP WITH TIME ZONE,
    last_success_at TIMESTAMP WITH TIME ZONE
);

-- Usage reports, one row per report id, in exactly one state: PENDING (waiting for delivery),
-- DEAD (refused for good by the server, entry holds its answer), DELIVERED (acknowledged, remembered so
-- the id is never sent again) or UNREADABLE (an entry that could not be read, kept for an operator).
-- entry is the SDK's JSON of the pending entry or dead letter. claim_owner/claimed_until: the node
-- delivering the report and until when; a dead node's claim expires and another node resumes from the
-- stored poll id with the same nonce.
CREATE TABLE IF NOT EXISTS app_report (
    report_id     VARCHAR(128) NOT NULL PRIMARY KEY,
    status        VARCHAR(12)  NOT NULL,
    stored_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    entry         TEXT,
    claim_owner   VARCHAR(200),
    claimed_until TIMESTAMP WITH TIME ZONE,
    changed_at    TIMESTAMP WITH TIME ZONE NOT NULL
);

-- The last license snapshot of each smart account (lower case), as JSON, shared by every node.
CREATE TABLE IF NOT EXISTS app_snapshot (
    account  VARCHAR(255) NOT NULL PRIMARY KEY,
    snapshot TEXT         NOT NULL
);

-- The last sync's outcome, as JSON, in one row (id 1): every node shows the same "last synced".
CREATE TABLE IF NOT EXISTS app_outcome (
    id      INT  NOT NULL PRIMARY KEY,
    outcome TEXT NOT NULL
);
