package io.github.ssmonprem.cli;

import io.github.ssmonprem.sync.SsmSyncClient;
import io.github.ssmonprem.sync.model.Account;
import io.github.ssmonprem.sync.model.VirtualAccount;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code ssm accounts}: the smart accounts and virtual accounts the user can see. */
@Command(name = "accounts", description = "List the smart accounts and virtual accounts the user can see")
final class AccountsCommand extends ServerCommand {

    @Override
    int execute(Output out) {
        try (SsmSyncClient client = readOnlyClient()) {
            List<Account> accounts = client.listAccounts();
            for (Account a : accounts) {
                out.line(a.accountDomain() + "  " + a.accountName() + "  (" + a.accountStatus() + ")");
                for (VirtualAccount va : a.virtualAccounts()) {
                    out.line("  " + va.name() + (va.isDefault() ? " (default)" : ""));
                }
            }
            out.line(accounts.size() + " smart account" + (accounts.size() == 1 ? "" : "s") + ".");
            out.document(Map.of("accounts", accounts));
        }
        return ExitCodes.OK;
    }
}
