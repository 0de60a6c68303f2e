package io.github.ssmonprem.benchmarks;

import io.github.ssmonprem.emulator.RumReportFixture;
import io.github.ssmonprem.emulator.SsmEmulator;
import io.github.ssmonprem.jdbc.JdbcSyncStore;
import io.github.ssmonprem.sync.usage.DeliveryResult;
import io.github.ssmonprem.sync.SsmSyncClient;
import io.github.ssmonprem.sync.SyncResult;
import io.github.ssmonprem.sync.usage.RumReport;
import io.github.ssmonprem.sync.usage.UsageReport;
import io.github.ssmonprem.sync.store.FileSyncStore;
import io.github.ssmonprem.sync.store.SyncStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * The delivery figures, against the SDK's emulator (which delays acknowledgements and counts every
 * submission) rather than the pre-rendered {@link BenchServer}:
 *
 * <ul>
 *   <li>{@code usage.deliver.pipelined.ratio}: one client delivers 100 pending reports from the default
 *       file store; the server acknowledges each 1 s after it received it. Wall time ÷ 1 s: one
 *       acknowledgement wait plus what the submissions, polls and store writes add.</li>
 *   <li>{@code cluster.submissions.per.report}: three nodes (three clients, each with its own store
 *       object on one PostgreSQL database) sync at the same moment, without a sync lock, over 30 pending
 *       reports. Submissions the server received ÷ 30: 1.0 when the delivery claims keep every report
 *       with one node. The same over one shared state directory is
 *       {@code cluster.submissions.per.report.file}.</li>
 *   <li>{@code usage.async.parallel.ratio}: four reports submitted at once with {@code submitUsageAsync}
 *       against one alone, each acknowledged 1 s after it arrived: 1.0 when the four wait for their
 *       acknowledgements together.</li>
 * </ul>
 */
final class DeliveryBenchmarks {

    private static final Duration ACK_AFTER = Duration.ofSeconds(1);
    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

    private final boolean quick;
    private final BiConsumer<String, Double> figure;

    DeliveryBenchmarks(boolean quick, BiConsumer<String, Double> figure) {
        this.quick = quick;
        this.figure = figure;
    }

    private static SsmEmulator emulator() {
        return SsmEmulator.builder().acknowledgeAfter(0, ACK_AFTER).pollInterval(1).start();
    }

    private static SsmSyncClient client(SsmEmulator emulator, SyncStore store, String node) {
        SsmSyncClient client = SsmSyncClient.builder().config(emulator.clientConfig().build()).grant(emulator.passwordGrant())
                .store(store).nodeName(node).build();
        client.tokens().token();
        return client;
    }

    private static final java.util.concurrent.atomic.AtomicLong REPORT_IDS = new java.util.concurrent.atomic.AtomicLong(1_671_840_750L);

    /** A usage report of one device's RUM report, with a new report id. */
    private static UsageReport report(int device) {
        RumReportFixture rum = RumReportFixture.builder().device("C8000V", "BENCH" + device).reportId(REPORT_IDS.incrementAndGet())
                .count(1 + device, T0, T0.plusSeconds(3600)).build();
        return UsageReport.of(SsmEmulator.DEMO_ACCOUNT, "DEFAULT", List.of(RumReport.of(rum.payload(), rum.signature())));
    }

    /** Adds reports pending, as a node that stored them and died would leave them (claims that expire at once); their RUM report keys. */
    private static List<String> addPending(SyncStore store, int count) throws InterruptedException {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            UsageReport r = report(i);
            store.add(r, "bench-seed", Duration.ofMillis(1));
            keys.add(r.reports().get(0).key());
        }
        Thread.sleep(5);
        return keys;
    }

    // ---------------------------------------------------------------------------------------------
    // usage.deliver.pipelined.ratio

    void pipelined() throws Exception {
        int reports = 100;
        Path dir = Files.createTempDirectory("ssm-bench-deliver");
        try (SsmEmulator emulator = emulator();
                FileSyncStore store = new FileSyncStore(dir);
                SsmSyncClient client = client(emulator, store, "bench-node")) {
            deliver(client, addPending(store, 10));                    // warm-up
            int rounds = quick ? 2 : 5;
            double[] seconds = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                List<String> ids = addPending(store, reports);
                long t0 = System.nanoTime();
                deliver(client, ids);
                seconds[round] = (System.nanoTime() - t0) / 1e9;
            }
            Arrays.sort(seconds);
            double median = seconds[rounds / 2];
            figure.accept("usage.deliver.pipelined.ratio", median / (ACK_AFTER.toMillis() / 1000.0));
            figure.accept("usage.deliver.pipelined.ms", median * 1000);
            figure.accept("usage.deliver.pipelined.reports", (double) reports);
        } finally {
            deleteTree(dir);
        }
    }

    private static void deliver(SsmSyncClient client, List<String> ids) {
        List<DeliveryResult> results = client.deliverPending();
        if (results.size() != ids.size() || !results.stream().allMatch(DeliveryResult::delivered)) {
            throw new IllegalStateException("not all delivered: " + results.stream().filter(r -> !r.delivered()).findFirst());
        }
    }

    // ---------------------------------------------------------------------------------------------
    // cluster.submissions.per.report

    void cluster() throws Exception {
        int rounds = quick ? 1 : 3;
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            DataSource db = pg.getPostgresDatabase();
            figure.accept("cluster.submissions.per.report",
                    clusterRounds(rounds, round -> JdbcSyncStore.builder(db).tablePrefix("bench" + round + "_").build()));
        }
        List<Path> dirs = new ArrayList<>();
        try {
            for (int round = 0; round < rounds; round++) {
                dirs.add(Files.createTempDirectory("ssm-bench-cluster"));
            }
            figure.accept("cluster.submissions.per.report.file", clusterRounds(rounds, round -> new FileSyncStore(dirs.get(round))));
        } finally {
            for (Path dir : dirs) {
                deleteTree(dir);
            }
        }
    }

    /** Submissions per report over {@code rounds} rounds of three nodes syncing 30 reports at once. */
    private static double clusterRounds(int rounds, Function<Integer, SyncStore> sharedStore) throws Exception {
        int reports = 30;
        int nodes = 3;
        long submissions = 0;
        for (int round = 0; round < rounds; round++) {
            List<SyncStore> stores = new ArrayList<>();
            List<SsmSyncClient> clients = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(nodes);
            try (SsmEmulator emulator = emulator()) {
                for (int n = 0; n < nodes; n++) {
                    stores.add(sharedStore.apply(round));
                    clients.add(client(emulator, stores.get(n), "node-" + (n + 1)));
                }
                List<String> ids = addPending(stores.get(0), reports);
                CountDownLatch start = new CountDownLatch(1);
                List<Future<SyncResult>> syncs = new ArrayList<>();
                for (SsmSyncClient c : clients) {
                    syncs.add(pool.submit(() -> {
                        start.await();
                        return c.sync();
                    }));
                }
                start.countDown();
                for (Future<SyncResult> f : syncs) {
                    SyncResult r = f.get(5, TimeUnit.MINUTES);
                    if (!r.isSuccess()) {
                        throw new IllegalStateException("a node's sync failed: " + r.failure().orElse(null));
                    }
                }
                if (stores.get(0).counts().pending() != 0) {
                    throw new IllegalStateException("reports left pending");
                }
                for (String key : ids) {
                    submissions += emulator.stats().uploadsOf(key);
                }
            } finally {
                pool.shutdownNow();
                clients.forEach(SsmSyncClient::close);
                stores.forEach(SyncStore::close);
            }
        }
        return (double) submissions / (reports * rounds);
    }

    // ---------------------------------------------------------------------------------------------
    // usage.async.parallel.ratio

    /**
     * Four reports submitted at once with {@code submitUsageAsync} against one submitted alone, each
     * acknowledged 1 s after the server received it: 1.0 when concurrent submissions wait for their
     * acknowledgements together, 4.0 when they run one after the other.
     */
    void asyncParallel() throws Exception {
        Path dir = Files.createTempDirectory("ssm-bench-async");
        try (SsmEmulator emulator = emulator();
                FileSyncStore store = new FileSyncStore(dir);
                SsmSyncClient client = client(emulator, store, "bench-node")) {
            submitAll(client, 1);                                    // warm-up
            int rounds = quick ? 2 : 5;
            double[] one = new double[rounds];
            double[] four = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                one[round] = submitAll(client, 1);
                four[round] = submitAll(client, 4);
            }
            Arrays.sort(one);
            Arrays.sort(four);
            figure.accept("usage.async.parallel.ratio", four[rounds / 2] / one[rounds / 2]);
            figure.accept("usage.async.one.ms", one[rounds / 2] * 1000);
            figure.accept("usage.async.four.ms", four[rounds / 2] * 1000);
        } finally {
            deleteTree(dir);
        }
    }

    /** Seconds until {@code count} reports submitted at once are all acknowledged. */
    private static double submitAll(SsmSyncClient client, int count) throws Exception {
        List<java.util.concurrent.CompletableFuture<List<DeliveryResult>>> futures = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            futures.add(client.submitUsageAsync(report(i)));
        }
        for (var f : futures) {
            List<DeliveryResult> results = f.get(2, TimeUnit.MINUTES);
            if (!results.stream().allMatch(DeliveryResult::delivered)) {
                throw new IllegalStateException("not delivered: " + results);
            }
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
