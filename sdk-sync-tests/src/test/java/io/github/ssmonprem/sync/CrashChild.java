package io.github.ssmonprem.sync;

import io.github.ssmonprem.auth.OAuthGrant;
import io.github.ssmonprem.core.Secret;
import io.github.ssmonprem.core.SsmClientConfig;
import io.github.ssmonprem.sync.model.UsageReport;
import io.github.ssmonprem.testkit.SsmEmulator;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The process {@link CrashRecoveryTest} kills: submits one usage report to the emulator at args[0]
 * with the state directory args[1] (and the claim lease args[2] in seconds, when given), printing its
 * nonce first, and blocks polling for an acknowledgement that does not come.
 */
public final class CrashChild {

    /** The node name the child and its replacement share, so the replacement resumes the child's claim at once. */
    static final String NODE = "crash-test-node";

    private CrashChild() {
    }

    public static void main(String[] args) {
        SsmClientConfig config = SsmClientConfig.builder().baseUrl(args[0]).allowPlainHttp(true).noProxy().build();
        OAuthGrant grant = OAuthGrant.password(SsmEmulator.DEMO_CLIENT_ID, Secret.of(SsmEmulator.DEMO_CLIENT_SECRET),
                SsmEmulator.DEMO_USER, Secret.of(SsmEmulator.DEMO_PASSWORD));
        Instant now = Instant.now();
        UsageReport report = UsageReport.builder().account(SsmEmulator.DEMO_ACCOUNT).virtualAccount("DEFAULT")
                .productInstance("vmanage-crash-test")
                .device("edge-1", "regid.sdwan").usage("sdwan_dna_advantage", 5, now.minusSeconds(3600), now)
                .device("edge-2", "regid.sdwan").usage("sdwan_dna_advantage", 2, now.minusSeconds(3600), now)
                .build();
        System.out.println("NONCE " + report.reportId());
        System.out.flush();
        try (SsmSyncClient client = SsmSyncClient.builder().config(config).grant(grant).stateDirectory(Path.of(args[1]))
                .nodeName(NODE).claimLease(java.time.Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 300)).build()) {
            DeliveryResult result = client.submitUsage(report);
            System.out.println("RESULT " + result.status());
        }
    }
}
