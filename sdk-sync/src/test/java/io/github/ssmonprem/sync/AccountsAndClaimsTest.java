package io.github.ssmonprem.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.testing.TestClock;
import io.github.ssmonprem.emulator.SsmEmulator;
import io.github.ssmonprem.sync.store.DeadLetter;
import io.github.ssmonprem.sync.store.FileSyncStore;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.sync.store.UsageCounts;
import io.github.ssmonprem.sync.usage.DeliveryResult;
import io.github.ssmonprem.sync.usage.ReportStatus;
import io.github.ssmonprem.sync.usage.UsageDeliveryException;
import io.github.ssmonprem.sync.usage.UsageReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reports a sync cannot deliver say why, in the operator's terms: a virtual account the grant does not
 * see lists the ones it sees (and holds back no other report), and reports another node holds say which
 * node and until when.
 */
class AccountsAndClaimsTest {

    @TempDir
    Path state;

    private SsmEmulator emulator;
    private TestClock clock;
    private FileSyncStore store;

    @BeforeEach
    void start() {
        emulator = SsmEmulator.builder().testClock().account(EmulatorFixtures.ACCOUNT, "Acme", "VA1", "Lab").acknowledgeAfter(0, Duration.ZERO)
                .start();
        clock = emulator.testClock();
        store = new FileSyncStore(state, clock);
    }

    @AfterEach
    void stop() {
        store.close();
        emulator.close();
    }

    private SsmSyncClient client(String node) {
        return SsmSyncClient.builder().config(emulator.clientConfig().build()).grant(emulator.passwordGrant()).store(store).nodeName(node)
                .build();
    }

    @Test
    void aReportForAVirtualAccountTheGrantDoesNotSeeIsADeadLetterListingWhatItSees() {
        UsageReport hidden = EmulatorFixtures.usage(clock, EmulatorFixtures.ACCOUNT, "Branch-West", List.of(EmulatorFixtures.rum(1, 1, 2)));
        UsageReport visible = EmulatorFixtures.usage(clock, EmulatorFixtures.ACCOUNT, "VA1", List.of(EmulatorFixtures.rum(2, 1, 3)));
        try (SsmSyncClient ssm = client("node-a")) {
            store.add(hidden, "node-a", EmulatorFixtures.LEASE);       // the older: delivered first
            clock.advance(Duration.ofSeconds(1));
            store.add(visible, "node-a", EmulatorFixtures.LEASE);
            SyncResult sync = ssm.sync();

            assertFalse(sync.isSuccess(), "a sync that could not deliver a report does not report success");
            assertEquals(List.of(hidden.reportId(), visible.reportId()), sync.deliveries().stream().map(DeliveryResult::reportId).toList());
            assertEquals(List.of(ReportStatus.DEAD, ReportStatus.DELIVERED), sync.deliveries().stream().map(DeliveryResult::status).toList(),
                    "it holds back no other report");
            String why = sync.deliveries().get(0).detail();
            assertTrue(why.contains("'Branch-West'") && why.contains("it sees VA1, Lab"), why);
            DeadLetter letter = store.dead().get(0);
            assertEquals(hidden.reportId(), letter.reportId());
            assertTrue(letter.entry().lastError().contains("it sees VA1, Lab"), letter.entry().lastError());
            UsageDeliveryException failure = assertInstanceOf(UsageDeliveryException.class, sync.failure().orElseThrow());
            assertTrue(failure.getMessage().contains("it sees VA1, Lab"), failure.getMessage());
            assertTrue(failure.getMessage().contains("cannot be sent") && !failure.getMessage().contains("refused by the server"),
                    "the server refused nothing: " + failure.getMessage());
            assertTrue(failure.remediation().contains("give the API Toolkit grant's user access"), failure.remediation());
            assertEquals(200, letter.httpStatus(), "the account search's answer, which does not list it; no 404 made up");
            assertEquals(List.of(hidden.reportId()), sync.outcome().deadReports());
        }
        assertEquals(0, emulator.stats().uploadsOf(EmulatorFixtures.keys(hidden).get(0)), "nothing was sent with another account's ids");
        assertEquals(1, emulator.stats().uploadsOf(EmulatorFixtures.keys(visible).get(0)));
        assertEquals(0, emulator.stats().refusedRequests());
    }

    @Test
    void aReportForAnAccountTheGrantDoesNotSeeIsRefusedAndNotKept() {
        UsageReport unknown = EmulatorFixtures.usage(clock, "typo.example", "VA1", List.of(EmulatorFixtures.rum(1, 1, 2)));
        UsageReport unknownVa = EmulatorFixtures.usage(clock, EmulatorFixtures.ACCOUNT, "Typo-VA", List.of(EmulatorFixtures.rum(2, 1, 2)));
        try (SsmSyncClient ssm = client("node-a")) {
            AccountNotFoundException refused = assertThrows(AccountNotFoundException.class, () -> ssm.submitUsage(unknown));
            assertTrue(refused.detail().contains("'typo.example'") && refused.detail().contains(EmulatorFixtures.ACCOUNT)
                    && refused.detail().contains(SsmEmulator.DEMO_ACCOUNT), refused.detail());
            assertEquals("account", refused.setting());
            AccountNotFoundException noVa = assertThrows(AccountNotFoundException.class, () -> ssm.submitUsage(unknownVa));
            assertEquals("virtualAccount", noVa.setting());
            assertEquals("Typo-VA", noVa.virtualAccount().orElseThrow());
            assertEquals(new UsageCounts(0, 0, 0), ssm.usage().counts(), "nothing kept: no dead letter to discard");
        }
        assertEquals(0, emulator.stats().uploads());
    }

    @Test
    void aSyncThatFindsReportsClaimedByAnotherNodeSaysWhichNodeAndUntilWhen() {
        UsageReport theirs = EmulatorFixtures.usage(clock, List.of(EmulatorFixtures.rum(1, 1, 2)));
        store.add(theirs, "vmanage-2/4711/1", Duration.ofMinutes(5));      // node 2 is delivering it
        PendingReport held = store.pending().get(0);
        try (SsmSyncClient ssm = client("vmanage-1/815/1")) {
            SyncResult sync = ssm.sync();
            assertTrue(sync.isSuccess(), "another node delivering a report is no failure: " + sync.failure());
            assertEquals(1, sync.deliveries().size());
            DeliveryResult left = sync.deliveries().get(0);
            assertEquals(ReportStatus.PENDING, left.status());
            assertTrue(left.detail().contains("vmanage-2/4711/1") && left.detail().contains(held.claimedUntil().toString()), left.detail());
            assertEquals(1, sync.outcome().reportsPending());

            DeliveryResult submitted = ssm.submitUsage(theirs).get(0);
            assertEquals(ReportStatus.PENDING, submitted.status());
            assertTrue(submitted.detail().contains("vmanage-2/4711/1") && submitted.detail().contains(held.claimedUntil().toString()),
                    submitted.detail());
        }
        assertEquals(0, emulator.stats().uploads(), "this node left the report to the node that holds it");
        assertEquals("vmanage-2/4711/1", store.pending().get(0).claimOwner());
    }
}
