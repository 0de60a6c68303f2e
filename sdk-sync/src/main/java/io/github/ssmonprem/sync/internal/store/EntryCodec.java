package io.github.ssmonprem.sync.internal.store;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.github.ssmonprem.core.internal.SsmJson;
import io.github.ssmonprem.sync.store.DeadLetter;
import io.github.ssmonprem.sync.store.DeliveredReport;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.sync.usage.Acknowledgement;
import io.github.ssmonprem.sync.usage.AcknowledgementKind;
import io.github.ssmonprem.sync.usage.ReportStatus;
import io.github.ssmonprem.sync.usage.RumReport;
import io.github.ssmonprem.sync.usage.ServerMessage;
import io.github.ssmonprem.sync.usage.Sudi;
import io.github.ssmonprem.sync.usage.UsageReport;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;

/**
 * The JSON of the file store's entries: the store's own shapes (the records below), mapped to and
 * from the SPI's records here, so the SPI carries no persistence annotations and the file format
 * changes only when this class does. A RUM report's payload and signature are JSON strings holding
 * their texts exactly; reading one back gives the same characters.
 */
public final class EntryCodec {

    private static final ObjectMapper MAPPER = SsmJson.mapper();
    /** Writes into the store's stream without closing it. */
    private static final ObjectWriter STREAMING = MAPPER.writer().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    private EntryCodec() {
    }

    /** A pending report's file: the report and when it was first stored. Written once, moved, never changed. */
    record ReportJson(String reportId, String account, String virtualAccount, Instant createdAt, Instant storedAt,
            List<RumJson> reports) {
    }

    /** A RUM report's texts, as they were read. */
    record RumJson(String payload, String signature) {
    }

    /**
     * A pending report's delivery state; all empty before its first upload.
     *
     * @param pollId the poll id, or null
     * @param nonce the upload's nonce, or null
     * @param attempts the failed attempts
     * @param lastError the last failure, or null
     */
    public record State(String pollId, String nonce, int attempts, String lastError) {

        /** The state of a report never uploaded. */
        public static final State NONE = new State(null, null, 0, null);

        /**
         * {@return the delivery state of an entry}
         *
         * @param entry the entry
         */
        public static State of(PendingReport entry) {
            return new State(entry.pollId(), entry.nonce(), entry.attempts(), entry.lastError());
        }

        /**
         * {@return the entry with this delivery state}
         *
         * @param entry the entry
         */
        public PendingReport applyTo(PendingReport entry) {
            return new PendingReport(entry.report(), entry.storedAt(), pollId, nonce, attempts, lastError, entry.claimOwner(),
                    entry.claimedUntil());
        }
    }

    /**
     * A pending report's claim.
     *
     * @param owner who holds it, or null for no one
     * @param until until when, or null
     */
    public record Claim(String owner, Instant until) {
    }

    record ServerJson(String status, String code, String message, String correlationId) {
    }

    record AckJson(String id, AcknowledgementKind kind, String reportId, String account, String virtualAccount, String pid,
            String serialNumber, String softwareTag, List<String> rumReportIds, String smartLicense, String correlationId,
            Instant receivedAt) {
    }

    /** A dead letter's file: all but the report, which lies beside it. */
    record LetterJson(String reportId, State state, int httpStatus, ServerJson server, Instant refusedAt, List<AckJson> acknowledgements) {
    }

    record DeliveredJson(String reportId, ReportStatus status, Instant deliveredAt, String pollId, ServerJson server,
            List<AckJson> acknowledgements) {
    }

    /**
     * A dead letter's file, read without its report.
     *
     * @param state the delivery state the report had when refused
     * @param httpStatus the refusal's HTTP status
     * @param server what the server said
     * @param refusedAt when
     * @param acknowledgements the acknowledgements it carried
     */
    public record Letter(State state, int httpStatus, ServerMessage server, Instant refusedAt, List<Acknowledgement> acknowledgements) {

        /**
         * {@return the dead letter of a report}
         *
         * @param report the report as stored (its entry without delivery state)
         */
        public DeadLetter toDeadLetter(PendingReport report) {
            return new DeadLetter(state.applyTo(report).withClaim(null, null), httpStatus, server, refusedAt, acknowledgements);
        }
    }

    /**
     * Writes a report's file.
     *
     * @param report the report
     * @param storedAt when it was first stored
     * @param out where to (left open)
     * @throws IOException when it cannot be written
     */
    public static void writeReport(UsageReport report, Instant storedAt, OutputStream out) throws IOException {
        List<RumJson> rum = report.reports().stream().map(r -> new RumJson(r.payload(), r.signature())).toList();
        STREAMING.writeValue(out, new ReportJson(report.reportId(), report.account(), report.virtualAccount(), report.createdAt(),
                storedAt, rum));
    }

    /**
     * Reads a report's file.
     *
     * @param id the id its name says
     * @param json its content
     * @return the report as first stored, without delivery state or claim
     * @throws IOException when it cannot be read or holds another report
     */
    public static PendingReport readReport(String id, byte[] json) throws IOException {
        ReportJson r = MAPPER.readValue(json, ReportJson.class);
        requireId(id, r.reportId());
        List<RumReport> rum = r.reports().stream().map(x -> RumReport.of(x.payload(), x.signature())).toList();
        return PendingReport.of(new UsageReport(r.reportId(), r.account(), r.virtualAccount(), r.createdAt(), rum), r.storedAt());
    }

    /**
     * {@return the JSON of a delivery state}
     *
     * @param state the state
     * @throws IOException when it cannot be written
     */
    public static byte[] write(State state) throws IOException {
        return MAPPER.writeValueAsBytes(state);
    }

    /**
     * {@return a delivery state}
     *
     * @param json its JSON
     * @throws IOException when it cannot be read
     */
    public static State readState(byte[] json) throws IOException {
        return MAPPER.readValue(json, State.class);
    }

    /**
     * {@return the JSON of a claim}
     *
     * @param claim the claim
     * @throws IOException when it cannot be written
     */
    public static byte[] write(Claim claim) throws IOException {
        return MAPPER.writeValueAsBytes(claim);
    }

    /**
     * {@return a claim}
     *
     * @param json its JSON
     * @throws IOException when it cannot be read
     */
    public static Claim readClaim(byte[] json) throws IOException {
        return MAPPER.readValue(json, Claim.class);
    }

    /**
     * {@return the JSON of a dead letter's file (without its report)}
     *
     * @param letter the dead letter
     * @throws IOException when it cannot be written
     */
    public static byte[] write(DeadLetter letter) throws IOException {
        return MAPPER.writeValueAsBytes(new LetterJson(letter.reportId(), State.of(letter.entry()), letter.httpStatus(),
                server(letter.server()), letter.refusedAt(), ackJson(letter.acknowledgements())));
    }

    /**
     * {@return a dead letter's file}
     *
     * @param id the id its name says
     * @param json its content
     * @throws IOException when it cannot be read or holds another report's letter
     */
    public static Letter readLetter(String id, byte[] json) throws IOException {
        LetterJson l = MAPPER.readValue(json, LetterJson.class);
        requireId(id, l.reportId());
        return new Letter(l.state() == null ? State.NONE : l.state(), l.httpStatus(), server(l.server()), l.refusedAt(),
                acks(l.acknowledgements()));
    }

    /**
     * {@return the JSON of a delivered report's file}
     *
     * @param delivered the delivered report
     * @throws IOException when it cannot be written
     */
    public static byte[] write(DeliveredReport delivered) throws IOException {
        return MAPPER.writeValueAsBytes(new DeliveredJson(delivered.reportId(), delivered.status(), delivered.deliveredAt(),
                delivered.pollId(), server(delivered.server()), ackJson(delivered.acknowledgements())));
    }

    /**
     * {@return a delivered report's file}
     *
     * @param id the id its name says
     * @param json its content
     * @throws IOException when it cannot be read or holds another report
     */
    public static DeliveredReport readDelivered(String id, byte[] json) throws IOException {
        DeliveredJson d = MAPPER.readValue(json, DeliveredJson.class);
        requireId(id, d.reportId());
        return new DeliveredReport(d.reportId(), d.status(), d.deliveredAt(), d.pollId(), server(d.server()),
                acks(d.acknowledgements()));
    }

    /**
     * {@return the JSON of an acknowledgement's file}
     *
     * @param ack the acknowledgement
     * @throws IOException when it cannot be written
     */
    public static byte[] write(Acknowledgement ack) throws IOException {
        return MAPPER.writeValueAsBytes(ack(ack));
    }

    /**
     * {@return an acknowledgement's file}
     *
     * @param id the acknowledgement id its name says
     * @param json its content
     * @throws IOException when it cannot be read or holds another acknowledgement
     */
    public static Acknowledgement readAcknowledgement(String id, byte[] json) throws IOException {
        Acknowledgement a = ack(MAPPER.readValue(json, AckJson.class));
        requireId(id, a.id());
        return a;
    }

    private static void requireId(String id, String stored) throws IOException {
        if (!id.equals(stored)) {
            throw new IOException("it holds " + stored + ", not " + id);
        }
    }

    private static ServerJson server(ServerMessage s) {
        return new ServerJson(s.status(), s.code(), s.message(), s.correlationId());
    }

    private static ServerMessage server(ServerJson s) {
        return s == null ? new ServerMessage(null, null, null, null) : new ServerMessage(s.status(), s.code(), s.message(), s.correlationId());
    }

    private static List<AckJson> ackJson(List<Acknowledgement> acks) {
        return acks.stream().map(EntryCodec::ack).toList();
    }

    private static List<Acknowledgement> acks(List<AckJson> acks) {
        return acks == null ? List.of() : acks.stream().map(EntryCodec::ack).toList();
    }

    private static AckJson ack(Acknowledgement a) {
        return new AckJson(a.id(), a.kind(), a.reportId(), a.account(), a.virtualAccount(), a.sudi().pid(), a.sudi().serialNumber(),
                a.softwareTag(), a.rumReportIds(), a.smartLicense(), a.correlationId(), a.receivedAt());
    }

    private static Acknowledgement ack(AckJson a) {
        return new Acknowledgement(a.id(), a.kind(), a.reportId(), a.account(), a.virtualAccount(), new Sudi(a.pid(), a.serialNumber()),
                a.softwareTag(), a.rumReportIds(), a.smartLicense(), a.correlationId(), a.receivedAt());
    }
}
