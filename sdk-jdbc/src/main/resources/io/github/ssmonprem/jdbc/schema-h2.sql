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

-- The usage outbox: one row per usage report id, in exactly one status:
--   PENDING           stored, waiting for delivery or for its acknowledgement;
--   DEAD              refused for good by the server (http_status and server_* hold its answer);
--   DELIVERED         acknowledged; ALREADY_RECEIVED: refused as a report the server already has.
--                     Both keep only the answer (the report text is dropped) and are forgotten at
--                     expires_at, 30 days after delivery; until then the same report is not sent again;
--   UNREADABLE        a row whose report cannot be decoded, set aside for an operator (last_error says why).
-- report: the report as JSON, each RUM report's payload and signature as JSON strings (ASCII, the
-- texts kept character for character). stored_at orders the outbox. poll_id/nonce: the accepted
-- upload a delivery polls for. claim_owner/claimed_until: the node delivering the report and until
-- when, in the database's clock; a dead node's claim expires and another node resumes from the
-- stored poll id with the same nonce. answered_at: when the server's final answer arrived (its
-- sender's clock); changed_at: when the row took its status (the database's clock).
CREATE TABLE IF NOT EXISTS ${prefix}report (
    report_id      VARCHAR(128) NOT NULL PRIMARY KEY,
    status         VARCHAR(16)  NOT NULL,
    stored_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    report         CHARACTER LARGE OBJECT,
    poll_id        CHARACTER VARYING,
    nonce          CHARACTER VARYING,
    attempts       INT          NOT NULL,
    last_error     CHARACTER VARYING,
    claim_owner    VARCHAR(200),
    claimed_until  TIMESTAMP WITH TIME ZONE,
    http_status    INT,
    server_status  CHARACTER VARYING,
    server_code    CHARACTER VARYING,
    server_message CHARACTER VARYING,
    correlation_id CHARACTER VARYING,
    answered_at    TIMESTAMP WITH TIME ZONE,
    changed_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at     TIMESTAMP WITH TIME ZONE
);
-- Claims, lists and counts read one status, oldest first.
CREATE INDEX IF NOT EXISTS ${prefix}report_status ON ${prefix}report (status, stored_at, report_id);
CREATE INDEX IF NOT EXISTS ${prefix}report_expiry ON ${prefix}report (expires_at);

-- Acknowledgements, one row per device of a delivered (or partly refused) report, kept for the
-- application until it takes them (taken_at) to import them on their devices. Those of a delivered
-- report are forgotten with it (expires_at); those of a dead letter stay while it is one, and are
-- forgotten 30 days after they were taken once it is not. Those kept outside a report (authorization
-- codes: kind AUTHORIZATION or RETURN, report_id the request's id, which has no report row) are
-- forgotten 30 days after they were kept (expires_at), taken or not.
-- kind: USAGE, AUTHORIZATION or RETURN. rum_report_ids is a JSON array of text; smart_license the
-- acknowledgement as the server sent it (base64). quarantined_at: set when the row cannot be decoded,
-- set aside for an operator.
CREATE TABLE IF NOT EXISTS ${prefix}acknowledgement (
    ack_id            VARCHAR(160) NOT NULL PRIMARY KEY,
    kind              VARCHAR(16)  NOT NULL,
    report_id         VARCHAR(128) NOT NULL,
    account           CHARACTER VARYING,
    virtual_account   CHARACTER VARYING,
    udi_pid           VARCHAR(128) NOT NULL,
    udi_serial_number VARCHAR(128) NOT NULL,
    software_tag      CHARACTER VARYING,
    rum_report_ids    CHARACTER VARYING NOT NULL,
    smart_license     CHARACTER LARGE OBJECT NOT NULL,
    correlation_id    CHARACTER VARYING,
    received_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    taken_at          TIMESTAMP WITH TIME ZONE,
    expires_at        TIMESTAMP WITH TIME ZONE,
    quarantined_at    TIMESTAMP WITH TIME ZONE
);
-- The acknowledgements not taken, oldest first; those of one report; those past their retention.
CREATE INDEX IF NOT EXISTS ${prefix}ack_untaken ON ${prefix}acknowledgement (taken_at, received_at, ack_id);
CREATE INDEX IF NOT EXISTS ${prefix}ack_report ON ${prefix}acknowledgement (report_id);
CREATE INDEX IF NOT EXISTS ${prefix}ack_expiry ON ${prefix}acknowledgement (expires_at);

-- The last license snapshot of each smart account (lower case), as JSON, shared by every node.
CREATE TABLE IF NOT EXISTS ${prefix}snapshot (
    account  VARCHAR(255) NOT NULL PRIMARY KEY,
    snapshot CHARACTER LARGE OBJECT         NOT NULL
);

-- The last sync's outcome, as JSON, in one row (id 1): every node shows the same "last synced".
CREATE TABLE IF NOT EXISTS ${prefix}outcome (
    id      INT  NOT NULL PRIMARY KEY,
    outcome CHARACTER LARGE OBJECT NOT NULL
);
