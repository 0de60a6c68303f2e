package io.github.ssmonprem.benchmarks;

import io.github.ssmonprem.jdbc.JdbcSyncLock;
import io.github.ssmonprem.jdbc.JdbcSyncStore;
import io.github.ssmonprem.sync.AccountSelection;
import io.github.ssmonprem.sync.SsmSyncClient;
import io.github.ssmonprem.sync.SyncResult;
import io.github.ssmonprem.sync.SyncScheduler;
import io.github.ssmonprem.sync.lock.SyncLease;
import io.github.ssmonprem.sync.lock.SyncLock;
import io.github.ssmonprem.sync.store.Quarantine;
import io.github.ssmonprem.sync.store.SyncStore;
import io.github.ssmonprem.sync.usage.RumReport;
import io.github.ssmonprem.sync.usage.UsageReport;
import io.github.ssmonprem.emulator.RumReportFixture;
import io.github.ssmonprem.emulator.SsmEmulator;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import javax.sql.DataSource;

/**
 * What one sync costs the cluster's shared state, counted rather than timed: a {@link SyncScheduler}
 * with a {@link JdbcSyncLock} runs {@code syncNow()} over an {@link SsmSyncClient} with a
 * {@link JdbcSyncStore}, both on one PostgreSQL (embedded, in process), against the SDK's emulator,
 * which acknowledges at the first poll. The store and the lock serve two syncs; the second is counted,
 * as on any later day (tables created, token cached).
 *
 * <ul>
 *   <li>{@code sync.store.calls}: the calls the sync makes on the store, its quarantine, the lock and
 *       the lease (counted by wrapping proxies), for one smart account and one pending report. Not
 *       counted: what only returns a value the object holds ({@code SyncLease.fencingToken()} and
 *       {@code sinceLastSuccessWhenTaken()}, read with the acquisition; {@code SyncStore.quarantine()}),
 *       {@code close()}, and the calls a client makes when it is built.</li>
 *   <li>{@code cluster.db.statements.per.report}: the SQL statements the same kind of sync runs (lock and
 *       store, counted through the data source) over 30 pending reports, divided by 30.
 *       {@code cluster.db.statements.one.report} is the whole count of the sync with one report.</li>
 * </ul>
 */
final class StoreCallBenchmarks {

    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    private static final String NODE = "bench-node";

    private final BiConsumer<String, Double> figure;
    private long nextReportId = 1_771_840_750L;

    StoreCallBenchmarks(BiConsumer<String, Double> figure) {
        this.figure = figure;
    }

    void run() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
                SsmEmulator emulator = SsmEmulator.builder().acknowledgeAfter(0, Duration.ZERO).pollInterval(0).start()) {
            StatementCounter statements = new StatementCounter(pg.getPostgresDatabase());
            DataSource db = statements.dataSource();
            List<String> calls = new CopyOnWriteArrayList<>();
            try (JdbcSyncStore store = JdbcSyncStore.builder(db).tablePrefix("calls_").build()) {
                JdbcSyncLock lock = JdbcSyncLock.builder(db).tablePrefix("calls_").build();
                sync(emulator, statements, store, lock, 1, calls);   // the tables exist, the token is cached: as on day 2
                calls.clear();
                sync(emulator, statements, store, lock, 1, calls);
            }
            List<String> oneReport = statements.drain();
            System.out.println("# sync.store.calls: " + calls);
            System.out.println("# cluster.db.statements.one.report: " + oneReport.stream()
                    .map(sql -> sql.replaceAll("\\s+", " ")).map(sql -> sql.substring(0, Math.min(40, sql.length()))).toList());
            figure.accept("sync.store.calls", (double) calls.size());
            figure.accept("cluster.db.statements.one.report", (double) oneReport.size());

            int reports = 30;
            try (JdbcSyncStore store = JdbcSyncStore.builder(db).tablePrefix("many_").build()) {
                JdbcSyncLock lock = JdbcSyncLock.builder(db).tablePrefix("many_").build();
                sync(emulator, statements, store, lock, 1, calls);
                sync(emulator, statements, store, lock, reports, calls);
            }
            figure.accept("cluster.db.statements.per.report", statements.drain().size() / (double) reports);
        }
    }

    /**
     * One sync of the demo account's default virtual account by a new client and scheduler over the given
     * store and lock, after adding {@code pending} reports; the statements of the sync alone are left in
     * {@code statements}.
     */
    private void sync(SsmEmulator emulator, StatementCounter statements, SyncStore store, SyncLock lock, int pending,
            List<String> calls) throws Exception {
        for (int i = 0; i < pending; i++) {
            store.add(report(i), "bench-seed", Duration.ofMillis(1));
        }
        Thread.sleep(5);                                            // the seeding node's claims expire
        List<String> counting = new CopyOnWriteArrayList<>();
        try (SsmSyncClient client = SsmSyncClient.builder().config(emulator.clientConfig().build())
                .grant(emulator.passwordGrant()).store(counted(SyncStore.class, store, counting)).nodeName(NODE)
                .account(AccountSelection.of(SsmEmulator.DEMO_ACCOUNT, "DEFAULT")).build();
                SyncScheduler scheduler = SyncScheduler.builder(client).lock(counted(SyncLock.class, lock, counting)).build()) {
            client.tokens().token();
            statements.drain();
            counting.clear();
            SyncResult result = scheduler.syncNow().get(2, TimeUnit.MINUTES);
            if (!result.isSuccess() || result.outcome().reportsDelivered() != pending) {
                throw new IllegalStateException("the benchmark's sync did not deliver its reports: " + result);
            }
            calls.addAll(counting);
        }
    }

    private UsageReport report(int device) {
        RumReportFixture rum = RumReportFixture.builder().device("C8000V", "CALLS" + device).reportId(nextReportId++)
                .count(1 + device, T0, T0.plusSeconds(3600)).build();
        return UsageReport.of(SsmEmulator.DEMO_ACCOUNT, "DEFAULT", List.of(RumReport.of(rum.payload(), rum.signature())));
    }

    /** {@code target} behind a proxy that records each call by name; leases and quarantines it returns are counted too. */
    @SuppressWarnings("unchecked")
    private static <T> T counted(Class<T> type, T target, List<String> calls) {
        InvocationHandler handler = (proxy, method, args) -> {
            String name = method.getName();
            boolean counts = !name.equals("toString") && !name.equals("hashCode") && !name.equals("equals")
                    && !name.equals("close") && !name.equals("fencingToken") && !name.equals("sinceLastSuccessWhenTaken")
                    && !name.equals("quarantine");
            if (counts) {
                calls.add(type.getSimpleName() + "." + name);
            }
            Object result;
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (result instanceof Optional<?> o && o.isPresent() && o.get() instanceof SyncLease lease) {
                return Optional.of(counted(SyncLease.class, lease, calls));
            }
            if (result instanceof Optional<?> o && o.isPresent() && o.get() instanceof Quarantine q) {
                return Optional.of(counted(Quarantine.class, q, calls));
            }
            return result;
        };
        return (T) Proxy.newProxyInstance(StoreCallBenchmarks.class.getClassLoader(), new Class<?>[] {type}, handler);
    }

    /** A data source that records every SQL statement executed through it. */
    private static final class StatementCounter {
        private final DataSource target;
        private final List<String> executed = new CopyOnWriteArrayList<>();

        StatementCounter(DataSource target) {
            this.target = target;
        }

        DataSource dataSource() {
            return proxy(DataSource.class, target, null);
        }

        List<String> drain() {
            List<String> out = List.copyOf(executed);
            executed.clear();
            return out;
        }

        @SuppressWarnings("unchecked")
        private <T> T proxy(Class<T> type, Object real, String sql) {
            InvocationHandler handler = (p, method, args) -> {
                if (method.getName().startsWith("execute") && real instanceof Statement) {
                    executed.add(sql != null ? sql : args != null && args.length > 0 && args[0] instanceof String s ? s : "?");
                }
                Object result;
                try {
                    result = method.invoke(real, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
                if (result instanceof Connection) {
                    return proxy(Connection.class, result, null);
                }
                if (result instanceof PreparedStatement) {
                    return proxy(PreparedStatement.class, result, (String) args[0]);
                }
                if (result instanceof Statement) {
                    return proxy(Statement.class, result, null);
                }
                return result;
            };
            return (T) Proxy.newProxyInstance(StoreCallBenchmarks.class.getClassLoader(), new Class<?>[] {type}, handler);
        }
    }
}
