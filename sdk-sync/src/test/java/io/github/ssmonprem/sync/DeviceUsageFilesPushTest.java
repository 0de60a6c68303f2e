package io.github.ssmonprem.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.ssmonprem.core.testing.TestClock;
import io.github.ssmonprem.emulator.DeviceUsageFiles;
import io.github.ssmonprem.emulator.RumReportFixture;
import io.github.ssmonprem.emulator.SsmEmulator;
import io.github.ssmonprem.sync.store.FileSyncStore;
import io.github.ssmonprem.sync.usage.DeliveryResult;
import io.github.ssmonprem.sync.usage.ReportStatus;
import io.github.ssmonprem.sync.usage.RumReport;
import io.github.ssmonprem.sync.usage.UsageFiles;
import io.github.ssmonprem.sync.usage.UsageReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The usage files devices save, pushed as an application pushes them: read from disk, submitted, and
 * received by the server with every payload byte for byte as the device wrote it, spacing and escapes a
 * JSON library would not reproduce included. Pushing the same files again sends nothing.
 */
class DeviceUsageFilesPushTest {

    @TempDir
    Path dir;

    private SsmEmulator emulator;
    private TestClock clock;

    /** Device 1 writes two reports, device 2 one, device 3 one: spaced and with {@code \/} escapes, as devices write them. */
    private final List<RumReportFixture> device12 = List.of(EmulatorFixtures.rum(1, 1671840750, 3), EmulatorFixtures.rum(1, 1671840751, 4),
            EmulatorFixtures.rum(2, 77, 1));
    private final List<RumReportFixture> device3 = List.of(RumReportFixture.builder().device(EmulatorFixtures.deviceId(3)).reportId(5)
            .reportIdUnderMeta().count(9, EmulatorFixtures.MEASURED_UNTIL.minusSeconds(3600), EmulatorFixtures.MEASURED_UNTIL)
            .escapeSlashes(true).build());

    @BeforeEach
    void start() {
        emulator = EmulatorFixtures.emulator(TestClock.start()).acknowledgeAfter(1, java.time.Duration.ZERO).start();
        clock = emulator.testClock();
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    private SsmSyncClient client(FileSyncStore store) {
        return SsmSyncClient.builder().config(emulator.clientConfig().build()).grant(emulator.passwordGrant()).store(store).build();
    }

    /** What an application does with the files its devices saved: read them, make one report of them, push it. */
    private static UsageReport push(List<Path> files, TestClock clock) {
        List<RumReport> rum = UsageFiles.defaults().readAll(files);
        return UsageReport.of(EmulatorFixtures.ACCOUNT, EmulatorFixtures.VIRTUAL_ACCOUNT, rum, clock);
    }

    @Test
    void theDevicesPayloadsArriveByteForByteAndPushingTheSameFilesAgainSendsNothing() throws Exception {
        for (RumReportFixture r : device12) {
            assertTrue(r.payload().contains("\": ") && r.payload().contains("\\/"), "the fixture is spaced and escaped: " + r.payload());
        }
        List<Path> files = List.of(DeviceUsageFiles.writeXml(dir.resolve("edge-usage.xml"), device12),
                DeviceUsageFiles.writeJsonArray(dir.resolve("wlc-usage.json"), device3));
        UsageReport report = push(files, clock);
        try (FileSyncStore store = new FileSyncStore(dir.resolve("state"), clock); SsmSyncClient ssm = client(store)) {
            List<DeliveryResult> results = ssm.submitUsage(report);
            assertEquals(List.of(ReportStatus.DELIVERED), results.stream().map(DeliveryResult::status).toList(), String.valueOf(results));
            assertEquals(3, results.get(0).acknowledgements().size(), "one acknowledgement per device");
        }

        List<RumReportFixture> all = new ArrayList<>(device12);
        all.addAll(device3);
        for (RumReportFixture r : all) {
            assertEquals(r.payload(), emulator.stats().receivedReport(r.key()).orElseThrow().payload(), "byte for byte: " + r.key());
        }
        assertEquals(all.stream().map(RumReportFixture::payload).sorted().toList(), emulator.stats().receivedPayloads().stream().sorted().toList());
        // The upload itself carries each payload as a JSON string whose value is the device's text, unchanged.
        JsonNode body = new ObjectMapper().readTree(emulator.stats().lastUploadBody());
        List<String> sent = new ArrayList<>();
        body.path("data").path("reports").forEach(group -> group.path("usage").forEach(u -> sent.add(u.path("payload").textValue())));
        assertEquals(all.stream().map(RumReportFixture::payload).sorted().toList(), sent.stream().sorted().toList());
        assertTrue(emulator.stats().lastUploadBody().contains("\\\\/"), "the escaped slash travels as the JSON string \\\\/");
        assertEquals(0, emulator.stats().refusedRequests());

        // The same files again, read anew, by a restarted application: nothing is sent.
        int requests = emulator.stats().requestLines().size();
        UsageReport again = push(List.of(files.get(1), files.get(0)), clock);
        assertEquals(report.reportId(), again.reportId(), "the id comes from the content");
        try (FileSyncStore store = new FileSyncStore(dir.resolve("state"), clock); SsmSyncClient ssm = client(store)) {
            DeliveryResult result = ssm.submitUsage(again).get(0);
            assertEquals(ReportStatus.DELIVERED, result.status());
            assertTrue(result.detail().contains("nothing was sent"), result.detail());
            assertEquals(3, result.acknowledgements().size(), "with the acknowledgements it got the first time");
        }
        assertEquals(requests, emulator.stats().requestLines().size(), "nothing was sent, not even a token request");
        for (RumReportFixture r : all) {
            assertEquals(1, emulator.stats().uploadsOf(r.key()), r.key());
        }
    }
}
