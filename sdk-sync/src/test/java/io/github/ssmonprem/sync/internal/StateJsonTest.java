package io.github.ssmonprem.sync.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.ssmonprem.sync.model.License;
import io.github.ssmonprem.sync.model.LicenseDetail;
import io.github.ssmonprem.sync.store.LicenseSnapshot;
import io.github.ssmonprem.sync.store.SyncOutcome;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The stored form of the state records is the stores' own mapping, and reads what the stores wrote before. */
class StateJsonTest {

    private static final Instant AT = Instant.parse("2026-11-01T10:00:00Z");

    /** A snapshot's stored form, as the stores wrote it when the SPI records carried the mapping. */
    private static final String SNAPSHOT = "{\"account\":\"acme.example\",\"virtualAccounts\":[\"Branch-East\"],"
            + "\"takenAt\":\"2026-11-01T10:00:00Z\",\"licenses\":[{\"license\":\"DNA Advantage\",\"virtualAccount\":\"Branch-East\","
            + "\"quantity\":10,\"inUse\":4,\"available\":6,\"status\":\"In Compliance\",\"billingType\":\"PREPAID\","
            + "\"pendingQuantity\":2,\"reserved\":1,\"isPortable\":true,\"licenseDetails\":[{\"licenseType\":\"TERM\","
            + "\"quantity\":10,\"startDate\":\"2026-01-01\",\"endDate\":\"2027-01-01\",\"subscriptionId\":\"Sub-1\","
            + "\"status\":\"ACTIVE\"}]}]}";

    /** An outcome's stored form, as the stores wrote it when the SPI records carried the mapping. */
    private static final String OUTCOME = "{\"startedAt\":\"2026-11-01T10:00:00Z\",\"finishedAt\":\"2026-11-01T10:00:05Z\","
            + "\"success\":false,\"licensesPulled\":10,\"reportsDelivered\":1,\"reportsPending\":2,"
            + "\"errorType\":\"ServerUnavailableException\",\"errorMessage\":\"HTTP 502\",\"deadReports\":[\"u1\"],"
            + "\"quarantined\":[\"q1\"],\"steps\":[{\"name\":\"licenses\",\"success\":true},"
            + "{\"name\":\"usage\",\"success\":false,\"errorType\":\"ServerUnavailableException\",\"errorMessage\":\"HTTP 502\"}]}";

    private static LicenseSnapshot snapshot() {
        License license = new License("DNA Advantage", "Branch-East", 10, 4, 6, "In Compliance", "PREPAID", 2, 1, true,
                List.of(new LicenseDetail("TERM", 10, "2026-01-01", "2027-01-01", "Sub-1", "ACTIVE")));
        return new LicenseSnapshot("acme.example", List.of("Branch-East"), AT, List.of(license));
    }

    private static SyncOutcome outcome() {
        return new SyncOutcome(AT, AT.plusSeconds(5), false, 10, 1, 2, "ServerUnavailableException", "HTTP 502",
                List.of("u1"), List.of("q1"), List.of(new SyncOutcome.Step("licenses", true, null, null),
                        new SyncOutcome.Step("usage", false, "ServerUnavailableException", "HTTP 502")));
    }

    @Test
    void aSnapshotIsStoredInTheFormatTheStoresAlreadyRead() throws Exception {
        assertEquals(SNAPSHOT, StateJson.writeSnapshot(snapshot()));
        assertEquals(snapshot(), StateJson.readSnapshot(SNAPSHOT));
    }

    @Test
    void anOutcomeIsStoredInTheFormatTheStoresAlreadyRead() throws Exception {
        assertEquals(OUTCOME, StateJson.writeOutcome(outcome()));
        assertEquals(outcome(), StateJson.readOutcome(OUTCOME));
    }

    @Test
    void missingListsReadAsEmptyAndUnknownFieldsAreIgnored() throws Exception {
        SyncOutcome old = StateJson.readOutcome("{\"startedAt\":\"2026-11-01T10:00:00Z\",\"finishedAt\":\"2026-11-01T10:00:05Z\","
                + "\"success\":true,\"licensesPulled\":3,\"later\":\"field\"}");
        assertEquals(new SyncOutcome(AT, AT.plusSeconds(5), true, 3, 0, 0, null, null), old);
        LicenseSnapshot bare = StateJson.readSnapshot("{\"account\":\"acme.example\",\"takenAt\":\"2026-11-01T10:00:00Z\"}");
        assertEquals(new LicenseSnapshot("acme.example", List.of(), AT, List.of()), bare);
    }

    @Test
    void anUnreadableStoredFormIsAJsonFailureTheStoresTurnIntoNone() {
        assertThrows(JsonProcessingException.class, () -> StateJson.readSnapshot("{\"licenses\":[null]}"));
        assertThrows(JsonProcessingException.class, () -> StateJson.readOutcome("{\"steps\":[null]}"));
        assertThrows(JsonProcessingException.class, () -> StateJson.readOutcome("[]"));
    }
}
