package io.github.ssmonprem.jdbc;

import static io.github.ssmonprem.jdbc.Rum.T0;
import static io.github.ssmonprem.jdbc.Rum.acks;
import static io.github.ssmonprem.jdbc.Rum.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.testing.LogCapture;
import io.github.ssmonprem.core.testing.TestClock;
import io.github.ssmonprem.jdbc.internal.Dialect;
import io.github.ssmonprem.jdbc.internal.OutboxSql;
import io.github.ssmonprem.sync.store.DeliveredReport;
import io.github.ssmonprem.sync.store.LicenseSnapshot;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.sync.store.QuarantinedEntry;
import io.github.ssmonprem.sync.store.SyncOutcome;
import io.github.ssmonprem.sync.store.SyncStoreException;
import io.github.ssmonprem.sync.store.UsageCounts;
import io.github.ssmonprem.sync.usage.Acknowledgement;
import io.github.ssmonprem.sync.usage.ReportStatus;
import io.github.ssmonprem.sync.usage.RumReport;
import io.github.ssmonprem.sync.usage.ServerMessage;
import io.github.ssmonprem.sync.usage.UsageReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What {@link JdbcSyncStore} adds to the store contract: the database's clock, sharing, outages, its tables. */
class JdbcSyncStoreTest {

    private static final Duration LEASE = Duration.ofMinutes(5);

    @TempDir
    Path dir;

    private static DeliveredReport delivered(UsageReport report, List<Acknowledgement> acks) {
        return new DeliveredReport(report.reportId(), ReportStatus.DELIVERED, T0, "9007199254740993",
                new ServerMessage("COMPLETE", null, null, "corr-1"), acks);
    }

    /** Adds a report and releases its claim, as a node that stored it and then left it does. */
    private static void addUnclaimed(JdbcSyncStore store, UsageReport report) {
        assertEquals(Optional.empty(), store.add(report, "setup", LEASE));
        PendingReport stored = store.state(report.reportId()).orElseThrow().pending();
        assertTrue(store.update(stored.withClaim(null, null), "setup"));
    }

    private static int rows(DataSource ds, String table) throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "h2"})
    void claimsExpireInTheDatabasesClockAndEveryNodeSeesTheSameState(String kind) throws Exception {
        DataSource ds = Rum.database(kind);
        String prefix = Rum.freshPrefix();
        JdbcSyncStore nodeA = JdbcSyncStore.builder(ds).tablePrefix(prefix).build();
        JdbcSyncStore nodeB = JdbcSyncStore.builder(ds).tablePrefix(prefix).build();
        assertEquals(Optional.empty(), nodeA.add(report(1), "node-a", Duration.ofMillis(300)));
        assertEquals(List.of(), nodeB.claim("node-b", 10, LEASE), "node-a holds the claim");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<PendingReport> taken;
        while ((taken = nodeB.claim("node-b", 10, LEASE)).isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "node-a's claim never expired");
            Thread.sleep(20);
        }
        assertEquals("node-b", taken.get(0).claimOwner());
        assertFalse(nodeA.update(taken.get(0).withUpload("1", "n"), "node-a"), "node-a's claim was taken over");
        assertTrue(nodeA.acknowledge(delivered(report(1), acks(report(1), T0))), "an acknowledgement in hand is recorded");
        assertEquals(ReportStatus.DELIVERED, nodeB.state(report(1).reportId()).orElseThrow().status());
        assertEquals(acks(report(1), T0), nodeB.acknowledgements());

        SyncOutcome outcome = new SyncOutcome(T0, T0.plusSeconds(3), true, 250, 1, 0, null, null);
        nodeA.saveOutcome(outcome);
        nodeA.saveSnapshot(new LicenseSnapshot("acme.example", List.of("VA1"), T0, List.of()));
        assertEquals(outcome, nodeB.lastOutcome().orElseThrow(), "one \"last synced\" for every node");
        assertTrue(nodeB.loadSnapshot("ACME.example").isPresent());
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "h2"})
    void nodesRecordingTheirFirstOutcomeAtOnceDoNotCollide(String kind) throws Exception {
        DataSource ds = Rum.database(kind);
        for (int round = 0; round < 5; round++) {
            String prefix = Rum.freshPrefix();
            List<JdbcSyncStore> nodes = new ArrayList<>();
            for (int n = 0; n < 4; n++) {
                nodes.add(JdbcSyncStore.builder(ds).tablePrefix(prefix).build());
            }
            nodes.get(0).counts();                                   // creates the tables
            CyclicBarrier together = new CyclicBarrier(nodes.size());
            ExecutorService pool = Executors.newFixedThreadPool(nodes.size());
            try {
                List<Future<?>> saves = new ArrayList<>();
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
                for (Future<?> f : saves) {
                    f.get(30, TimeUnit.SECONDS);                     // a collision on the first row throws here
                }
            } finally {
                pool.shutdownNow();
            }
            assertTrue(nodes.get(1).lastOutcome().isPresent());
            assertTrue(nodes.get(2).loadSnapshot("acme.example").isPresent());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "h2"})
    void nodesStartingAtOnceOnAnEmptyDatabaseAllCreateTheSchema(String kind) throws Exception {
        // A cluster's nodes start together: each store creates the tables it misses on its first call, and
        // PostgreSQL's CREATE TABLE IF NOT EXISTS run at the same moment fails one of them ("type already
        // exists", or a unique violation in its catalog) unless the store runs it again.
        DataSource ds = Rum.database(kind);
        int nodes = 6;
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        try {
            for (int round = 0; round < 10; round++) {
                String prefix = Rum.freshPrefix();
                CyclicBarrier together = new CyclicBarrier(nodes);
                List<Future<UsageCounts>> firstCalls = new ArrayList<>();
                for (int n = 0; n < nodes; n++) {
                    JdbcSyncStore node = JdbcSyncStore.builder(ds).tablePrefix(prefix).build();
                    firstCalls.add(pool.submit(() -> {
                        together.await();
                        return node.counts();
                    }));
                }
                for (Future<UsageCounts> call : firstCalls) {
                    assertEquals(new UsageCounts(0, 0, 0), call.get(30, TimeUnit.SECONDS), "round " + round);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "h2"})
    void nodesClaimingAtOnceNeverClaimTheSameReport(String kind) throws Exception {
        DataSource ds = Rum.database(kind);
        String prefix = Rum.freshPrefix();
        JdbcSyncStore setup = JdbcSyncStore.builder(ds).tablePrefix(prefix).build();
        for (int i = 1; i <= 40; i++) {
            addUnclaimed(setup, report(i));
        }
        int nodes = 4;
        CyclicBarrier together = new CyclicBarrier(nodes);
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        try {
            List<Future<List<String>>> claims = new ArrayList<>();
            for (int n = 0; n < nodes; n++) {
                JdbcSyncStore node = JdbcSyncStore.builder(ds).tablePrefix(prefix).build();
                String owner = "node-" + n;
                claims.add(pool.submit(() -> {
                    together.await();
                    List<String> mine = new ArrayList<>();
                    List<PendingReport> batch;
                    while (!(batch = node.claim(owner, 3, LEASE)).isEmpty()) {
                        batch.forEach(e -> mine.add(e.reportId()));
                        if (mine.size() > 40) {
                            break;                                   // renewing its own: a claim it already held
                        }
                        batch.forEach(e -> node.update(e.withClaim(owner + "-done", e.claimedUntil()), owner));
                    }
                    return mine;
                }));
            }
            Set<String> seen = new HashSet<>();
            int total = 0;
            for (Future<List<String>> f : claims) {
                List<String> mine = f.get(60, TimeUnit.SECONDS);
                total += mine.size();
                seen.addAll(mine);
            }
            assertEquals(40, seen.size(), "every report claimed");
            assertEquals(40, total, "and by one node only");
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "h2"})
    void payloadAndSignatureComeBackCharacterForCharacter(String kind) throws Exception {
        String payload = "{\"asset_identification\": {\"report_id\": 9007199254740993, \"asset\": {\"name\": \"regid.2019-10.com.cisco"
                + ".C9800\\/x\"}, \"instance\": {\"sudi\": {\"udi_pid\": \"C9800-CL-K9\", \"udi_serial_number\": \"9NTUEA8FIIH\"}}},"
                + "\n  \"meta\" : {\"entitlement_tag\": \"Z\\u00fcrich \u00e9t\u00e9 \u2713 \ud83d\ude00\", \"note\": \"tab\\there \\\\ \\\"q\\\"\"},"
                + " \"measurements\": [ 1.50 , 2e3 ] }  ";
        String signature = "{\"sudi\" : {\"udi_pid\":\"C9800-CL-K9\",\"udi_serial_number\":\"9NTUEA8FIIH\"},"
                + " \"signing_type\": \"builtin\", \"key\": \"k\\/1\", \"value\": \"AAEC\\/w==\"}";
        UsageReport report = UsageReport.of("acme.example", "VA \u00e9", List.of(RumReport.of(payload, signature)));
        DataSource ds = Rum.database(kind);
        String prefix = Rum.freshPrefix();
        JdbcSyncStore store = JdbcSyncStore.builder(ds).tablePrefix(prefix).build();
        store.add(report, "node-a", LEASE);

        JdbcSyncStore other = JdbcSyncStore.builder(ds).tablePrefix(prefix).build();
        RumReport back = other.claim("node-a", 1, LEASE).get(0).report().reports().get(0);
        assertEquals(payload, back.payload(), "the payload as read, byte for byte");
        assertEquals(signature.strip(), back.signature());
        assertEquals(report, other.state(report.reportId()).orElseThrow().pending().report());
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT report FROM " + prefix + "report")) {
            rs.next();
            assertTrue(rs.getString(1).chars().allMatch(ch -> ch < 128), "stored as ASCII, whatever the database's character set");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "h2"})
    void anUnreadableReportIsSetAsideDoesNotBlockTheOthersAndIsReplacedWhenSubmittedAgain(String kind) throws Exception {
        DataSource ds = Rum.database(kind);
        String prefix = Rum.freshPrefix();
        JdbcSyncStore store = JdbcSyncStore.builder(ds).tablePrefix(prefix).build();
        addUnclaimed(store, report(1));
        addUnclaimed(store, report(2));
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE " + prefix + "report SET report = '{not json' WHERE report_id = '" + report(1).reportId() + "'");
        }
        assertEquals(List.of(report(2).reportId()), store.pending().stream().map(PendingReport::reportId).toList());
        List<QuarantinedEntry> aside = store.quarantine().orElseThrow().quarantined();
        assertEquals(List.of(report(1).reportId()), aside.stream().map(QuarantinedEntry::id).toList());
        assertTrue(aside.get(0).description().contains("cannot be read"), aside.get(0).description());
        assertFalse(aside.get(0).description().contains("Exception"), "in words: " + aside.get(0).description());
        assertEquals(new UsageCounts(1, 0, 0), store.counts());
        assertEquals(List.of(report(2).reportId()), store.claim("node-b", 10, LEASE).stream().map(PendingReport::reportId).toList());
        assertEquals(Optional.empty(), store.state(report(1).reportId()));

        assertEquals(Optional.empty(), store.add(report(1), "node-b", LEASE), "the same report again replaces the unreadable copy");
        assertEquals(List.of(), store.quarantined());
        assertEquals(report(1), store.state(report(1).reportId()).orElseThrow().pending().report());
        assertEquals(2, store.counts().pending());
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "h2"})
    void anUnreadableAcknowledgementIsSetAsideAndTheOthersAreListed(String kind) throws Exception {
        DataSource ds = Rum.database(kind);
        String prefix = Rum.freshPrefix();
        JdbcSyncStore store = JdbcSyncStore.builder(ds).tablePrefix(prefix).build();
        UsageReport report = Rum.reportOfDevices(1, 2);
        store.add(report, "node-a", LEASE);
        List<Acknowledgement> acks = acks(report, T0);
        assertTrue(store.acknowledge(delivered(report, acks)));
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE " + prefix + "acknowledgement SET rum_report_ids = '[broken' WHERE ack_id = '" + acks.get(0).id() + "'");
        }
        assertEquals(List.of(acks.get(1)), store.acknowledgements());
        assertEquals(List.of("acknowledgement/" + acks.get(0).id()), store.quarantined().stream().map(QuarantinedEntry::id).toList());
        assertEquals(1, store.counts().acknowledgements());
        assertTrue(store.discardQuarantined("acknowledgement/" + acks.get(0).id()));
        assertEquals(List.of(), store.quarantined());
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "h2"})
    void anAcknowledgementThatCannotBeStoredLeavesTheReportPending(String kind) throws Exception {
        CountingDataSource counting = new CountingDataSource(Rum.database(kind));
        String prefix = Rum.freshPrefix();
        JdbcSyncStore store = JdbcSyncStore.builder(counting.dataSource()).tablePrefix(prefix).build();
        store.add(report(1), "node-a", LEASE);
        counting.failWhen(sql -> sql.contains(prefix + "acknowledgement (ack_id"));
        assertThrows(SyncStoreException.class, () -> store.acknowledge(delivered(report(1), acks(report(1), T0))));
        counting.failWhen(sql -> false);
        assertEquals(ReportStatus.PENDING, store.state(report(1).reportId()).orElseThrow().status(), "one transaction: nothing changed");
        assertEquals(new UsageCounts(1, 0, 0), store.counts());
        assertTrue(store.acknowledge(delivered(report(1), acks(report(1), T0))));
        assertEquals(acks(report(1), T0), store.acknowledgements());
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "h2"})
    void deliveredReportsAndTheirAcknowledgementsAreDeletedOnceTheRetentionPassed(String kind) throws Exception {
        DataSource ds = Rum.database(kind);
        String prefix = Rum.freshPrefix();
        TestClock clock = TestClock.at(T0);
        JdbcSyncStore store = JdbcSyncStore.builder(ds).tablePrefix(prefix).clock(clock).build();
        store.add(report(1), "node-a", LEASE);
        store.add(report(2), "node-a", LEASE);
        store.acknowledge(delivered(report(1), acks(report(1), T0)));
        clock.advance(JdbcSyncStore.DELIVERED_RETENTION.minusSeconds(1));
        assertEquals(ReportStatus.DELIVERED, store.state(report(1).reportId()).orElseThrow().status(), "remembered for the retention");
        clock.advance(Duration.ofSeconds(2));
        assertEquals(Optional.empty(), store.state(report(1).reportId()));
        assertEquals(List.of(), store.acknowledgements(), "an acknowledgement not taken is forgotten with its report");

        JdbcSyncStore restarted = JdbcSyncStore.builder(ds).tablePrefix(prefix).clock(clock).build();
        restarted.claim("node-a", 10, LEASE);
        assertEquals(1, rows(ds, prefix + "report"), "the delivered report's row is deleted; the pending one stays");
        assertEquals(0, rows(ds, prefix + "acknowledgement"));
        assertEquals(Optional.empty(), restarted.add(report(1), "node-a", LEASE), "its id may be added again");
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "h2"})
    void aDeliveredReportPastItsRetentionNotYetDeletedIsAddedAgain(String kind) throws Exception {
        DataSource ds = Rum.database(kind);
        String prefix = Rum.freshPrefix();
        TestClock clock = TestClock.at(T0);
        JdbcSyncStore store = JdbcSyncStore.builder(ds).tablePrefix(prefix).clock(clock).build();
        store.add(report(1), "node-a", LEASE);
        store.acknowledge(delivered(report(1), acks(report(1), T0)));
        clock.advance(JdbcSyncStore.DELIVERED_RETENTION.plusSeconds(1));
        assertEquals(Optional.empty(), store.add(report(1), "node-b", LEASE));
        PendingReport again = store.state(report(1).reportId()).orElseThrow().pending();
        assertEquals("node-b", again.claimOwner());
        assertEquals(clock.instant(), again.storedAt());
        assertEquals(new UsageCounts(1, 0, 0), store.counts());
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "h2"})
    void aDeliveredReportCostsFourStatementsAndAClaimOnPostgresTwo(String kind) {
        CountingDataSource counting = new CountingDataSource(Rum.database(kind));
        JdbcSyncStore store = JdbcSyncStore.builder(counting.dataSource()).tablePrefix(Rum.freshPrefix()).build();
        store.claim("node-a", 10, LEASE);                          // creates the tables, forgets old deliveries
        counting.drain();

        store.add(report(1), "node-a", LEASE);
        assertEquals(1, counting.drain().size(), "add: one INSERT");
        PendingReport stored = store.state(report(1).reportId()).orElseThrow().pending();
        counting.drain();
        assertTrue(store.update(stored.withUpload("9007199254740993", "nonce-1"), "node-a"));
        assertEquals(1, counting.drain().size(), "the poll id: one UPDATE");
        assertTrue(store.acknowledge(delivered(report(1), acks(report(1), T0))));
        List<String> acknowledge = counting.drain();
        assertEquals(2, acknowledge.size(), "the delivery and its acknowledgements, one statement each: " + acknowledge);

        for (int i = 2; i <= 4; i++) {
            addUnclaimed(store, report(i));
        }
        counting.drain();
        assertEquals(3, store.claim("node-b", 10, LEASE).size());
        List<String> claim = counting.drain();
        // PostgreSQL: SELECT ... FOR UPDATE SKIP LOCKED, one UPDATE, whatever the number of reports. H2 (which
        // limits before it skips locked rows): the candidates' ids, then a conditional UPDATE and a read per report.
        assertEquals(kind.equals("postgresql") ? 2 : 1 + 2 * 3, claim.size(), "a claim of three reports: " + claim);
        store.counts();
        assertEquals(1, counting.drain().size(), "counts: one query");
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "h2"})
    void withoutSchemaCreationTheShippedSchemaFileIsAllItNeeds(String kind) throws Exception {
        DataSource ds = Rum.database(kind);
        String prefix = Rum.freshPrefix();
        JdbcSyncStore store = JdbcSyncStore.builder(ds).tablePrefix(prefix).createSchema(false).build();
        SyncStoreException missing = assertThrows(SyncStoreException.class, () -> store.add(report(1), "node-a", LEASE));
        assertTrue(missing.getMessage().contains("SQL state"), missing.getMessage());
        assertTrue(missing.remediation().contains("schema-" + (kind.equals("postgresql") ? "postgresql" : "h2") + ".sql")
                && missing.remediation().contains(prefix + "acknowledgement"), missing.remediation());

        String file = kind.equals("postgresql") ? "schema-postgresql.sql" : "schema-h2.sql";
        String text;
        try (var in = JdbcSyncStore.class.getResourceAsStream(file)) {
            text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            StringBuilder sql = new StringBuilder();
            for (String line : text.split("\n")) {
                if (!line.startsWith("--")) {
                    sql.append(line).append('\n');
                }
            }
            for (String statement : sql.toString().replace("${prefix}", prefix).split(";")) {
                if (!statement.isBlank()) {
                    st.execute(statement);                           // as a database administrator or Flyway runs it
                }
            }
        }
        assertEquals(Optional.empty(), store.add(report(1), "node-a", LEASE));
        assertTrue(store.acknowledge(delivered(report(1), acks(report(1), T0))));
        assertEquals(acks(report(1), T0), store.acknowledgements());
    }

    @Test
    void anH2FileDatabaseThatDelaysItsWritesIsReportedAtFirstUse() {
        LogCapture.clear();
        JdbcDataSource delayed = new JdbcDataSource();
        delayed.setURL("jdbc:h2:" + dir.resolve("delayed"));
        JdbcSyncStore.builder(delayed).build().counts();
        assertEquals(1, LogCapture.linesOf(JdbcSyncStore.class.getName()).stream().filter(l -> l.contains("WRITE_DELAY=0")).count(),
                LogCapture.lines().toString());

        LogCapture.clear();
        JdbcDataSource immediate = new JdbcDataSource();
        immediate.setURL("jdbc:h2:" + dir.resolve("immediate") + ";WRITE_DELAY=0");
        JdbcSyncStore.builder(immediate).build().counts();
        assertEquals(List.of(), LogCapture.linesOf(JdbcSyncStore.class.getName()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "h2"})
    void tablesOfAnEarlierVersionAreATypedErrorThatSaysWhatToDo(String kind) throws Exception {
        DataSource ds = Rum.database(kind);
        String prefix = Rum.freshPrefix();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE " + prefix + "report (report_id VARCHAR(128) NOT NULL PRIMARY KEY, status VARCHAR(12) NOT NULL,"
                    + " stored_at TIMESTAMP WITH TIME ZONE NOT NULL, entry VARCHAR(1000), claim_owner VARCHAR(200),"
                    + " claimed_until TIMESTAMP WITH TIME ZONE, changed_at TIMESTAMP WITH TIME ZONE NOT NULL)");
        }
        JdbcSyncStore store = JdbcSyncStore.builder(ds).tablePrefix(prefix).build();
        SyncStoreException e = assertThrows(SyncStoreException.class, () -> store.add(report(1), "node-a", LEASE));
        assertTrue(e.remediation().contains("drop tables an earlier version created")
                && e.remediation().contains("schema-" + (kind.equals("postgresql") ? "postgresql" : "h2") + ".sql"), e.remediation());
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "h2"})
    void aRowReadableAgainWhenItIsSetAsideStaysWhereItIs(String kind) throws Exception {
        DataSource ds = Rum.database(kind);
        String prefix = Rum.freshPrefix();
        JdbcSyncStore store = JdbcSyncStore.builder(ds).tablePrefix(prefix).build();
        UsageReport report = Rum.reportOfDevices(1, 1);
        store.add(report, "node-a", LEASE);
        store.add(report(2), "node-a", LEASE);
        assertTrue(store.acknowledge(delivered(report(2), acks(report(2), T0))));
        // A reader found these rows unreadable; a concurrent add or upsert replaced them with readable ones before it set them aside.
        OutboxSql sql = new OutboxSql(kind.equals("h2") ? Dialect.H2 : Dialect.POSTGRESQL, prefix, null);
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            sql.quarantineReports(c, java.util.Map.of(report.reportId(), "unreadable when read"));
            sql.quarantineAcknowledgements(c, List.of(acks(report(2), T0).get(0).id()));
            c.commit();
        }
        assertEquals(List.of(), store.quarantined());
        assertEquals(ReportStatus.PENDING, store.state(report.reportId()).orElseThrow().status());
        assertEquals(acks(report(2), T0), store.acknowledgements());
    }

    @Test
    void aPostgresRestartIsATypedErrorAndLosesNothing() throws Exception {
        try (RestartablePg pg = new RestartablePg(dir.resolve("pg"))) {
            JdbcSyncStore store = JdbcSyncStore.builder(pg.dataSource()).build();
            store.add(report(1), "node-a", LEASE);
            store.add(report(2), "node-a", LEASE);
            assertTrue(store.acknowledge(delivered(report(2), acks(report(2), T0))));
            pg.stop();
            SyncStoreException e = assertThrows(SyncStoreException.class, () -> store.add(report(3), "node-a", LEASE));
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            assertFalse(trace.toString().contains(RestartablePg.PASSWORD), "no password in the error or its causes");
            assertTrue(e.getMessage().contains("SQL state"), e.getMessage());
            assertThrows(SyncStoreException.class, () -> store.acknowledge(delivered(report(1), acks(report(1), T0))));
            assertThrows(SyncStoreException.class, store::pending);
            assertThrows(SyncStoreException.class, store::counts, "unknown while the database is down, never -1");
            assertThrows(SyncStoreException.class, store::acknowledgements);
            assertThrows(SyncStoreException.class, () -> store.take(acks(report(2), T0).get(0).id()));
            pg.start();
            List<PendingReport> left = store.pending();
            assertEquals(List.of(report(1).reportId()), left.stream().map(PendingReport::reportId).toList(),
                    "the report stored before the restart is still pending; the failed delivery record changed nothing");
            assertEquals("node-a", left.get(0).claimOwner(), "and so is its claim");
            assertEquals(acks(report(2), T0), store.acknowledgements(), "the acknowledgement stored before the restart is kept");
            assertEquals(Optional.empty(), store.add(report(3), "node-a", LEASE));
            assertEquals(new UsageCounts(2, 0, 1), store.counts());
        }
    }
}
