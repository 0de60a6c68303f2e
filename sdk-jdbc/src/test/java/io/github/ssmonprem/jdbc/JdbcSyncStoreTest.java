package io.github.ssmonprem.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.sync.model.UsageReport;
import io.github.ssmonprem.sync.store.LicenseSnapshot;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.sync.store.ReportState;
import io.github.ssmonprem.sync.store.SyncOutcome;
import io.github.ssmonprem.sync.store.SyncStoreException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What {@link JdbcSyncStore} adds to the store contract: the database's clock, sharing, outages. */
class JdbcSyncStoreTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private final Map<Integer, PendingReport> reports = new HashMap<>();

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

    /** The test's n-th report (its nonce is random, so each is made once). */
    private PendingReport pending(int n) {
        return reports.computeIfAbsent(n, k -> PendingReport.of(UsageReport.builder(Clock.fixed(T0, ZoneOffset.UTC))
                .account("acme.example").virtualAccount("VA1").productInstance("pi-" + k)
                .device("edge-1", "regid.2019-10.com.cisco.SDWAN")
                .usage("sdwan_dna_advantage", k, T0.minusSeconds(3600), T0).build(), T0.plusSeconds(k)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "h2"})
    void claimsExpireInTheDatabasesClockAndEveryNodeSeesTheSameState(String kind) throws Exception {
        DataSource ds = database(kind);
        String prefix = freshPrefix();
        JdbcSyncStore nodeA = JdbcSyncStore.builder(ds).tablePrefix(prefix).build();
        JdbcSyncStore nodeB = JdbcSyncStore.builder(ds).tablePrefix(prefix).build();
        nodeA.addPending(pending(1));
        assertEquals(1, nodeA.claimPending("node-a", 10, Duration.ofMillis(300)).size());
        assertEquals(List.of(), nodeB.claimPending("node-b", 10, Duration.ofMinutes(5)), "node-a holds the claim");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<PendingReport> taken;
        while ((taken = nodeB.claimPending("node-b", 10, Duration.ofMinutes(5))).isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "node-a's claim never expired");
            Thread.sleep(20);
        }
        assertEquals("node-b", taken.get(0).claimOwner());
        assertTrue(nodeA.markDelivered(pending(1).reportId()));
        assertEquals(ReportState.Status.DELIVERED, nodeB.state(pending(1).reportId()).orElseThrow().status());

        SyncOutcome outcome = new SyncOutcome(T0, T0.plusSeconds(3), true, 250, 1, 0, null, null);
        nodeA.saveOutcome(outcome);
        nodeA.saveSnapshot(new LicenseSnapshot("acme.example", List.of("VA1"), T0, List.of()));
        assertEquals(outcome, nodeB.lastOutcome().orElseThrow(), "one \"last synced\" for every node");
        assertTrue(nodeB.loadSnapshot("acme.example").isPresent());
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "h2"})
    void nodesRecordingTheirFirstOutcomeAtOnceDoNotCollide(String kind) throws Exception {
        DataSource ds = database(kind);
        for (int round = 0; round < 5; round++) {
            String prefix = freshPrefix();
            List<JdbcSyncStore> nodes = new java.util.ArrayList<>();
            for (int n = 0; n < 4; n++) {
                nodes.add(JdbcSyncStore.builder(ds).tablePrefix(prefix).build());
            }
            nodes.get(0).pendingCount();                           // creates the tables
            java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(nodes.size());
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(nodes.size());
            try {
                List<java.util.concurrent.Future<?>> saves = new java.util.ArrayList<>();
                for (int n = 0; n < nodes.size(); n++) {
                    JdbcSyncStore node = nodes.get(n);
                    SyncOutcome outcome = new SyncOutcome(T0, T0.plusSeconds(n), true, n, 0, 0, null, null);
                    saves.add(pool.submit(() -> {
                        together.await();
                        node.saveOutcome(outcome);
                        node.saveSnapshot(new LicenseSnapshot("acme.example", List.of(), T0, List.of()));
                        return null;
                    }));
                }
                for (java.util.concurrent.Future<?> f : saves) {
                    f.get(30, java.util.concurrent.TimeUnit.SECONDS);    // a collision on the first row throws here
                }
            } finally {
                pool.shutdownNow();
            }
            assertTrue(nodes.get(1).lastOutcome().isPresent());
            assertTrue(nodes.get(2).loadSnapshot("acme.example").isPresent());
        }
    }

    @Test
    void anUnreadableRowIsSetAsideNotDeletedAndDoesNotBlockTheOthers() throws Exception {
        DataSource ds = database("h2");
        String prefix = freshPrefix();
        JdbcSyncStore store = JdbcSyncStore.builder(ds).tablePrefix(prefix).build();
        store.addPending(pending(1));
        store.addPending(pending(2));
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE " + prefix + "report SET entry = '{not json' WHERE report_id = '" + pending(1).reportId() + "'");
        }
        assertEquals(List.of(pending(2).reportId()), store.pendingReports().stream().map(PendingReport::reportId).toList());
        assertEquals(1, store.quarantined().size());
        assertEquals(pending(1).reportId(), store.quarantined().get(0).id());
        assertEquals(1, store.pendingCount());
        assertTrue(store.discardQuarantined(pending(1).reportId()));
        assertTrue(store.quarantined().isEmpty());
    }

    @Test
    void aPostgresRestartIsATypedErrorAndLosesNothing() throws Exception {
        try (RestartablePg pg = new RestartablePg(dir.resolve("pg"))) {
            JdbcSyncStore store = JdbcSyncStore.builder(pg.dataSource()).build();
            store.addPending(pending(1));
            store.claimPending("node-a", 10, Duration.ofMinutes(5));
            pg.stop();
            SyncStoreException e = assertThrows(SyncStoreException.class, () -> store.addPending(pending(2)));
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            assertFalse(trace.toString().contains(RestartablePg.PASSWORD), "no password in the error or its causes");
            assertThrows(SyncStoreException.class, () -> store.markDelivered(pending(1).reportId()));
            assertThrows(SyncStoreException.class, store::pendingReports);
            assertEquals(-1, store.pendingCount(), "unknown while the database is down");
            pg.start();
            List<PendingReport> left = store.pendingReports();
            assertEquals(List.of(pending(1).reportId()), left.stream().map(PendingReport::reportId).toList(),
                    "the report stored before the restart is still pending; the failed delivery record changed nothing");
            assertEquals("node-a", left.get(0).claimOwner(), "and so is its claim");
            assertEquals(java.util.Optional.empty(), store.addPending(pending(2)));
            assertEquals(2, store.pendingCount());
        }
    }
}
