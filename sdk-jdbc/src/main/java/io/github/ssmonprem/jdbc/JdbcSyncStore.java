package io.github.ssmonprem.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.ssmonprem.core.exception.SsmConfigurationException;
import io.github.ssmonprem.jdbc.internal.Dialect;
import io.github.ssmonprem.jdbc.internal.OutboxSql;
import io.github.ssmonprem.jdbc.internal.OutboxSql.Decoded;
import io.github.ssmonprem.jdbc.internal.OutboxSql.Lookup;
import io.github.ssmonprem.jdbc.internal.Query;
import io.github.ssmonprem.jdbc.internal.Schema;
import io.github.ssmonprem.sync.internal.StateJson;
import io.github.ssmonprem.sync.store.DeadLetter;
import io.github.ssmonprem.sync.store.DeliveredReport;
import io.github.ssmonprem.sync.store.LicenseSnapshot;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.sync.store.Quarantine;
import io.github.ssmonprem.sync.store.QuarantinedEntry;
import io.github.ssmonprem.sync.store.ReportState;
import io.github.ssmonprem.sync.store.SyncOutcome;
import io.github.ssmonprem.sync.store.SyncStore;
import io.github.ssmonprem.sync.store.SyncStoreException;
import io.github.ssmonprem.sync.store.UsageCounts;
import io.github.ssmonprem.sync.usage.Acknowledgement;
import io.github.ssmonprem.sync.usage.ReportStatus;
import io.github.ssmonprem.sync.usage.UsageReport;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SyncStore} in a database shared by the nodes of a cluster: the usage outbox (pending,
 * dead and delivered reports, the acknowledgements not taken yet), license snapshots and the last
 * outcome, so every node delivers the same pending reports, hands out the same acknowledgements and
 * shows the same "last synced". PostgreSQL is the reference; H2 works too. It passes sdk-testkit's
 * {@code SyncStoreContract} on both.
 *
 * <ul>
 *   <li>Every change is one transaction, committed before the method returns (a change of one
 *       statement is committed by the database as it runs). A database that cannot be reached gives
 *       a {@link SyncStoreException} naming the SQL state and driver class only, never connection
 *       details, and the state stays as it was: no pending report and no acknowledgement is lost.</li>
 *   <li>A report id is one row of {@code <prefix>report}, so it is in exactly one state. Its RUM
 *       reports are stored as JSON strings: payload and signature come back character for character.</li>
 *   <li>Claims are leases in the database's clock ({@code CURRENT_TIMESTAMP}), so the nodes' clocks
 *       need not agree; on PostgreSQL they take rows with {@code SELECT ... FOR UPDATE SKIP LOCKED},
 *       on H2 with a conditional {@code UPDATE} per row: concurrent nodes never claim the same report.
 *       A write of delivery state ({@link #update}, {@link #refuse}) checks the claim in the statement
 *       that writes.</li>
 *   <li>{@link #acknowledge} moves the report to the delivered ones and stores its acknowledgements in
 *       {@code <prefix>acknowledgement} in one transaction. Delivered reports and their
 *       acknowledgements are forgotten {@link #DELIVERED_RETENTION} after delivery. {@link #keep}
 *       inserts one row there, forgotten {@link #DELIVERED_RETENTION} after it was kept.</li>
 *   <li>A row that cannot be decoded is moved to the {@link #quarantine()}, never deleted unasked.</li>
 *   <li>Times are kept to the microsecond, the databases' precision.</li>
 * </ul>
 *
 * <p>H2 suits tests and a single host. An H2 file database writes a commit to its file up to its
 * {@code WRITE_DELAY} (500 ms) later, so a crash in that time loses what the store was told is stored:
 * add {@code ;WRITE_DELAY=0} to its URL (the store warns at first use when it is not).
 *
 * <pre>{@code
 * SyncStore store = JdbcSyncStore.builder(dataSource).build();
 * SsmSyncClient ssm = SsmSyncClient.builder().config(config).grant(grant).store(store).build();
 * }</pre>
 *
 * <p>Tables {@code <prefix>report}, {@code <prefix>acknowledgement}, {@code <prefix>snapshot},
 * {@code <prefix>outcome} (and {@code <prefix>sync_lock}, {@link JdbcSyncLock}'s) are created on first
 * use unless {@link Builder#createSchema(boolean)} says otherwise; the SQL ships as
 * {@code io/github/ssmonprem/jdbc/schema-postgresql.sql} and {@code schema-h2.sql}. Thread-safe;
 * {@link #close()} closes nothing (the data source is the application's).
 */
public final class JdbcSyncStore implements SyncStore, Quarantine {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcSyncStore.class);
    private static final String REMEDIATION = "Check that the database is up and reachable from this host and that the"
            + " SDK's database user may read and write its tables; pending usage and acknowledgements stay stored.";
    /** How often a store deletes the rows past their retention, at most. */
    private static final long PURGE_INTERVAL_NANOS = TimeUnit.HOURS.toNanos(1);

    private final DataSource dataSource;
    private final String prefix;
    private final boolean createSchema;
    private final Clock clock;
    private final AtomicLong nextPurge = new AtomicLong(System.nanoTime());
    private volatile Dialect dialect;
    private volatile OutboxSql sql;

    private JdbcSyncStore(Builder b) {
        this.dataSource = b.dataSource;
        this.prefix = b.tablePrefix;
        this.createSchema = b.createSchema;
        this.clock = b.clock;
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

    /** Work on one connection. */
    @FunctionalInterface
    private interface Work<T> {
        T run(OutboxSql sql, Connection c) throws SQLException;
    }

    /** Runs work of one statement (or reads), each statement committed as it runs. */
    private <T> T once(String what, Work<T> work) {
        return run(what, false, work);
    }

    /** Runs work in one transaction, committed before returning. */
    private <T> T inTransaction(String what, Work<T> work) {
        return run(what, true, work);
    }

    private <T> T run(String what, boolean transaction, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            OutboxSql statements = sql != null ? sql : prepare(c);
            c.setAutoCommit(!transaction);
            if (!transaction) {
                return work.run(statements, c);
            }
            try {
                T result = work.run(statements, c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new SyncStoreException("The sync store could not " + what + ": " + JdbcSupport.describe(e) + ".",
                    JdbcSupport.isSchemaMismatch(e) ? schemaRemediation() : REMEDIATION, e);
        }
    }

    private String schemaRemediation() {
        return "The tables " + prefix + "report, " + prefix + "acknowledgement, " + prefix + "snapshot and " + prefix + "outcome are"
                + " missing or are not this SDK version's: create them from io/github/ssmonprem/jdbc/schema-"
                + (dialect == Dialect.H2 ? "h2" : "postgresql") + ".sql (in sdk-jdbc) with the prefix filled in, or let the store"
                + " create them (createSchema, on by default); drop tables an earlier version created first.";
    }

    /** Detects the database and creates the schema, once per store. */
    private synchronized OutboxSql prepare(Connection c) throws SQLException {
        if (sql == null) {
            dialect = Dialect.of(c);
            if (createSchema) {
                JdbcSupport.createSchema(c, dialect, prefix);
            }
            if (dialect == Dialect.H2) {
                warnOfWriteDelay(c);
            }
            sql = new OutboxSql(dialect, prefix, clock);
        }
        return sql;
    }

    /**
     * An H2 database writes a commit to its file up to its {@code WRITE_DELAY} later (500 ms by
     * default): a crash of the process that runs it loses what was committed meanwhile.
     */
    private static void warnOfWriteDelay(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'WRITE_DELAY'")) {
            String delay = rs.next() ? rs.getString(1) : "0";
            if (!"0".equals(delay)) {
                LOG.warn("The H2 database of the sync store writes commits to its file up to {} ms later (WRITE_DELAY): a crash of"
                        + " its process in that time loses usage reports and acknowledgements the SDK was told are stored. Add"
                        + " ;WRITE_DELAY=0 to its JDBC URL, or use PostgreSQL.", delay);
            }
        }
    }

    private static void checkClaim(String node, Duration lease) {
        Objects.requireNonNull(node, "node");
        if (lease == null || lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("the lease must be positive, was " + lease);
        }
    }

    @Override
    public Optional<ReportState> add(UsageReport report, String node, Duration lease) {
        Objects.requireNonNull(report, "report");
        checkClaim(node, lease);
        String what = "store usage report " + report.reportId();
        if (once(what, (s, c) -> s.insert(c, report, node, lease))) {
            return Optional.empty();
        }
        // Its id has a row: a known report, or a row that no longer stands for one (forgotten, unreadable).
        return inTransaction(what, (s, c) -> {
            for (int attempt = 0; attempt < 3; attempt++) {
                if (s.revive(c, report, node, lease)) {
                    return Optional.<ReportState>empty();
                }
                Lookup found = s.find(c, report.reportId(), true);
                if (found.unreadable() != null) {
                    s.quarantineReports(c, Map.of(report.reportId(), found.unreadable()));   // then revived with this copy
                } else if (found.state() != null) {
                    return Optional.of(found.state());
                } else if (s.insert(c, report, node, lease)) {
                    return Optional.<ReportState>empty();                                       // its row was deleted meanwhile
                }
            }
            throw new SQLException("the row of usage report " + report.reportId() + " kept changing", "40001");
        });
    }

    @Override
    public Optional<ReportState> state(String reportId) {
        Lookup found = once("read usage report " + reportId, (s, c) -> s.find(c, reportId, false));
        if (found.unreadable() != null) {
            quarantine(Map.of(reportId, found.unreadable()));
        }
        return Optional.ofNullable(found.state());
    }

    @Override
    public List<PendingReport> claim(String node, int max, Duration lease) {
        checkClaim(node, lease);
        if (max <= 0) {
            throw new IllegalArgumentException("max must be positive, was " + max);
        }
        purgeIfDue();
        return inTransaction("claim pending usage reports", (s, c) -> {
            Decoded<PendingReport> claimed = s.claim(c, node, max, lease);
            s.quarantineReports(c, claimed.unreadable);
            return List.copyOf(claimed.rows);
        });
    }

    @Override
    public Optional<PendingReport> claim(String reportId, String node, Duration lease) {
        checkClaim(node, lease);
        return inTransaction("claim usage report " + reportId, (s, c) -> {
            Lookup found = s.find(c, reportId, true);
            if (found.unreadable() != null) {
                s.quarantineReports(c, Map.of(reportId, found.unreadable()));
            }
            if (found.state() == null || found.state().status() != ReportStatus.PENDING
                    || !found.state().pending().claimableBy(node, found.storeNow())) {
                return Optional.<PendingReport>empty();
            }
            Instant until = Query.micros(found.storeNow().plus(lease));
            s.setClaims(c, List.of(reportId), node, until);
            return Optional.of(found.state().pending().withClaim(node, until));
        });
    }

    @Override
    public boolean update(PendingReport report, String node) {
        Objects.requireNonNull(node, "node");
        return once("update usage report " + report.reportId(), (s, c) -> s.update(c, report, node));
    }

    @Override
    public boolean acknowledge(DeliveredReport delivered) {
        List<Acknowledgement> acks = delivered.acknowledgements();
        boolean moved = run("record the delivery of usage report " + delivered.reportId(), !acks.isEmpty(),
                (s, c) -> s.deliver(c, delivered) && stored(c, s, acks, true));
        if (moved) {
            purgeIfDue();
        }
        return moved;
    }

    @Override
    public boolean refuse(DeadLetter letter, String node) {
        Objects.requireNonNull(node, "node");
        List<Acknowledgement> acks = letter.acknowledgements();
        return run("move usage report " + letter.reportId() + " to the dead letters", !acks.isEmpty(),
                (s, c) -> s.refuse(c, letter, node) && stored(c, s, acks, false));
    }

    private static boolean stored(Connection c, OutboxSql s, List<Acknowledgement> acks, boolean expiring) throws SQLException {
        if (!acks.isEmpty()) {
            s.storeAcknowledgements(c, acks, expiring);
        }
        return true;
    }

    @Override
    public boolean keep(Acknowledgement acknowledgement) {
        Objects.requireNonNull(acknowledgement, "acknowledgement");
        boolean kept = once("keep acknowledgement " + acknowledgement.id(), (s, c) -> s.keep(c, acknowledgement));
        if (kept) {
            purgeIfDue();
        }
        return kept;
    }

    @Override
    public List<PendingReport> pending() {
        Decoded<PendingReport> found = once("list the pending usage reports", OutboxSql::pending);
        quarantine(found.unreadable);
        return found.rows;
    }

    @Override
    public List<DeadLetter> dead() {
        Decoded<DeadLetter> found = once("list the dead letters", OutboxSql::dead);
        quarantine(found.unreadable);
        return found.rows;
    }

    /** Moves report rows found unreadable to the quarantine, each checked again under its row lock. */
    private void quarantine(Map<String, String> unreadable) {
        if (!unreadable.isEmpty()) {
            inTransaction("set aside the unreadable usage reports " + unreadable.keySet(), (s, c) -> {
                s.quarantineReports(c, unreadable);
                return null;
            });
        }
    }

    @Override
    public boolean retry(String reportId) {
        return once("retry dead letter " + reportId, (s, c) -> s.retry(c, reportId));
    }

    @Override
    public boolean discard(String reportId) {
        return once("discard dead letter " + reportId, (s, c) -> s.delete(c, reportId, ReportStatus.DEAD.name()));
    }

    @Override
    public UsageCounts counts() {
        return once("count the usage reports and acknowledgements", OutboxSql::counts);
    }

    @Override
    public List<Acknowledgement> acknowledgements() {
        Decoded<Acknowledgement> found = once("list the acknowledgements not taken", OutboxSql::untaken);
        if (!found.unreadable.isEmpty()) {
            inTransaction("set aside the unreadable acknowledgements " + found.unreadable.keySet(), (s, c) -> {
                s.quarantineAcknowledgements(c, found.unreadable.keySet());
                return null;
            });
        }
        return found.rows;
    }

    @Override
    public boolean take(String acknowledgementId) {
        return once("mark acknowledgement " + acknowledgementId + " taken", (s, c) -> s.take(c, acknowledgementId));
    }

    /** {@return this store: rows that cannot be decoded are set aside here} */
    @Override
    public Optional<Quarantine> quarantine() {
        return Optional.of(this);
    }

    /**
     * {@inheritDoc} An unreadable report keeps its id: submitting the same report again replaces it.
     * The id of an unreadable acknowledgement starts with {@code acknowledgement/}.
     */
    @Override
    public List<QuarantinedEntry> quarantined() {
        return once("list the unreadable entries", OutboxSql::quarantined);
    }

    @Override
    public boolean discardQuarantined(String id) {
        return once("discard unreadable entry " + id, (s, c) -> s.discardQuarantined(c, id));
    }

    /** Deletes the rows past their retention, at most once an hour; a failure waits for the next time. */
    private void purgeIfDue() {
        long due = nextPurge.get();
        long now = System.nanoTime();
        if (now - due < 0 || !nextPurge.compareAndSet(due, now + PURGE_INTERVAL_NANOS)) {
            return;
        }
        try {
            int deleted = once("forget the deliveries past their retention", OutboxSql::purge);
            LOG.debug("Forgot {} delivered usage reports and acknowledgements past their retention", deleted);
        } catch (SyncStoreException e) {
            LOG.debug("Could not forget the deliveries past their retention ({}); trying again later", e.getMessage());
        }
    }

    @Override
    public void saveSnapshot(LicenseSnapshot snapshot) {
        upsert("snapshot", "account", snapshot.account().toLowerCase(Locale.ROOT), json(StateJson::writeSnapshot, snapshot),
                "store the license snapshot of " + snapshot.account());
    }

    @Override
    public Optional<LicenseSnapshot> loadSnapshot(String account) {
        return read("snapshot", "account", account.toLowerCase(Locale.ROOT), StateJson::readSnapshot,
                "read the license snapshot of " + account);
    }

    @Override
    public void saveOutcome(SyncOutcome outcome) {
        upsert("outcome", "id", 1, json(StateJson::writeOutcome, outcome), "record the sync outcome");
    }

    @Override
    public Optional<SyncOutcome> lastOutcome() {
        return read("outcome", "id", 1, StateJson::readOutcome, "read the last sync outcome");
    }

    /** Writes or reads one stored form ({@link StateJson}). */
    private interface Codec<A, B> {
        B apply(A value) throws JsonProcessingException;
    }

    private static <T> String json(Codec<T, String> writer, T value) {
        try {
            return writer.apply(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    /**
     * Inserts or replaces the value of one key. Two nodes writing the first row at once (their first
     * outcome, the first snapshot of an account) may collide on the key on H2: the one that lost writes again.
     */
    private void upsert(String name, String keyColumn, Object key, String value, String what) {
        Work<Integer> write = (s, c) -> {
            try (Query q = new Query(c, dialect.upsert(prefix + name, List.of(keyColumn, name), "?, ?", 1), clock)) {
                return q.object(key).text(value).update();
            }
        };
        try {
            once(what, write);
        } catch (SyncStoreException e) {
            if (!(e.getCause() instanceof SQLException) || !Query.UNIQUE_VIOLATION.equals(((SQLException) e.getCause()).getSQLState())) {
                throw e;
            }
            once(what, write);
        }
    }

    /** Reads one JSON value; empty when there is none or it cannot be read (as the SPI asks). */
    private <T> Optional<T> read(String name, String keyColumn, Object key, Codec<String, T> reader, String what) {
        try {
            String value = once(what, (s, c) -> {
                try (Query q = new Query(c, "SELECT " + name + " FROM " + prefix + name + " WHERE " + keyColumn + " = ?", clock)) {
                    ResultSet rs = q.object(key).query();
                    return rs.next() ? rs.getString(1) : null;
                }
            });
            return value == null ? Optional.empty() : Optional.of(reader.apply(value));
        } catch (SyncStoreException | JsonProcessingException e) {
            LOG.debug("Could not {} ({})", what, e.getClass().getSimpleName());
            return Optional.empty();
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
        private Clock clock;

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
         * Sets the clock that times claims, state changes and retention (default: the database's
         * {@code CURRENT_TIMESTAMP}, so the nodes' clocks need not agree). For tests.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
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
