package io.github.ssmonprem.sync;

import io.github.ssmonprem.core.testing.TestClock;
import io.github.ssmonprem.emulator.DeviceId;
import io.github.ssmonprem.emulator.RumReportFixture;
import io.github.ssmonprem.emulator.SsmEmulator;
import io.github.ssmonprem.sync.usage.RumReport;
import io.github.ssmonprem.sync.usage.Sudi;
import io.github.ssmonprem.sync.usage.UsageReport;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the sync tests against the emulator share: one account, a client on the fake clock, RUM reports
 * as devices write them and usage reports made of them.
 */
final class EmulatorFixtures {

    static final String ACCOUNT = "acme.example";
    static final String VIRTUAL_ACCOUNT = "VA1";
    /** The product id of the test devices; device {@code n} has the serial number {@code SN-n}. */
    static final String PID = "C8000V";
    /** The end of every test measurement: fixed, so the same device and report id give the same RUM report. */
    static final Instant MEASURED_UNTIL = Instant.parse("2025-12-31T00:00:00Z");
    /** A lease long enough that a claim taken in a test holds through it, unless the test moves the store's clock. */
    static final Duration LEASE = Duration.ofMinutes(5);

    private EmulatorFixtures() {
    }

    /** An emulator on the clock holding {@link #ACCOUNT} with {@link #VIRTUAL_ACCOUNT}; start it when configured. */
    static SsmEmulator.Builder emulator(Clock clock) {
        return SsmEmulator.builder().clock(clock).account(ACCOUNT, "Acme", VIRTUAL_ACCOUNT);
    }

    /** A client of the emulator on the clock, whose back-off and poll waits move the clock; it still needs a store. */
    static SsmSyncClientBuilder client(SsmEmulator emulator, TestClock clock) {
        return client(emulator, clock, null);
    }

    /** {@link #client(SsmEmulator, TestClock)} recording its meters in {@code registry}. */
    static SsmSyncClientBuilder client(SsmEmulator emulator, TestClock clock, MeterRegistry registry) {
        return SsmSyncClient.builder().config(emulator.clientConfig().clock(clock).sleeper(clock).meterRegistry(registry).build())
                .grant(emulator.passwordGrant());
    }

    /** {@return the test device {@code n}: {@link #PID}, serial number {@code SN-n}} */
    static Sudi device(int n) {
        return new Sudi(PID, "SN-" + n);
    }

    /** {@return the test device {@code n} as the emulator names it} */
    static DeviceId deviceId(int n) {
        return deviceId(device(n));
    }

    /** {@return a device as the emulator names it} */
    static DeviceId deviceId(Sudi sudi) {
        return new DeviceId(sudi.pid(), sudi.serialNumber());
    }

    /** {@return a fixture's RUM report as the SDK reads it} */
    static RumReport rumReport(RumReportFixture fixture) {
        return RumReport.of(fixture.payload(), fixture.signature());
    }

    /**
     * {@return a RUM report of device {@code n} as the device writes it: {@code count} licenses in use
     * over the day before {@link #MEASURED_UNTIL}, its payload spaced and with escaped slashes as no
     * JSON library writes it}
     */
    static RumReportFixture rum(int device, long reportId, long count) {
        return RumReportFixture.builder().device(deviceId(device)).reportId(reportId)
                .count(count, MEASURED_UNTIL.minus(Duration.ofDays(1)), MEASURED_UNTIL).spacing(true).escapeSlashes(true).build();
    }

    /** {@return the usage report of some RUM reports, for {@link #ACCOUNT} / {@link #VIRTUAL_ACCOUNT}} */
    static UsageReport usage(Clock clock, List<RumReportFixture> reports) {
        return usage(clock, ACCOUNT, VIRTUAL_ACCOUNT, reports);
    }

    /** {@return the usage report of some RUM reports, for an account and virtual account} */
    static UsageReport usage(Clock clock, String account, String virtualAccount, List<RumReportFixture> reports) {
        List<RumReport> rum = new ArrayList<>();
        reports.forEach(r -> rum.add(rumReport(r)));
        return UsageReport.of(account, virtualAccount, rum, clock);
    }

    /** {@return a usage report of one RUM report: four licenses device 1 used, in {@link #VIRTUAL_ACCOUNT}} */
    static UsageReport usage(Clock clock) {
        return usage(clock, List.of(rum(1, 1001, 4)));
    }

    /** {@return the keys ({@code PID:SERIAL#REPORT_ID}) of a usage report's RUM reports, as the emulator counts uploads by} */
    static List<String> keys(UsageReport report) {
        return report.reports().stream().map(RumReport::key).toList();
    }
}
