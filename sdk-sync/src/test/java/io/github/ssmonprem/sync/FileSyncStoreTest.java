package io.github.ssmonprem.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ssmonprem.core.http.SsmJson;
import io.github.ssmonprem.sync.internal.UsageWireFormat;
import io.github.ssmonprem.sync.model.UsageReport;
import io.github.ssmonprem.sync.store.FileSyncStore;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.sync.store.SyncStoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSyncStoreTest {

    private static final Instant T = Instant.parse("2026-11-01T10:00:00Z");
    /** Where a slot's state line and body start (FileSyncStore's layout). */
    private static final int STATE_OFFSET = 2048;
    private static final int BODY_OFFSET = 4096;

    @TempDir
    Path dir;

    private static UsageReport report() {
        return report(2);
    }

    private static UsageReport report(int devices) {
        UsageReport.Builder b = UsageReport.builder(Clock.fixed(T, ZoneOffset.UTC)).account("acme.example")
                .virtualAccount("VA1").productInstance("vmanage-1");
        for (int d = 0; d < devices; d++) {
            b.device("edge-" + d, "regid.sdwan").usage("dna_advantage", 3 + d, T.minusSeconds(3600), T)
                    .usage("dna_essentials", 1, T.minusSeconds(3600), T);
        }
        return b.build();
    }

    /** Stores the entries, in this order, with a store closed afterwards. */
    private void storeAndClose(PendingReport... entries) {
        try (FileSyncStore store = new FileSyncStore(dir)) {
            for (PendingReport entry : entries) {
                store.savePending(entry);
            }
        }
    }

    private List<Path> slots() throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve("pending"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".slot")).sorted().collect(Collectors.toList());
        }
    }

    private Path onlySlot() throws Exception {
        List<Path> slots = slots();
        assertEquals(1, slots.size(), slots.toString());
        return slots.get(0);
    }

    private static JsonNode header(Path slot) throws IOException {
        byte[] all = Files.readAllBytes(slot);
        return SsmJson.mapper().readTree(Arrays.copyOfRange(all, 0, STATE_OFFSET));
    }

    private static void overwrite(Path slot, long position, byte[] bytes) throws Exception {
        try (FileChannel channel = FileChannel.open(slot, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(bytes), position);
        }
    }

    /** The report's compact form as its slot holds it. */
    private static JsonNode storedBody(Path slot) throws Exception {
        byte[] all = Files.readAllBytes(slot);
        return SsmJson.mapper().readTree(Arrays.copyOfRange(all, BODY_OFFSET, BODY_OFFSET + header(slot).path("bodyLength").asInt()));
    }

    @Test
    void aReportIsStoredInItsCompactFormAndReadBackWhole() throws Exception {
        UsageReport report = report();
        storeAndClose(PendingReport.of(report, T));
        Path slot = onlySlot();
        JsonNode header = header(slot);
        assertEquals(report.reportId(), header.path("reportId").asText());
        assertEquals("pending", header.path("state").asText());
        assertEquals(3, header.path("format").asInt());
        JsonNode body = storedBody(slot);
        assertEquals(report.reportId(), body.path("nonce").asText());
        assertEquals("[\"dna_advantage\",\"dna_essentials\"]", body.path("tags").toString(), "each tag written once");
        assertEquals("[\"edge-0\",\"regid.sdwan\",0,3,0,1,1,0]", body.path("devices").get(0).toString(),
                "a device's records as tag, count and period");

        try (FileSyncStore reopened = new FileSyncStore(dir)) {
            List<PendingReport> back = reopened.pendingReports();
            assertEquals(1, back.size());
            assertEquals(report, back.get(0).report());
            assertEquals(T, back.get(0).storedAt());
            assertNull(back.get(0).pollId());
            assertEquals(1, reopened.pendingCount());
        }
    }

    /** A fixed-size slot line: the JSON, spaces, a newline. */
    private static byte[] line(String json) {
        byte[] line = new byte[STATE_OFFSET];
        Arrays.fill(line, (byte) ' ');
        byte[] text = json.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(text, 0, line, 0, text.length);
        line[STATE_OFFSET - 1] = '\n';
        return line;
    }

    @Test
    void aSlotHoldingTheRequestBodyAsEarlierSnapshotsWroteItIsRead() throws Exception {
        UsageReport report = report(3);
        byte[] body = UsageWireFormat.encode(report);
        CRC32C crc = new CRC32C();
        crc.update(body);
        Path slot = Files.createDirectories(dir.resolve("pending")).resolve("000001.slot");
        Files.write(slot, line("{\"format\":2,\"state\":\"pending\",\"reportId\":\"" + report.reportId()
                + "\",\"account\":\"acme.example\",\"virtualAccount\":\"VA1\",\"storedAt\":\"" + T
                + "\",\"bodyLength\":" + body.length + ",\"bodyCrc32c\":" + crc.getValue() + "}"));
        Files.write(slot, line("{\"pollId\":\"poll-7\",\"attempts\":1,\"lastError\":null}"), StandardOpenOption.APPEND);
        Files.write(slot, body, StandardOpenOption.APPEND);
        try (FileSyncStore store = new FileSyncStore(dir)) {
            PendingReport back = store.pendingReports().get(0);
            assertEquals(report, back.report());
            assertEquals("poll-7", back.pollId());
            assertTrue(store.quarantined().isEmpty(), store.quarantined().toString());
            store.removePending(report.reportId());
            store.savePending(PendingReport.of(report(1), T));
            assertEquals(3, header(onlySlot()).path("format").asInt(), "the freed slot is reused in the current format");
        }
    }

    @Test
    void whenAReportWasStoredIsKeptToTheNanosecond() throws Exception {
        Instant storedAt = Instant.parse("2026-11-01T10:00:00.000123456Z");
        storeAndClose(PendingReport.of(report(), storedAt));
        try (FileSyncStore reopened = new FileSyncStore(dir)) {
            assertEquals(storedAt, reopened.pendingReports().get(0).storedAt());
        }
    }

    @Test
    void deliveryStateIsWrittenInPlaceAndTheLatestWins() throws Exception {
        UsageReport report = report();
        try (FileSyncStore store = new FileSyncStore(dir)) {
            PendingReport entry = PendingReport.of(report, T);
            store.savePending(entry);
            long size = Files.size(onlySlot());
            store.savePending(entry.withFailure("ServerUnavailableException: 502"));
            store.savePending(entry.withFailure("ServerUnavailableException: 502").withPollId("poll-42"));
            assertEquals(size, Files.size(onlySlot()), "the state is rewritten in place, not appended");
        }
        try (FileSyncStore reopened = new FileSyncStore(dir)) {
            PendingReport back = reopened.pendingReports().get(0);
            assertEquals("poll-42", back.pollId());
            assertEquals(1, back.attempts());
            assertEquals("ServerUnavailableException: 502", back.lastError());
        }
    }

    @Test
    void aLongLastErrorIsShortenedToFitItsLine() throws Exception {
        String longError = "SsmServiceException: " + "x".repeat(10_000);
        try (FileSyncStore store = new FileSyncStore(dir)) {
            PendingReport entry = PendingReport.of(report(), T);
            store.savePending(entry);
            store.savePending(entry.withFailure(longError));
            PendingReport back = store.pendingReports().get(0);
            assertEquals(1, back.attempts());
            assertTrue(back.lastError().startsWith("SsmServiceException: xxx") && back.lastError().endsWith("..."),
                    back.lastError().substring(0, 40));
            assertTrue(back.lastError().length() < STATE_OFFSET, "length " + back.lastError().length());
        }
    }

    @Test
    void aTornStateLineIsIgnoredAndTheReportKept() throws Exception {
        UsageReport report = report();
        storeAndClose(PendingReport.of(report, T).withPollId("poll-1"));
        // A line cut short: the start of the new state, then blocks never written.
        byte[] torn = new byte[STATE_OFFSET];
        byte[] start = "{\"pollId\":\"poll-2\",\"att".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(start, 0, torn, 0, start.length);
        overwrite(onlySlot(), STATE_OFFSET, torn);
        try (FileSyncStore reopened = new FileSyncStore(dir)) {
            PendingReport back = reopened.pendingReports().get(0);
            assertEquals(report, back.report());
            assertNull(back.pollId(), "without a readable state the report is resubmitted with its nonce");
            assertTrue(reopened.quarantined().isEmpty());
        }
    }

    @Test
    void aBodyThatDoesNotMatchItsChecksumIsQuarantinedNotDropped() throws Exception {
        UsageReport kept = report(1);
        storeAndClose(PendingReport.of(report(), T), PendingReport.of(kept, T));
        Path torn = slots().get(0);
        overwrite(torn, BODY_OFFSET + 40, "####".getBytes(StandardCharsets.UTF_8));
        try (FileSyncStore reopened = new FileSyncStore(dir)) {
            List<PendingReport> back = reopened.pendingReports();
            assertEquals(List.of(kept.reportId()), back.stream().map(PendingReport::reportId).collect(Collectors.toList()));
            assertEquals(1, reopened.quarantined().size());
            String note = reopened.quarantined().get(0);
            assertTrue(note.contains(torn.getFileName().toString()) && note.contains("checksum"), note);
        }
        assertTrue(Files.notExists(torn));
        try (Stream<Path> aside = Files.list(dir.resolve("quarantine"))) {
            assertEquals(2, aside.count(), "the slot and its .reason file");
        }
    }

    @Test
    void anAcknowledgedReportsSlotIsReusedByTheNextReport() throws Exception {
        UsageReport big = report(50);
        UsageReport small = report(1);
        try (FileSyncStore store = new FileSyncStore(dir)) {
            store.savePending(PendingReport.of(big, T).withPollId("p-big"));
            Path slot = onlySlot();
            store.removePending(big.reportId());
            assertEquals(0, store.pendingCount());
            assertEquals("free", header(slot).path("state").asText());

            store.savePending(PendingReport.of(small, T));
            assertEquals(slot, onlySlot(), "the free slot was reused");
            assertTrue(Files.size(slot) > BODY_OFFSET + header(slot).path("bodyLength").asLong(),
                    "the longer report's tail is still there, and must be ignored");
        }
        try (FileSyncStore reopened = new FileSyncStore(dir)) {
            List<PendingReport> back = reopened.pendingReports();
            assertEquals(1, back.size());
            assertEquals(small, back.get(0).report());
            assertNull(back.get(0).pollId(), "the previous report's delivery state is gone");
            assertTrue(reopened.quarantined().isEmpty());
        }
    }

    @Test
    void atMostFourFreeSlotsAreKept() throws Exception {
        try (FileSyncStore store = new FileSyncStore(dir)) {
            List<UsageReport> reports = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                UsageReport r = report(1);
                reports.add(r);
                store.savePending(PendingReport.of(r, T));
            }
            assertEquals(7, slots().size());
            for (UsageReport r : reports) {
                store.removePending(r.reportId());
            }
            assertEquals(0, store.pendingCount());
            assertEquals(4, slots().size(), "the other slots were deleted");
            assertTrue(store.pendingReports().isEmpty());
        }
    }

    @Test
    void aLargeReportIsStoredByABackgroundThreadWhileItsBodyIsGenerated() throws Exception {
        UsageReport big = report(5_000);   // 10,000 records: ~1 MB of request body
        byte[] expected = UsageWireFormat.encode(big);
        Set<String> writers = ConcurrentHashMap.newKeySet();
        try (FileSyncStore store = new FileSyncStore(dir)) {
            store.savePending(PendingReport.of(report(1), T));
            Path slot = onlySlot();
            store.removePending(store.pendingReports().get(0).reportId());
            byte[] body = assertTimeoutPreemptively(Duration.ofSeconds(30),
                    () -> store.encodeAndSavePending(PendingReport.of(big, T), out -> {
                        out.write(expected, 0, expected.length / 2);
                        // Half the body is generated: the slot receives the report meanwhile.
                        while (!big.reportId().equals(header(slot).path("reportId").asText())) {
                            LockSupport.parkNanos(Duration.ofMillis(1).toNanos());
                        }
                        Thread.getAllStackTraces().keySet().forEach(t -> writers.add(t.getName()));
                        out.write(expected, expected.length / 2, expected.length - expected.length / 2);
                    }));
            assertArrayEquals(expected, body, "the body returned for the request");
            assertTrue(writers.contains("ssm-store-writer"), writers.toString());
            long stored = header(slot).path("bodyLength").asLong();
            assertTrue(stored * 5 < expected.length, stored + " bytes stored for a body of " + expected.length);
        }
        try (FileSyncStore reopened = new FileSyncStore(dir)) {
            assertEquals(big, reopened.pendingReports().get(0).report(), "read back with a matching checksum");
            assertTrue(reopened.quarantined().isEmpty(), reopened.quarantined().toString());
        }
    }

    @Test
    void aLargeReportWhoseBodyIsReadyAtOnceIsStoredByWhicheverThreadStartsFirst() throws Exception {
        // A new store starts its background thread for its first large report; a body that takes no
        // time to generate is ready before that thread runs, and the calling thread makes the write.
        byte[] ready = "{}".getBytes(StandardCharsets.UTF_8);
        List<UsageReport> stored = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            UsageReport big = report(600);   // 1,200 records: written in the background when its thread is first
            try (FileSyncStore store = new FileSyncStore(dir)) {
                assertArrayEquals(ready, store.encodeAndSavePending(PendingReport.of(big, T), out -> out.write(ready)));
                stored.add(big);
                assertEquals(stored.size(), store.pendingCount());
            }
        }
        try (FileSyncStore reopened = new FileSyncStore(dir)) {
            assertEquals(Set.copyOf(stored), reopened.pendingReports().stream().map(PendingReport::report).collect(Collectors.toSet()));
            assertTrue(reopened.quarantined().isEmpty(), reopened.quarantined().toString());
        }
    }

    @Test
    void interruptsWhileLargeReportsAreStoredNeverLoseOrTearOne() throws Exception {
        // Interrupts land from before a large report's store starts to after it ends: while the lock is
        // taken, the body generated, the background write awaited, the slot recorded.
        List<UsageReport> stored = new ArrayList<>();
        int during = 0;
        int rounds = 40;
        Thread writer = Thread.currentThread();
        ExecutorService interrupter = Executors.newSingleThreadExecutor();
        try (FileSyncStore store = new FileSyncStore(dir)) {
            long storeNanos = 0;
            for (int i = 0; i < 3; i++) {
                UsageReport warm = report(5_000);
                long t0 = System.nanoTime();
                store.encodeAndSavePending(PendingReport.of(warm, T), out -> UsageWireFormat.encode(warm, out));
                storeNanos = System.nanoTime() - t0;
                stored.add(warm);
            }
            for (int i = 0; i < rounds; i++) {
                UsageReport big = report(5_000);
                // From 0 to 1.5 times as long as a store takes lately.
                long delay = storeNanos * i * 3 / (2 * rounds);
                Future<Long> interrupt = interrupter.submit(() -> {
                    LockSupport.parkNanos(delay);
                    long at = System.nanoTime();
                    writer.interrupt();
                    return at;
                });
                long t0 = System.nanoTime();
                long returned;
                try {
                    byte[] body = store.encodeAndSavePending(PendingReport.of(big, T), out -> UsageWireFormat.encode(big, out));
                    returned = System.nanoTime();
                    storeNanos = (storeNanos + returned - t0) / 2;
                    stored.add(big);
                    assertArrayEquals(UsageWireFormat.encode(big), body);
                } catch (SyncStoreException e) {
                    returned = System.nanoTime();
                    // An interrupted thread cannot use a file channel: typed, and nothing stored.
                    assertTrue(e.remediation().contains("interrupted"), e.remediation() + " " + e.getCause());
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!interrupt.isDone() && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(100_000);   // not Future.get: the interrupt may land while it waits
                }
                long interruptedAt = interrupt.get(0, TimeUnit.SECONDS);
                if (interruptedAt > t0 && interruptedAt < returned) {
                    during++;
                }
                assertTrue(Thread.interrupted(), "store " + i + " swallowed the interrupt");
                assertEquals(stored.size(), store.pendingCount(), "after store " + i);
            }
        } finally {
            interrupter.shutdownNow();
            Thread.interrupted();
        }
        assertTrue(during > rounds / 4, "only " + during + " interrupts landed while a report was stored");
        try (FileSyncStore reopened = new FileSyncStore(dir)) {
            assertEquals(Set.copyOf(stored), reopened.pendingReports().stream().map(PendingReport::report).collect(Collectors.toSet()));
            assertTrue(reopened.quarantined().isEmpty(), reopened.quarantined().toString());
        }
    }

    @Test
    void aBodyThatFailsHalfWayLeavesNoTraceAndTheSlotUsable() throws Exception {
        UsageReport big = report(5_000);
        UsageReport next = report(3_000);
        byte[] encoded = UsageWireFormat.encode(big);
        try (FileSyncStore store = new FileSyncStore(dir)) {
            store.savePending(PendingReport.of(report(1), T));
            store.removePending(store.pendingReports().get(0).reportId());
            Path slot = onlySlot();
            UncheckedIOException e = assertThrows(UncheckedIOException.class,
                    () -> store.encodeAndSavePending(PendingReport.of(big, T), out -> {
                        out.write(encoded, 0, 600 * 1024);   // while the background thread writes the report
                        throw new IOException("encoder broke");
                    }));
            assertTrue(e.getMessage().contains(big.reportId()), e.getMessage());
            assertEquals(0, store.pendingCount());
            assertEquals("free", header(slot).path("state").asText(), "the slot was released");

            store.encodeAndSavePending(PendingReport.of(next, T), out -> UsageWireFormat.encode(next, out));
            assertEquals(slot, onlySlot());
        }
        try (FileSyncStore reopened = new FileSyncStore(dir)) {
            List<PendingReport> back = reopened.pendingReports();
            assertEquals(1, back.size());
            assertEquals(next, back.get(0).report());
            assertTrue(reopened.quarantined().isEmpty(), reopened.quarantined().toString());
        }
    }

    @Test
    void aStoreSeesWhatAnotherStoreChangedInTheDirectory() throws Exception {
        UsageReport first = report(1);
        UsageReport second = report(2);
        try (FileSyncStore a = new FileSyncStore(dir); FileSyncStore b = new FileSyncStore(dir)) {
            a.savePending(PendingReport.of(first, T));
            assertEquals(1, b.pendingCount());
            b.removePending(first.reportId());
            assertEquals(0, a.pendingCount(), "a's knowledge of the slots is stale after b's change");
            a.savePending(PendingReport.of(second, T).withPollId("p-2"));
            assertEquals(1, slots().size(), "a reused the slot b freed");
            assertEquals(List.of(second.reportId()),
                    b.pendingReports().stream().map(PendingReport::reportId).collect(Collectors.toList()));
            b.savePending(PendingReport.of(second, T).withPollId("p-3"));
            assertEquals("p-3", a.pendingReports().get(0).pollId());
        }
    }

    @Test
    void aFullDiskFailsTheSaveTypedAndKeepsWhatWasStored() throws Exception {
        Path mount = Files.createDirectories(dir.resolve("small-disk"));
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", mount.toString()),
                "cannot mount a small file system here (needs root)");
        try {
            UsageReport small = report(1);
            UsageReport large = report(20_000);   // ~0.9 MB stored: more than the disk holds
            try (FileSyncStore store = new FileSyncStore(mount)) {
                store.savePending(PendingReport.of(small, T));
                SyncStoreException e = assertThrows(SyncStoreException.class,
                        () -> store.encodeAndSavePending(PendingReport.of(large, T), out -> UsageWireFormat.encode(large, out)));
                assertTrue(e.remediation().contains("full"), e.remediation());
                assertTrue(e.getMessage().contains(large.reportId()), e.getMessage());
                assertEquals(1, store.pendingCount());
            }
            try (FileSyncStore reopened = new FileSyncStore(mount)) {
                List<PendingReport> back = reopened.pendingReports();
                assertEquals(List.of(small), back.stream().map(PendingReport::report).collect(Collectors.toList()),
                        "the report stored before is intact");
                assertTrue(reopened.quarantined().isEmpty(), reopened.quarantined().toString());
            }
        } finally {
            run("umount", mount.toString());
        }
    }

    @Test
    void aRemovalThatFailsSaysTheAcknowledgedReportWillBeSentAgain() throws Exception {
        UsageReport acknowledged = report();
        storeAndClose(PendingReport.of(acknowledged, T));
        Path slot = onlySlot();
        assumeTrue(run("chattr", "+i", slot.toString()), "cannot make a file immutable here (needs root and ext4)");
        try (FileSyncStore store = new FileSyncStore(dir)) {
            SyncStoreException e = assertThrows(SyncStoreException.class, () -> store.removePending(acknowledged.reportId()));
            assertTrue(e.getMessage().contains(acknowledged.reportId()), e.getMessage());
            assertTrue(e.remediation().contains("stays pending and is sent again with its nonce"), e.remediation());
            assertEquals(1, store.pendingCount());
        } finally {
            run("chattr", "-i", slot.toString());
        }
    }

    private static boolean run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor() == 0;
    }

    @Test
    void namesTooLongForTheHeaderAreRefusedBeforeAnythingIsWritten() throws Exception {
        UsageReport report = UsageReport.builder(Clock.fixed(T, ZoneOffset.UTC)).account("a".repeat(1100) + ".example")
                .virtualAccount("V".repeat(1100)).productInstance("vmanage-1")
                .device("edge-1", "regid.sdwan").usage("dna_advantage", 1, T.minusSeconds(3600), T).build();
        try (FileSyncStore store = new FileSyncStore(dir)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> store.savePending(PendingReport.of(report, T)));
            assertTrue(e.getMessage().contains("too long"), e.getMessage());
            assertEquals(List.of(), slots(), "no slot was claimed");
        }
    }

    @Test
    void savingAStoredReportAgainDoesNotStoreItTwice() throws Exception {
        UsageReport report = report();
        try (FileSyncStore store = new FileSyncStore(dir)) {
            store.savePending(PendingReport.of(report, T));
            store.savePending(PendingReport.of(report, T));
            assertEquals(1, slots().size());
            assertEquals(1, store.pendingCount());
        }
    }

    @Test
    void storesSharingADirectoryNeverShareASlot() throws Exception {
        Set<String> kept = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (FileSyncStore a = new FileSyncStore(dir); FileSyncStore b = new FileSyncStore(dir)) {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                FileSyncStore store = t % 2 == 0 ? a : b;
                work.add(pool.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        UsageReport r = report(1 + i % 3);
                        store.savePending(PendingReport.of(r, T));
                        store.savePending(PendingReport.of(r, T).withPollId("p-" + i));
                        if (i % 2 == 0) {
                            store.removePending(r.reportId());
                        } else {
                            kept.add(r.reportId());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        try (FileSyncStore reopened = new FileSyncStore(dir)) {
            List<PendingReport> back = reopened.pendingReports();
            assertEquals(kept, back.stream().map(PendingReport::reportId).collect(Collectors.toSet()));
            assertTrue(back.stream().allMatch(p -> p.pollId() != null), "each kept report has its own state");
            assertTrue(reopened.quarantined().isEmpty(), reopened.quarantined().toString());
            assertEquals(kept.size(), reopened.pendingCount());
        }
    }

    @Test
    void processesSharingADirectoryNeverShareASlot() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> children = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            children.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), StoreWriterChild.class.getName(),
                    dir.toString(), "150").redirectError(ProcessBuilder.Redirect.INHERIT).start());
        }
        Set<String> kept = ConcurrentHashMap.newKeySet();
        try (FileSyncStore store = new FileSyncStore(dir)) {
            for (int i = 0; i < 150; i++) {
                UsageReport r = report(1 + i % 3);
                store.savePending(PendingReport.of(r, T));
                store.savePending(PendingReport.of(r, T).withPollId("p-" + r.reportId()));
                if (i % 5 == 0) {
                    store.pendingReports();
                }
                if (i % 2 == 0) {
                    store.removePending(r.reportId());
                } else {
                    kept.add(r.reportId());
                }
            }
        }
        for (Process child : children) {
            String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(child.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, child.exitValue(), out);
            out.lines().filter(l -> l.startsWith("KEPT ")).forEach(l -> kept.add(l.substring(5).trim()));
        }
        assertEquals(3 * 75, kept.size());
        try (FileSyncStore reopened = new FileSyncStore(dir)) {
            List<PendingReport> back = reopened.pendingReports();
            assertTrue(reopened.quarantined().isEmpty(), reopened.quarantined().toString());
            Set<String> found = back.stream().map(PendingReport::reportId).collect(Collectors.toSet());
            Set<String> lost = new HashSet<>(kept);
            lost.removeAll(found);
            assertEquals(Set.of(), lost, "reports overwritten by another process's report");
            assertEquals(kept.size(), back.size(), "no report stored twice, none acknowledged comes back");
            assertTrue(back.stream().allMatch(p -> ("p-" + p.reportId()).equals(p.pollId())), "each report kept its own state");
        }
    }
}
