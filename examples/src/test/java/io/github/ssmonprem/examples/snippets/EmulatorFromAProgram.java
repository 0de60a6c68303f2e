package io.github.ssmonprem.examples.snippets;

// tag::program[]
import io.github.ssmonprem.emulator.SsmEmulator;
import io.github.ssmonprem.sync.AccountSelection;
import io.github.ssmonprem.sync.SsmSyncClient;
import io.github.ssmonprem.sync.SyncResult;
// end::program[]

/** README, "Testing against the emulator": from a plain program, without JUnit. */
final class EmulatorFromAProgram {

    private EmulatorFromAProgram() {
    }

    static SyncResult syncOnce() {
        // tag::program[]
        try (SsmEmulator emulator = SsmEmulator.builder().https().start();      // demo account, grant and user
             SsmSyncClient client = SsmSyncClient.builder()
                 .config(emulator.clientConfig().build())                          // its URL and private CA
                 .grant(emulator.passwordGrant())
                 .account(AccountSelection.of(SsmEmulator.DEMO_ACCOUNT))
                 .build()) {
            SyncResult result = client.sync();
            System.out.println(result.outcome());
            return result;
        }
        // end::program[]
    }
}
