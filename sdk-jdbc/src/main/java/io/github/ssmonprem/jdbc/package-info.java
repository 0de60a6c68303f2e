/**
 * Sync state and the cluster's sync lock in a relational database: {@link io.github.ssmonprem.jdbc.JdbcSyncLock}
 * (PostgreSQL, H2). The schema ships as {@code io/github/ssmonprem/jdbc/schema-postgresql.sql} and
 * {@code schema-h2.sql} and is created on first use unless turned off.
 */
package io.github.ssmonprem.jdbc;
