package io.github.ssmonprem.sync;

import io.github.ssmonprem.core.testing.FakeClock;
import io.github.ssmonprem.sync.model.UsageReport;
import io.github.ssmonprem.testkit.SsmEmulator;
import io.micrometer.core.instrument.MeterRegistry;

/** What the sync tests against the emulator share: one account, a client on the fake clock, a usage report. */
final class EmulatorFixtures {

    static final String ACCOUNT = "acme.example";
    static final String VIRTUAL_ACCOUNT = "VA1";

    private EmulatorFixtures() {
    }

    /** An emulator on the clock holding {@link #ACCOUNT} with {@link #VIRTUAL_ACCOUNT}; start it when configured. */
    static SsmEmulator.Builder emulator(FakeClock clock) {
        return SsmEmulator.builder().clock(clock).account(ACCOUNT, "Acme", VIRTUAL_ACCOUNT);
    }

    /** A client of the emulator on the clock, whose back-off waits move the clock; it still needs a store. */
    static SsmSyncClient.Builder client(SsmEmulator emulator, FakeClock clock) {
        return client(emulator, clock, null);
    }

    /** {@link #client(SsmEmulator, FakeClock)} recording its meters in {@code registry}. */
    static SsmSyncClient.Builder client(SsmEmulator emulator, FakeClock clock, MeterRegistry registry) {
        return SsmSyncClient.builder().config(emulator.clientConfig().clock(clock).sleeper(clock).meterRegistry(registry).build())
                .grant(emulator.passwordGrant());
    }

    /** A report of four licenses one device used over the last hour, in {@link #VIRTUAL_ACCOUNT}. */
    static UsageReport.Builder usage(FakeClock clock) {
        return UsageReport.builder(clock).account(ACCOUNT).virtualAccount(VIRTUAL_ACCOUNT).productInstance("vmanage-1")
                .device("edge-1", "regid.sdwan").usage("sdwan_dna_advantage", 4, clock.instant().minusSeconds(3600), clock.instant());
    }
}
