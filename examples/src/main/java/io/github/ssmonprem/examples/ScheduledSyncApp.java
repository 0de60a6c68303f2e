package io.github.ssmonprem.examples;

import io.github.ssmonprem.sync.SsmSyncClientBuilder;
import io.github.ssmonprem.sync.AccountSelection;
import io.github.ssmonprem.sync.SsmSyncClient;
import io.github.ssmonprem.sync.SyncResult;
import io.github.ssmonprem.sync.SyncScheduler;
import io.github.ssmonprem.testkit.InMemorySyncStore;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * An application that embeds the 24-hour scheduler with a Micrometer registry, syncs once at start
 * (as an operator's "Sync now" would), and prints each sync result and the SDK's metrics.
 *
 * <p>With {@code SSM_URL} set (see {@link ExampleConnection}) it keeps running, syncing every 24 hours,
 * until stopped, keeping state in {@code SSM_STATE_DIR} (default {@code ~/.ssm-onprem-sdk/state}). With
 * {@code --emulator} (or {@code SSM_EMULATOR=1}) it syncs once with the built-in emulator, keeping state
 * in memory, and exits. With neither it exits with status 2 and says what to set.
 */
public final class ScheduledSyncApp {

    private ScheduledSyncApp() {
    }

    /**
     * Runs the application and exits with its status.
     *
     * @param args {@code --emulator} to use the built-in emulator
     * @throws Exception when the first sync fails against the emulator or the wait is interrupted
     */
    public static void main(String[] args) throws Exception {
        System.exit(run(System.getenv(), List.of(args), System.out, System.err));
    }

    /**
     * Runs the application.
     *
     * @param env the environment
     * @param args the arguments ({@code --emulator} to use the built-in emulator)
     * @param out where to print
     * @param err where to print what is missing
     * @return the exit status: 0 done, 2 a setting is missing
     * @throws Exception when the first sync fails against the emulator or the wait is interrupted
     */
    public static int run(Map<String, String> env, List<String> args, PrintStream out, PrintStream err) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ExampleConnection opened;
        try {
            opened = ExampleConnection.open(env, args);
        } catch (ExampleConnection.NotConfigured e) {
            err.println("ScheduledSyncApp: " + e.getMessage());
            return ExampleConnection.USAGE;
        }
        String stateDir = env.get("SSM_STATE_DIR");
        Path state = stateDir != null && !stateDir.isBlank() ? Path.of(stateDir)
                : Path.of(System.getProperty("user.home"), ".ssm-onprem-sdk", "state");
        SsmSyncClientBuilder client = SsmSyncClient.builder();
        if (opened.emulated()) {
            client.store(new InMemorySyncStore());   // the emulator's data never mixes with a real server's state
        } else {
            client.stateDirectory(state);
        }
        try (ExampleConnection connection = opened;
                SsmSyncClient ssm = client
                        .config(connection.config().meterRegistry(registry).build())
                        .grant(connection.grant())
                        .account(AccountSelection.of(connection.account()))
                        .build();
                SyncScheduler scheduler = SyncScheduler.builder(ssm)
                        .period(Duration.ofHours(24))
                        .jitter(Duration.ofMinutes(30))
                        .listener(result -> print(out, result))
                        .build()
                        .start()) {
            out.println("Syncing with " + connection.describe() + " every 24 hours; state "
                    + (connection.emulated() ? "in memory" : "in " + state));
            SyncResult first = scheduler.syncNow().get();
            printMetrics(out, registry);
            out.println("Next scheduled sync at " + scheduler.nextRunAt().orElseThrow().truncatedTo(ChronoUnit.SECONDS));
            if (!connection.emulated()) {
                CountDownLatch stop = new CountDownLatch(1);
                Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
                stop.await();
            } else if (!first.isSuccess()) {
                throw first.failure().orElseThrow();
            }
        }
        return 0;
    }

    private static void print(PrintStream out, SyncResult result) {
        out.println("Sync " + (result.isSuccess() ? "succeeded" : "failed: " + result.outcome().errorMessage()) + " - "
                + count(result.outcome().licensesPulled(), "license") + ", "
                + count(result.outcome().reportsDelivered(), "report") + " delivered, " + result.outcome().reportsPending() + " pending");
        result.changes().forEach((account, changes) -> out.println("  " + account + ": " + changes));
    }

    private static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static void printMetrics(PrintStream out, SimpleMeterRegistry registry) {
        out.println("Metrics:");
        registry.getMeters().stream()
                .sorted(Comparator.comparing((Meter m) -> m.getId().getName()).thenComparing(m -> m.getId().getTags().toString()))
                .forEach(m -> {
                    StringBuilder line = new StringBuilder("  ").append(m.getId().getName()).append(m.getId().getTags());
                    m.measure().forEach(ms -> line.append(' ').append(ms.getStatistic().name().toLowerCase(java.util.Locale.ROOT))
                            .append('=').append(ms.getValue()));
                    out.println(line);
                });
    }
}
