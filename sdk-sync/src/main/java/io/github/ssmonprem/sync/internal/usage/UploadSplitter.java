package io.github.ssmonprem.sync.internal.usage;

import io.github.ssmonprem.sync.usage.InvalidUsageReportException;
import io.github.ssmonprem.sync.usage.RumReport;
import io.github.ssmonprem.sync.usage.Sudi;
import io.github.ssmonprem.sync.usage.UsageReport;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a usage report whose upload body would exceed a size into several reports, each delivered and
 * acknowledged on its own: in the report's order (by device, then report id), as many RUM reports to
 * a part as fit, so a device's reports stay together where they can. The same reports and size give
 * the same parts, and each part's id is derived from its content, so pushing the same reports again
 * finds every part stored.
 */
public final class UploadSplitter {

    private UploadSplitter() {
    }

    /**
     * Splits a report.
     *
     * @param report the report
     * @param maxBytes the largest upload body
     * @param clock the clock for the parts' creation time
     * @return the report itself when it fits, else its parts
     * @throws InvalidUsageReportException when one RUM report alone does not fit
     */
    public static List<UsageReport> split(UsageReport report, int maxBytes, Clock clock) {
        List<List<RumReport>> parts = new ArrayList<>();
        List<RumReport> part = new ArrayList<>();
        long size = UsageBodies.ENVELOPE_SIZE;
        Sudi device = null;
        for (RumReport r : report.reports()) {
            int entry = UsageBodies.entrySize(r);
            int group = UsageBodies.groupSize(r.sudi());
            if (UsageBodies.ENVELOPE_SIZE + group + entry > maxBytes) {
                throw new InvalidUsageReportException("RUM report " + r.key() + " takes " + entry + " bytes in an upload, more than the "
                        + maxBytes + " an upload may take (maxUploadBytes)");
            }
            long added = entry + (r.sudi().equals(device) ? 0 : group);
            if (size + added > maxBytes) {
                parts.add(part);
                part = new ArrayList<>();
                size = UsageBodies.ENVELOPE_SIZE;
                added = entry + group;
            }
            part.add(r);
            size += added;
            device = r.sudi();
        }
        parts.add(part);
        if (parts.size() == 1) {
            return List.of(report);
        }
        List<UsageReport> out = new ArrayList<>();
        for (List<RumReport> p : parts) {
            out.add(UsageReport.of(report.account(), report.virtualAccount(), p, clock));
        }
        return out;
    }
}
