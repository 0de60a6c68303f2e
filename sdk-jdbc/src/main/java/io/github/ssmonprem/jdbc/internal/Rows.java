package io.github.ssmonprem.jdbc.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.ssmonprem.core.internal.SsmJson;
import io.github.ssmonprem.sync.store.DeadLetter;
import io.github.ssmonprem.sync.store.DeliveredReport;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.sync.store.ReportState;
import io.github.ssmonprem.sync.usage.Acknowledgement;
import io.github.ssmonprem.sync.usage.AcknowledgementKind;
import io.github.ssmonprem.sync.usage.ReportStatus;
import io.github.ssmonprem.sync.usage.ServerMessage;
import io.github.ssmonprem.sync.usage.Sudi;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * The outbox's records read from their rows, and the acknowledgement's columns written. The columns
 * are described in the schema files. Not part of the public API.
 */
public final class Rows {

    /** The columns of a report row the store reads. */
    public static final String REPORT_COLUMNS = "report_id, status, stored_at, report, poll_id, nonce, attempts, last_error,"
            + " claim_owner, claimed_until, http_status, server_status, server_code, server_message, correlation_id, answered_at,"
            + " expires_at";

    /** The columns of an acknowledgement row, its key first, in the order {@link #bind} binds them. */
    public static final List<String> ACK_COLUMNS = List.of("ack_id", "kind", "report_id", "account", "virtual_account", "udi_pid",
            "udi_serial_number", "software_tag", "rum_report_ids", "smart_license", "correlation_id", "received_at",
            "taken_at", "expires_at", "quarantined_at");

    /** A report row's status when its report cannot be read: quarantined. */
    public static final String UNREADABLE = "UNREADABLE";

    private static final ObjectMapper MAPPER = SsmJson.mapper();

    private Rows() {
    }

    /**
     * {@return a timestamp column as an instant, or null}
     *
     * @param rs the row
     * @param column the column
     * @throws SQLException when it cannot be read
     */
    public static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    /**
     * Reads a pending report (or the entry of a dead letter) from a report row.
     *
     * @param rs the row
     * @return the entry, with the row's claim
     * @throws SQLException when the row cannot be read
     * @throws UnreadableRowException when its report cannot be decoded
     */
    public static PendingReport pending(ResultSet rs) throws SQLException, UnreadableRowException {
        String id = rs.getString("report_id");
        return new PendingReport(ReportJson.read(id, rs.getString("report")), instant(rs, "stored_at"), rs.getString("poll_id"),
                rs.getString("nonce"), rs.getInt("attempts"), rs.getString("last_error"), rs.getString("claim_owner"),
                instant(rs, "claimed_until"));
    }

    /**
     * Reads a dead letter from a report row.
     *
     * @param rs the row
     * @param acknowledgements the acknowledgements stored with it
     * @return the dead letter
     * @throws SQLException when the row cannot be read
     * @throws UnreadableRowException when its report cannot be decoded
     */
    public static DeadLetter dead(ResultSet rs, List<Acknowledgement> acknowledgements) throws SQLException, UnreadableRowException {
        return new DeadLetter(pending(rs), rs.getInt("http_status"), server(rs), instant(rs, "answered_at"), acknowledgements);
    }

    /**
     * Reads a report row's state: pending, dead or delivered, as its status says.
     *
     * @param rs the row
     * @param acknowledgements the acknowledgements stored with it (none for a pending report)
     * @return its state
     * @throws SQLException when the row cannot be read
     * @throws UnreadableRowException when its report cannot be decoded
     */
    public static ReportState state(ResultSet rs, List<Acknowledgement> acknowledgements) throws SQLException, UnreadableRowException {
        ReportStatus status;
        try {
            status = ReportStatus.valueOf(rs.getString("status"));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new UnreadableRowException("its status is not one of the store's", e);
        }
        switch (status) {
            case PENDING:
                return ReportState.pending(pending(rs));
            case DEAD:
                return ReportState.dead(dead(rs, acknowledgements));
            default:
                return ReportState.delivered(delivered(rs, acknowledgements));
        }
    }

    /**
     * Reads a delivered report from a report row.
     *
     * @param rs the row
     * @param acknowledgements its acknowledgements
     * @return the delivered report
     * @throws SQLException when the row cannot be read
     */
    public static DeliveredReport delivered(ResultSet rs, List<Acknowledgement> acknowledgements) throws SQLException {
        return new DeliveredReport(rs.getString("report_id"), ReportStatus.valueOf(rs.getString("status")), instant(rs, "answered_at"),
                rs.getString("poll_id"), server(rs), acknowledgements);
    }

    private static ServerMessage server(ResultSet rs) throws SQLException {
        return new ServerMessage(rs.getString("server_status"), rs.getString("server_code"), rs.getString("server_message"),
                rs.getString("correlation_id"));
    }

    /**
     * Reads an acknowledgement from its row.
     *
     * @param rs the row
     * @return the acknowledgement
     * @throws SQLException when the row cannot be read
     * @throws UnreadableRowException when its values are not those of an acknowledgement
     */
    public static Acknowledgement acknowledgement(ResultSet rs) throws SQLException, UnreadableRowException {
        try {
            return new Acknowledgement(rs.getString("ack_id"), AcknowledgementKind.valueOf(rs.getString("kind")),
                    rs.getString("report_id"), rs.getString("account"), rs.getString("virtual_account"), new Sudi(rs.getString("udi_pid"), rs.getString("udi_serial_number")),
                    rs.getString("software_tag"), List.of(MAPPER.readValue(rs.getString("rum_report_ids"), String[].class)),
                    rs.getString("smart_license"), rs.getString("correlation_id"), instant(rs, "received_at"));
        } catch (JsonProcessingException | RuntimeException e) {
            throw new UnreadableRowException("it is not a stored acknowledgement (" + (e instanceof JsonProcessingException
                    ? "its list of RUM report ids cannot be read" : "a column is missing or holds a value of another kind") + ")", e);
        }
    }

    /**
     * Binds an acknowledgement's values, up to {@code received_at}, the twelfth of {@link #ACK_COLUMNS}.
     *
     * @param q the query
     * @param a the acknowledgement
     * @throws SQLException when they cannot be bound
     */
    public static void bind(Query q, Acknowledgement a) throws SQLException {
        String rumReportIds;
        try {
            rumReportIds = MAPPER.writeValueAsString(a.rumReportIds());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a list of strings", e);
        }
        q.text(a.id()).text(a.kind().name()).text(a.reportId()).text(a.account()).text(a.virtualAccount()).text(a.sudi().pid())
                .text(a.sudi().serialNumber()).text(a.softwareTag()).text(rumReportIds).text(a.smartLicense())
                .text(a.correlationId()).instant(a.receivedAt());
    }
}
