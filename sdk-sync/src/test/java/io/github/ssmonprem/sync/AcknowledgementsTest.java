package io.github.ssmonprem.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.testing.TestClock;
import io.github.ssmonprem.emulator.IssuedAcknowledgement;
import io.github.ssmonprem.emulator.SsmEmulator;
import io.github.ssmonprem.sync.store.FileSyncStore;
import io.github.ssmonprem.sync.store.UsageCounts;
import io.github.ssmonprem.sync.usage.Acknowledgement;
import io.github.ssmonprem.sync.usage.DeliveryResult;
import io.github.ssmonprem.sync.usage.ReportStatus;
import io.github.ssmonprem.sync.usage.Sudi;
import io.github.ssmonprem.sync.usage.UsageReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every acknowledgement comes back to its own device: one per device, matched by SUDI, the text the
 * server issued for it; stored durably, handed to the listener, and kept (across restarts) until the
 * application takes it.
 */
class AcknowledgementsTest {

    @TempDir
    Path state;

    private SsmEmulator emulator;
    private TestClock clock;
    private final List<Acknowledgement> heard = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        emulator = EmulatorFixtures.emulator(TestClock.start()).acknowledgeAfter(1, Duration.ZERO).start();
        clock = emulator.testClock();
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    private SsmSyncClient client(FileSyncStore store, Consumer<Acknowledgement> listener) {
        return SsmSyncClient.builder().config(emulator.clientConfig().build()).grant(emulator.passwordGrant()).store(store)
                .acknowledgementListener(listener).build();
    }

    /** Four RUM reports of three devices: device 2 wrote two. */
    private UsageReport threeDevices() {
        return EmulatorFixtures.usage(clock, List.of(EmulatorFixtures.rum(3, 30, 1), EmulatorFixtures.rum(2, 21, 2),
                EmulatorFixtures.rum(1, 10, 3), EmulatorFixtures.rum(2, 20, 4)));
    }

    @Test
    void eachDeviceGetsTheAcknowledgementTheServerIssuedForItKeptUntilTaken() {
        UsageReport report = threeDevices();
        List<Acknowledgement> received;
        try (FileSyncStore store = new FileSyncStore(state, clock); SsmSyncClient ssm = client(store, heard::add)) {
            DeliveryResult result = ssm.submitUsage(report).get(0);
            assertEquals(ReportStatus.DELIVERED, result.status(), String.valueOf(result));
            received = result.acknowledgements();
            assertEquals(List.of(EmulatorFixtures.device(1), EmulatorFixtures.device(2), EmulatorFixtures.device(3)),
                    received.stream().map(Acknowledgement::sudi).toList(), "one per device");
            for (Acknowledgement ack : received) {
                List<IssuedAcknowledgement> issued = emulator.stats().acknowledgementsFor(EmulatorFixtures.deviceId(ack.sudi()));
                assertEquals(1, issued.size());
                assertEquals(issued.get(0).smartLicense(), ack.smartLicense(), "the server's acknowledgement for this device");
                assertEquals(issued.get(0).text(), ack.text());
                assertTrue(ack.text().contains("udi_serial_number=\"" + ack.sudi().serialNumber() + "\""), ack.text());
                assertEquals(issued.get(0).reportIds(), ack.rumReportIds(), "the device's own RUM reports");
                assertEquals(report.reportIdsOf(ack.sudi()), ack.rumReportIds());
                assertEquals(issued.get(0).correlationId(), ack.correlationId());
                assertEquals(report.reportId(), ack.reportId());
                assertEquals(EmulatorFixtures.ACCOUNT, ack.account());
                assertEquals(EmulatorFixtures.VIRTUAL_ACCOUNT, ack.virtualAccount());
                assertTrue(ack.fileName().startsWith(ack.sudi().fileName()), ack.fileName());
            }
            assertEquals(List.of("20", "21"), received.get(1).rumReportIds());
            assertEquals(received.get(0).correlationId(), result.server().correlationId(), "the server's correlation id, for support");
            assertEquals(received, heard, "the listener heard each acknowledgement once, once it was stored");
            assertEquals(received, ssm.usage().acknowledgements());
            assertEquals(3, ssm.status().acknowledgements());
        }

        // Kept across a restart until taken, then gone for good.
        try (FileSyncStore store = new FileSyncStore(state, clock); SsmSyncClient restarted = client(store, heard::add)) {
            assertEquals(received, restarted.usage().acknowledgements(), "kept until taken");
            assertTrue(restarted.usage().take(received.get(1).id()));
            assertFalse(restarted.usage().take(received.get(1).id()), "taken once");
            assertFalse(restarted.usage().take("no-such-ack"));
            assertEquals(List.of(received.get(0), received.get(2)), restarted.usage().acknowledgements());
            assertEquals(new UsageCounts(0, 0, 2), restarted.usage().counts());
            assertEquals(received, restarted.store().state(report.reportId()).orElseThrow().delivered().acknowledgements(),
                    "the delivered report keeps all its acknowledgements, taken or not");
        }
        try (FileSyncStore store = new FileSyncStore(state, clock)) {
            assertEquals(List.of(received.get(0), received.get(2)), store.acknowledgements(), "the take was durable");
        }
        assertEquals(3, heard.size(), "nothing was heard twice");
        assertEquals(3, emulator.stats().acknowledgementsIssued());
    }

    @Test
    void aListenerThatFailsLosesNoAcknowledgement() {
        try (FileSyncStore store = new FileSyncStore(state, clock); SsmSyncClient ssm = client(store, ack -> {
            heard.add(ack);
            throw new IllegalStateException("the device inventory is down");
        })) {
            DeliveryResult result = ssm.submitUsage(threeDevices()).get(0);
            assertEquals(ReportStatus.DELIVERED, result.status(), String.valueOf(result));
            assertEquals(3, heard.size(), "each acknowledgement was offered, whatever the listener did with the others");
            assertEquals(result.acknowledgements(), ssm.usage().acknowledgements(), "and each is kept until taken");
        }
    }

    @Test
    void acknowledgementsOfReportsDeliveredBySyncsAreStoredToo() {
        try (FileSyncStore store = new FileSyncStore(state, clock); SsmSyncClient ssm = client(store, heard::add)) {
            store.add(threeDevices(), ssm.nodeName(), EmulatorFixtures.LEASE);
            store.add(EmulatorFixtures.usage(clock, List.of(EmulatorFixtures.rum(4, 40, 1))), ssm.nodeName(), EmulatorFixtures.LEASE);
            SyncResult sync = ssm.sync();
            assertTrue(sync.isSuccess(), String.valueOf(sync.failure()));
            assertEquals(4, sync.deliveries().stream().mapToInt(d -> d.acknowledgements().size()).sum());
            List<Sudi> devices = ssm.usage().acknowledgements().stream().map(Acknowledgement::sudi).sorted().toList();
            assertEquals(List.of(EmulatorFixtures.device(1), EmulatorFixtures.device(2), EmulatorFixtures.device(3),
                    EmulatorFixtures.device(4)), devices);
            assertEquals(4, heard.size());
        }
        assertEquals(1, emulator.stats().accountSearches(), "the account ids were searched once, then cached");
    }
}
