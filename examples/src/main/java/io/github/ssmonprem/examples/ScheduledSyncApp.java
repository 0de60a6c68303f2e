package io.github.ssmonprem.examples;

import io.github.ssmonprem.sync.AccountSelection;
import io.github.ssmonprem.sync.SsmSyncClient;
import io.github.ssmonprem.sync.SyncResult;
import io.github.ssmonprem.sync.SyncScheduler;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * An application that embeds the 24-hour scheduler with a Micrometer registry, syncs once at start
 * (as an operator's "Sync now" would), and prints each sync result and the SDK's metrics.
 *
 * <p>Against the embedded emulator (the default) it exits after that first sync; with {@code SSM_URL}
 * set it keeps running, syncing every 24 hours, until stopped.
 */
public final class ScheduledSyncApp {

    private ScheduledSyncApp() {
    }

    public static void main(String[] args) throws Exception {
        run(System.getenv(), System.out);
    }

    /**
     * Runs the application.
     *
     * @param env the environment
     * @param out where to print
     * @throws Exception when the state directory cannot be created or the wait is interrupted
     */
    public static void run(Map<String, String> env, PrintStream out) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Path state = env.containsKey("SSM_STATE_DIR") ? Path.of(env.get("SSM_STATE_DIR"))
                : Files.createTempDirectory("ssm-scheduled-sync");
        try (ExampleConnection connection = ExampleConnection.fromEnvironment(env);
                SsmSyncClient ssm = SsmSyncClient.builder()
                        .config(connection.config().meterRegistry(registry).build())
                        .grant(connection.grant())
                        .account(AccountSelection.of(connection.account()))
                        .stateDirectory(state)
                        .build();
                SyncScheduler scheduler = SyncScheduler.builder(ssm)
                        .period(Duration.ofHours(24))
                        .jitter(Duration.ofMinutes(30))
                        .listener(result -> print(out, result))
                        .build()
                        .start()) {
            out.println("Syncing with " + connection.describe() + " every 24 hours; state in " + state);
            SyncResult first = scheduler.syncNow().get();
            printMetrics(out, registry);
            out.println("Next scheduled sync at " + scheduler.nextRunAt().orElseThrow());
            if (!connection.emulated()) {
                CountDownLatch stop = new CountDownLatch(1);
                Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
                stop.await();
            } else if (!first.isSuccess()) {
                throw first.error();
            }
        }
    }

    private static void print(PrintStream out, SyncResult result) {
        out.println("Sync " + (result.isSuccess() ? "succeeded" : "failed: " + result.outcome().errorMessage()) + " - "
                + result.outcome().licensesPulled() + " licenses, " + result.outcome().reportsDelivered() + " reports delivered, "
                + result.outcome().reportsPending() + " pending");
        result.changes().forEach((account, changes) -> out.println("  " + account + ": " + changes));
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
