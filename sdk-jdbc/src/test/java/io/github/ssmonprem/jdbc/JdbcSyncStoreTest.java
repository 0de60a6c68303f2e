package io.github.ssmonprem.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.sync.model.UsageReport;
import io.github.ssmonprem.sync.store.LicenseSnapshot;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.sync.store.SyncOutcome;
import io.github.ssmonprem.sync.store.SyncStoreException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link JdbcSyncStore} on PostgreSQL and H2; each test gets its own tables. */
class JdbcSyncStoreTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private static DataSource database(String kind) {
        if (kind.equals("postgresql")) {
            return EmbeddedPg.dataSource();
        }
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:store-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        return h2;
    }

    private static String freshPrefix() {
        return "s" + UUID.randomUUID().toString().replace("-", "").substring(0, 12) + "_";
    }

    private final java.util.Map<Integer, PendingReport> reports = new java.util.HashMap<>();

    /** The test's n-th report (its nonce is random, so each is made once). */
    private PendingReport pending(int n) {
        return reports.computeIfAbsent(n, this::newPending);
    }

    private PendingReport newPending(int n) {
        UsageReport report = UsageReport.builder(java.time.Clock.fixed(T0, java.time.ZoneOffset.UTC))
                .account("acme.example").virtualAccount("VA1").productInstance("pi-" + n)
                .device("edge-1", "regid.2019-10.com.cisco.SDWAN")
                .usage("sdwan_dna_advantage", n, T0.minusSeconds(3600), T0).build();
        return PendingReport.of(report, T0.plusSeconds(n));
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "h2"})
    void pendingReportsAreSharedInOrderUntilDeliveredAndTheDeliveryIsRemembered(String kind) {
        DataSource ds = database(kind);
        String prefix = freshPrefix();
        JdbcSyncStore nodeA = JdbcSyncStore.builder(ds).tablePrefix(prefix).build();
        JdbcSyncStore nodeB = JdbcSyncStore.builder(ds).tablePrefix(prefix).build();
        PendingReport first = pending(1);
        PendingReport second = pending(2);
        nodeA.savePending(second.withPollId(null));
        nodeA.savePending(first);
        nodeA.savePending(second.withPollId("poll-2"));         // replaced, keeps its place
        List<PendingReport> seen = nodeB.pendingReports();
        assertEquals(List.of(second.reportId(), first.reportId()), seen.stream().map(PendingReport::reportId).toList(),
                "in the order first stored");
        assertEquals("poll-2", seen.get(0).pollId(), "node-b resumes polling from the stored poll id");
        assertEquals(first.report(), seen.get(1).report(), "the report round-trips");
        assertEquals(2, nodeB.pendingCount());

        nodeB.removePending(second.reportId());
        assertEquals(1, nodeA.pendingCount());
        assertTrue(nodeA.wasDelivered(second.reportId()));
        assertFalse(nodeA.wasDelivered(first.reportId()));
        nodeB.removePending(second.reportId());                 // twice is harmless
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "h2"})
    void oneNodeAtATimeClaimsAReportAndADeadNodesClaimExpires(String kind) throws Exception {
        DataSource ds = database(kind);
        JdbcSyncStore store = JdbcSyncStore.builder(ds).tablePrefix(freshPrefix()).build();
        PendingReport r = pending(1);
        store.savePending(r);
        store.savePending(pending(2));
        assertTrue(store.claim(r.reportId(), "node-a", Duration.ofMillis(300)));
        assertFalse(store.claim(r.reportId(), "node-b", Duration.ofMinutes(5)), "node-a holds it");
        assertTrue(store.claim(r.reportId(), "node-a", Duration.ofMillis(300)), "node-a extends its own claim");
        assertEquals(List.of(pending(2).reportId()), store.claimNext("node-b", Duration.ofMinutes(5), 10),
                "claimNext skips the claimed report");
        assertEquals(List.of(), store.claimNext("node-c", Duration.ofMinutes(5), 10), "and the ones node-b took");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!store.claim(r.reportId(), "node-b", Duration.ofMinutes(5))) {
            assertTrue(System.nanoTime() < deadline, "node-a's claim never expired");
            Thread.sleep(20);
        }
        store.releaseClaim(r.reportId(), "node-a");             // a stale holder changes nothing
        assertFalse(store.claim(r.reportId(), "node-a", Duration.ofMinutes(5)));
        store.releaseClaim(r.reportId(), "node-b");
        assertTrue(store.claim(r.reportId(), "node-a", Duration.ofMinutes(5)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "h2"})
    void snapshotsAndTheOutcomeAreTheSameOnEveryNode(String kind) {
        DataSource ds = database(kind);
        String prefix = freshPrefix();
        JdbcSyncStore nodeA = JdbcSyncStore.builder(ds).tablePrefix(prefix).build();
        JdbcSyncStore nodeB = JdbcSyncStore.builder(ds).tablePrefix(prefix).build();
        assertTrue(nodeB.lastOutcome().isEmpty());
        SyncOutcome first = new SyncOutcome(T0, T0.plusSeconds(3), true, 250, 2, 0, null, null);
        nodeA.saveOutcome(first);
        assertEquals(first, nodeB.lastOutcome().orElseThrow());
        SyncOutcome failed = new SyncOutcome(T0, T0.plusSeconds(3), false, 0, 0, 1, "ServerUnavailableException", "502");
        nodeB.saveOutcome(failed);
        assertEquals(failed, nodeA.lastOutcome().orElseThrow());
        LicenseSnapshot snapshot = new LicenseSnapshot("acme.example", List.of("VA1"), T0, List.of());
        nodeA.saveSnapshot(snapshot);
        assertEquals(snapshot, nodeB.loadSnapshot("acme.example").orElseThrow());
        assertTrue(nodeB.loadSnapshot("other.example").isEmpty());
    }

    @Test
    void anUnreadableRowIsSetAsideNotDeletedAndDoesNotBlockTheOthers() throws Exception {
        DataSource ds = database("h2");
        String prefix = freshPrefix();
        JdbcSyncStore store = JdbcSyncStore.builder(ds).tablePrefix(prefix).build();
        store.savePending(pending(1));
        store.savePending(pending(2));
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE " + prefix + "pending SET entry = '{not json' WHERE report_id = '" + pending(1).reportId() + "'");
        }
        assertEquals(List.of(pending(2).reportId()), store.pendingReports().stream().map(PendingReport::reportId).toList());
        assertEquals(1, store.quarantined().size());
        assertTrue(store.quarantined().get(0).contains(pending(1).reportId()));
        assertEquals(1, store.pendingCount());
    }

    @Test
    void aPostgresRestartIsATypedErrorAndLosesNothing() throws Exception {
        try (RestartablePg pg = new RestartablePg(dir.resolve("pg"))) {
            JdbcSyncStore store = JdbcSyncStore.builder(pg.dataSource()).build();
            store.savePending(pending(1));
            pg.stop();
            SyncStoreException e = assertThrows(SyncStoreException.class, () -> store.savePending(pending(2)));
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            assertFalse(trace.toString().contains(RestartablePg.PASSWORD), "no password in the error or its causes");
            assertThrows(SyncStoreException.class, () -> store.removePending(pending(1).reportId()));
            assertThrows(SyncStoreException.class, store::pendingReports);
            pg.start();
            assertEquals(List.of(pending(1).reportId()), store.pendingReports().stream().map(PendingReport::reportId).toList(),
                    "the report stored before the restart is still pending, the failed removal removed nothing");
            assertFalse(store.wasDelivered(pending(1).reportId()));
            store.savePending(pending(2));
            assertEquals(2, store.pendingCount());
        }
    }
}
