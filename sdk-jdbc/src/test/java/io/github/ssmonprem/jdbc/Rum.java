package io.github.ssmonprem.jdbc;

import io.github.ssmonprem.sync.usage.Acknowledgement;
import io.github.ssmonprem.sync.usage.AcknowledgementKind;
import io.github.ssmonprem.sync.usage.RumReport;
import io.github.ssmonprem.sync.usage.Sudi;
import io.github.ssmonprem.sync.usage.UsageReport;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/** Usage reports, acknowledgements and databases for the JDBC store's tests. */
final class Rum {

    static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");
    static final String ACCOUNT = "acme.example";

    private Rum() {
    }

    /** A device's RUM report, composed as an application metering its own use does. */
    static RumReport rum(Sudi device, long reportId) {
        return RumReport.builder().device(device).softwareTag("regid.2019-10.com.cisco.SDWAN,1.0_test")
                .entitlementTag("regid.2019-10.com.cisco.DNA_ADVANTAGE,1.0_test").reportId(reportId)
                .count(reportId % 7 + 1, T0.minusSeconds(3600), T0).clock(Clock.fixed(T0, ZoneOffset.UTC)).build();
    }

    /** The n-th test report: one RUM report of device SN-n (the same n gives an equal report and id). */
    static UsageReport report(int n) {
        return UsageReport.of(ACCOUNT, "VA1", List.of(rum(new Sudi("C9800-CL-K9", "SN-" + n), n)), Clock.fixed(T0, ZoneOffset.UTC));
    }

    /** A report of {@code devices} devices, one RUM report each. */
    static UsageReport reportOfDevices(int n, int devices) {
        List<RumReport> rums = new ArrayList<>();
        for (int d = 0; d < devices; d++) {
            rums.add(rum(new Sudi("C9800-CL-K9", "SN-" + n + "-" + d), n));
        }
        return UsageReport.of(ACCOUNT, "VA1", rums, Clock.fixed(T0, ZoneOffset.UTC));
    }

    /** The acknowledgement of each device of a report, as a delivery builds them. */
    static List<Acknowledgement> acks(UsageReport report, Instant at) {
        List<Acknowledgement> out = new ArrayList<>();
        List<Sudi> devices = report.devices();
        for (int i = 0; i < devices.size(); i++) {
            Sudi d = devices.get(i);
            out.add(new Acknowledgement(report.reportId() + "-" + i, AcknowledgementKind.USAGE, report.reportId(), report.account(), report.virtualAccount(), d,
                    "regid.2019-10.com.cisco.SDWAN,1.0_test", report.reportIdsOf(d), "QUNLIGZvciA=" + i, "corr-" + i, at));
        }
        return out;
    }

    static DataSource h2() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:store-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        return h2;
    }

    static DataSource database(String kind) {
        return kind.equals("postgresql") ? EmbeddedPg.pooled() : h2();
    }

    /** Damages a report's stored text as a failing disk or a careless hand would: it is no longer a stored report. */
    static boolean damage(DataSource ds, String prefix, String reportId) throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE " + prefix + "report SET report = '{\"account\":\"acme' WHERE report_id = ?")) {
            ps.setString(1, reportId);
            return ps.executeUpdate() == 1;
        }
    }

    static String freshPrefix() {
        return "s" + UUID.randomUUID().toString().replace("-", "").substring(0, 12) + "_";
    }
}
