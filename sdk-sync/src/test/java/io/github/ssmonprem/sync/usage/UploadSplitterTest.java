package io.github.ssmonprem.sync.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.sync.internal.usage.UploadSplitter;
import io.github.ssmonprem.sync.internal.usage.UsageBodies;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UploadSplitterTest {

    private static UsageReport report(int count, int devices) {
        List<RumReport> rum = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            rum.add(Rum.report("C9800-CL-K9", "SN" + (i % devices), i));
        }
        return UsageReport.of("acme.example", "SDWAN", rum);
    }

    @Test
    void aReportThatFitsStaysAsItIs() {
        UsageReport r = report(3, 1);
        assertSame(r, UploadSplitter.split(r, 512 * 1024, Clock.systemUTC()).get(0));
    }

    @Test
    void partsFitTheLimitKeepEveryReportOnceAndAreTheSameEachTime() {
        UsageReport r = report(40, 4);
        List<UsageReport> parts = UploadSplitter.split(r, 8192, Clock.systemUTC());
        assertTrue(parts.size() > 1);
        for (UsageReport part : parts) {
            int size = UsageBodies.uploadBody(part, Long.MAX_VALUE, "0f5d5c8a-0c1e-4b39-9a55-0a4a2b6c8d11").length;
            assertTrue(size <= 8192, "a part of " + size + " bytes");
        }
        assertEquals(r.reports(), parts.stream().flatMap(p -> p.reports().stream()).toList(), "every report once, in order");
        assertEquals(parts.stream().map(UsageReport::reportId).toList(),
                UploadSplitter.split(report(40, 4), 8192, Clock.systemUTC()).stream().map(UsageReport::reportId).toList());
    }

    @Test
    void aRumReportLargerThanAnUploadIsRefused() {
        InvalidUsageReportException e = assertThrows(InvalidUsageReportException.class,
                () -> UploadSplitter.split(report(1, 1), 1024, Clock.systemUTC()));
        assertTrue(e.getMessage().contains("more than the 1024 an upload may take (maxUploadBytes)"), e.getMessage());
    }
}
