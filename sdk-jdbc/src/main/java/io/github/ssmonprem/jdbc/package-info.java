/**
 * Sync state and the cluster's sync lock in a relational database (PostgreSQL, H2):
 * {@link io.github.ssmonprem.jdbc.JdbcSyncStore} shares pending usage, snapshots and the last outcome
 * between the nodes of a cluster, {@link io.github.ssmonprem.jdbc.JdbcSyncLock} lets them run one sync
 * per period. The schema ships as {@code io/github/ssmonprem/jdbc/schema-postgresql.sql} and
 * {@code schema-h2.sql} and is created on first use unless turned off.
 */
package io.github.ssmonprem.jdbc;
