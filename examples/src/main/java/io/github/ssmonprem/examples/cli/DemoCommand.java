package io.github.ssmonprem.examples.cli;

import io.github.ssmonprem.auth.AccessToken;
import io.github.ssmonprem.core.SsmClientConfig;
import io.github.ssmonprem.core.TlsConfig;
import io.github.ssmonprem.sync.AccountSelection;
import io.github.ssmonprem.sync.DeliveryResult;
import io.github.ssmonprem.sync.SsmSyncClient;
import io.github.ssmonprem.sync.SyncResult;
import io.github.ssmonprem.sync.model.Account;
import io.github.ssmonprem.sync.model.UsageReport;
import io.github.ssmonprem.testkit.SsmEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ssm demo}: starts the SSM On-Prem emulator (HTTPS with its own private CA) and runs what a
 * licensing application does against it, printing each step: token, accounts, licenses, a usage
 * report delivered and acknowledged, and a full sync.
 */
@Command(name = "demo", description = "Start the embedded SSM On-Prem emulator and run a full sync against it")
final class DemoCommand extends BaseCommand {

    @Option(names = "--state-dir", description = "where to keep the demo's state (default: a temporary directory)")
    Path stateDir;

    @Override
    int execute(Output out) throws Exception {
        long started = System.nanoTime();
        Map<String, Object> doc = new LinkedHashMap<>();
        Path state = stateDir != null ? stateDir : Files.createTempDirectory("ssm-demo-state");
        try (SsmEmulator emulator = SsmEmulator.builder().https().start()) {
            Path ca = Files.writeString(state.resolve("ssm-emulator-ca.pem"), emulator.caPem());
            out.line("SSM On-Prem emulator started at " + emulator.url() + " (HTTPS, private CA " + ca + ")");
            doc.put("url", emulator.url().toString());
            SsmClientConfig config = SsmClientConfig.builder().baseUrl(emulator.url()).noProxy()
                    .tls(TlsConfig.trustPemFile(ca)).build();
            try (SsmSyncClient ssm = SsmSyncClient.builder().config(config).grant(emulator.passwordGrant())
                    .stateDirectory(state).account(AccountSelection.of(SsmEmulator.DEMO_ACCOUNT)).build()) {
                AccessToken token = ssm.tokens().token();
                out.line("1. Token    obtained with the password grant of client ID " + SsmEmulator.DEMO_CLIENT_ID
                        + "; expires at " + token.expiresAt());
                doc.put("tokenExpiresAt", token.expiresAt());

                List<Account> accounts = ssm.listAccounts();
                for (Account a : accounts) {
                    out.line("2. Accounts " + a.accountDomain() + " (" + a.accountName() + "): virtual accounts "
                            + a.virtualAccounts().stream().map(v -> v.name()).toList());
                }
                doc.put("accounts", accounts.stream().map(Account::accountDomain).toList());

                long licenses = ssm.licenses(SsmEmulator.DEMO_ACCOUNT, List.of()).size();
                out.line("3. Licenses " + licenses + " pulled from " + SsmEmulator.DEMO_ACCOUNT + " ("
                        + emulator.stats().licensePages() + " pages of 100)");
                doc.put("licenses", licenses);

                Instant now = Instant.now();
                UsageReport report = UsageReport.builder().account(SsmEmulator.DEMO_ACCOUNT).virtualAccount("Branch-East")
                        .productInstance("sdwan-manager-demo")
                        .device("edge-branch-1", "regid.2019-10.com.cisco.SDWAN")
                        .usage("sdwan_dna_advantage", 12, now.minus(Duration.ofDays(1)), now)
                        .device("edge-branch-2", "regid.2019-10.com.cisco.SDWAN")
                        .usage("sdwan_dna_essentials", 4, now.minus(Duration.ofDays(1)), now)
                        .build();
                DeliveryResult delivery = ssm.submitUsage(report);
                out.line("4. Usage    report " + report.reportId() + " stored in " + state + ", submitted and "
                        + (delivery.delivered() ? "acknowledged after " + emulator.stats().polls() + " polls" : "still pending: " + delivery.error()));
                doc.put("usageReport", Map.of("reportId", report.reportId(), "status", delivery.status()));

                SyncResult sync = ssm.sync();
                out.line("5. Sync     " + (sync.isSuccess() ? "succeeded" : "failed") + ": " + sync.outcome().licensesPulled()
                        + " licenses (" + sync.changes().get(SsmEmulator.DEMO_ACCOUNT) + "), "
                        + sync.outcome().reportsPending() + " reports pending");
                doc.put("syncSuccess", sync.isSuccess());
                if (!sync.isSuccess() || !delivery.delivered()) {
                    out.document(doc);
                    throw sync.isSuccess() ? new IllegalStateException("the demo's usage report was not delivered") : sync.error();
                }
            }
        }
        long ms = (System.nanoTime() - started) / 1_000_000;
        out.line("Done in " + ms + " ms. Next: `ssm emulator` runs the emulator in the foreground for the other commands.");
        doc.put("durationMs", ms);
        out.document(doc);
        return ExitCodes.OK;
    }
}
