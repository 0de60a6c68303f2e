package io.github.ssmonprem.benchmarks;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.ssmonprem.auth.OAuthGrant;
import io.github.ssmonprem.auth.OAuthTokenProvider;
import io.github.ssmonprem.core.Secret;
import io.github.ssmonprem.core.SsmClientConfig;
import io.github.ssmonprem.core.http.SsmHttpClient;
import io.github.ssmonprem.core.internal.SsmJson;
import io.github.ssmonprem.core.http.SsmRequest;
import io.github.ssmonprem.emulator.RumReportFixture;
import io.github.ssmonprem.sync.usage.DeliveryResult;
import io.github.ssmonprem.sync.SsmSyncClient;
import io.github.ssmonprem.sync.model.License;
import io.github.ssmonprem.sync.usage.RumReport;
import io.github.ssmonprem.sync.usage.UsageReport;
import io.github.ssmonprem.sync.store.FileSyncStore;
import io.github.ssmonprem.sync.store.SyncStore;
import io.github.ssmonprem.testkit.InMemorySyncStore;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.util.Timeout;

/**
 * Side-by-side figures for the SDK's costs: {@code java -jar benchmarks/target/benchmarks.jar [--quick]
 * [--json FILE]}. Each figure is a ratio of two things measured in the same run against the same
 * in-process loopback server, the two sides interleaved round by round so that machine noise and drift
 * fall on both. Prints one {@code name: value} line per figure, the absolute figures behind the ratios,
 * and writes the same as JSON.
 *
 * <p>A plain harness rather than JMH: JMH measures each benchmark in its own forked JVM, one after
 * the other, which is what these paired ratios must avoid; and two of the figures (token requests per
 * lifetime, cold start) are not timings of a method at all.
 */
public final class BenchmarkMain {

    private static final String ACCOUNT = "bench.example";
    private static final OAuthGrant GRANT = OAuthGrant.password("bench", Secret.of("bench-secret"), "bench",
            Secret.of("bench-password"));

    private final boolean quick;
    private final Map<String, Double> figures = new LinkedHashMap<>();
    private final BenchServer server;

    private BenchmarkMain(boolean quick, BenchServer server) {
        this.quick = quick;
        this.server = server;
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        Path json = Path.of("benchmarks", "target").toFile().isDirectory()
                ? Path.of("benchmarks", "target", "benchmark-results.json") : Path.of("benchmark-results.json");
        List<String> only = new ArrayList<>();
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--json")) {
                json = Path.of(args[i + 1]);
            } else if (args[i].equals("--only")) {
                only.addAll(List.of(args[i + 1].split(",")));
            }
        }
        long started = System.nanoTime();
        Map<String, Double> figures;
        try (BenchServer server = new BenchServer(16)) {
            BenchmarkMain bench = new BenchmarkMain(quick, server);
            Map<String, Bench> all = new LinkedHashMap<>();
            all.put("throughput", bench::throughput);
            all.put("latency", bench::latency);
            all.put("tokens", bench::tokens);
            all.put("tokens-spring-security", () -> SpringSecurityTokens.run(server, bench.config().build(), bench::figure));
            all.put("licenses", bench::licenses);
            all.put("outbox", bench::outbox);
            all.put("coldstart", bench::coldStart);
            DeliveryBenchmarks delivery = new DeliveryBenchmarks(quick, bench::figure);
            all.put("pipelined", delivery::pipelined);
            all.put("cluster", delivery::cluster);
            all.put("async", delivery::asyncParallel);
            all.put("storecalls", new StoreCallBenchmarks(bench::figure)::run);
            for (Map.Entry<String, Bench> e : all.entrySet()) {
                if (only.isEmpty() || only.contains(e.getKey())) {
                    e.getValue().run();
                }
            }
            figures = bench.figures;
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("date", Instant.now().toString());
        doc.put("mode", quick ? "quick" : "full");
        doc.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(),
                "maxHeapMb", Runtime.getRuntime().maxMemory() / (1024 * 1024),
                "java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                "os", System.getProperty("os.name") + " " + System.getProperty("os.arch")));
        doc.put("durationSeconds", (System.nanoTime() - started) / 1_000_000_000L);
        doc.put("figures", figures);
        ObjectMapper mapper = SsmJson.newMapper().enable(SerializationFeature.INDENT_OUTPUT);
        Files.writeString(json, mapper.writeValueAsString(doc));
        System.out.println("# written to " + json.toAbsolutePath() + " in " + doc.get("durationSeconds") + " s");
    }

    @FunctionalInterface
    private interface Bench {
        void run() throws Exception;
    }

    private void figure(String name, double value) {
        figures.put(name, Math.round(value * 1000.0) / 1000.0);
        System.out.println(name + ": " + String.format(Locale.ROOT, "%.3f", value));
        System.out.flush();
    }

    private SsmClientConfig.Builder config() {
        return SsmClientConfig.builder().baseUrl(server.url()).allowPlainHttp(true).noProxy().maxConnections(16);
    }

    private static CloseableHttpClient bareClient() {
        PoolingHttpClientConnectionManager pool = PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(16).setMaxConnPerRoute(16)
                .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(Timeout.ofSeconds(10))
                        .setSocketTimeout(Timeout.ofSeconds(60)).build())
                .build();
        return HttpClients.custom().setConnectionManager(pool).disableAutomaticRetries().build();
    }

    // ---------------------------------------------------------------------------------------------
    // overhead.throughput.ratio and overhead.p50.ratio

    private void throughput() throws Exception {
        server.tokenLifetimeSeconds(3600);
        try (SsmHttpClient http = SsmHttpClient.create(config().build());
                OAuthTokenProvider tokens = OAuthTokenProvider.builder(http).grant(GRANT).build();
                CloseableHttpClient bare = bareClient()) {
            Runnable sdkCall = sdkAccountsCall(http, tokens);
            Runnable bareCall = bareAccountsCall(bare);
            Duration warm = Duration.ofSeconds(quick ? 3 : 8);
            runFor(warm, 8, sdkCall);
            runFor(warm, 8, bareCall);
            // Many short interleaved rounds, each giving one SDK/bare ratio; the median of those ratios is
            // robust to the drift and bursts of a 2-core machine shared by client and server.
            int rounds = quick ? 12 : 40;
            Duration slice = Duration.ofMillis(quick ? 500 : 1000);
            double[] ratios = new double[rounds];
            long sdk = 0;
            long bareCount = 0;
            for (int r = 0; r < rounds; r++) {
                long s;
                long b;
                if (r % 2 == 0) {
                    s = runFor(slice, 8, sdkCall);
                    b = runFor(slice, 8, bareCall);
                } else {
                    b = runFor(slice, 8, bareCall);
                    s = runFor(slice, 8, sdkCall);
                }
                ratios[r] = (double) s / b;
                sdk += s;
                bareCount += b;
            }
            double seconds = slice.toMillis() * rounds / 1000.0;
            figure("overhead.throughput.ratio", median(ratios));
            figure("overhead.throughput.sdk.rps", sdk / seconds);
            figure("overhead.throughput.bare.rps", bareCount / seconds);
        }
    }

    private void latency() throws Exception {
        try (SsmHttpClient http = SsmHttpClient.create(config().build());
                OAuthTokenProvider tokens = OAuthTokenProvider.builder(http).grant(GRANT).build();
                CloseableHttpClient bare = bareClient()) {
            Runnable sdkCall = sdkAccountsCall(http, tokens);
            Runnable bareCall = bareAccountsCall(bare);
            int warm = quick ? 3000 : 10000;
            for (int i = 0; i < warm; i++) {
                sdkCall.run();
                bareCall.run();
            }
            int rounds = quick ? 40 : 150;
            int perRound = 200;
            long[] sdk = new long[rounds * perRound];
            long[] bareTimes = new long[rounds * perRound];
            int si = 0;
            int bi = 0;
            for (int r = 0; r < rounds; r++) {
                boolean sdkFirst = r % 2 == 0;
                for (int half = 0; half < 2; half++) {
                    boolean sdkNow = (half == 0) == sdkFirst;
                    for (int i = 0; i < perRound; i++) {
                        long t0 = System.nanoTime();
                        if (sdkNow) {
                            sdkCall.run();
                            sdk[si++] = System.nanoTime() - t0;
                        } else {
                            bareCall.run();
                            bareTimes[bi++] = System.nanoTime() - t0;
                        }
                    }
                }
            }
            double sdkP50 = median(sdk) / 1e6;
            double bareP50 = median(bareTimes) / 1e6;
            figure("overhead.p50.ratio", sdkP50 / bareP50);
            figure("overhead.p50.sdk.ms", sdkP50);
            figure("overhead.p50.bare.ms", bareP50);
        }
    }

    /** One authenticated GET of the accounts route through the SDK. */
    private static Runnable sdkAccountsCall(SsmHttpClient http, OAuthTokenProvider tokens) {
        return () -> http.execute(SsmRequest.get("accounts", "/backend/api/v1/accounts").bearer(tokens).build());
    }

    /** The same GET through a bare pooled HttpClient 5 with a fixed bearer header. */
    private Runnable bareAccountsCall(CloseableHttpClient bare) {
        String accounts = server.url() + "/backend/api/v1/accounts";
        return () -> {
            HttpGet get = new HttpGet(accounts);
            get.setHeader("Authorization", "Bearer fixed-token");
            get.setHeader("Accept", "application/json");
            try {
                bare.execute(get, r -> EntityUtils.toByteArray(r.getEntity()));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    static long runFor(Duration duration, int threads, Runnable call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Long>> counts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            counts.add(pool.submit(() -> {
                go.await();
                long n = 0;
                while (!stop.get()) {
                    call.run();
                    n++;
                }
                return n;
            }));
        }
        go.countDown();
        Thread.sleep(duration.toMillis());
        stop.set(true);
        long total = 0;
        for (Future<Long> f : counts) {
            total += f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        return total;
    }

    private static double median(double[] values) {
        double[] copy = values.clone();
        java.util.Arrays.sort(copy);
        return copy[copy.length / 2];
    }

    private static double median(long[] values) {
        long[] copy = values.clone();
        java.util.Arrays.sort(copy);
        return copy[copy.length / 2];
    }

    // ---------------------------------------------------------------------------------------------
    // token.requests.per.lifetime

    private void tokens() throws Exception {
        server.tokenLifetimeSeconds(1);
        try (SsmHttpClient http = SsmHttpClient.create(config().build());
                OAuthTokenProvider tokens = OAuthTokenProvider.builder(http).grant(GRANT).build()) {
            server.resetTokenRequests();
            long runStart = System.nanoTime();
            runFor(Duration.ofSeconds(10), 256,
                    () -> http.execute(SsmRequest.get("accounts", "/backend/api/v1/accounts").bearer(tokens).build()));
            List<Long> requests = server.tokenRequestNanos();
            long lifetime = TimeUnit.SECONDS.toNanos(1);
            int worst = 0;
            for (int i = 0; i < requests.size(); i++) {
                long issued = requests.get(i);
                int within = 0;
                for (int j = i + 1; j < requests.size() && requests.get(j) <= issued + lifetime; j++) {
                    within++;
                }
                worst = Math.max(worst, within);
            }
            double lifetimes = (System.nanoTime() - runStart) / (double) lifetime;
            figure("token.requests.per.lifetime", worst);
            figure("token.requests.total", requests.size());
            figure("token.lifetimes", lifetimes);
        } finally {
            server.tokenLifetimeSeconds(3600);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // licenses.100k.time.ratio

    /** The licenses route's answer, as the bare side parses it. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static final class Page {
        /** {@code totalRecords}. */
        public long totalRecords;
        /** {@code licenses}. */
        public List<License> licenses;
    }

    private void licenses() throws Exception {
        server.licenses(100_000, 1000);
        ObjectMapper mapper = SsmJson.newMapper();
        String url = server.url() + "/backend/api/v1/accounts/" + ACCOUNT + "/licenses";
        try (SsmSyncClient ssm = SsmSyncClient.builder().config(config().build()).grant(GRANT).pageSize(1000)
                .store(new InMemorySyncStore()).build();
                CloseableHttpClient bare = bareClient()) {
            String bearer = "Bearer " + ssm.tokens().accessToken().reveal();
            Supplier<List<License>> sdkPull = () -> ssm.licenses(ACCOUNT, List.of());
            Supplier<List<License>> barePull = () -> {
                List<License> all = new ArrayList<>();
                long total = Long.MAX_VALUE;
                try {
                    while (all.size() < total) {
                        HttpPost post = new HttpPost(url);
                        post.setHeader("Authorization", bearer);
                        post.setEntity(new StringEntity("{\"virtualAccounts\":[],\"limit\":1000,\"offset\":" + all.size() + "}",
                                ContentType.APPLICATION_JSON));
                        Page page = bare.execute(post, r -> mapper.readValue(EntityUtils.toByteArray(r.getEntity()), Page.class));
                        total = page.totalRecords;
                        if (page.licenses.isEmpty()) {
                            break;
                        }
                        all.addAll(page.licenses);
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                return all;
            };
            for (int i = 0; i < (quick ? 2 : 4); i++) {
                check(sdkPull.get().size());
                check(barePull.get().size());
            }
            int rounds = quick ? 7 : 15;
            long[] sdk = new long[rounds];
            long[] bareTimes = new long[rounds];
            for (int r = 0; r < rounds; r++) {
                if (r % 2 == 0) {
                    sdk[r] = timed(sdkPull);
                    bareTimes[r] = timed(barePull);
                } else {
                    bareTimes[r] = timed(barePull);
                    sdk[r] = timed(sdkPull);
                }
            }
            figure("licenses.100k.time.ratio", median(sdk) / median(bareTimes));
            figure("licenses.100k.sdk.ms", median(sdk) / 1e6);
            figure("licenses.100k.bare.ms", median(bareTimes) / 1e6);
            figure("licenses.100k.sdk.heap.mb", retainedMb(sdkPull));
            figure("licenses.100k.bare.heap.mb", retainedMb(barePull));
        }
    }

    private static void check(int size) {
        if (size != 100_000) {
            throw new IllegalStateException("pulled " + size + " licenses, not 100000");
        }
    }

    private static long timed(Supplier<List<License>> pull) throws InterruptedException {
        // Each pull leaves ~60 MB behind; collect it first, so the next side does not pay for it.
        usedAfterGc();
        long t0 = System.nanoTime();
        check(pull.get().size());
        return System.nanoTime() - t0;
    }

    /** Heap held after the pull, the result still referenced, over the heap before it. */
    private static double retainedMb(Supplier<List<License>> pull) throws InterruptedException {
        long before = usedAfterGc();
        List<License> result = pull.get();
        long after = usedAfterGc();
        check(result.size());
        return (after - before) / (1024.0 * 1024.0);
    }

    private static long usedAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    // ---------------------------------------------------------------------------------------------
    // usage.outbox.overhead.ratio

    private void outbox() throws Exception {
        int reports = 100;
        int perReport = RUM_PER_REPORT;
        Path dir = Files.createTempDirectory("ssm-bench-outbox");
        try (FileSyncStore fileStore = new FileSyncStore(dir);
                SsmSyncClient file = client(fileStore);
                SsmSyncClient memory = client(new InMemorySyncStore())) {
            for (UsageReport warm : usageReports(10, perReport)) {
                push(file, warm);
                push(memory, warm);
            }
            // The two stores alternate report by report, so drift and bursts fall on both sides alike;
            // each pass pushes 5,000 RUM reports through each store.
            int passes = quick ? 2 : 6;
            long fileNanos = 0;
            long memoryNanos = 0;
            for (int pass = 0; pass < passes; pass++) {
                // Fresh reports each pass: a report id already delivered is answered from the store
                // without sending anything, which would measure a look-up instead of a delivery.
                List<UsageReport> batch = usageReports(reports, perReport);
                for (int i = 0; i < batch.size(); i++) {
                    UsageReport report = batch.get(i);
                    if ((i + pass) % 2 == 0) {
                        fileNanos += push(file, report);
                        memoryNanos += push(memory, report);
                    } else {
                        memoryNanos += push(memory, report);
                        fileNanos += push(file, report);
                    }
                }
            }
            if (file.store().counts().pending() != 0 || memory.store().counts().pending() != 0) {
                throw new IllegalStateException("reports left pending");
            }
            figure("usage.outbox.overhead.ratio", (double) fileNanos / memoryNanos);
            figure("usage.outbox.file.ms", fileNanos / 1e6 / passes);
            figure("usage.outbox.memory.ms", memoryNanos / 1e6 / passes);
            figure("usage.outbox.rum.reports", (double) reports * perReport);
        } finally {
            deleteTree(dir);
        }
    }

    private SsmSyncClient client(SyncStore store) {
        SsmSyncClient client = SsmSyncClient.builder().config(config().build()).grant(GRANT).store(store).build();
        client.tokens().token();
        return client;
    }

    private static long push(SsmSyncClient client, UsageReport report) {
        long t0 = System.nanoTime();
        List<DeliveryResult> results = client.submitUsage(report);
        long elapsed = System.nanoTime() - t0;
        if (results.size() != 1 || !results.get(0).delivered() || results.get(0).acknowledgements().isEmpty()) {
            throw new IllegalStateException("not delivered: " + results);
        }
        return elapsed;
    }

    /** RUM reports per usage report in the outbox figure: ten devices' usage files of five reports (about 40 KB uploaded). */
    static final int RUM_PER_REPORT = 50;
    private static final java.util.concurrent.atomic.AtomicLong REPORT_IDS = new java.util.concurrent.atomic.AtomicLong(1_671_840_750L);

    /** Usage reports of RUM reports as devices write them (payloads of about 700 characters), each with new report ids. */
    static List<UsageReport> usageReports(int count, int rumPerReport) {
        Instant end = Instant.parse("2026-11-01T00:00:00Z");
        Instant start = end.minus(Duration.ofDays(1));
        List<UsageReport> out = new ArrayList<>();
        for (int r = 0; r < count; r++) {
            List<RumReport> rum = new ArrayList<>();
            for (int i = 0; i < rumPerReport; i++) {
                RumReportFixture fixture = RumReportFixture.builder().device("C8000V", "BENCH" + (i % 10)).reportId(REPORT_IDS.incrementAndGet())
                        .count(1 + i, start, end).spacing(true).build();
                rum.add(RumReport.of(fixture.payload(), fixture.signature()));
            }
            out.add(UsageReport.of(ACCOUNT, "DEFAULT", rum));
        }
        return out;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // coldstart.ratio

    private void coldStart() throws Exception {
        server.licenses(300, 100);
        String jar = Path.of(BenchmarkMain.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        runChild(java, jar, "sdk");
        runChild(java, jar, "bare");
        int runs = quick ? 5 : 15;
        List<Long> sdk = new ArrayList<>();
        List<Long> bare = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            if (r % 2 == 0) {
                sdk.add(runChild(java, jar, "sdk"));
                bare.add(runChild(java, jar, "bare"));
            } else {
                bare.add(runChild(java, jar, "bare"));
                sdk.add(runChild(java, jar, "sdk"));
            }
        }
        double sdkMs = medianOf(sdk) / 1e6;
        double bareMs = medianOf(bare) / 1e6;
        figure("coldstart.ratio", sdkMs / bareMs);
        figure("coldstart.sdk.ms", sdkMs);
        figure("coldstart.bare.ms", bareMs);
    }

    private long runChild(String java, String jar, String mode) throws Exception {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(java, "-cp", jar, ColdStart.class.getName(), mode, server.url())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("cold-start " + mode + " failed: " + output);
        }
        return System.nanoTime() - t0;
    }

    private static double medianOf(List<Long> values) {
        List<Long> copy = new ArrayList<>(values);
        Collections.sort(copy);
        return copy.get(copy.size() / 2);
    }
}
