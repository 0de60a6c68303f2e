package io.github.ssmonprem.jdbc.internal;

import io.github.ssmonprem.sync.store.DeadLetter;
import io.github.ssmonprem.sync.store.DeliveredReport;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.sync.store.QuarantinedEntry;
import io.github.ssmonprem.sync.store.ReportState;
import io.github.ssmonprem.sync.store.UsageCounts;
import io.github.ssmonprem.sync.store.UsageOutbox;
import io.github.ssmonprem.sync.usage.Acknowledgement;
import io.github.ssmonprem.sync.usage.ReportStatus;
import io.github.ssmonprem.sync.usage.ServerMessage;
import io.github.ssmonprem.sync.usage.UsageReport;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The usage outbox's SQL on the tables {@code <prefix>report} and {@code <prefix>acknowledgement}
 * (described in the schema files): one method per statement, each on a connection its caller holds
 * in a transaction (or in auto-commit for a change of one statement). Rows whose content cannot be
 * decoded are reported to the caller, which moves them to the quarantine. Not part of the public API.
 */
public final class OutboxSql {

    /** How many acknowledgements one statement writes at most. */
    private static final int ACKS_PER_STATEMENT = 50;
    /** How many reports one claim statement names at most. */
    private static final int IDS_PER_STATEMENT = 500;
    private static final Duration RETENTION = UsageOutbox.DELIVERED_RETENTION;
    /** The parameters {@link Rows#bind} binds. */
    private static final String ACK_VALUES = "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?";

    private final Dialect dialect;
    private final Clock clock;
    private final String reports;
    private final String acks;
    private final String now;
    private final String live;

    /**
     * The statements for a database and table prefix.
     *
     * @param dialect the database
     * @param prefix a valid table prefix
     * @param clock the store's clock, or null for the database's
     */
    public OutboxSql(Dialect dialect, String prefix, Clock clock) {
        this.dialect = dialect;
        this.clock = clock;
        this.reports = prefix + "report";
        this.acks = prefix + "acknowledgement";
        this.now = Query.nowPlus(dialect, clock);
        this.live = "(expires_at IS NULL OR expires_at >= " + now + ")";
    }

    private Query query(Connection c, String sql) throws SQLException {
        return new Query(c, sql, clock);
    }

    /**
     * Inserts a report as pending, claimed, unless its id has a row.
     *
     * @param c the connection
     * @param report the report
     * @param owner the claim's owner
     * @param lease the claim's lease
     * @return whether it was inserted
     * @throws SQLException when the statement fails
     */
    public boolean insert(Connection c, UsageReport report, String owner, Duration lease) throws SQLException {
        String sql = dialect.insertIfAbsent(reports, "report_id, status, stored_at, report, attempts, claim_owner, claimed_until,"
                + " changed_at", "?, 'PENDING', " + now + ", ?, 0, ?, " + now + ", " + now, "report_id");
        try (Query q = query(c, sql)) {
            return q.text(report.reportId()).now().text(ReportJson.write(report)).text(owner).now(lease).now().insertIfAbsent() == 1;
        }
    }

    /**
     * Makes a row that no longer stands for a report (a delivered report past its retention, or a
     * quarantined one) the pending, claimed report again.
     *
     * @param c the connection
     * @param report the report
     * @param owner the claim's owner
     * @param lease the claim's lease
     * @return whether there was such a row
     * @throws SQLException when the statement fails
     */
    public boolean revive(Connection c, UsageReport report, String owner, Duration lease) throws SQLException {
        try (Query q = query(c, "UPDATE " + reports + " SET status = 'PENDING', stored_at = " + now + ", report = ?, poll_id = NULL,"
                + " nonce = NULL, attempts = 0, last_error = NULL, claim_owner = ?, claimed_until = " + now + ", http_status = NULL,"
                + " server_status = NULL, server_code = NULL, server_message = NULL, correlation_id = NULL, answered_at = NULL,"
                + " changed_at = " + now + ", expires_at = NULL WHERE report_id = ? AND (status = '" + Rows.UNREADABLE
                + "' OR expires_at < " + now + ")")) {
            if (q.now().text(ReportJson.write(report)).text(owner).now(lease).now().text(report.reportId()).now().update() == 0) {
                return false;
            }
        }
        try (Query q = query(c, "DELETE FROM " + acks + " WHERE report_id = ? AND expires_at < " + now)) {
            q.text(report.reportId()).now().update();     // those of its earlier delivery, forgotten with it
        }
        return true;
    }

    /**
     * Reads where a report id stands.
     *
     * @param c the connection
     * @param reportId the id
     * @param forUpdate whether to lock its row (for a pending report about to be claimed)
     * @return its state; empty when unknown, past its retention, quarantined or unreadable (see {@code unreadable})
     * @throws SQLException when the statements fail
     */
    public Lookup find(Connection c, String reportId, boolean forUpdate) throws SQLException {
        try (Query q = query(c, "SELECT " + Rows.REPORT_COLUMNS + ", " + now + " AS store_now FROM " + reports
                + " WHERE report_id = ?" + (forUpdate ? " FOR UPDATE" : ""))) {
            ResultSet rs = q.now().text(reportId).query();
            if (!rs.next()) {
                return new Lookup(null, null, null);
            }
            Instant at = Rows.instant(rs, "store_now");
            String status = rs.getString("status");
            Instant expires = Rows.instant(rs, "expires_at");
            if (Rows.UNREADABLE.equals(status) || expires != null && expires.isBefore(at)) {
                return new Lookup(null, at, null);
            }
            boolean pending = ReportStatus.PENDING.name().equals(status);
            try {
                return new Lookup(Rows.state(rs, pending ? List.of() : acknowledgementsOf(c, reportId)), at, null);
            } catch (UnreadableRowException e) {
                return new Lookup(null, at, e.getMessage());
            }
        }
    }

    /**
     * Where a report id stands, as {@link #find} read it.
     *
     * @param state its state, or null
     * @param storeNow the store's time when it was read
     * @param unreadable why its row cannot be decoded, or null
     */
    public record Lookup(ReportState state, Instant storeNow, String unreadable) {
    }

    /** The acknowledgements of a dead or delivered report, taken or not (they live as long as it does). */
    private List<Acknowledgement> acknowledgementsOf(Connection c, String reportId) throws SQLException {
        List<Acknowledgement> out = new ArrayList<>();
        try (Query q = query(c, "SELECT " + String.join(", ", Rows.ACK_COLUMNS) + " FROM " + acks + " WHERE report_id = ?"
                + " AND quarantined_at IS NULL ORDER BY received_at, ack_id")) {
            ResultSet rs = q.text(reportId).query();
            while (rs.next()) {
                try {
                    out.add(Rows.acknowledgement(rs));
                } catch (UnreadableRowException e) {
                    // listed by acknowledgements(), which quarantines it
                }
            }
        }
        return out;
    }

    /**
     * Claims up to {@code max} pending reports for {@code owner}, oldest first: those unclaimed, whose
     * claim expired, or that {@code owner} holds. On PostgreSQL one {@code SELECT ... FOR UPDATE SKIP
     * LOCKED} takes them (rows another claim is taking are skipped) and one {@code UPDATE} claims them.
     * H2 applies a row limit before it skips locked rows, and locks every row it reads, so there each
     * candidate is claimed by a conditional {@code UPDATE} (a row another claim took no longer
     * matches) and read again under that claim.
     *
     * @param c the connection, in a transaction
     * @param owner who claims
     * @param max at most how many
     * @param lease how long the claims hold from the store's time
     * @return the reports as claimed, and the ids of those that cannot be decoded (claimed too)
     * @throws SQLException when a statement fails
     */
    public Decoded<PendingReport> claim(Connection c, String owner, int max, Duration lease) throws SQLException {
        String claimable = "status = 'PENDING' AND (claim_owner IS NULL OR claimed_until IS NULL OR claimed_until <= " + now
                + " OR claim_owner = ?)";
        String select = "SELECT " + Rows.REPORT_COLUMNS + ", " + now + " AS store_now FROM " + reports + " WHERE " + claimable
                + " ORDER BY stored_at, report_id";
        Decoded<PendingReport> out = new Decoded<>();
        if (dialect == Dialect.POSTGRESQL) {
            try (Query q = query(c, select + " FETCH FIRST " + max + " ROWS ONLY FOR UPDATE SKIP LOCKED")) {
                decode(q.now().now().text(owner).query(), out, max);
            }
            if (!out.ids.isEmpty()) {
                Instant until = Query.micros(out.storeNow.plus(lease));
                setClaims(c, out.ids, owner, until);
                out.rows.replaceAll(e -> e.withClaim(owner, until));
            }
            return out;
        }
        List<String> candidates = new ArrayList<>();
        try (Query q = query(c, "SELECT report_id FROM " + reports + " WHERE " + claimable + " ORDER BY stored_at, report_id")) {
            ResultSet rs = q.now().text(owner).query();
            while (rs.next()) {
                candidates.add(rs.getString(1));
            }
        }
        for (String id : candidates) {
            if (out.ids.size() == max) {
                break;
            }
            try (Query q = query(c, "UPDATE " + reports + " SET claim_owner = ?, claimed_until = " + now + " WHERE report_id = ? AND "
                    + claimable)) {
                if (q.text(owner).now(lease).text(id).now().text(owner).update() == 0) {
                    continue;                                   // another claim took it meanwhile
                }
            }
            try (Query q = query(c, "SELECT " + Rows.REPORT_COLUMNS + ", " + now + " AS store_now FROM " + reports
                    + " WHERE report_id = ?")) {
                decode(q.now().text(id).query(), out, 1);
            }
        }
        return out;
    }

    /** Decodes up to {@code max} report rows into {@code out}. */
    private static void decode(ResultSet rs, Decoded<PendingReport> out, int max) throws SQLException {
        for (int n = 0; n < max && rs.next(); n++) {
            out.storeNow = Rows.instant(rs, "store_now");
            String id = rs.getString("report_id");
            out.ids.add(id);
            try {
                out.rows.add(Rows.pending(rs));
            } catch (UnreadableRowException e) {
                out.unreadable.put(id, e.getMessage());
            }
        }
    }

    /**
     * Rows read and decoded, and those that could not be decoded (id and why).
     *
     * @param <T> what the rows hold
     */
    public static final class Decoded<T> {
        /** The decoded rows, in order. */
        public final List<T> rows = new ArrayList<>();
        /** The ids of the rows that could not be decoded, and why. */
        public final Map<String, String> unreadable = new LinkedHashMap<>();
        /** The ids of every row read, decoded or not. */
        public final List<String> ids = new ArrayList<>();
        /** The store's time when they were read, or null when none was. */
        public Instant storeNow;
    }

    /**
     * Sets the claim of pending reports.
     *
     * @param c the connection
     * @param reportIds the reports
     * @param owner the claim's owner
     * @param until until when it holds
     * @throws SQLException when a statement fails
     */
    public void setClaims(Connection c, List<String> reportIds, String owner, Instant until) throws SQLException {
        for (int from = 0; from < reportIds.size(); from += IDS_PER_STATEMENT) {
            List<String> ids = reportIds.subList(from, Math.min(reportIds.size(), from + IDS_PER_STATEMENT));
            try (Query q = query(c, "UPDATE " + reports + " SET claim_owner = ?, claimed_until = ? WHERE status = 'PENDING'"
                    + " AND report_id IN (" + String.join(", ", Collections.nCopies(ids.size(), "?")) + ")")) {
                q.text(owner).instant(until);
                for (String id : ids) {
                    q.text(id);
                }
                q.update();
            }
        }
    }

    /**
     * Replaces the delivery state of a pending report, only while {@code owner} holds its claim.
     *
     * @param c the connection
     * @param entry the new delivery state
     * @param owner who must hold the claim
     * @return whether it was replaced
     * @throws SQLException when the statement fails
     */
    public boolean update(Connection c, PendingReport entry, String owner) throws SQLException {
        try (Query q = query(c, "UPDATE " + reports + " SET poll_id = ?, nonce = ?, attempts = ?, last_error = ?, claim_owner = ?,"
                + " claimed_until = ? WHERE report_id = ? AND status = 'PENDING' AND claim_owner = ?")) {
            return q.text(entry.pollId()).text(entry.nonce()).integer(entry.attempts()).text(entry.lastError())
                    .text(entry.claimOwner()).instant(entry.claimedUntil()).text(entry.reportId()).text(owner).update() == 1;
        }
    }

    /**
     * Moves a pending report to the delivered ones, forgotten after the retention; its report's text
     * is dropped.
     *
     * @param c the connection, in a transaction
     * @param delivered the delivered report
     * @return whether it was pending
     * @throws SQLException when the statement fails
     */
    public boolean deliver(Connection c, DeliveredReport delivered) throws SQLException {
        try (Query q = query(c, "UPDATE " + reports + " SET status = ?, report = NULL, poll_id = ?, nonce = NULL, last_error = NULL,"
                + " claim_owner = NULL, claimed_until = NULL, server_status = ?, server_code = ?, server_message = ?,"
                + " correlation_id = ?, answered_at = ?, changed_at = " + now + ", expires_at = " + now
                + " WHERE report_id = ? AND status = 'PENDING'")) {
            q.text(delivered.status().name()).text(delivered.pollId());
            server(q, delivered.server());
            return q.instant(delivered.deliveredAt()).now().now(RETENTION).text(delivered.reportId()).update() == 1;
        }
    }

    private static void server(Query q, ServerMessage server) throws SQLException {
        q.text(server.status()).text(server.code()).text(server.message()).text(server.correlationId());
    }

    /**
     * Moves a pending report to the dead letters with the server's answer, only while {@code owner}
     * holds its claim.
     *
     * @param c the connection, in a transaction
     * @param letter the dead letter
     * @param owner who must hold the claim
     * @return whether it was moved
     * @throws SQLException when the statement fails
     */
    public boolean refuse(Connection c, DeadLetter letter, String owner) throws SQLException {
        PendingReport e = letter.entry();
        try (Query q = query(c, "UPDATE " + reports + " SET status = 'DEAD', poll_id = ?, nonce = ?, attempts = ?, last_error = ?,"
                + " claim_owner = NULL, claimed_until = NULL, http_status = ?, server_status = ?, server_code = ?,"
                + " server_message = ?, correlation_id = ?, answered_at = ?, changed_at = " + now
                + " WHERE report_id = ? AND status = 'PENDING' AND claim_owner = ?")) {
            q.text(e.pollId()).text(e.nonce()).integer(e.attempts()).text(e.lastError()).integer(letter.httpStatus());
            server(q, letter.server());
            return q.instant(letter.refusedAt()).now().text(letter.reportId()).text(owner).update() == 1;
        }
    }

    /**
     * Stores acknowledgements, not taken, replacing any of the same id.
     *
     * @param c the connection
     * @param list the acknowledgements
     * @param expiring whether they are forgotten after the retention (those of a delivered report),
     *     or kept until taken (those of a dead letter)
     * @throws SQLException when a statement fails
     */
    public void storeAcknowledgements(Connection c, List<Acknowledgement> list, boolean expiring) throws SQLException {
        Map<String, Acknowledgement> byId = new LinkedHashMap<>();
        list.forEach(a -> byId.put(a.id(), a));
        List<Acknowledgement> unique = new ArrayList<>(byId.values());
        for (int from = 0; from < unique.size(); from += ACKS_PER_STATEMENT) {
            List<Acknowledgement> part = unique.subList(from, Math.min(unique.size(), from + ACKS_PER_STATEMENT));
            String values = ACK_VALUES + ", NULL, " + (expiring ? now : "NULL") + ", NULL";
            try (Query q = query(c, dialect.upsert(acks, Rows.ACK_COLUMNS, values, part.size()))) {
                for (Acknowledgement a : part) {
                    Rows.bind(q, a);
                    if (expiring) {
                        q.now(RETENTION);
                    }
                }
                q.update();
            }
        }
    }

    /**
     * Inserts an acknowledgement kept outside a report's delivery, not taken, forgotten after the
     * retention, unless its id has a row.
     *
     * @param c the connection
     * @param ack the acknowledgement
     * @return whether it was inserted
     * @throws SQLException when the statement fails
     */
    public boolean keep(Connection c, Acknowledgement ack) throws SQLException {
        String sql = dialect.insertIfAbsent(acks, String.join(", ", Rows.ACK_COLUMNS), ACK_VALUES + ", NULL, " + now + ", NULL",
                "ack_id");
        try (Query q = query(c, sql)) {
            Rows.bind(q, ack);
            return q.now(RETENTION).insertIfAbsent() == 1;
        }
    }

    /**
     * Reads the pending reports, oldest first.
     *
     * @param c the connection
     * @return them, and the ids of those that cannot be decoded
     * @throws SQLException when the statement fails
     */
    public Decoded<PendingReport> pending(Connection c) throws SQLException {
        Decoded<PendingReport> out = new Decoded<>();
        try (Query q = query(c, "SELECT " + Rows.REPORT_COLUMNS + " FROM " + reports + " WHERE status = 'PENDING'"
                + " ORDER BY stored_at, report_id")) {
            ResultSet rs = q.query();
            while (rs.next()) {
                try {
                    out.rows.add(Rows.pending(rs));
                } catch (UnreadableRowException e) {
                    out.unreadable.put(rs.getString("report_id"), e.getMessage());
                }
            }
        }
        return out;
    }

    /**
     * Reads the dead letters, oldest first, then their acknowledgements (stored with them, so every
     * letter read has its own).
     *
     * @param c the connection
     * @return the dead letters, and the ids of those that cannot be decoded
     * @throws SQLException when a statement fails
     */
    public Decoded<DeadLetter> dead(Connection c) throws SQLException {
        Decoded<DeadLetter> letters = new Decoded<>();
        try (Query q = query(c, "SELECT " + Rows.REPORT_COLUMNS + " FROM " + reports + " WHERE status = 'DEAD'"
                + " ORDER BY stored_at, report_id")) {
            ResultSet rs = q.query();
            while (rs.next()) {
                String id = rs.getString("report_id");
                try {
                    letters.rows.add(Rows.dead(rs, List.of()));
                } catch (UnreadableRowException e) {
                    letters.unreadable.put(id, e.getMessage());
                }
            }
        }
        Map<String, List<Acknowledgement>> byReport = new LinkedHashMap<>();
        List<String> ids = letters.rows.stream().map(DeadLetter::reportId).toList();
        for (int from = 0; from < ids.size(); from += IDS_PER_STATEMENT) {
            List<String> part = ids.subList(from, Math.min(ids.size(), from + IDS_PER_STATEMENT));
            try (Query q = query(c, "SELECT " + String.join(", ", Rows.ACK_COLUMNS) + " FROM " + acks + " WHERE report_id IN ("
                    + String.join(", ", Collections.nCopies(part.size(), "?")) + ") AND quarantined_at IS NULL"
                    + " ORDER BY received_at, ack_id")) {
                for (String id : part) {
                    q.text(id);
                }
                ResultSet rs = q.query();
                while (rs.next()) {
                    try {
                        Acknowledgement a = Rows.acknowledgement(rs);
                        byReport.computeIfAbsent(a.reportId(), k -> new ArrayList<>()).add(a);
                    } catch (UnreadableRowException e) {
                        // listed by acknowledgements(), which quarantines it
                    }
                }
            }
        }
        letters.rows.replaceAll(d -> new DeadLetter(d.entry(), d.httpStatus(), d.server(), d.refusedAt(),
                byReport.getOrDefault(d.reportId(), List.of())));
        return letters;
    }

    /**
     * Moves a dead letter back to the pending reports, with no delivery state.
     *
     * @param c the connection
     * @param reportId the report
     * @return whether it was dead
     * @throws SQLException when the statement fails
     */
    public boolean retry(Connection c, String reportId) throws SQLException {
        try (Query q = query(c, "UPDATE " + reports + " SET status = 'PENDING', poll_id = NULL, nonce = NULL, attempts = 0,"
                + " last_error = NULL, claim_owner = NULL, claimed_until = NULL, http_status = NULL, server_status = NULL,"
                + " server_code = NULL, server_message = NULL, correlation_id = NULL, answered_at = NULL, changed_at = " + now
                + " WHERE report_id = ? AND status = 'DEAD'")) {
            return q.now().text(reportId).update() == 1;
        }
    }

    /**
     * Deletes a report row of one status.
     *
     * @param c the connection
     * @param reportId the report
     * @param status the status it must have
     * @return whether it was deleted
     * @throws SQLException when the statement fails
     */
    public boolean delete(Connection c, String reportId, String status) throws SQLException {
        try (Query q = query(c, "DELETE FROM " + reports + " WHERE report_id = ? AND status = ?")) {
            return q.text(reportId).text(status).update() == 1;
        }
    }

    /**
     * Counts the pending and dead reports and the acknowledgements not taken, in one statement.
     *
     * @param c the connection
     * @return the counts
     * @throws SQLException when the statement fails
     */
    public UsageCounts counts(Connection c) throws SQLException {
        try (Query q = query(c, "SELECT (SELECT COUNT(*) FROM " + reports + " WHERE status = 'PENDING'),"
                + " (SELECT COUNT(*) FROM " + reports + " WHERE status = 'DEAD'),"
                + " (SELECT COUNT(*) FROM " + acks + " WHERE taken_at IS NULL AND quarantined_at IS NULL AND " + live + ")")) {
            ResultSet rs = q.now().query();
            rs.next();
            return new UsageCounts(rs.getInt(1), rs.getInt(2), rs.getInt(3));
        }
    }

    /**
     * Reads the acknowledgements not taken, oldest first.
     *
     * @param c the connection
     * @return them, and the ids of those that cannot be decoded
     * @throws SQLException when the statement fails
     */
    public Decoded<Acknowledgement> untaken(Connection c) throws SQLException {
        Decoded<Acknowledgement> out = new Decoded<>();
        try (Query q = query(c, "SELECT " + String.join(", ", Rows.ACK_COLUMNS) + " FROM " + acks + " WHERE taken_at IS NULL"
                + " AND quarantined_at IS NULL AND " + live + " ORDER BY received_at, ack_id")) {
            ResultSet rs = q.now().query();
            while (rs.next()) {
                try {
                    out.rows.add(Rows.acknowledgement(rs));
                } catch (UnreadableRowException e) {
                    out.unreadable.put(rs.getString("ack_id"), e.getMessage());
                }
            }
        }
        return out;
    }

    /**
     * Marks an acknowledgement taken; from then on it is forgotten after the retention.
     *
     * @param c the connection
     * @param ackId its id
     * @return whether it was there, not taken
     * @throws SQLException when the statement fails
     */
    public boolean take(Connection c, String ackId) throws SQLException {
        try (Query q = query(c, "UPDATE " + acks + " SET taken_at = " + now + ", expires_at = COALESCE(expires_at, " + now + ")"
                + " WHERE ack_id = ? AND taken_at IS NULL AND quarantined_at IS NULL AND " + live)) {
            return q.now().now(RETENTION).text(ackId).now().update() == 1;
        }
    }

    /**
     * Moves report rows to the quarantine, each only if, read again under its row lock, it still
     * cannot be decoded (a concurrent add may have replaced it with a readable copy meanwhile).
     *
     * @param c the connection, in a transaction
     * @param unreadable the rows' ids and why they cannot be read
     * @throws SQLException when a statement fails
     */
    public void quarantineReports(Connection c, Map<String, String> unreadable) throws SQLException {
        for (String id : unreadable.keySet()) {
            String why;
            try (Query q = query(c, "SELECT " + Rows.REPORT_COLUMNS + " FROM " + reports + " WHERE report_id = ? AND status IN"
                    + " ('PENDING', 'DEAD') FOR UPDATE")) {
                why = whyUnreadable(q.text(id).query(), rs -> Rows.state(rs, List.of()));
            }
            if (why != null) {
                try (Query q = query(c, "UPDATE " + reports + " SET status = '" + Rows.UNREADABLE + "', last_error = ?,"
                        + " claim_owner = NULL, claimed_until = NULL, changed_at = " + now + " WHERE report_id = ?")) {
                    q.text(why).now().text(id).update();
                }
            }
        }
    }

    /**
     * Moves acknowledgement rows to the quarantine, each only if, read again under its row lock, it
     * still cannot be decoded.
     *
     * @param c the connection, in a transaction
     * @param ackIds their ids
     * @throws SQLException when a statement fails
     */
    public void quarantineAcknowledgements(Connection c, Iterable<String> ackIds) throws SQLException {
        for (String id : ackIds) {
            String why;
            try (Query q = query(c, "SELECT " + String.join(", ", Rows.ACK_COLUMNS) + " FROM " + acks + " WHERE ack_id = ?"
                    + " AND quarantined_at IS NULL FOR UPDATE")) {
                why = whyUnreadable(q.text(id).query(), Rows::acknowledgement);
            }
            if (why != null) {
                try (Query q = query(c, "UPDATE " + acks + " SET quarantined_at = " + now + " WHERE ack_id = ?")) {
                    q.now().text(id).update();
                }
            }
        }
    }

    /** Decodes a row. */
    @FunctionalInterface
    private interface Decoder {
        Object decode(ResultSet rs) throws SQLException, UnreadableRowException;
    }

    /** {@return why the row cannot be decoded; null when it can, or there is none} */
    private static String whyUnreadable(ResultSet rs, Decoder decoder) throws SQLException {
        if (!rs.next()) {
            return null;
        }
        try {
            decoder.decode(rs);
            return null;
        } catch (UnreadableRowException e) {
            return e.getMessage();
        }
    }

    /** The prefix of the quarantine id of an acknowledgement row (a report row's is its report id). */
    public static final String ACK_QUARANTINE = "acknowledgement/";

    /**
     * Lists the quarantined rows, oldest first.
     *
     * @param c the connection
     * @return them
     * @throws SQLException when a statement fails
     */
    public List<QuarantinedEntry> quarantined(Connection c) throws SQLException {
        List<QuarantinedEntry> out = new ArrayList<>();
        try (Query q = query(c, "SELECT report_id, last_error, changed_at FROM " + reports + " WHERE status = '" + Rows.UNREADABLE
                + "'")) {
            ResultSet rs = q.query();
            while (rs.next()) {
                String id = rs.getString("report_id");
                out.add(new QuarantinedEntry(id, "usage report " + id + " in table " + reports + " cannot be read: "
                        + rs.getString("last_error") + "; submitting the same report again replaces it", Rows.instant(rs, "changed_at")));
            }
        }
        try (Query q = query(c, "SELECT ack_id, report_id, quarantined_at FROM " + acks + " WHERE quarantined_at IS NOT NULL")) {
            ResultSet rs = q.query();
            while (rs.next()) {
                String id = rs.getString("ack_id");
                out.add(new QuarantinedEntry(ACK_QUARANTINE + id, "acknowledgement " + id + " of usage report "
                        + rs.getString("report_id") + " in table " + acks + " cannot be read", Rows.instant(rs, "quarantined_at")));
            }
        }
        out.sort(Comparator.comparing(QuarantinedEntry::quarantinedAt).thenComparing(QuarantinedEntry::id));
        return out;
    }

    /**
     * Deletes a quarantined row.
     *
     * @param c the connection
     * @param id its quarantine id
     * @return whether there was one
     * @throws SQLException when the statement fails
     */
    public boolean discardQuarantined(Connection c, String id) throws SQLException {
        if (!id.startsWith(ACK_QUARANTINE)) {
            return delete(c, id, Rows.UNREADABLE);
        }
        try (Query q = query(c, "DELETE FROM " + acks + " WHERE ack_id = ? AND quarantined_at IS NOT NULL")) {
            return q.text(id.substring(ACK_QUARANTINE.length())).update() == 1;
        }
    }

    /**
     * Deletes the delivered reports and acknowledgements past their retention (a dead letter keeps
     * the acknowledgements it lists, taken or not).
     *
     * @param c the connection
     * @return how many rows were deleted
     * @throws SQLException when a statement fails
     */
    public int purge(Connection c) throws SQLException {
        int deleted;
        try (Query q = query(c, "DELETE FROM " + acks + " WHERE expires_at < " + now + " AND NOT EXISTS (SELECT 1 FROM "
                + reports + " r WHERE r.report_id = " + acks + ".report_id AND r.status = 'DEAD')")) {
            deleted = q.now().update();
        }
        try (Query q = query(c, "DELETE FROM " + reports + " WHERE expires_at < " + now)) {
            return deleted + q.now().update();
        }
    }
}
