-- SSM On-Prem SDK sync state, H2 (2.x). ${prefix} is the configured table prefix (default ssm_).
-- The SDK runs this file on first use unless told not to (createSchema(false)); every statement is
-- idempotent. To manage the schema yourself (Flyway, Liquibase), copy it with the prefix filled in.

-- The cluster's sync lock: one row per lock name. token is the fencing token, raised on every
-- acquisition; expires_at is in the database's clock; last_success_at is when a sync under the lock
-- last succeeded, which decides on every node whether this period's sync is still due.
CREATE TABLE IF NOT EXISTS ${prefix}sync_lock (
    lock_name       VARCHAR(64)  NOT NULL PRIMARY KEY,
    holder          VARCHAR(200),
    token           BIGINT       NOT NULL,
    acquired_at     TIMESTAMP WITH TIME ZONE,
    expires_at      TIMESTAMP WITH TIME ZONE,
    last_success_at TIMESTAMP WITH TIME ZONE
);
