package io.github.ssmonprem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.ssmonprem.core.testing.TestSecrets;
import io.github.ssmonprem.emulator.DeviceUsageFiles;
import io.github.ssmonprem.emulator.RumReportFixture;
import io.github.ssmonprem.emulator.SsmEmulator;
import io.github.ssmonprem.cli.ExitCodes;
import io.github.ssmonprem.jdbc.JdbcSyncLock;
import io.github.ssmonprem.jdbc.JdbcSyncStore;
import io.github.ssmonprem.sync.lock.SyncLease;
import io.github.ssmonprem.sync.store.DeadLetter;
import io.github.ssmonprem.sync.usage.RumReport;
import io.github.ssmonprem.sync.usage.ServerMessage;
import io.github.ssmonprem.sync.usage.UsageReport;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** {@code --store jdbc:postgresql://...} on sync, usage push, usage list|retry|discard and status, on a real PostgreSQL. */
class SsmCliJdbcStoreTest {

    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    /** The database password: given in SSM_STORE_PASSWORD, it must never be shown. */
    private static final String STORE_PASSWORD = "pg-SECRET-5a7b3";
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private static EmbeddedPostgres postgres;

    @TempDir
    Path dir;

    private SsmEmulator emulator;
    private Path ca;
    private String url;
    private DataSource dataSource;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @BeforeEach
    void start() throws Exception {
        String db = "cli_" + DATABASES.incrementAndGet();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + db);
        }
        url = "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + db;
        dataSource = postgres.getDatabase("postgres", db);
        emulator = CliRunner.emulator().start();
        ca = Files.writeString(dir.resolve("ca.pem"), emulator.caPem());
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    private CliRunner cli() {
        return new CliRunner().signedInTo(emulator, ca).env("SSM_STATE_DIR", dir.resolve("unused-state").toString())
                .env("SSM_STORE_USER", "postgres").env("SSM_STORE_PASSWORD", STORE_PASSWORD);
    }

    private static UsageReport report() {
        RumReportFixture rum = RumReportFixture.builder().device("C8000V", "EDGE1").count(3, T0, T0.plusSeconds(3600)).build();
        return UsageReport.of(SsmEmulator.DEMO_ACCOUNT, "DEFAULT", List.of(RumReport.of(rum.payload(), rum.signature())));
    }

    private static void assertNoPassword(CliRunner.Result r) {
        assertFalse(r.out().contains(STORE_PASSWORD) || r.err().contains(STORE_PASSWORD), "the store password is shown: " + r);
        TestSecrets.assertNoSecret("stdout", r.out());
        TestSecrets.assertNoSecret("stderr", r.err());
    }

    @Test
    void theCommandsShareTheStateInPostgres() throws Exception {
        JdbcSyncStore store = JdbcSyncStore.builder(dataSource).build();
        UsageReport dead = report();
        store.add(dead, "node-1", Duration.ofMinutes(5));
        store.refuse(new DeadLetter(store.state(dead.reportId()).orElseThrow().pending().withFailure("refused"), 413,
                new ServerMessage("FAILED", null, "Request Entity Too Large", null), T0, List.of()), "node-1");

        CliRunner.Result list = cli().run("usage", "list", "--store", url, "--output", "json");
        assertEquals(0, list.exitCode(), list.toString());
        assertEquals(dead.reportId(), list.json().path("reports").get(0).path("reportId").asText());
        assertEquals("dead", list.json().path("reports").get(0).path("state").asText());

        CliRunner.Result status = cli().run("status", "--store", url);
        assertEquals(ExitCodes.NEEDS_ATTENTION, status.exitCode(), status.toString());
        assertTrue(status.out().contains("State: " + url) && status.out().contains("sync lock:    free"), status.out());

        assertEquals(0, cli().run("usage", "retry", dead.reportId(), "--store", url).exitCode());
        assertEquals(ExitCodes.USAGE, cli().run("usage", "discard", dead.reportId(), "--store", url).exitCode(),
                "no longer a dead letter");

        Path usage = DeviceUsageFiles.writeXml(dir.resolve("usage.xml"), List.of(RumReportFixture.builder().device("C8000V", "EDGE9")
                .count(2, T0, T0.plusSeconds(3600)).build()));
        CliRunner.Result push = cli().run("usage", "push", "--account", SsmEmulator.DEMO_ACCOUNT, "--virtual-account", "DEFAULT",
                "--file", usage.toString(), "--store", url);
        assertEquals(0, push.exitCode(), push.toString());
        assertNoPassword(push);

        CliRunner.Result sync = cli().run("sync", "--account", SsmEmulator.DEMO_ACCOUNT, "--store", url, "--output", "json");
        assertEquals(0, sync.exitCode(), sync.toString());
        assertEquals(1, sync.json().path("reportsDelivered").asInt(), "the retried report, from the database: " + sync.out());
        assertNoPassword(sync);
        assertEquals(0, store.counts().pending());
        assertTrue(store.lastOutcome().orElseThrow().success(), "the outcome is in the database for every host");
        assertFalse(Files.exists(dir.resolve("unused-state")), "nothing written to the state directory");

        CliRunner.Result clean = cli().run("status", "--store", url, "--output", "json");
        assertEquals(0, clean.exitCode(), clean.toString());
        assertTrue(clean.json().path("lastOutcome").path("success").asBoolean(), clean.out());
        assertTrue(clean.json().path("lockHolder").isNull(), "released after the sync: " + clean.out());
    }

    @Test
    void syncWhileAnotherNodeHoldsTheLockNamesItAndExitsZeroWithoutSyncing() {
        JdbcSyncStore store = JdbcSyncStore.builder(dataSource).build();
        store.add(report(), "seed", Duration.ofMillis(1));
        SyncLease other = JdbcSyncLock.builder(dataSource).build().tryAcquire("vmanage-2/4711", Duration.ofMinutes(5)).orElseThrow();

        CliRunner.Result sync = cli().env("SSM_NODE_ID", "vmanage-1").run("sync", "--store", url);
        assertEquals(0, sync.exitCode(), sync.toString());
        assertTrue(sync.out().contains("Not syncing: vmanage-2/4711"), sync.out());
        assertEquals(0, emulator.stats().tokenRequests(), "nothing sent to the server");
        assertEquals(1, store.counts().pending(), "the pending report waits for the holder's sync");

        CliRunner.Result status = cli().run("status", "--store", url, "--output", "json");
        assertEquals("vmanage-2/4711", status.json().path("lockHolder").asText(), status.out());

        other.release(true);
        CliRunner.Result after = cli().env("SSM_NODE_ID", "vmanage-1").run("sync", "--store", url);
        assertEquals(0, after.exitCode(), after.toString());
        assertEquals(0, store.counts().pending(), "delivered once the lock is free");
    }

    @Test
    void syncRenewsItsLockLeaseWhileItRuns() {
        JdbcSyncStore store = JdbcSyncStore.builder(dataSource).build();
        store.add(report(), "seed", Duration.ofMillis(1));
        // The acknowledgement comes 6 s after the submission, well past a 2 s lease: only renewals keep
        // the lease, and a lost lease would stop the sync before it records the delivery.
        emulator.acknowledgeAfter(0, Duration.ofSeconds(6));
        CliRunner.Result sync = cli().env("SSM_NODE_ID", "vmanage-1")
                .run("sync", "--store", url, "--lock-lease", "2", "--output", "json");
        assertEquals(0, sync.exitCode(), sync.toString());
        assertEquals(1, sync.json().path("reportsDelivered").asInt(), sync.out());
        assertEquals(0, store.counts().pending());
        assertTrue(JdbcSyncLock.builder(dataSource).build().holder().isEmpty(), "released at the end");

        assertEquals(ExitCodes.USAGE, cli().run("sync", "--store", url, "--lock-lease", "0").exitCode());
    }

    @Test
    void theStorePasswordIsNeverShownNorLogged() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        try {
            CliRunner.Result ok = cli().run("sync", "--store", url, "-vv");
            assertEquals(0, ok.exitCode(), ok.toString());
            assertNoPassword(ok);

            CliRunner.Result unreachable = cli().run("status", "--store", "jdbc:postgresql://127.0.0.1:1/nowhere", "-vv");
            assertEquals(ExitCodes.OTHER, unreachable.exitCode(), unreachable.toString());
            assertFalse(unreachable.err().isBlank());
            assertNoPassword(unreachable);

            CliRunner.Result json = cli().run("usage", "list", "--store", "jdbc:postgresql://127.0.0.1:1/nowhere", "--output", "json");
            assertFalse(json.json().path("error").path("message").asText().isBlank(), json.out());
            assertNoPassword(json);

            CliRunner.Result inUrl = cli().run("status", "--store", url + "?password=" + STORE_PASSWORD);
            assertEquals(ExitCodes.USAGE, inUrl.exitCode(), inUrl.toString());
            assertTrue(inUrl.err().contains("SSM_STORE_PASSWORD"), inUrl.err());
            assertNoPassword(inUrl);

            CliRunner.Result asOption = cli().run("status", "--store", url, "--store-password", STORE_PASSWORD);
            assertEquals(ExitCodes.USAGE, asOption.exitCode(), asOption.toString());
            assertNoPassword(asOption);

            assertFalse(logs.list.isEmpty(), "-vv logs something");
            for (ILoggingEvent e : logs.list) {
                String line = e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage());
                assertFalse(line.contains(STORE_PASSWORD), "logged: " + line);
            }
        } finally {
            root.detachAppender(logs);
        }
    }

    @Test
    void aStoreThatIsNotPostgresIsAUsageError() {
        CliRunner.Result r = cli().run("status", "--store", "jdbc:mysql://db:3306/ssm");
        assertEquals(ExitCodes.USAGE, r.exitCode(), r.toString());
        assertTrue(r.err().contains("jdbc:postgresql://HOST:PORT/DB"), r.err());
    }
}
