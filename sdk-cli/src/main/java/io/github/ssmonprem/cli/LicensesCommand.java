package io.github.ssmonprem.cli;

import io.github.ssmonprem.sync.SsmSyncClient;
import io.github.ssmonprem.sync.model.License;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ssm licenses}: the licenses of a smart account, every page. */
@Command(name = "licenses", description = "List the licenses of a smart account (every page)")
final class LicensesCommand extends ServerCommand {

    @Option(names = "--account", description = "smart account domain (env SSM_ACCOUNT)")
    String account;

    @Option(names = "--virtual-account", description = "a virtual account (repeatable; none: all)")
    List<String> virtualAccounts = new ArrayList<>();

    @Override
    int execute(Output out) {
        int count = 0;
        int outOfCompliance = 0;
        List<License> collected = out.json() ? new ArrayList<>() : null;
        String account = account(this.account);
        if (account == null) {
            throw new UsageError("No smart account given: --account is missing and SSM_ACCOUNT is not set.",
                    "Give --account DOMAIN or set SSM_ACCOUNT (`ssm accounts` lists the accounts this grant can see; see"
                            + " `ssm licenses --help`).");
        }
        try (SsmSyncClient client = readOnlyClient()) {
            checkVirtualAccounts(client, account, virtualAccounts);
            try (Stream<License> licenses = client.streamLicenses(account, virtualAccounts)) {
                for (License l : (Iterable<License>) licenses::iterator) {
                    if (count == 0) {   // the header once the first page arrived, never above an error
                        out.line(String.format("%-20s %-32s %8s %8s %8s  %s", "VIRTUAL ACCOUNT", "LICENSE", "QUANTITY",
                                "IN USE", "FREE", "STATUS"));
                    }
                    count++;
                    if (l.isOutOfCompliance()) {
                        outOfCompliance++;
                    }
                    if (collected != null) {
                        collected.add(l);
                    }
                    out.line(String.format("%-20s %-32s %8d %8d %8d  %s", l.virtualAccount(), l.license(), l.quantity(),
                            l.inUse(), l.available(), l.status()));
                }
            }
        }
        out.line(Output.plural(count, "license") + ", " + outOfCompliance + " out of compliance.");
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("account", account);
        doc.put("virtualAccounts", virtualAccounts);
        doc.put("count", count);
        doc.put("outOfCompliance", outOfCompliance);
        doc.put("licenses", collected);
        out.document(doc);
        return ExitCodes.OK;
    }
}
