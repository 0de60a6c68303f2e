package io.github.ssmonprem.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.emulator.SsmEmulator;
import io.github.ssmonprem.sync.lock.LockHolder;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.sync.usage.ReportStatus;
import io.github.ssmonprem.sync.usage.Sudi;
import io.github.ssmonprem.sync.usage.UsageReport;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Three node JVMs on one PostgreSQL and one emulator; the node delivering usage is SIGKILLed while it
 * polls for an acknowledgement. The emulator must count every report once, see no report submitted
 * twice, and one license pull per sync that ran (the killed one and its replacement).
 */
class ClusterTest {

    @TempDir
    Path logs;

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);   // three child JVMs start on a loaded machine
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void threeNodesDeliverEveryReportOnceWhenTheDeliveringNodeIsKilled() throws Exception {
        String prefix = "cluster_";
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
                SsmEmulator emulator = SsmEmulator.builder().pollInterval(1)
                        .acknowledgeAfter(Integer.MAX_VALUE, Duration.ZERO).start()) {
            String jdbcUrl = pg.getJdbcUrl("postgres", "postgres");
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setUrl(jdbcUrl);
            JdbcSyncStore store = JdbcSyncStore.builder(ds).tablePrefix(prefix).build();
            JdbcSyncLock lock = JdbcSyncLock.builder(ds).tablePrefix(prefix).build();
            List<UsageReport> reports = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                UsageReport report = UsageReport.of(SsmEmulator.DEMO_ACCOUNT, "DEFAULT", List.of(Rum.rum(new Sudi("C8000V", "edge-" + i), i)));
                store.add(report, "setup", Duration.ofMinutes(1));
                PendingReport stored = store.state(report.reportId()).orElseThrow().pending();
                store.update(stored.withClaim(null, null), "setup");       // left for the nodes to claim
                reports.add(report);
            }

            Map<String, Process> nodes = new LinkedHashMap<>();
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            for (int i = 1; i <= 3; i++) {
                String name = "node-" + i;
                File log = logs.resolve(name + ".log").toFile();
                nodes.put(name, new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                        ClusterNodeChild.class.getName(), emulator.url().toString(), jdbcUrl, prefix, name)
                        .redirectErrorStream(true).redirectOutput(log).start());
            }
            try {
                // The second poll follows a wait, before which the delivering node stored the poll id.
                await(() -> emulator.stats().polls() >= 2, "a node polls for the first report's acknowledgement");
                LockHolder holder = lock.holder().orElseThrow();
                Process victim = nodes.get(holder.node());
                victim.destroyForcibly();
                assertTrue(victim.waitFor(30, TimeUnit.SECONDS));
                assertEquals(137, victim.exitValue(), "killed by SIGKILL");
                assertEquals(1, emulator.stats().licensePages(), "the killed node had pulled the licenses");

                emulator.acknowledgeAfter(0, Duration.ZERO);
                await(() -> store.counts().pending() == 0 && store.lastOutcome().map(o -> o.success()).orElse(false),
                        "another node takes over once the lease expires and delivers the rest");
                await(() -> lock.holder().isEmpty(), "the replacement released the lease");

                assertEquals(3, emulator.stats().distinctRumReports());
                assertEquals(3, emulator.stats().acknowledgementsIssued(), "one acknowledgement per device");
                for (UsageReport report : reports) {
                    String key = report.reports().get(0).key();
                    assertEquals(1, emulator.stats().uploadsOf(key), "no report uploaded by two nodes: " + key);
                    assertEquals(ReportStatus.DELIVERED, store.state(report.reportId()).orElseThrow().status());
                }
                assertEquals(3, store.acknowledgements().size(), "every acknowledgement kept for its device");
                assertEquals(2, emulator.stats().licensePages(),
                        "one pull by the killed node, one by its replacement; the third node saw the success and skipped");
            } catch (AssertionError e) {
                // What the nodes logged is the only account of what they did: keep it with the failure.
                StringBuilder logged = new StringBuilder(e.getMessage()).append("\n--- emulator ---\nlast refusal: ")
                        .append(emulator.stats().lastRefusal()).append("\nrequests: ").append(emulator.stats().requestLines());
                for (String name : nodes.keySet()) {
                    logged.append("\n--- ").append(name).append(" ---\n")
                            .append(Files.readString(logs.resolve(name + ".log")));
                }
                throw new AssertionError(logged.toString(), e);
            } finally {
                for (Process p : nodes.values()) {
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }
}
