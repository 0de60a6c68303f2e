package io.github.ssmonprem.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.ssmonprem.core.exception.SsmConfigurationException;
import io.github.ssmonprem.core.http.SsmJson;
import io.github.ssmonprem.jdbc.internal.Dialect;
import io.github.ssmonprem.jdbc.internal.Schema;
import io.github.ssmonprem.sync.store.DeadLetter;
import io.github.ssmonprem.sync.store.LicenseSnapshot;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.sync.store.QuarantinedEntry;
import io.github.ssmonprem.sync.store.ReportState;
import io.github.ssmonprem.sync.store.SyncOutcome;
import io.github.ssmonprem.sync.store.SyncStore;
import io.github.ssmonprem.sync.store.SyncStoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A {@link SyncStore} in a database shared by the nodes of a cluster: usage reports with their
 * delivery state (pending, dead, delivered), license snapshots and the last outcome, so every node
 * delivers the same pending reports and shows the same "last synced". PostgreSQL is the reference;
 * H2 works too. It passes sdk-testkit's {@code SyncStoreContract} on both.
 *
 * <ul>
 *   <li>Every change is one transaction, committed before the method returns; a database that cannot
 *       be reached gives a {@link SyncStoreException} (SQL state and driver class only, never
 *       connection details), and the state stays as it was: no pending report is lost.</li>
 *   <li>A report id is one row, so it is in exactly one state.</li>
 *   <li>Delivery claims ({@link #claimPending(String, int, Duration)}) take rows with
 *       {@code SELECT ... FOR UPDATE SKIP LOCKED}: concurrent nodes never claim the same report; one
 *       report is claimed or renewed ({@link #claim(String, String, Duration)}) under a row lock. A
 *       claim's expiry is in the database's clock unless {@link Builder#clock(Clock)} says otherwise.</li>
 *   <li>An entry that cannot be read is set aside ({@link #quarantined()}), never deleted unasked.</li>
 * </ul>
 *
 * <pre>{@code
 * SyncStore store = JdbcSyncStore.builder(dataSource).build();
 * SsmSyncClient ssm = SsmSyncClient.builder().config(config).grant(grant).store(store).build();
 * }</pre>
 *
 * <p>Tables {@code <prefix>report}, {@code <prefix>snapshot} and {@code <prefix>outcome} are created on
 * first use unless {@link Builder#createSchema(boolean)} says otherwise; the SQL ships as
 * {@code io/github/ssmonprem/jdbc/schema-postgresql.sql} and {@code schema-h2.sql}. Thread-safe;
 * {@link #close()} closes nothing (the data source is the application's).
 */
public final class JdbcSyncStore implements SyncStore {

    private static final String REMEDIATION = "Check that the database is up and reachable from this host and that the"
            + " SDK's database user may read and write its tables; pending usage stays stored and is delivered by the"
            + " next sync.";
    private static final String PENDING = "PENDING";
    private static final String DEAD = "DEAD";
    private static final String DELIVERED = "DELIVERED";
    private static final String UNREADABLE = "UNREADABLE";

    private final DataSource dataSource;
    private final String prefix;
    private final String table;
    private final boolean createSchema;
    private final Clock clock;
    private final ObjectMapper mapper = SsmJson.mapper();
    private volatile Dialect dialect;

    private JdbcSyncStore(Builder b) {
        this.dataSource = b.dataSource;
        this.prefix = b.tablePrefix;
        this.table = b.tablePrefix + "report";
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

    /** A unit of work on one connection. */
    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} in one transaction, committed before returning. */
    private <T> T inTransaction(String what, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            if (dialect == null) {
                prepare(c);
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

    /** Detects the database and creates the schema, once per store. */
    private synchronized void prepare(Connection c) throws SQLException {
        if (dialect != null) {
            return;
        }
        Dialect d = Dialect.of(c);
        if (createSchema) {
            JdbcSupport.createSchema(c, d, prefix);
        }
        dialect = d;
    }

    /** The store's "now": the database's clock, or the configured one. */
    private Instant now(Connection c) throws SQLException {
        if (clock != null) {
            return clock.instant();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT CURRENT_TIMESTAMP");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getObject(1, OffsetDateTime.class).toInstant();
        }
    }

    private static OffsetDateTime ts(Instant i) {
        return i == null ? null : OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    /** The state of a row, or null when its entry cannot be read. */
    private ReportState stateOf(ResultSet rs) throws SQLException {
        String id = rs.getString("report_id");
        String status = rs.getString("status");
        try {
            switch (status) {
                case PENDING:
                    return ReportState.pending(pendingOf(rs));
                case DEAD:
                    return ReportState.dead(mapper.readValue(rs.getString("entry"), DeadLetter.class));
                case DELIVERED:
                    return ReportState.delivered(id, instant(rs, "changed_at"));
                default:
                    return null;
            }
        } catch (JsonProcessingException | RuntimeException e) {
            return null;
        }
    }

    private PendingReport pendingOf(ResultSet rs) throws SQLException, JsonProcessingException {
        PendingReport e = mapper.readValue(rs.getString("entry"), PendingReport.class);
        return e.withClaim(rs.getString("claim_owner"), instant(rs, "claimed_until"));
    }

    private void quarantine(Connection c, String reportId, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET status = ?, changed_at = ? WHERE report_id = ?")) {
            ps.setString(1, UNREADABLE);
            ps.setObject(2, ts(now));
            ps.setString(3, reportId);
            ps.executeUpdate();
        }
    }

    private static final String COLUMNS = "report_id, status, stored_at, entry, claim_owner, claimed_until, changed_at";

    private PreparedStatement byId(Connection c, String reportId, boolean forUpdate) throws SQLException {
        PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM " + table + " WHERE report_id = ?"
                + (forUpdate ? " FOR UPDATE" : ""));
        ps.setString(1, reportId);
        return ps;
    }

    @Override
    public Optional<ReportState> addPending(PendingReport report) {
        return add(report, null, null);
    }

    @Override
    public Optional<ReportState> addPending(PendingReport report, String owner, Duration lease) {
        Objects.requireNonNull(owner, "owner");
        return add(report, owner, lease);
    }

    /** Inserts a report unless its id is known, claimed by {@code owner} for {@code lease} in the database's clock when there is an owner. */
    private Optional<ReportState> add(PendingReport report, String owner, Duration lease) {
        Objects.requireNonNull(report, "report");
        PendingReport entry = report.withClaim(null, null);
        return inTransaction("store usage report " + report.reportId(), c -> {
            try (PreparedStatement ps = byId(c, report.reportId(), false); ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return Optional.ofNullable(stateOf(rs));
                }
            }
            Instant now = now(c);
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO " + table + " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                ins.setString(1, report.reportId());
                ins.setString(2, PENDING);
                ins.setObject(3, ts(report.storedAt()));
                ins.setString(4, json(entry));
                ins.setString(5, owner);
                ins.setObject(6, ts(owner == null ? null : now.plus(lease)));
                ins.setObject(7, ts(now));
                ins.executeUpdate();
            }
            return Optional.empty();
        });
    }

    @Override
    public Optional<ReportState> state(String reportId) {
        return inTransaction("read usage report " + reportId, c -> {
            try (PreparedStatement ps = byId(c, reportId, false); ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(stateOf(rs)) : Optional.empty();
            }
        });
    }

    @Override
    public List<PendingReport> pendingReports() {
        return inTransaction("list the pending usage reports", c -> readAll(c, COLUMNS, PENDING, this::pendingOf));
    }

    /** Decodes one row; a row it cannot decode is quarantined by {@link #readAll}. */
    private interface RowReader<T> {
        T read(ResultSet rs) throws SQLException, JsonProcessingException;
    }

    /**
     * The rows of one status, oldest first, decoded; the rows that cannot be decoded are moved to
     * quarantine in the same transaction, so they no longer block the others.
     */
    private <T> List<T> readAll(Connection c, String columns, String status, RowReader<T> reader) throws SQLException {
        List<T> out = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + columns + " FROM " + table + " WHERE status = ?"
                + " ORDER BY stored_at, report_id")) {
            ps.setString(1, status);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    try {
                        out.add(reader.read(rs));
                    } catch (JsonProcessingException | RuntimeException e) {
                        unreadable.add(rs.getString("report_id"));
                    }
                }
            }
        }
        Instant now = unreadable.isEmpty() ? null : now(c);
        for (String id : unreadable) {
            quarantine(c, id, now);
        }
        return out;
    }

    @Override
    public int pendingCount() {
        try {
            return inTransaction("count the pending usage reports", c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + table + " WHERE status = ?")) {
                    ps.setString(1, PENDING);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getInt(1);
                    }
                }
            });
        } catch (SyncStoreException e) {
            return -1;
        }
    }

    @Override
    public boolean updatePending(PendingReport report) {
        return update(report, null);
    }

    @Override
    public boolean updatePending(PendingReport report, String owner) {
        return update(report, Objects.requireNonNull(owner, "owner"));
    }

    /** Updates a pending report, its row locked; only while {@code owner} holds its claim, when there is an owner. */
    private boolean update(PendingReport report, String owner) {
        return inTransaction("update usage report " + report.reportId(), c -> {
            PendingReport stored;
            try (PreparedStatement ps = byId(c, report.reportId(), true); ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || !PENDING.equals(rs.getString("status"))
                        || owner != null && !owner.equals(rs.getString("claim_owner"))) {
                    return false;
                }
                try {
                    stored = pendingOf(rs);
                } catch (JsonProcessingException e) {
                    quarantine(c, report.reportId(), now(c));
                    return false;
                }
            }
            PendingReport updated = new PendingReport(stored.report(), stored.storedAt(), report.pollId(), report.attempts(),
                    report.lastError(), null, null);
            try (PreparedStatement up = c.prepareStatement("UPDATE " + table + " SET entry = ?, claim_owner = ?, claimed_until = ?,"
                    + " changed_at = ? WHERE report_id = ?")) {
                up.setString(1, json(updated));
                up.setString(2, report.claimOwner());
                up.setObject(3, ts(report.claimedUntil()));
                up.setObject(4, ts(now(c)));
                up.setString(5, report.reportId());
                return up.executeUpdate() == 1;
            }
        });
    }

    @Override
    public List<PendingReport> claimPending(String owner, int max, Duration lease) {
        Objects.requireNonNull(owner, "owner");
        if (max <= 0 || lease == null || lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("max and lease must be positive");
        }
        return inTransaction("claim pending usage reports", c -> {
            Instant now = now(c);
            Instant until = now.plus(lease);
            List<PendingReport> candidates = new ArrayList<>();
            List<String> unreadable = new ArrayList<>();
            // PostgreSQL skips rows another node is claiming right now; H2 applies its row limit before
            // skipping, so there every candidate is read and the conditional update below decides.
            String lockClause = dialect == Dialect.POSTGRESQL ? " FETCH FIRST " + max + " ROWS ONLY FOR UPDATE SKIP LOCKED" : "";
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM " + table + " WHERE status = ?"
                    + " AND (claim_owner IS NULL OR claimed_until IS NULL OR claimed_until <= ? OR claim_owner = ?)"
                    + " ORDER BY stored_at, report_id" + lockClause)) {
                ps.setString(1, PENDING);
                ps.setObject(2, ts(now));
                ps.setString(3, owner);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        try {
                            candidates.add(pendingOf(rs).withClaim(owner, until));
                        } catch (JsonProcessingException | RuntimeException e) {
                            unreadable.add(rs.getString("report_id"));
                        }
                    }
                }
            }
            List<PendingReport> claimed = new ArrayList<>();
            try (PreparedStatement up = c.prepareStatement("UPDATE " + table + " SET claim_owner = ?, claimed_until = ?"
                    + " WHERE report_id = ? AND status = ? AND (claim_owner IS NULL OR claimed_until IS NULL"
                    + " OR claimed_until <= ? OR claim_owner = ?)")) {
                for (PendingReport e : candidates) {
                    if (claimed.size() == max) {
                        break;
                    }
                    up.setString(1, owner);
                    up.setObject(2, ts(until));
                    up.setString(3, e.reportId());
                    up.setString(4, PENDING);
                    up.setObject(5, ts(now));
                    up.setString(6, owner);
                    if (up.executeUpdate() == 1) {
                        claimed.add(e);
                    }
                }
            }
            for (String id : unreadable) {
                quarantine(c, id, now);
            }
            return claimed;
        });
    }

    @Override
    public Optional<PendingReport> claim(String reportId, String owner, Duration lease) {
        Objects.requireNonNull(owner, "owner");
        if (lease == null || lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("the lease must be positive");
        }
        return inTransaction("claim usage report " + reportId, c -> {
            Instant now = now(c);
            PendingReport mine;
            try (PreparedStatement ps = byId(c, reportId, true); ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || !PENDING.equals(rs.getString("status"))) {
                    return Optional.<PendingReport>empty();
                }
                try {
                    mine = pendingOf(rs);
                } catch (JsonProcessingException e) {
                    quarantine(c, reportId, now);
                    return Optional.<PendingReport>empty();
                }
            }
            if (!mine.claimableBy(owner, now)) {
                return Optional.<PendingReport>empty();
            }
            mine = mine.withClaim(owner, now.plus(lease));
            try (PreparedStatement up = c.prepareStatement("UPDATE " + table + " SET claim_owner = ?, claimed_until = ?"
                    + " WHERE report_id = ?")) {
                up.setString(1, owner);
                up.setObject(2, ts(mine.claimedUntil()));
                up.setString(3, reportId);
                up.executeUpdate();
            }
            return Optional.of(mine);
        });
    }

    /** Moves a row from one status to another; true when it was in {@code from}. */
    private boolean move(Connection c, String reportId, String from, String to, String entry) throws SQLException {
        try (PreparedStatement up = c.prepareStatement("UPDATE " + table + " SET status = ?, entry = ?, claim_owner = NULL,"
                + " claimed_until = NULL, changed_at = ? WHERE report_id = ? AND status = ?")) {
            up.setString(1, to);
            up.setString(2, entry);
            up.setObject(3, ts(now(c)));
            up.setString(4, reportId);
            up.setString(5, from);
            return up.executeUpdate() == 1;
        }
    }

    @Override
    public boolean markDelivered(String reportId) {
        return inTransaction("record the delivery of usage report " + reportId, c -> move(c, reportId, PENDING, DELIVERED, null));
    }

    @Override
    public boolean moveToDead(DeadLetter letter) {
        DeadLetter stored = new DeadLetter(letter.entry().withClaim(null, null), letter.status(), letter.code(), letter.message(),
                letter.refusedAt());
        return inTransaction("move usage report " + letter.reportId() + " to the dead letters",
                c -> move(c, letter.reportId(), PENDING, DEAD, json(stored)));
    }

    @Override
    public List<DeadLetter> deadLetters() {
        return inTransaction("list the dead letters", c -> readAll(c, "report_id, entry", DEAD,
                rs -> mapper.readValue(rs.getString("entry"), DeadLetter.class)));
    }

    @Override
    public boolean retryDead(String reportId) {
        return inTransaction("retry dead letter " + reportId, c -> {
            DeadLetter letter;
            try (PreparedStatement ps = byId(c, reportId, true); ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || !DEAD.equals(rs.getString("status"))) {
                    return false;
                }
                try {
                    letter = mapper.readValue(rs.getString("entry"), DeadLetter.class);
                } catch (JsonProcessingException e) {
                    quarantine(c, reportId, now(c));
                    return false;
                }
            }
            PendingReport fresh = new PendingReport(letter.entry().report(), letter.entry().storedAt(), null, 0, null, null, null);
            return move(c, reportId, DEAD, PENDING, json(fresh));
        });
    }

    private boolean delete(String reportId, String status, String what) {
        return inTransaction(what, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE report_id = ? AND status = ?")) {
                ps.setString(1, reportId);
                ps.setString(2, status);
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public boolean discardDead(String reportId) {
        return delete(reportId, DEAD, "discard dead letter " + reportId);
    }

    @Override
    public List<QuarantinedEntry> quarantined() {
        return inTransaction("list the unreadable usage reports", c -> {
            List<QuarantinedEntry> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT report_id, changed_at FROM " + table + " WHERE status = ?"
                    + " ORDER BY changed_at, report_id")) {
                ps.setString(1, UNREADABLE);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String id = rs.getString("report_id");
                        out.add(new QuarantinedEntry(id, "row " + id + " of " + table + " could not be read; kept for an operator",
                                instant(rs, "changed_at")));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public boolean discardQuarantined(String id) {
        return delete(id, UNREADABLE, "discard unreadable usage report " + id);
    }

    @Override
    public void saveSnapshot(LicenseSnapshot snapshot) {
        upsert("snapshot", "account", snapshot.account().toLowerCase(Locale.ROOT), "snapshot", json(snapshot),
                "store the license snapshot of " + snapshot.account());
    }

    @Override
    public Optional<LicenseSnapshot> loadSnapshot(String account) {
        return read("snapshot", "account", account.toLowerCase(Locale.ROOT), "snapshot", LicenseSnapshot.class,
                "read the license snapshot of " + account);
    }

    @Override
    public void saveOutcome(SyncOutcome outcome) {
        upsert("outcome", "id", 1, "outcome", json(outcome), "record the sync outcome");
    }

    @Override
    public Optional<SyncOutcome> lastOutcome() {
        return read("outcome", "id", 1, "outcome", SyncOutcome.class, "read the last sync outcome");
    }

    /**
     * Updates the row, or inserts it when there is none. Two nodes inserting the first row at once
     * (their first outcome, the first snapshot of an account) collide on the key: the one that lost
     * then updates the row the other inserted.
     */
    private void upsert(String name, String keyColumn, Object key, String valueColumn, String value, String what) {
        try {
            updateOrInsert(name, keyColumn, key, valueColumn, value, what);
        } catch (SyncStoreException e) {
            if (!(e.getCause() instanceof SQLException) || !UNIQUE_VIOLATION.equals(((SQLException) e.getCause()).getSQLState())) {
                throw e;
            }
            updateOrInsert(name, keyColumn, key, valueColumn, value, what);
        }
    }

    /** The SQL state of a unique-key violation, on PostgreSQL and H2. */
    private static final String UNIQUE_VIOLATION = "23505";

    private void updateOrInsert(String name, String keyColumn, Object key, String valueColumn, String value, String what) {
        inTransaction(what, c -> {
            try (PreparedStatement up = c.prepareStatement("UPDATE " + prefix + name + " SET " + valueColumn + " = ? WHERE "
                    + keyColumn + " = ?")) {
                up.setString(1, value);
                up.setObject(2, key);
                if (up.executeUpdate() == 1) {
                    return null;
                }
            }
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO " + prefix + name + " (" + keyColumn + ", "
                    + valueColumn + ") VALUES (?, ?)")) {
                ins.setObject(1, key);
                ins.setString(2, value);
                ins.executeUpdate();
            }
            return null;
        });
    }

    /** Reads one JSON value; empty when there is none or it cannot be read (as the SPI asks). */
    private <T> Optional<T> read(String name, String keyColumn, Object key, String valueColumn, Class<T> type, String what) {
        String value;
        try {
            value = inTransaction(what, c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT " + valueColumn + " FROM " + prefix + name + " WHERE "
                        + keyColumn + " = ?")) {
                    ps.setObject(1, key);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? rs.getString(1) : null;
                    }
                }
            });
        } catch (SyncStoreException e) {
            return Optional.empty();
        }
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(mapper.readValue(value, type));
        } catch (JsonProcessingException e) {
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
         * Sets the clock that times claims and state changes (default: the database's
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
