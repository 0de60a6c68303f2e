package io.github.ssmonprem.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.sync.internal.UsageWireFormat;
import io.github.ssmonprem.sync.model.UsageReport;
import io.github.ssmonprem.sync.store.FileSyncStore;
import io.github.ssmonprem.sync.store.PendingReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSyncStoreTest {

    private static final Instant T = Instant.parse("2026-11-01T10:00:00Z");

    @TempDir
    Path dir;

    private static UsageReport report() {
        return UsageReport.builder(java.time.Clock.fixed(T, java.time.ZoneOffset.UTC)).account("acme.example")
                .virtualAccount("VA1").productInstance("vmanage-1")
                .device("edge-1", "regid.sdwan").usage("dna_advantage", 3, T.minusSeconds(3600), T)
                .usage("dna_essentials", 1, T.minusSeconds(3600), T)
                .device("edge-2", "regid.sdwan").usage("dna_advantage", 2, T.minusSeconds(3600), T)
                .build();
    }

    private Path file(UsageReport r) {
        return dir.resolve("pending").resolve(r.reportId() + ".report");
    }

    @Test
    void aReportIsStoredAsTheExactBytesItIsSentAsAndReadBackWhole() throws Exception {
        UsageReport report = report();
        new FileSyncStore(dir).savePending(PendingReport.of(report, T));
        byte[] stored = Files.readAllBytes(file(report));
        int headerEnd = indexOf(stored, 0);
        byte[] body = Arrays.copyOfRange(stored, headerEnd + 1, indexOf(stored, headerEnd + 1));
        assertArrayEquals(UsageWireFormat.encode(report), body, "serialised once, for the file and the request alike");

        List<PendingReport> reopened = new FileSyncStore(dir).pendingReports();
        assertEquals(1, reopened.size());
        assertEquals(report, reopened.get(0).report());
        assertEquals(T, reopened.get(0).storedAt());
        assertNull(reopened.get(0).pollId());
    }

    @Test
    void deliveryStateIsAppendedAndTheLatestLineWins() throws Exception {
        UsageReport report = report();
        FileSyncStore store = new FileSyncStore(dir);
        PendingReport entry = PendingReport.of(report, T);
        store.savePending(entry);
        store.savePending(entry.withFailure("ServerUnavailableException: 502"));
        store.savePending(entry.withFailure("ServerUnavailableException: 502").withPollId("poll-42"));
        PendingReport back = new FileSyncStore(dir).pendingReports().get(0);
        assertEquals("poll-42", back.pollId());
        assertEquals(1, back.attempts());
        assertEquals(4, Files.readAllLines(file(report)).size(), "header, body and two state lines");
    }

    @Test
    void aStateLineTornByACrashIsIgnored() throws Exception {
        UsageReport report = report();
        FileSyncStore store = new FileSyncStore(dir);
        store.savePending(PendingReport.of(report, T).withPollId("poll-1"));
        Files.write(file(report), "{\"pollId\":\"poll-2\",\"att".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
        PendingReport back = new FileSyncStore(dir).pendingReports().get(0);
        assertEquals("poll-1", back.pollId());
        assertTrue(store.quarantined().isEmpty());
    }

    @Test
    void aReportWhoseHeaderDoesNotMatchItsNameIsQuarantined() throws Exception {
        UsageReport report = report();
        FileSyncStore store = new FileSyncStore(dir);
        store.savePending(PendingReport.of(report, T));
        Files.move(file(report), dir.resolve("pending").resolve("other-id.report"));
        FileSyncStore reopened = new FileSyncStore(dir);
        assertTrue(reopened.pendingReports().isEmpty());
        assertEquals(1, reopened.quarantined().size());
        assertTrue(reopened.quarantined().get(0).contains("does not match its file name"), reopened.quarantined().get(0));
    }

    @Test
    void removingAnAcknowledgedReportDeletesIt() throws Exception {
        UsageReport report = report();
        FileSyncStore store = new FileSyncStore(dir);
        store.savePending(PendingReport.of(report, T).withPollId("p"));
        store.removePending(report.reportId());
        assertEquals(0, store.pendingCount());
        try (var files = Files.list(dir.resolve("pending"))) {
            assertEquals(0, files.count(), "no temporary or state file left behind");
        }
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
