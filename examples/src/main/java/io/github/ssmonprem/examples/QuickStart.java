package io.github.ssmonprem.examples;

import io.github.ssmonprem.auth.AccessToken;
import io.github.ssmonprem.sync.DeliveryResult;
import io.github.ssmonprem.sync.SsmSyncClient;
import io.github.ssmonprem.sync.model.Account;
import io.github.ssmonprem.sync.model.License;
import io.github.ssmonprem.sync.model.UsageReport;
import io.github.ssmonprem.sync.store.InMemorySyncStore;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The SDK in one page: build a client, authenticate, list accounts, pull licenses, push a usage report.
 *
 * <p>Runs against the embedded emulator by default; set {@code SSM_URL} (see {@link ExampleConnection})
 * for a real server.
 */
public final class QuickStart {

    private QuickStart() {
    }

    public static void main(String[] args) {
        run(System.getenv(), System.out);
    }

    /**
     * Runs the example.
     *
     * @param env the environment
     * @param out where to print
     */
    public static void run(Map<String, String> env, PrintStream out) {
        try (ExampleConnection connection = ExampleConnection.fromEnvironment(env);
                SsmSyncClient ssm = SsmSyncClient.builder()
                        .config(connection.config().build())
                        .grant(connection.grant())
                        .store(new InMemorySyncStore())   // a real application keeps a state directory
                        .build()) {
            out.println("Connected to " + connection.describe());

            AccessToken token = ssm.tokens().token();
            out.println("Authenticated; the token expires at " + token.expiresAt());

            for (Account account : ssm.listAccounts()) {
                out.println("Smart account " + account.accountDomain() + " with " + account.virtualAccounts().size()
                        + " virtual accounts");
            }

            List<License> licenses = ssm.licenses(connection.account(), List.of());
            long outOfCompliance = licenses.stream().filter(License::isOutOfCompliance).count();
            out.println(licenses.size() + " licenses in " + connection.account() + ", " + outOfCompliance + " out of compliance");

            Instant now = Instant.now();
            UsageReport report = UsageReport.builder()
                    .account(connection.account())
                    .virtualAccount(ssm.listAccounts().get(0).virtualAccounts().get(0).name())
                    .productInstance("quickstart-example")
                    .device("edge-1", "regid.2019-10.com.cisco.SDWAN")
                    .usage("sdwan_dna_advantage", 3, now.minus(Duration.ofHours(24)), now)
                    .build();
            DeliveryResult delivery = ssm.submitUsage(report);
            out.println("Usage report " + report.reportId() + ": " + delivery.status());
        }
    }
}
