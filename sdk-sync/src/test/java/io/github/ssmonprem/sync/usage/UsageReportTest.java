package io.github.ssmonprem.sync.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class UsageReportTest {

    private static final RumReport A1 = Rum.report("C9800-CL-K9", "A", 1);
    private static final RumReport A2 = Rum.report("C9800-CL-K9", "A", 2);
    private static final RumReport B1 = Rum.report("C8000V", "B", 1);

    @Test
    void theIdIsDerivedFromTheAccountAndTheReportsWhateverTheirOrder() {
        UsageReport one = UsageReport.of("acme.example", "SDWAN", List.of(A1, A2, B1));
        UsageReport same = UsageReport.of("ACME.example", "SDWAN", List.of(B1, A2, A1));
        assertEquals(one.reportId(), same.reportId());
        assertTrue(one.reportId().matches("u[0-9a-f]{32}"), one.reportId());
        assertNotEquals(one.reportId(), UsageReport.of("acme.example", "Other", List.of(A1, A2, B1)).reportId());
        assertNotEquals(one.reportId(), UsageReport.of("acme.example", "SDWAN", List.of(A1, B1)).reportId());
    }

    @Test
    void groupsItsReportsByDeviceInOrder() {
        UsageReport r = UsageReport.of("acme.example", "SDWAN", List.of(A2, B1, A1));
        assertEquals(List.of(new Sudi("C8000V", "B"), new Sudi("C9800-CL-K9", "A")), r.devices());
        assertEquals(List.of(A1, A2), r.byDevice().get(new Sudi("C9800-CL-K9", "A")));
        assertEquals(List.of("1", "2"), r.reportIdsOf(new Sudi("C9800-CL-K9", "A")));
    }

    @Test
    void refusesTheSameReportTwiceAndMissingParts() {
        RumReport again = RumReport.of(Rum.payload("C9800-CL-K9", "A", 1), Rum.signature("C9800-CL-K9", "A"));
        InvalidUsageReportException twice = assertThrows(InvalidUsageReportException.class,
                () -> UsageReport.of("acme.example", "SDWAN", List.of(A1, again)));
        assertTrue(twice.getMessage().contains("C9800-CL-K9:A#1 is in the report twice"), twice.getMessage());
        assertThrows(InvalidUsageReportException.class, () -> UsageReport.of("acme.example", "SDWAN", List.of()));
        assertThrows(InvalidUsageReportException.class, () -> UsageReport.of(" ", "SDWAN", List.of(A1)));
        assertThrows(InvalidUsageReportException.class, () -> UsageReport.of("acme.example", "VA\n", List.of(A1)));
    }
}
