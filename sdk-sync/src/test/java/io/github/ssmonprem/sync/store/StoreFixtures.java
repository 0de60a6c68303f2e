package io.github.ssmonprem.sync.store;

import io.github.ssmonprem.sync.usage.Acknowledgement;
import io.github.ssmonprem.sync.usage.AcknowledgementKind;
import io.github.ssmonprem.sync.usage.ReportStatus;
import io.github.ssmonprem.sync.usage.RumReport;
import io.github.ssmonprem.sync.usage.ServerMessage;
import io.github.ssmonprem.sync.usage.Sudi;
import io.github.ssmonprem.sync.usage.UsageReport;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Reports, acknowledgements and answers for the file store's tests; the same seed gives the same report in every process. */
final class StoreFixtures {

    static final Instant T = Instant.parse("2026-11-01T10:00:00Z");
    static final String POLL_ID = "77412347487202314";

    private StoreFixtures() {
    }

    /** A report of one RUM report per device, the same for the same seed. */
    static UsageReport report(long seed, int devices) {
        List<RumReport> rum = new ArrayList<>();
        for (int d = 0; d < devices; d++) {
            rum.add(RumReport.builder().device(new Sudi("C8000V", "FDO" + seed + "X" + d)).softwareTag("regid.2019-10.com.cisco.SDWAN,1.0_t")
                    .entitlementTag("regid.2019-10.com.cisco.DNA_ADVANTAGE,1.0_t").reportId(seed * 1000 + d)
                    .count(3 + d, T.minusSeconds(3600), T).clock(Clock.fixed(T, ZoneOffset.UTC)).build());
        }
        return UsageReport.of("acme.example", "SDWAN", rum, Clock.fixed(T, ZoneOffset.UTC));
    }

    /** The acknowledgement of every device of a report. */
    static List<Acknowledgement> acks(UsageReport report, Instant at) {
        List<Acknowledgement> out = new ArrayList<>();
        List<Sudi> devices = report.devices();
        for (int d = 0; d < devices.size(); d++) {
            String text = "<smartLicense>ack of " + devices.get(d) + "</smartLicense>";
            out.add(new Acknowledgement(report.reportId() + "-" + (d + 1), AcknowledgementKind.USAGE, report.reportId(), report.account(), report.virtualAccount(),
                    devices.get(d), "C8000V", report.reportIdsOf(devices.get(d)),
                    Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)), "corr-1", at));
        }
        return out;
    }

    /** The report delivered, with the acknowledgement of every device. */
    static DeliveredReport delivered(UsageReport report, Instant at) {
        return new DeliveredReport(report.reportId(), ReportStatus.DELIVERED, at, POLL_ID, new ServerMessage("COMPLETE", null, null, "corr-1"),
                acks(report, at));
    }

    /** The report refused, with acknowledgements of some devices. */
    static DeadLetter letter(PendingReport entry, List<Acknowledgement> acks, Instant at) {
        return new DeadLetter(entry.withFailure("the server refused the reports").withClaim(null, null), 200,
                new ServerMessage("FAILED", "SIGNATURE_INVALID", "Signature verification failed", "corr-2"), at, acks);
    }
}
