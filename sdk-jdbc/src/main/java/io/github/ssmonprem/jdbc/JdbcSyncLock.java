package io.github.ssmonprem.jdbc;

import io.github.ssmonprem.core.exception.SsmConfigurationException;
import io.github.ssmonprem.jdbc.internal.Dialect;
import io.github.ssmonprem.jdbc.internal.Schema;
import io.github.ssmonprem.sync.lock.LockHolder;
import io.github.ssmonprem.sync.lock.SyncLease;
import io.github.ssmonprem.sync.lock.SyncLock;
import io.github.ssmonprem.sync.lock.SyncLockException;
import io.github.ssmonprem.sync.lock.SyncLockLostException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The cluster's {@link SyncLock} in a database table ({@code <prefix>sync_lock}), so the nodes that
 * share one database run one sync per period between them.
 *
 * <ul>
 *   <li>Every time is the database's ({@code CURRENT_TIMESTAMP}): the nodes' clocks need not agree.</li>
 *   <li>A lease is a row update under a row lock ({@code SELECT ... FOR UPDATE}, which also reads
 *       when a sync last succeeded: {@link SyncLease#sinceLastSuccessWhenTaken()}); the fencing token
 *       grows by one with every acquisition, and {@link SyncLease#renew(Duration)},
 *       {@link SyncLease#ensureHeld()} and {@link SyncLease#release(boolean)} act only while the row
 *       still carries their token, so a node that lost its lease changes nothing.</li>
 *   <li>A database that cannot be reached gives a {@link SyncLockException}; the scheduler then
 *       counts a failed sync and tries again after its back-off.</li>
 * </ul>
 *
 * <pre>{@code
 * SyncLock lock = JdbcSyncLock.builder(dataSource).build();
 * SyncScheduler scheduler = SyncScheduler.builder(ssm).lock(lock).build().start();
 * }</pre>
 *
 * <p>The table is created on first use unless {@link Builder#createSchema(boolean)} says otherwise;
 * the SQL ships in the jar as {@code io/github/ssmonprem/jdbc/schema-postgresql.sql} and
 * {@code schema-h2.sql}. Thread-safe.
 */
public final class JdbcSyncLock implements SyncLock {

    private static final String REMEDIATION = "Check that the database is up and reachable from this host and that"
            + " the SDK's database user may read and write the sync_lock table; the sync runs again after its back-off.";

    private final DataSource dataSource;
    private final String table;
    private final String lockName;
    private final boolean createSchema;
    private final String prefix;
    private volatile Dialect dialect;

    private JdbcSyncLock(Builder b) {
        this.dataSource = b.dataSource;
        this.prefix = b.tablePrefix;
        this.table = b.tablePrefix + "sync_lock";
        this.lockName = b.lockName;
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

    private Connection connect() throws SQLException {
        Connection c = dataSource.getConnection();
        try {
            synchronized (this) {
                if (dialect == null) {
                    Dialect d = Dialect.of(c);
                    if (createSchema) {
                        JdbcSupport.createSchema(c, d, prefix);
                    }
                    dialect = d;
                }
            }
            c.setAutoCommit(true);
            return c;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private SyncLockException failure(String what, SQLException e) {
        String remediation = !JdbcSupport.isSchemaMismatch(e) ? REMEDIATION : "The table " + table + " is missing or is not this SDK"
                + " version's: create it from io/github/ssmonprem/jdbc/schema-" + (dialect == Dialect.H2 ? "h2" : "postgresql")
                + ".sql (in sdk-jdbc) with the prefix filled in, or let the lock create it (createSchema, on by default).";
        return new SyncLockException("The sync lock could not be " + what + ": " + JdbcSupport.describe(e) + ".", remediation, true, e);
    }

    @Override
    public Optional<SyncLease> tryAcquire(String node, Duration leaseTime) {
        Objects.requireNonNull(node, "node");
        if (leaseTime == null || leaseTime.isNegative() || leaseTime.isZero()) {
            throw new IllegalArgumentException("the lease time must be positive, was " + leaseTime);
        }
        String shownHolder = node.length() > 200 ? node.substring(0, 200) : node;
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            try {
                Optional<SyncLease> lease = acquire(c, shownHolder, leaseTime);
                c.commit();
                return lease;
            } catch (SQLException e) {
                c.rollback();
                if (JdbcSupport.isConstraintViolation(e)) {
                    return Optional.empty();   // another node created the row at the same moment and holds it
                }
                throw e;
            }
        } catch (SQLException e) {
            throw failure("taken", e);
        }
    }

    private Optional<SyncLease> acquire(Connection c, String holder, Duration leaseTime) throws SQLException {
        Long token = null;
        boolean free = false;
        Optional<Duration> sinceLastSuccess = Optional.empty();
        try (PreparedStatement ps = c.prepareStatement("SELECT token, CASE WHEN expires_at IS NULL OR expires_at <= CURRENT_TIMESTAMP"
                + " THEN 1 ELSE 0 END, last_success_at, CURRENT_TIMESTAMP FROM " + table + " WHERE lock_name = ? FOR UPDATE")) {
            ps.setString(1, lockName);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    token = rs.getLong(1);
                    free = rs.getInt(2) == 1;
                    Instant last = instant(rs, 3);
                    sinceLastSuccess = last == null ? Optional.empty() : Optional.of(Duration.between(last, instant(rs, 4)));
                }
            }
        }
        if (token == null) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (lock_name, holder, token, acquired_at,"
                    + " expires_at) VALUES (?, ?, 1, CURRENT_TIMESTAMP, " + dialect.nowPlusMillis() + ")")) {
                ps.setString(1, lockName);
                ps.setString(2, holder);
                ps.setLong(3, leaseTime.toMillis());
                ps.executeUpdate();
            }
            return Optional.of(new Lease(1, Optional.empty()));
        }
        if (!free) {
            return Optional.empty();
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET holder = ?, token = ?, acquired_at ="
                + " CURRENT_TIMESTAMP, expires_at = " + dialect.nowPlusMillis() + " WHERE lock_name = ? AND token = ?")) {
            ps.setString(1, holder);
            ps.setLong(2, token + 1);
            ps.setLong(3, leaseTime.toMillis());
            ps.setString(4, lockName);
            ps.setLong(5, token);
            if (ps.executeUpdate() != 1) {
                return Optional.empty();
            }
        }
        return Optional.of(new Lease(token + 1, sinceLastSuccess));
    }

    @Override
    public Optional<LockHolder> holder() {
        try (Connection c = connect();
                PreparedStatement ps = c.prepareStatement("SELECT holder, token, acquired_at, expires_at FROM " + table
                        + " WHERE lock_name = ? AND holder IS NOT NULL AND expires_at > CURRENT_TIMESTAMP")) {
            ps.setString(1, lockName);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new LockHolder(rs.getString(1), rs.getLong(2), instant(rs, 3), instant(rs, 4)));
            }
        } catch (SQLException e) {
            throw failure("read", e);
        }
    }

    @Override
    public Optional<Duration> sinceLastSuccess() {
        try (Connection c = connect();
                PreparedStatement ps = c.prepareStatement("SELECT last_success_at, CURRENT_TIMESTAMP FROM " + table
                        + " WHERE lock_name = ?")) {
            ps.setString(1, lockName);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Instant last = instant(rs, 1);
                return last == null ? Optional.empty() : Optional.of(Duration.between(last, instant(rs, 2)));
            }
        } catch (SQLException e) {
            throw failure("read", e);
        }
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    @Override
    public String toString() {
        return "JdbcSyncLock{table=" + table + ", lock=" + lockName + "}";
    }

    private final class Lease implements SyncLease {
        private final long token;
        private final Optional<Duration> sinceLastSuccess;

        Lease(long token, Optional<Duration> sinceLastSuccess) {
            this.token = token;
            this.sinceLastSuccess = sinceLastSuccess;
        }

        @Override
        public long fencingToken() {
            return token;
        }

        @Override
        public Optional<Duration> sinceLastSuccessWhenTaken() {
            return sinceLastSuccess;
        }

        @Override
        public boolean renew(Duration leaseTime) {
            if (leaseTime == null || leaseTime.isNegative() || leaseTime.isZero()) {
                throw new IllegalArgumentException("the lease time must be positive, was " + leaseTime);
            }
            try (Connection c = connect();
                    PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET expires_at = " + dialect.nowPlusMillis()
                            + " WHERE lock_name = ? AND token = ? AND holder IS NOT NULL AND expires_at > CURRENT_TIMESTAMP")) {
                ps.setLong(1, leaseTime.toMillis());
                ps.setString(2, lockName);
                ps.setLong(3, token);
                return ps.executeUpdate() == 1;
            } catch (SQLException e) {
                throw failure("renewed", e);
            }
        }

        @Override
        public void ensureHeld() {
            try (Connection c = connect();
                    PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + table + " WHERE lock_name = ? AND token = ?"
                            + " AND holder IS NOT NULL AND expires_at > CURRENT_TIMESTAMP")) {
                ps.setString(1, lockName);
                ps.setLong(2, token);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new SyncLockLostException(token);
                    }
                }
            } catch (SQLException e) {
                throw failure("checked", e);
            }
        }

        @Override
        public void release(boolean succeeded) {
            try (Connection c = connect();
                    PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET holder = NULL, acquired_at = NULL,"
                            + " expires_at = NULL, last_success_at = CASE WHEN ? THEN CURRENT_TIMESTAMP ELSE last_success_at END"
                            + " WHERE lock_name = ? AND token = ? AND holder IS NOT NULL")) {
                ps.setBoolean(1, succeeded);
                ps.setString(2, lockName);
                ps.setLong(3, token);
                ps.executeUpdate();
            } catch (SQLException e) {
                throw failure("released", e);
            }
        }

        @Override
        public String toString() {
            return "SyncLease{token=" + token + "}";
        }
    }

    /** Builds a {@link JdbcSyncLock}. */
    public static final class Builder {
        private final DataSource dataSource;
        private String tablePrefix = "ssm_";
        private String lockName = "sync";
        private boolean createSchema = true;

        private Builder(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        }

        /**
         * Sets the prefix of the SDK's table names (default {@code ssm_}, so the table is
         * {@code ssm_sync_lock}): 1 to 30 letters, digits or underscores.
         *
         * @param prefix the prefix
         * @return this builder
         */
        public Builder tablePrefix(String prefix) {
            this.tablePrefix = prefix;
            return this;
        }

        /**
         * Sets the name of the lock's row (default {@code sync}); schedulers sharing a name share the
         * schedule.
         *
         * @param name the lock name, 1 to 64 characters
         * @return this builder
         */
        public Builder lockName(String name) {
            this.lockName = name;
            return this;
        }

        /**
         * Sets whether the table is created on first use when missing (default true). Turn it off
         * when the schema is managed by Flyway, Liquibase or a database administrator.
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
         * @return the lock
         * @throws SsmConfigurationException naming the invalid setting
         */
        public JdbcSyncLock build() {
            Schema.validPrefix(tablePrefix);
            if (lockName == null || lockName.isEmpty() || lockName.length() > 64) {
                throw new SsmConfigurationException("lockName", "must be 1 to 64 characters");
            }
            return new JdbcSyncLock(this);
        }
    }
}
