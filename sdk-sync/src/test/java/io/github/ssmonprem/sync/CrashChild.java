package io.github.ssmonprem.sync;

import io.github.ssmonprem.auth.OAuthGrant;
import io.github.ssmonprem.core.Secret;
import io.github.ssmonprem.core.SsmClientConfig;
import io.github.ssmonprem.emulator.RumReportFixture;
import io.github.ssmonprem.emulator.SsmEmulator;
import io.github.ssmonprem.sync.store.FileSyncStore;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.sync.store.SyncStore;
import io.github.ssmonprem.sync.usage.DeliveryResult;
import io.github.ssmonprem.sync.usage.RumReport;
import io.github.ssmonprem.sync.usage.UsageReport;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The process {@link CrashRecoveryTest} kills: submits {@link #report()} to the emulator at args[0]
 * with the state directory args[1], and stops for good at the stage args[2] names, printing
 * {@code STOPPED <stage>} once it is there, for the test to kill it:
 * <ul>
 *   <li>{@code stored}: the store has made the report durable; nothing was sent;</li>
 *   <li>{@code accepted}: the server accepted the upload; its poll id is not stored yet;</li>
 *   <li>{@code polling}: the poll id is stored; no acknowledgement yet;</li>
 *   <li>{@code acknowledged}: the poll answered {@code COMPLETE} and the store recorded the
 *       acknowledgements (the report delivered), before anything else happened.</li>
 * </ul>
 * args[3], when given, is the claim lease in seconds.
 */
public final class CrashChild {

    /** The node name the child and its replacement share, so the replacement resumes the child's claim at once. */
    static final String NODE = "crash-test-node";

    private CrashChild() {
    }

    /** {@return the report the child submits: one RUM report of each of two devices, for the demo account} */
    static UsageReport report() {
        Instant end = Instant.parse("2025-12-31T00:00:00Z");
        List<RumReport> rum = List.of(
                EmulatorFixtures.rumReport(RumReportFixture.builder().device("C8000V", "CRASH-1").reportId(11).count(5, end.minusSeconds(3600), end)
                        .spacing(true).escapeSlashes(true).build()),
                EmulatorFixtures.rumReport(RumReportFixture.builder().device("C9800-CL-K9", "CRASH-2").reportId(22).count(2, end.minusSeconds(3600), end)
                        .build()));
        return UsageReport.of(SsmEmulator.DEMO_ACCOUNT, "DEFAULT", rum);
    }

    public static void main(String[] args) throws Exception {
        SsmClientConfig config = SsmClientConfig.builder().baseUrl(args[0]).allowPlainHttp(true).noProxy().build();
        OAuthGrant grant = OAuthGrant.password(SsmEmulator.DEMO_CLIENT_ID, Secret.of(SsmEmulator.DEMO_CLIENT_SECRET),
                SsmEmulator.DEMO_USER, Secret.of(SsmEmulator.DEMO_PASSWORD));
        String stage = args[2];
        Duration lease = Duration.ofSeconds(args.length > 3 ? Long.parseLong(args[3]) : 300);
        try (FileSyncStore files = new FileSyncStore(Path.of(args[1]));
                SsmSyncClient client = SsmSyncClient.builder().config(config).grant(grant).store(stopping(files, stage))
                        .nodeName(NODE).claimLease(lease).build()) {
            List<DeliveryResult> results = client.submitUsage(report());
            System.out.println("RESULT " + results);
        }
    }

    /** The store, stopping this process for good at the stage. */
    private static SyncStore stopping(SyncStore store, String stage) {
        return (SyncStore) Proxy.newProxyInstance(SyncStore.class.getClassLoader(), new Class<?>[] {SyncStore.class},
                (proxy, method, args) -> {
                    boolean uploadState = method.getName().equals("update") && ((PendingReport) args[0]).pollId() != null;
                    if (stage.equals("accepted") && uploadState) {
                        stop(stage);
                    }
                    Object out;
                    try {
                        out = method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (stage.equals("stored") && method.getName().equals("add")
                            || stage.equals("polling") && uploadState && Boolean.TRUE.equals(out)
                            || stage.equals("acknowledged") && method.getName().equals("acknowledge") && Boolean.TRUE.equals(out)) {
                        stop(stage);
                    }
                    return out;
                });
    }

    private static void stop(String stage) throws InterruptedException {
        System.out.println("STOPPED " + stage);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
