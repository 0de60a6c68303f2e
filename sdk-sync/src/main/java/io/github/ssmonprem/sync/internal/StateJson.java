package io.github.ssmonprem.sync.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.ssmonprem.core.internal.SsmJson;
import io.github.ssmonprem.sync.model.License;
import io.github.ssmonprem.sync.model.LicenseDetail;
import io.github.ssmonprem.sync.store.LicenseSnapshot;
import io.github.ssmonprem.sync.store.SyncOutcome;
import java.time.Instant;
import java.util.List;

/**
 * The stored JSON of the state records, as the SDK's stores keep them (the file store's
 * {@code snapshots/ACCOUNT.json} and {@code last-sync.json}, the JDBC store's {@code snapshot} and
 * {@code outcome} columns). The shapes are the records below, mapped to and from the SPI's records here,
 * so the SPI's {@link LicenseSnapshot} and {@link SyncOutcome} carry no persistence mapping and the
 * stored format changes only when this class does. Times are ISO-8601 text, absent values are left out,
 * unknown fields are ignored:
 * <pre>{@code
 * {"account":"acme.example","virtualAccounts":["Branch-East"],"takenAt":"2026-11-01T10:00:00Z",
 *  "licenses":[{"license":"DNA Advantage","virtualAccount":"Branch-East","quantity":10,"inUse":4,
 *    "available":6,"status":"In Compliance","billingType":"PREPAID","pendingQuantity":0,"reserved":0,
 *    "isPortable":false,"licenseDetails":[{"licenseType":"TERM","quantity":10,"startDate":"2026-01-01",
 *    "endDate":"2027-01-01","subscriptionId":"Sub-1","status":"ACTIVE"}]}]}
 * {"startedAt":"...","finishedAt":"...","success":false,"licensesPulled":0,"reportsDelivered":0,
 *  "reportsPending":1,"errorType":"ServerUnavailableException","errorMessage":"...","deadReports":[],
 *  "quarantined":[],"steps":[{"name":"licenses","success":false,"errorType":"...","errorMessage":"..."}]}
 * }</pre>
 */
public final class StateJson {

    private static final ObjectMapper MAPPER = SsmJson.mapper();

    private StateJson() {
    }

    /** A snapshot as stored. */
    record SnapshotJson(String account, List<String> virtualAccounts, Instant takenAt, List<LicenseJson> licenses) {
    }

    /** A license as stored; {@code isPortable} is named as the server names it. */
    record LicenseJson(String license, String virtualAccount, long quantity, long inUse, long available, String status,
            String billingType, long pendingQuantity, long reserved, @JsonProperty("isPortable") boolean isPortable,
            List<DetailJson> licenseDetails) {
    }

    /** A purchase of a license, as stored. */
    record DetailJson(String licenseType, long quantity, String startDate, String endDate, String subscriptionId,
            String status) {
    }

    /** An outcome as stored. */
    record OutcomeJson(Instant startedAt, Instant finishedAt, boolean success, long licensesPulled, int reportsDelivered,
            int reportsPending, String errorType, String errorMessage, List<String> deadReports, List<String> quarantined,
            List<StepJson> steps) {
    }

    /** A step of an outcome, as stored. */
    record StepJson(String name, boolean success, String errorType, String errorMessage) {
    }

    /**
     * {@return the stored form of a snapshot}
     *
     * @param snapshot the snapshot
     * @throws JsonProcessingException when it cannot be written
     */
    public static String writeSnapshot(LicenseSnapshot snapshot) throws JsonProcessingException {
        return MAPPER.writeValueAsString(new SnapshotJson(snapshot.account(), snapshot.virtualAccounts(), snapshot.takenAt(),
                snapshot.licenses().stream().map(StateJson::license).toList()));
    }

    /**
     * {@return the snapshot of a stored form}
     *
     * @param json the stored form
     * @throws JsonProcessingException when the text is not a stored snapshot
     */
    public static LicenseSnapshot readSnapshot(String json) throws JsonProcessingException {
        SnapshotJson s = MAPPER.readValue(json, SnapshotJson.class);
        try {
            return new LicenseSnapshot(s.account(), s.virtualAccounts(), s.takenAt(),
                    s.licenses() == null ? null : s.licenses().stream().map(StateJson::license).toList());
        } catch (RuntimeException e) {
            throw new JsonMappingException(null, "not a stored license snapshot", e);
        }
    }

    /**
     * {@return the stored form of an outcome}
     *
     * @param outcome the outcome
     * @throws JsonProcessingException when it cannot be written
     */
    public static String writeOutcome(SyncOutcome outcome) throws JsonProcessingException {
        return MAPPER.writeValueAsString(new OutcomeJson(outcome.startedAt(), outcome.finishedAt(), outcome.success(),
                outcome.licensesPulled(), outcome.reportsDelivered(), outcome.reportsPending(), outcome.errorType(),
                outcome.errorMessage(), outcome.deadReports(), outcome.quarantined(),
                outcome.steps().stream().map(s -> new StepJson(s.name(), s.success(), s.errorType(), s.errorMessage())).toList()));
    }

    /**
     * {@return the outcome of a stored form}
     *
     * @param json the stored form
     * @throws JsonProcessingException when the text is not a stored outcome
     */
    public static SyncOutcome readOutcome(String json) throws JsonProcessingException {
        OutcomeJson o = MAPPER.readValue(json, OutcomeJson.class);
        try {
            return new SyncOutcome(o.startedAt(), o.finishedAt(), o.success(), o.licensesPulled(), o.reportsDelivered(),
                    o.reportsPending(), o.errorType(), o.errorMessage(), o.deadReports(), o.quarantined(),
                    o.steps() == null ? null
                            : o.steps().stream().map(s -> new SyncOutcome.Step(s.name(), s.success(), s.errorType(), s.errorMessage())).toList());
        } catch (RuntimeException e) {
            throw new JsonMappingException(null, "not a stored sync outcome", e);
        }
    }

    private static LicenseJson license(License l) {
        return new LicenseJson(l.license(), l.virtualAccount(), l.quantity(), l.inUse(), l.available(), l.status(),
                l.billingType(), l.pendingQuantity(), l.reserved(), l.isPortable(),
                l.licenseDetails().stream().map(d -> new DetailJson(d.licenseType(), d.quantity(), d.startDate(), d.endDate(),
                        d.subscriptionId(), d.status())).toList());
    }

    private static License license(LicenseJson l) {
        return new License(l.license(), l.virtualAccount(), l.quantity(), l.inUse(), l.available(), l.status(),
                l.billingType(), l.pendingQuantity(), l.reserved(), l.isPortable(),
                l.licenseDetails() == null ? null : l.licenseDetails().stream().map(d -> new LicenseDetail(d.licenseType(),
                        d.quantity(), d.startDate(), d.endDate(), d.subscriptionId(), d.status())).toList());
    }
}
