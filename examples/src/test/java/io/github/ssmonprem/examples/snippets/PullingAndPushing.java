package io.github.ssmonprem.examples.snippets;

// tag::pull-push[]
import io.github.ssmonprem.auth.OAuthGrant;
import io.github.ssmonprem.sync.AccountSelection;
import io.github.ssmonprem.sync.DeliveryResult;
import io.github.ssmonprem.sync.SsmSyncClient;
import io.github.ssmonprem.sync.model.Account;
import io.github.ssmonprem.sync.model.License;
import io.github.ssmonprem.sync.model.UsageReport;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
// end::pull-push[]
import io.github.ssmonprem.core.Secret;
import io.github.ssmonprem.core.SsmClientConfig;
import java.time.Instant;

/** README, "Pulling licenses and pushing usage". */
final class PullingAndPushing {

    private PullingAndPushing() {
    }

    static void pullAndPush(SsmClientConfig config, String clientId, Secret clientSecret, Secret password,
            Instant periodStart, Instant periodEnd) {
        // tag::pull-push[]
        try (SsmSyncClient ssm = SsmSyncClient.builder()
                .config(config)
                .grant(OAuthGrant.password(clientId, clientSecret, "svc-sdwan", password))
                .account(AccountSelection.of("acme.example", "Branch-East"))   // none listed: all virtual accounts
                .stateDirectory(Path.of("/var/lib/sdwan/ssm"))                 // durable pending usage and last state
                .build()) {
            List<Account> accounts = ssm.listAccounts();
            try (Stream<License> licenses = ssm.streamLicenses("acme.example", List.of())) {  // one page in memory
                licenses.filter(License::isOutOfCompliance).forEach(System.out::println);
            }
            UsageReport report = UsageReport.builder()
                .account("acme.example").virtualAccount("Branch-East").productInstance("vmanage-cluster-1")
                .device("edge-17", "regid.2019-10.com.cisco.SDWAN,1.0")
                    .usage("sdwan_dna_advantage", 12, periodStart, periodEnd)
                .build();                                       // the nonce is assigned here, once
            DeliveryResult delivery = ssm.submitUsage(report);  // stored durably first, then sent and polled
        }
        // end::pull-push[]
    }
}
