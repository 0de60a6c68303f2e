package io.github.ssmonprem.examples.snippets;

// tag::pull-push[]
import io.github.ssmonprem.auth.OAuthGrant;
import io.github.ssmonprem.sync.AccountSelection;
import io.github.ssmonprem.sync.SsmSyncClient;
import io.github.ssmonprem.sync.model.Account;
import io.github.ssmonprem.sync.model.License;
import io.github.ssmonprem.sync.usage.Acknowledgement;
import io.github.ssmonprem.sync.usage.DeliveryResult;
import io.github.ssmonprem.sync.usage.RumReport;
import io.github.ssmonprem.sync.usage.UsageFiles;
import io.github.ssmonprem.sync.usage.UsageReport;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
// end::pull-push[]
import io.github.ssmonprem.core.Secret;
import io.github.ssmonprem.core.SsmClientConfig;
import io.github.ssmonprem.sync.usage.Sudi;

/** README, "Pulling licenses and pushing usage". */
final class PullingAndPushing {

    private PullingAndPushing() {
    }

    /** The application's own way to reach its devices. */
    interface Devices {
        void importAcknowledgement(Sudi device, String acknowledgement);
    }

    static void pullAndPush(SsmClientConfig config, String clientId, Secret clientSecret, Secret password, Devices devices) {
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
            // A device saved its usage file (license smart save usage); the application collected it.
            List<RumReport> rum = UsageFiles.defaults().read(Path.of("/var/spool/sdwan/edge-17-usage.xml"));
            UsageReport report = UsageReport.of("acme.example", "Branch-East", rum);   // its id derived from its content
            for (DeliveryResult delivery : ssm.submitUsage(report)) {  // stored durably first, then uploaded and polled
                delivery.acknowledgements().forEach(ack -> devices.importAcknowledgement(ack.sudi(), ack.text()));
            }
            for (Acknowledgement ack : ssm.usage().acknowledgements()) {  // every ACK not taken yet, also from earlier syncs
                devices.importAcknowledgement(ack.sudi(), ack.text());      // license smart import on that device
                ssm.usage().take(ack.id());                                 // only once the device has it
            }
        }
        // end::pull-push[]
    }
}
