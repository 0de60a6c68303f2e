package io.github.ssmonprem.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.emulator.SsmEmulator;
import io.github.ssmonprem.sync.SsmSyncClient;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.sync.usage.DeliveryResult;
import io.github.ssmonprem.sync.usage.ReportStatus;
import io.github.ssmonprem.sync.usage.Sudi;
import io.github.ssmonprem.sync.usage.UsageReport;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The SQL statements a delivery runs on PostgreSQL, counted through the data source, with the
 * emulator acknowledging at the first poll: what {@code cluster.db.statements.per.report} measures.
 */
class JdbcDeliveryStatementsTest {

    private static UsageReport report(int n) {
        return UsageReport.of(SsmEmulator.DEMO_ACCOUNT, "DEFAULT", List.of(Rum.rum(new Sudi("C8000V", "edge-" + n), n)));
    }

    @Test
    void aSubmittedReportCostsFourStatementsAndAPendingOneThreePlusItsShareOfTheClaim() throws Exception {
        CountingDataSource counting = new CountingDataSource(EmbeddedPg.pooled());
        JdbcSyncStore store = JdbcSyncStore.builder(counting.dataSource()).tablePrefix(Rum.freshPrefix()).build();
        try (SsmEmulator emulator = SsmEmulator.builder().acknowledgeAfter(0, Duration.ZERO).start();
                SsmSyncClient ssm = SsmSyncClient.builder().config(emulator.clientConfig().build()).grant(emulator.passwordGrant())
                        .store(store).nodeName("node-a").build()) {
            ssm.deliverPending();                                    // creates the tables, forgets old deliveries
            counting.drain();

            List<DeliveryResult> submitted = ssm.submitUsage(report(1));
            assertEquals(ReportStatus.DELIVERED, submitted.get(0).status());
            List<String> submit = counting.drain();
            assertEquals(4, submit.size(), "insert, poll id, delivery, its acknowledgement: " + submit);

            for (int n = 2; n <= 4; n++) {
                store.add(report(n), "setup", Duration.ofMinutes(1));
                PendingReport stored = store.state(report(n).reportId()).orElseThrow().pending();
                store.update(stored.withClaim(null, null), "setup");
            }
            counting.drain();
            List<DeliveryResult> delivered = ssm.deliverPending();
            assertEquals(3, delivered.size());
            assertTrue(delivered.stream().allMatch(DeliveryResult::delivered), delivered.toString());
            List<String> deliver = counting.drain();
            assertEquals(2 + 3 * 3, deliver.size(), "one claim of two statements, then poll id, delivery, acknowledgement each: " + deliver);
        }
    }
}
