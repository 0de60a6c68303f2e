package io.github.ssmonprem.examples.cli;

import io.github.ssmonprem.sync.AccountSelection;
import io.github.ssmonprem.sync.SsmSyncClient;
import io.github.ssmonprem.sync.store.InMemorySyncStore;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** A command that talks to an SSM On-Prem server. */
abstract class ServerCommand extends BaseCommand {

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--state-dir", description = "pending usage and last sync state (env SSM_STATE_DIR; "
            + "default ~/.ssm-onprem-sdk/state)")
    Path stateDir;

    Path stateDirectory() {
        if (stateDir != null) {
            return stateDir;
        }
        String fromEnv = env().get("SSM_STATE_DIR");
        return fromEnv != null && !fromEnv.isBlank() ? Path.of(fromEnv)
                : Path.of(System.getProperty("user.home"), ".ssm-onprem-sdk", "state");
    }

    /** A client that keeps state in the state directory. */
    SsmSyncClient durableClient(List<AccountSelection> accounts) {
        return SsmSyncClient.builder().config(connection.config(env()).build()).grant(connection.grant(env()))
                .stateDirectory(stateDirectory()).accounts(accounts).build();
    }

    /** A client for read-only calls, which touch no state on disk. */
    SsmSyncClient readOnlyClient() {
        return SsmSyncClient.builder().config(connection.config(env()).build()).grant(connection.grant(env()))
                .store(new InMemorySyncStore()).build();
    }
}
