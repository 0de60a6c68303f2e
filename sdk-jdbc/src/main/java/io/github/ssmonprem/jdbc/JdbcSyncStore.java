package io.github.ssmonprem.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.ssmonprem.core.exception.SsmConfigurationException;
import io.github.ssmonprem.core.http.SsmJson;
import io.github.ssmonprem.jdbc.internal.Dialect;
import io.github.ssmonprem.jdbc.internal.Schema;
import io.github.ssmonprem.sync.store.LicenseSnapshot;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.sync.store.SyncOutcome;
import io.github.ssmonprem.sync.store.SyncStore;
import io.github.ssmonprem.sync.store.SyncStoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A {@link SyncStore} in a database shared by the nodes of a cluster: pending usage reports, the
 * ids of delivered reports, license snapshots and the last outcome, so every node delivers the same
 * pending reports and shows the same "last synced". PostgreSQL is the reference; H2 works too.
 *
 * <ul>
 *   <li>Every write commits before the method returns; a database that cannot be reached gives a
 *       {@link SyncStoreException} (SQL state and driver class only, never connection details), and
 *       nothing is lost: a report stays pending until its acknowledgement is recorded.</li>
 *   <li>Delivery claims ({@link #claim(String, String, Duration)}): one node at a time works on a
 *       report; a claim is a lease in the database's clock, so a dead node's claims expire and
 *       another node finishes the report with the same nonce, resuming from the stored poll id.</li>
 *   <li>An entry that cannot be read (edited by hand, written by a newer SDK) is set aside, listed by
 *       {@link #quarantined()}, and never deleted.</li>
 * </ul>
 *
 * <pre>{@code
 * SyncStore store = JdbcSyncStore.builder(dataSource).build();
 * SsmSyncClient ssm = SsmSyncClient.builder().config(config).grant(grant).store(store).build();
 * }</pre>
 *
 * <p>Tables {@code <prefix>pending}, {@code <prefix>delivered}, {@code <prefix>snapshot} and
 * {@code <prefix>outcome} are created on first use unless {@link Builder#createSchema(boolean)} says
 * otherwise; the SQL ships as {@code io/github/ssmonprem/jdbc/schema-postgresql.sql} and
 * {@code schema-h2.sql}. Thread-safe; {@link #close()} closes nothing (the data source is the
 * application's).
 */
public final class JdbcSyncStore implements SyncStore {

    private static final String REMEDIATION = "Check that the database is up and reachable from this host and that the"
            + " SDK's database user may read and write its tables; pending usage stays stored and is delivered by the"
            + " next sync.";

    private final DataSource dataSource;
    private final String prefix;
    private final boolean createSchema;
    private final ObjectMapper mapper = SsmJson.mapper();
    private volatile Dialect dialect;

    private JdbcSyncStore(Builder b) {
        this.dataSource = b.dataSource;
        this.prefix = b.tablePrefix;
        this.createSchema = b.createSchema;
    }

    /**
     * Starts a builder.
     *
     * @param dataSource the database shared by the cluster's nodes
     * @return a builder
     */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /** A unit of work on one connection. */
    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} in one transaction, committed before returning. */
    private <T> T inTransaction(String what, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            if (dialect == null) {
                Dialect d = Dialect.of(c);
                if (createSchema) {
                    JdbcSupport.createSchema(c, d, prefix);
                }
                dialect = d;
            }
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new SyncStoreException("The sync store could not " + what + ": " + JdbcSupport.describe(e) + ".",
                    REMEDIATION, e);
        }
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    @Override
    public void savePending(PendingReport report) {
        Objects.requireNonNull(report, "report");
        String entry = json(report);
        inTransaction("store usage report " + report.reportId(), c -> {
            if (update(c, report.reportId(), entry) == 0) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + prefix + "pending (report_id, stored_at, entry)"
                        + " VALUES (?, ?, ?)")) {
                    ps.setString(1, report.reportId());
                    ps.setTimestamp(2, Timestamp.from(report.storedAt()));
                    ps.setString(3, entry);
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    private int update(Connection c, String reportId, String entry) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + prefix + "pending SET entry = ? WHERE report_id = ?")) {
            ps.setString(1, entry);
            ps.setString(2, reportId);
            return ps.executeUpdate();
        }
    }

    @Override
    public List<PendingReport> pendingReports() {
        List<String> unreadable = new ArrayList<>();
        List<PendingReport> out = inTransaction("list the pending usage reports", c -> {
            List<PendingReport> list = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT report_id, entry FROM " + prefix + "pending"
                    + " WHERE unreadable_at IS NULL ORDER BY seq");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    try {
                        list.add(mapper.readValue(rs.getString(2), PendingReport.class));
                    } catch (JsonProcessingException | RuntimeException e) {
                        unreadable.add(rs.getString(1));
                    }
                }
            }
            return list;
        });
        if (!unreadable.isEmpty()) {
            inTransaction("set unreadable usage reports aside", c -> {
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + prefix + "pending SET unreadable_at = CURRENT_TIMESTAMP"
                        + " WHERE report_id = ?")) {
                    for (String id : unreadable) {
                        ps.setString(1, id);
                        ps.executeUpdate();
                    }
                }
                return null;
            });
        }
        return out;
    }

    @Override
    public void removePending(String reportId) {
        inTransaction("record the delivery of usage report " + reportId, c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM " + prefix + "pending WHERE report_id = ?")) {
                del.setString(1, reportId);
                del.executeUpdate();
            }
            if (!isDelivered(c, reportId)) {
                try (PreparedStatement ins = c.prepareStatement("INSERT INTO " + prefix + "delivered (report_id, delivered_at)"
                        + " VALUES (?, CURRENT_TIMESTAMP)")) {
                    ins.setString(1, reportId);
                    ins.executeUpdate();
                }
            }
            return null;
        });
    }

    /**
     * Whether a report was acknowledged and removed from the pending set, by any node.
     *
     * @param reportId the report's nonce
     * @return true once delivered
     * @throws SyncStoreException when the database cannot be read
     */
    public boolean wasDelivered(String reportId) {
        return inTransaction("read the delivered usage reports", c -> isDelivered(c, reportId));
    }

    private boolean isDelivered(Connection c, String reportId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + prefix + "delivered WHERE report_id = ?")) {
            ps.setString(1, reportId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * Claims a pending report for delivery by one node: succeeds when nobody holds an unexpired claim
     * on it, or when {@code holder} holds it already (then it is extended). Claims on PostgreSQL are
     * taken under the row lock of the update, so two nodes never both succeed.
     *
     * @param reportId the report's nonce
     * @param holder the claiming node's name
     * @param claimTime how long the claim lasts, in the database's clock
     * @return true when this holder now holds the claim
     * @throws SyncStoreException when the database cannot be reached
     */
    public boolean claim(String reportId, String holder, Duration claimTime) {
        Objects.requireNonNull(holder, "holder");
        return inTransaction("claim usage report " + reportId, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + prefix + "pending SET claimed_by = ?, claim_until = "
                    + dialect.nowPlusMillis() + " WHERE report_id = ? AND unreadable_at IS NULL AND (claimed_by IS NULL"
                    + " OR claim_until <= CURRENT_TIMESTAMP OR claimed_by = ?)")) {
                ps.setString(1, holder);
                ps.setLong(2, claimTime.toMillis());
                ps.setString(3, reportId);
                ps.setString(4, holder);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /**
     * Claims up to {@code limit} pending reports that no node holds, oldest first, skipping rows
     * another node is claiming at this moment ({@code FOR UPDATE SKIP LOCKED}).
     *
     * @param holder the claiming node's name
     * @param claimTime how long the claims last, in the database's clock
     * @param limit the most reports to claim
     * @return the ids of the reports claimed
     * @throws SyncStoreException when the database cannot be reached
     */
    public List<String> claimNext(String holder, Duration claimTime, int limit) {
        Objects.requireNonNull(holder, "holder");
        return inTransaction("claim pending usage reports", c -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT report_id FROM " + prefix + "pending WHERE unreadable_at IS NULL"
                    + " AND (claimed_by IS NULL OR claim_until <= CURRENT_TIMESTAMP) ORDER BY seq"
                    + " FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY FOR UPDATE SKIP LOCKED")) {
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + prefix + "pending SET claimed_by = ?, claim_until = "
                    + dialect.nowPlusMillis() + " WHERE report_id = ?")) {
                for (String id : ids) {
                    ps.setString(1, holder);
                    ps.setLong(2, claimTime.toMillis());
                    ps.setString(3, id);
                    ps.executeUpdate();
                }
            }
            return ids;
        });
    }

    /**
     * Gives up a claim, so another node may deliver the report at once.
     *
     * @param reportId the report's nonce
     * @param holder the node that holds the claim; another holder's claim is left alone
     * @throws SyncStoreException when the database cannot be reached
     */
    public void releaseClaim(String reportId, String holder) {
        inTransaction("release the claim on usage report " + reportId, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + prefix + "pending SET claimed_by = NULL, claim_until = NULL"
                    + " WHERE report_id = ? AND claimed_by = ?")) {
                ps.setString(1, reportId);
                ps.setString(2, holder);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public int pendingCount() {
        return inTransaction("count the pending usage reports", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + prefix + "pending WHERE unreadable_at IS NULL");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    @Override
    public List<String> quarantined() {
        return inTransaction("list the unreadable usage reports", c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT report_id FROM " + prefix + "pending WHERE unreadable_at IS NOT NULL"
                    + " ORDER BY seq");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(prefix + "pending row " + rs.getString(1) + " (unreadable; kept for an operator)");
                }
            }
            return out;
        });
    }

    @Override
    public void saveSnapshot(LicenseSnapshot snapshot) {
        upsert("snapshot", "account", snapshot.account(), "snapshot", json(snapshot), "store the license snapshot of "
                + snapshot.account());
    }

    @Override
    public Optional<LicenseSnapshot> loadSnapshot(String account) {
        return read("snapshot", "account", account, "snapshot", LicenseSnapshot.class, "read the license snapshot of " + account);
    }

    @Override
    public void saveOutcome(SyncOutcome outcome) {
        upsert("outcome", "id", 1, "outcome", json(outcome), "record the sync outcome");
    }

    @Override
    public Optional<SyncOutcome> lastOutcome() {
        return read("outcome", "id", 1, "outcome", SyncOutcome.class, "read the last sync outcome");
    }

    private void upsert(String table, String keyColumn, Object key, String valueColumn, String value, String what) {
        inTransaction(what, c -> {
            try (PreparedStatement up = c.prepareStatement("UPDATE " + prefix + table + " SET " + valueColumn + " = ? WHERE "
                    + keyColumn + " = ?")) {
                up.setString(1, value);
                up.setObject(2, key);
                if (up.executeUpdate() == 1) {
                    return null;
                }
            }
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO " + prefix + table + " (" + keyColumn + ", "
                    + valueColumn + ") VALUES (?, ?)")) {
                ins.setObject(1, key);
                ins.setString(2, value);
                ins.executeUpdate();
            }
            return null;
        });
    }

    private <T> Optional<T> read(String table, String keyColumn, Object key, String valueColumn, Class<T> type, String what) {
        String value = inTransaction(what, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + valueColumn + " FROM " + prefix + table + " WHERE "
                    + keyColumn + " = ?")) {
                ps.setObject(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        });
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(mapper.readValue(value, type));
        } catch (JsonProcessingException e) {
            throw new SyncStoreException("The stored " + table + " could not be read (" + e.getClass().getSimpleName() + ").",
                    "The row in " + prefix + table + " was changed by hand or by a newer SDK; the next sync replaces it.", e);
        }
    }

    @Override
    public String toString() {
        return "JdbcSyncStore{prefix=" + prefix + "}";
    }

    /** Builds a {@link JdbcSyncStore}. */
    public static final class Builder {
        private final DataSource dataSource;
        private String tablePrefix = "ssm_";
        private boolean createSchema = true;

        private Builder(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        }

        /**
         * Sets the prefix of the SDK's table names (default {@code ssm_}): 1 to 30 letters, digits or
         * underscores, not starting with a digit.
         *
         * @param prefix the prefix
         * @return this builder
         */
        public Builder tablePrefix(String prefix) {
            this.tablePrefix = prefix;
            return this;
        }

        /**
         * Sets whether missing tables are created on first use (default true). Turn it off when
         * Flyway, Liquibase or a database administrator manages the schema.
         *
         * @param create whether to create the schema
         * @return this builder
         */
        public Builder createSchema(boolean create) {
            this.createSchema = create;
            return this;
        }

        /**
         * Validates and builds. Nothing touches the database until the first call.
         *
         * @return the store
         * @throws SsmConfigurationException naming the invalid setting
         */
        public JdbcSyncStore build() {
            Schema.validPrefix(tablePrefix);
            return new JdbcSyncStore(this);
        }
    }
}
