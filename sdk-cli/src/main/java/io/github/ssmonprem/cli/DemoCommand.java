package io.github.ssmonprem.cli;

import io.github.ssmonprem.auth.AccessToken;
import io.github.ssmonprem.core.SsmClientConfig;
import io.github.ssmonprem.core.TlsConfig;
import io.github.ssmonprem.emulator.DeviceUsageFiles;
import io.github.ssmonprem.emulator.RumReportFixture;
import io.github.ssmonprem.emulator.SsmEmulator;
import io.github.ssmonprem.sync.AccountSelection;
import io.github.ssmonprem.sync.SsmSyncClient;
import io.github.ssmonprem.sync.SyncResult;
import io.github.ssmonprem.sync.model.Account;
import io.github.ssmonprem.sync.usage.Acknowledgement;
import io.github.ssmonprem.sync.usage.DeliveryResult;
import io.github.ssmonprem.sync.usage.RumReport;
import io.github.ssmonprem.sync.usage.UsageFiles;
import io.github.ssmonprem.sync.usage.UsageReport;
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
 * licensing application does against it, printing each step: token, accounts, licenses, a device's
 * usage file uploaded, its acknowledgement written to a file for the device, and a full sync.
 */
@Command(name = "demo", description = "Start the embedded SSM On-Prem emulator and run a full sync against it")
final class DemoCommand extends BaseCommand {

    @Option(names = "--state-dir", description = "where to keep the demo's state (default: a temporary directory)")
    Path stateDir;

    @Override
    int execute(Output out) throws Exception {
        long started = System.nanoTime();
        Map<String, Object> doc = new LinkedHashMap<>();
        Path state = stateDir != null ? States.create(stateDir) : Files.createTempDirectory("ssm-demo-state");
        try {
            return run(out, state, started, doc);
        } finally {
            if (stateDir == null) {
                States.delete(state);   // a demo leaves nothing behind in the temporary directory
            }
        }
    }

    private int run(Output out, Path state, long started, Map<String, Object> doc) throws Exception {
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
                        + "; expires at " + Output.instant(token.expiresAt()));
                out.line("           (a grant is the API Toolkit client ID and secret created in SSM On-Prem; "
                        + "the password grant adds a user's name and password)");
                doc.put("tokenExpiresAt", token.expiresAt());

                List<Account> accounts = ssm.listAccounts();
                for (Account a : accounts) {
                    out.line("2. Accounts " + a.accountDomain() + " (" + a.accountName() + "): virtual accounts "
                            + a.virtualAccounts().stream().map(v -> v.name()).toList());
                }
                out.line("           (a smart account holds a company's licenses; its virtual accounts divide them, "
                        + "e.g. per site)");
                doc.put("accounts", accounts.stream().map(Account::accountDomain).toList());

                long licenses = ssm.licenses(SsmEmulator.DEMO_ACCOUNT, List.of()).size();
                out.line("3. Licenses " + licenses + " pulled from " + SsmEmulator.DEMO_ACCOUNT + " ("
                        + Output.plural(emulator.stats().licensePages(), "page") + " of 100)");
                doc.put("licenses", licenses);

                Instant now = Instant.now();
                Path usageFile = DeviceUsageFiles.writeXml(state.resolve("edge-branch-1-usage.xml"), List.of(
                        RumReportFixture.builder().device("C8000V", "FDO2401A0BC").reportId(now.getEpochSecond())
                                .count(12, now.minus(Duration.ofDays(1)), now).spacing(true).escapeSlashes(true).build(),
                        RumReportFixture.builder().device("C8000V", "FDO2401A0BC").reportId(now.getEpochSecond() + 1)
                                .entitlementTag("regid.2019-10.com.cisco.DNA_Essentials,1.0_demo").count(4, now.minus(Duration.ofDays(1)), now)
                                .build()));
                List<RumReport> rum = UsageFiles.defaults().read(usageFile);
                UsageReport report = UsageReport.of(SsmEmulator.DEMO_ACCOUNT, "Branch-East", rum);
                DeliveryResult delivery = ssm.submitUsage(report).get(0);
                out.line("4. Usage    " + Output.plural(rum.size(), "RUM report") + " read from the device's usage file " + usageFile
                        + ", stored in " + state + ", uploaded and " + (delivery.delivered() ? "acknowledged after "
                        + Output.plural(emulator.stats().polls(), "poll") : "still pending: " + delivery.detail()));
                out.line("           (a RUM report is a device's signed record of its license use, uploaded unchanged; "
                        + "acknowledged: SSM On-Prem processed it and answered with an acknowledgement for the device; until then "
                        + "it stays pending on disk)");
                doc.put("usageReport", Map.of("reportId", report.reportId(), "status", delivery.status()));
                Path ackFile = null;
                for (Acknowledgement ack : ssm.usage().acknowledgements()) {
                    ackFile = Files.writeString(state.resolve(ack.fileName()), ack.text());
                    ssm.usage().take(ack.id());
                    out.line("5. ACK      for device " + ack.sudi() + " written to " + ackFile);
                    out.line("           (the acknowledgement goes back to its device, which imports it with "
                            + "`license smart import` to stay compliant)");
                }
                doc.put("acknowledgementFile", ackFile == null ? null : ackFile.toString());

                SyncResult sync = ssm.sync();
                out.line("6. Sync     " + (sync.isSuccess() ? "succeeded" : "failed") + ": " + sync.outcome().licensesPulled()
                        + " licenses (" + sync.changes().get(SsmEmulator.DEMO_ACCOUNT) + "), "
                        + Output.plural(sync.outcome().reportsPending(), "report") + " pending");
                out.line("           (+added -removed ~changed licenses since the last pull; out of compliance: "
                        + "more in use than bought)");
                doc.put("syncSuccess", sync.isSuccess());
                if (!sync.isSuccess() || !delivery.delivered() || ackFile == null) {
                    out.document(doc);
                    if (sync.failure().isPresent()) {
                        throw sync.failure().get();
                    }
                    throw new IllegalStateException("the demo's usage report was not delivered with its acknowledgement");
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
