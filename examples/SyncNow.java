/*
 * SyncNow: one SSM On-Prem sync from a cron job or a pipeline, as a single Java source file.
 *
 *   java -cp examples/target/ssm.jar examples/SyncNow.java
 *
 * Connects to SSM_URL with SSM_CLIENT_ID, SSM_CLIENT_SECRET, SSM_USERNAME, SSM_PASSWORD and syncs
 * SSM_ACCOUNT, keeping pending usage and the last state in SSM_STATE_DIR (optional: SSM_CA_CERT,
 * SSM_GRANT=client_credentials, HTTPS_PROXY, NO_PROXY). Without SSM_URL it runs against the embedded
 * emulator. Prints one line and exits with the ssm command line's codes: 0 success, 3 grant not found,
 * 4 invalid credentials, 5 other authorization error, 6 server unavailable, 7 TLS, 8 proxy
 * authentication, 1 anything else.
 */

import io.github.ssmonprem.examples.ExampleConnection;
import io.github.ssmonprem.examples.cli.ExitCodes;
import io.github.ssmonprem.sync.AccountSelection;
import io.github.ssmonprem.sync.SsmSyncClient;
import io.github.ssmonprem.sync.SyncResult;
import java.nio.file.Files;
import java.nio.file.Path;

public class SyncNow {
    public static void main(String[] args) throws Exception {
        String stateDir = System.getenv("SSM_STATE_DIR");
        Path state = stateDir != null ? Path.of(stateDir) : Files.createTempDirectory("ssm-sync-now");
        try (ExampleConnection connection = ExampleConnection.fromEnvironment(System.getenv());
             SsmSyncClient ssm = SsmSyncClient.builder()
                     .config(connection.config().build())
                     .grant(connection.grant())
                     .account(AccountSelection.of(connection.account()))
                     .stateDirectory(state)
                     .build()) {
            SyncResult result = ssm.sync();
            if (result.isSuccess()) {
                System.out.println("sync OK: " + result.outcome().licensesPulled() + " licenses, "
                        + result.outcome().reportsDelivered() + " reports delivered, "
                        + result.outcome().reportsPending() + " pending");
                System.exit(ExitCodes.OK);
            }
            System.out.println("sync FAILED (" + result.outcome().errorType() + "): " + result.error().getMessage());
            System.exit(ExitCodes.of(result.error()));
        }
    }
}
