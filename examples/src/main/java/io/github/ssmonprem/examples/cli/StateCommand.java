package io.github.ssmonprem.examples.cli;

import io.github.ssmonprem.sync.store.FileSyncStore;
import io.github.ssmonprem.sync.store.SyncStore;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** A command that reads or changes the sync state: a local state directory. */
abstract class StateCommand extends BaseCommand {

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

    /** Where the state is, for people: the state directory. */
    String stateDescription() {
        return stateDirectory().toAbsolutePath().toString();
    }

    /**
     * Opens the store holding the state, creating the state directory when missing.
     *
     * @return the store
     */
    SyncStore openStore() {
        return new FileSyncStore(States.create(stateDirectory()));
    }

}
