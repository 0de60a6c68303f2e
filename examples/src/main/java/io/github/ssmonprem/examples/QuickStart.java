package io.github.ssmonprem.examples;

import io.github.ssmonprem.auth.AccessToken;
import io.github.ssmonprem.sync.SsmSyncClient;
import io.github.ssmonprem.sync.model.Account;
import io.github.ssmonprem.sync.model.License;
import io.github.ssmonprem.sync.usage.DeliveryResult;
import io.github.ssmonprem.sync.usage.RumReport;
import io.github.ssmonprem.sync.usage.Sudi;
import io.github.ssmonprem.sync.usage.UsageReport;
import io.github.ssmonprem.testkit.InMemorySyncStore;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * The SDK in one page: build a client, authenticate, list accounts, pull licenses, push a usage report.
 *
 * <p>Set {@code SSM_URL} and the credentials (see {@link ExampleConnection}) for your server, or pass
 * {@code --emulator} (or set {@code SSM_EMULATOR=1}) to try it against the built-in emulator. With
 * neither it exits with status 2 and says what to set.
 */
public final class QuickStart {

    private QuickStart() {
    }

    /**
     * Runs the example and exits with its status.
     *
     * @param args {@code --emulator} to use the built-in emulator
     */
    public static void main(String[] args) {
        System.exit(run(System.getenv(), List.of(args), System.out, System.err));
    }

    /**
     * Runs the example.
     *
     * @param env the environment
     * @param args the arguments ({@code --emulator} to use the built-in emulator)
     * @param out where to print
     * @param err where to print what is missing
     * @return the exit status: 0 done, 2 a setting is missing
     */
    public static int run(Map<String, String> env, List<String> args, PrintStream out, PrintStream err) {
        ExampleConnection opened;
        try {
            opened = ExampleConnection.open(env, args);
        } catch (ExampleConnection.NotConfigured e) {
            err.println("QuickStart: " + e.getMessage());
            return ExampleConnection.USAGE;
        }
        try (ExampleConnection connection = opened;
                SsmSyncClient ssm = SsmSyncClient.builder()
                        .config(connection.config().build())
                        .grant(connection.grant())
                        .store(new InMemorySyncStore())   // a real application keeps a state directory
                        .build()) {
            out.println("Connected to " + connection.describe());

            AccessToken token = ssm.tokens().token();
            out.println("Authenticated; the token expires at " + token.expiresAt().truncatedTo(ChronoUnit.SECONDS));

            for (Account account : ssm.listAccounts()) {
                int virtualAccounts = account.virtualAccounts().size();
                out.println("Smart account " + account.accountDomain() + " with " + virtualAccounts
                        + (virtualAccounts == 1 ? " virtual account" : " virtual accounts"));
            }

            List<License> licenses = ssm.licenses(connection.account(), List.of());
            long outOfCompliance = licenses.stream().filter(License::isOutOfCompliance).count();
            out.println(licenses.size() + (licenses.size() == 1 ? " license in " : " licenses in ") + connection.account() + ", " + outOfCompliance + " out of compliance");

            Instant now = Instant.now();
            RumReport usage = RumReport.builder()                      // an application metering its own use
                    .device(new Sudi("QUICKSTART", "EXAMPLE-0001"))
                    .softwareTag("regid.2019-10.com.cisco.SDWAN")
                    .entitlementTag("sdwan_dna_advantage")
                    .reportId(now.getEpochSecond())
                    .count(3, now.minus(Duration.ofHours(24)), now)
                    .build();
            String virtualAccount = ssm.listAccounts().get(0).virtualAccounts().get(0).name();
            for (DeliveryResult delivery : ssm.submitUsage(UsageReport.of(connection.account(), virtualAccount, List.of(usage)))) {
                out.println("Usage report " + delivery.reportId() + ": " + delivery.status() + ", "
                        + delivery.acknowledgements().size() + " acknowledgement(s)");
            }
        }
        return 0;
    }
}
