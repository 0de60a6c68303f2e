package io.github.ssmonprem.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.http.SsmJson;
import io.github.ssmonprem.sync.model.UsageReport;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class UsageReportTest {

    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    private static final Instant T1 = Instant.parse("2026-11-02T00:00:00Z");

    private static UsageReport.Builder valid() {
        return UsageReport.builder().account("acme.example").virtualAccount("VA1").productInstance("vmanage-1")
                .device("edge-1", "regid.sdwan").usage("dna_advantage", 3, T0, T1);
    }

    @Test
    void eachBuiltReportGetsItsOwnNonceOnceAndKeepsItThroughJson() throws Exception {
        UsageReport a = valid().build();
        UsageReport b = valid().build();
        assertNotEquals(a.reportId(), b.reportId());
        UsageReport copy = SsmJson.mapper().readValue(SsmJson.mapper().writeValueAsBytes(a), UsageReport.class);
        assertEquals(a, copy);
        assertEquals(1, copy.recordCount());
    }

    @Test
    void invalidReportsFailWithClearErrors() {
        assertTrue(assertThrows(InvalidUsageReportException.class,
                () -> valid().device("edge-2", "tag").usage("x", -1, T0, T1).build()).getMessage().contains("negative count"));
        assertTrue(assertThrows(InvalidUsageReportException.class,
                () -> valid().device("edge-2", "tag").usage("x", 1, T1, T0).build()).getMessage().contains("before it starts"));
        assertTrue(assertThrows(InvalidUsageReportException.class,
                () -> UsageReport.builder().account("a").virtualAccount("v").productInstance("p").build())
                .getMessage().contains("empty"));
        assertTrue(assertThrows(InvalidUsageReportException.class,
                () -> valid().account(" ").build()).getMessage().contains("account"));
        assertTrue(assertThrows(InvalidUsageReportException.class,
                () -> valid().device("edge-2", "tag").build()).getMessage().contains("no usage records"));
    }
}
