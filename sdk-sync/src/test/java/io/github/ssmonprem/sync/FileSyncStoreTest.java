package io.github.ssmonprem.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.ssmonprem.core.http.SsmJson;
import io.github.ssmonprem.sync.internal.ReportFileFormat;
import io.github.ssmonprem.sync.model.UsageReport;
import io.github.ssmonprem.sync.store.DeadLetter;
import io.github.ssmonprem.sync.store.FileSyncStore;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.sync.store.QuarantinedEntry;
import io.github.ssmonprem.sync.store.ReportState;
import io.github.ssmonprem.sync.store.SyncStoreException;
import java.io.IOException;
import java.net.URISyntaxException;
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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the file store does beyond sdk-testkit's {@code SyncStoreContract} (run in sdk-sync-tests): its files, migration, damage and crashes. */
class FileSyncStoreTest {

    private static final Instant T = Instant.parse("2026-11-01T10:00:00Z");

    @TempDir
    Path dir;

    private static UsageReport report(int devices) {
        UsageReport.Builder b = UsageReport.builder(Clock.fixed(T, ZoneOffset.UTC)).account("acme.example")
                .virtualAccount("VA1").productInstance("vmanage-1");
        for (int d = 0; d < devices; d++) {
            b.device("edge-" + d, "regid.sdwan").usage("dna_advantage", 3 + d, T.minusSeconds(3600), T);
        }
        return b.build();
    }

    private static List<String> names(Path directory) throws Exception {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(f -> f.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    /** Copies the state directory the slot-format store wrote (src/test/resources/legacy-slot-state). */
    private Path legacyState() throws Exception {
        Path source = fixture();
        try (Stream<Path> files = Files.walk(source)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = dir.resolve(source.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
        return dir;
    }

    private static Path fixture() throws URISyntaxException {
        return Path.of(FileSyncStoreTest.class.getResource("/legacy-slot-state/expected.txt").toURI()).getParent();
    }

    /** id to (poll id or "-", device count), as the fixture's generator recorded them. */
    private static Map<String, String[]> expected() throws Exception {
        return Files.readAllLines(fixture().resolve("expected.txt")).stream().filter(l -> !l.isBlank())
                .map(l -> l.split(" ")).collect(Collectors.toMap(p -> p[0], p -> new String[] {p[1], p[2]}));
    }

    @Test
    void everyPendingReportOfASlotFormatDirectoryIsMigratedOnOpen() throws Exception {
        Map<String, String[]> expected = expected();
        assertEquals(3, expected.size());
        try (FileSyncStore store = new FileSyncStore(legacyState())) {
            List<PendingReport> back = store.pendingReports();
            assertEquals(expected.keySet(), back.stream().map(PendingReport::reportId).collect(Collectors.toSet()));
            for (PendingReport p : back) {
                String[] e = expected.get(p.reportId());
                assertEquals("-".equals(e[0]) ? null : e[0], p.pollId(), "the poll id, to resume polling");
                assertEquals(Integer.parseInt(e[1]), p.report().reports().size());
                assertEquals(p.pollId() == null ? 0 : 1, p.attempts());
            }
            assertTrue(store.quarantined().isEmpty(), store.quarantined().toString());
        }
        List<String> left = names(dir.resolve("pending"));
        assertEquals(3, left.stream().filter(n -> n.endsWith(".report")).count(), left.toString());
        assertEquals(List.of("7ba2a647-30bd-482a-85de-6e6a29a2a71d.state"), left.stream().filter(n -> !n.endsWith(".report")).toList(),
                "only the report with a delivery state has a state file; no slot is left");
        try (FileSyncStore reopened = new FileSyncStore(dir)) {
            assertEquals(3, reopened.pendingCount(), "migrated once, kept");
        }
    }

    @Test
    void aDamagedSlotIsQuarantinedOnMigrationAndTheOthersMigrated() throws Exception {
        Path slot = legacyState().resolve("pending/000002.slot");
        byte[] bytes = Files.readAllBytes(slot);
        bytes[4096 + 20] ^= 0x55;
        Files.write(slot, bytes);
        try (FileSyncStore store = new FileSyncStore(dir)) {
            assertEquals(2, store.pendingCount());
            List<QuarantinedEntry> aside = store.quarantined();
            assertEquals(1, aside.size());
            assertTrue(aside.get(0).description().contains("000002.slot") && aside.get(0).description().contains("checksum"),
                    aside.get(0).description());
            assertTrue(store.discardQuarantined(aside.get(0).id()));
            assertEquals(List.of(), store.quarantined());
            assertEquals(List.of(), names(dir.resolve("quarantine")));
        }
    }

    @Test
    void aReportIsWrittenOnceAsChecksummedCompactJsonAndItsDeliveryStateBesideIt() throws Exception {
        UsageReport r = report(2);
        Path pending = dir.resolve("pending");
        Path reportFile = pending.resolve(r.reportId() + ".report");
        try (FileSyncStore store = new FileSyncStore(dir)) {
            store.addPending(PendingReport.of(r, T));
            assertEquals(List.of(r.reportId() + ".report"), names(pending), "no state file until there is a state; no temporary file");
            String content = Files.readString(reportFile);
            assertTrue(content.matches("(?s)ssm-entry crc32c=[0-9a-f]{8}\n\\{.*\"tags\":\\[\"dna_advantage\"].*\\}"), content);
            PendingReport parsed = ReportFileFormat.decode(content.substring(content.indexOf('\n') + 1)
                    .getBytes(StandardCharsets.UTF_8));
            assertEquals(r, parsed.report());
            assertEquals(T, parsed.storedAt());

            byte[] before = Files.readAllBytes(reportFile);
            Instant modified = Files.getLastModifiedTime(reportFile).toInstant();
            assertTrue(store.updatePending(PendingReport.of(r, T).withPollId("poll-9").withClaim("node-a", T.plusSeconds(60))));
            assertEquals(List.of(r.reportId() + ".claim", r.reportId() + ".report", r.reportId() + ".state"), names(pending));
            assertTrue(Arrays.equals(before, Files.readAllBytes(reportFile)), "a state change never rewrites the report");
            assertEquals(modified, Files.getLastModifiedTime(reportFile).toInstant());
            assertTrue(Files.readString(pending.resolve(r.reportId() + ".state")).contains("\"pollId\":\"poll-9\""));

            assertTrue(store.markDelivered(r.reportId()));
            assertEquals(List.of(), names(pending));
            assertEquals(List.of(r.reportId()), names(dir.resolve("delivered")));
        }
    }

    @Test
    void aClaimIsAFileOfItsOwnAndADamagedOneReadsAsNoClaimWithoutQuarantine() throws Exception {
        UsageReport r = report(1);
        Path claimFile = dir.resolve("pending").resolve(r.reportId() + ".claim");
        try (FileSyncStore store = new FileSyncStore(dir, Clock.fixed(T, ZoneOffset.UTC))) {
            store.addPending(PendingReport.of(r, T));
            store.updatePending(PendingReport.of(r, T).withPollId("poll-1"));
            PendingReport mine = store.claim(r.reportId(), "node-a", Duration.ofMinutes(5)).orElseThrow();
            assertEquals(PendingReport.of(r, T).withPollId("poll-1").withClaim("node-a", T.plusSeconds(300)), mine);
            assertEquals(Optional.empty(), store.claim(r.reportId(), "node-b", Duration.ofMinutes(5)), "node-a holds it");
            assertTrue(Files.readString(claimFile).contains("node-a"));
            assertEquals(List.of(mine), store.pendingReports());

            Files.writeString(claimFile, Files.readString(claimFile).replace("node-a", "node-x"));
            assertEquals(List.of(PendingReport.of(r, T).withPollId("poll-1")), store.pendingReports(),
                    "a damaged claim is no claim; the poll id is kept");
            assertEquals(List.of(), store.quarantined());
            assertFalse(Files.exists(claimFile));
            assertEquals("node-b", store.claim(r.reportId(), "node-b", Duration.ofMinutes(5)).orElseThrow().claimOwner());
            assertTrue(store.markDelivered(r.reportId()));
            assertEquals(Optional.empty(), store.claim(r.reportId(), "node-b", Duration.ofMinutes(5)), "only pending reports are claimed");
        }
        assertEquals(List.of(), names(dir.resolve("pending")));
    }

    @Test
    void aDamagedStateFileIsQuarantinedAndTheReportStaysPendingWithoutItsPollId() throws Exception {
        UsageReport r = report(1);
        try (FileSyncStore store = new FileSyncStore(dir)) {
            store.addPending(PendingReport.of(r, T));
            store.updatePending(PendingReport.of(r, T).withPollId("poll-1"));
            Path state = dir.resolve("pending").resolve(r.reportId() + ".state");
            Files.writeString(state, Files.readString(state).replace("poll-1", "poll-2"));
            List<PendingReport> back = store.pendingReports();
            assertEquals(List.of(PendingReport.of(r, T)), back, "submitted again with its nonce, which the server counts once");
            assertEquals(1, store.quarantined().size());
            assertTrue(store.quarantined().get(0).description().contains(r.reportId() + ".state"), store.quarantined().toString());
        }
    }

    @Test
    void aPendingEntryFileOfThePreviousFormatIsMigratedOnOpen() throws Exception {
        UsageReport r = report(2);
        PendingReport entry = PendingReport.of(r, T).withPollId("poll-3").withFailure("ServerUnavailableException: 503");
        byte[] json = SsmJson.mapper().writeValueAsBytes(entry);
        CRC32C crc = new CRC32C();
        crc.update(json);
        Path pending = Files.createDirectories(dir.resolve("pending"));
        Files.write(pending.resolve(r.reportId() + ".entry"),
                (String.format("ssm-entry crc32c=%08x%n", crc.getValue()) + new String(json, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        try (FileSyncStore store = new FileSyncStore(dir)) {
            assertEquals(List.of(entry), store.pendingReports());
        }
        assertEquals(List.of(r.reportId() + ".report", r.reportId() + ".state"), names(pending));
    }

    @Test
    void aDamagedEntryIsQuarantinedNotDroppedAndDoesNotBlockTheOthers() throws Exception {
        UsageReport damaged = report(1);
        UsageReport intact = report(2);
        try (FileSyncStore store = new FileSyncStore(dir)) {
            store.addPending(PendingReport.of(damaged, T));
            store.addPending(PendingReport.of(intact, T.plusSeconds(1)));
            Path file = dir.resolve("pending").resolve(damaged.reportId() + ".report");
            Files.writeString(file, Files.readString(file).replace("[0,3,0]", "[0,9,0]"));
            assertEquals(List.of(intact.reportId()), store.pendingReports().stream().map(PendingReport::reportId).toList());
            List<QuarantinedEntry> aside = store.quarantined();
            assertEquals(1, aside.size());
            assertTrue(aside.get(0).description().contains(damaged.reportId()), aside.get(0).description());
            assertTrue(Files.readString(dir.resolve("quarantine").resolve(aside.get(0).id())).contains("[0,9,0]"),
                    "the damaged content is kept for inspection");
        }
    }

    @Test
    void aCrashBetweenTheTwoStepsOfAMoveLeavesTheReportInTheLaterStateOnly() throws Exception {
        UsageReport dead = report(1);
        UsageReport delivered = report(2);
        try (FileSyncStore store = new FileSyncStore(dir)) {
            store.addPending(PendingReport.of(dead, T));
            store.addPending(PendingReport.of(delivered, T));
            store.updatePending(PendingReport.of(delivered, T).withPollId("poll-1"));
            Path deadEntry = dir.resolve("pending").resolve(dead.reportId() + ".report");
            Path deliveredEntry = dir.resolve("pending").resolve(delivered.reportId() + ".report");
            Path deliveredState = dir.resolve("pending").resolve(delivered.reportId() + ".state");
            byte[] deliveredStateBytes = Files.readAllBytes(deliveredState);
            byte[] deadBytes = Files.readAllBytes(deadEntry);
            byte[] deliveredBytes = Files.readAllBytes(deliveredEntry);
            store.moveToDead(new DeadLetter(PendingReport.of(dead, T), 413, null, null, T));
            store.markDelivered(delivered.reportId());
            // as if the process died after writing the new state, before deleting the pending entry
            Files.write(deadEntry, deadBytes);
            Files.write(deliveredEntry, deliveredBytes);
            Files.write(deliveredState, deliveredStateBytes);
        }
        try (FileSyncStore reopened = new FileSyncStore(dir)) {
            assertEquals(List.of(), reopened.pendingReports());
            assertEquals(ReportState.Status.DEAD, reopened.state(dead.reportId()).orElseThrow().status());
            assertEquals(ReportState.Status.DELIVERED, reopened.state(delivered.reportId()).orElseThrow().status());
            assertEquals(List.of(), names(dir.resolve("pending")), "the stale entries are cleaned up");
        }
    }

    @Test
    void temporaryFilesLeftByACrashAreDeletedOnOpen() throws Exception {
        Files.createDirectories(dir.resolve("pending"));
        Files.writeString(dir.resolve("pending").resolve(".x.entry123.tmp"), "half");
        try (FileSyncStore store = new FileSyncStore(dir)) {
            assertEquals(0, store.pendingCount());
            assertTrue(store.quarantined().isEmpty());
        }
        assertEquals(List.of(), names(dir.resolve("pending")));
    }

    @Test
    void deliveredIdsAreForgottenOnOpenAfterTheRetention() throws Exception {
        UsageReport r = report(1);
        try (FileSyncStore store = new FileSyncStore(dir, Clock.fixed(T, ZoneOffset.UTC))) {
            store.addPending(PendingReport.of(r, T));
            store.markDelivered(r.reportId());
        }
        Instant later = T.plus(Duration.ofDays(31));
        try (FileSyncStore store = new FileSyncStore(dir, Clock.fixed(later, ZoneOffset.UTC))) {
            assertTrue(store.state(r.reportId()).isEmpty());
            assertEquals(List.of(), names(dir.resolve("delivered")));
        }
    }

    @Test
    void anIdThatCannotBeAFileNameIsRefusedBeforeAnythingIsWritten() throws Exception {
        UsageReport bad = new UsageReport("../escape", T, "acme.example", "VA1", "vmanage-1", report(1).reports());
        try (FileSyncStore store = new FileSyncStore(dir)) {
            assertThrows(IllegalArgumentException.class, () -> store.addPending(PendingReport.of(bad, T)));
            assertEquals(List.of(), names(dir.resolve("pending")));
        }
    }

    @Test
    void aFullDiskFailsTheAddTypedAndKeepsWhatWasStored() throws Exception {
        Path mount = Files.createDirectories(dir.resolve("small-disk"));
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", mount.toString()),
                "cannot mount a small file system here (needs root)");
        try {
            UsageReport small = report(1);
            UsageReport large = report(20_000);
            try (FileSyncStore store = new FileSyncStore(mount)) {
                store.addPending(PendingReport.of(small, T));
                SyncStoreException e = assertThrows(SyncStoreException.class, () -> store.addPending(PendingReport.of(large, T)));
                assertTrue(e.remediation().contains("full"), e.remediation());
                assertTrue(e.getMessage().contains(large.reportId()), e.getMessage());
                assertEquals(1, store.pendingCount());
            }
            try (FileSyncStore reopened = new FileSyncStore(mount)) {
                assertEquals(List.of(small), reopened.pendingReports().stream().map(PendingReport::report).toList());
                assertTrue(reopened.quarantined().isEmpty(), reopened.quarantined().toString());
                assertEquals(List.of(small.reportId() + ".report"), names(mount.resolve("pending")), "no half-written file left");
            }
        } finally {
            run("umount", mount.toString());
        }
    }

    @Test
    void aFullDiskFailsAStateChangeTypedAndChangesNothingWhileAnAcknowledgementNeedsNoRoom() throws Exception {
        Path mount = Files.createDirectories(dir.resolve("small-disk"));
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", mount.toString()),
                "cannot mount a small file system here (needs root)");
        try {
            UsageReport r = report(1);
            PendingReport polling = PendingReport.of(r, T).withPollId("poll-1");
            try (FileSyncStore store = new FileSyncStore(mount)) {
                store.addPending(PendingReport.of(r, T));
                store.updatePending(polling);
                Path filler = mount.resolve("filler");
                try (FileChannel channel = FileChannel.open(filler, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    ByteBuffer chunk = ByteBuffer.allocate(4096);
                    while (true) {
                        chunk.clear();
                        channel.write(chunk);
                    }
                } catch (IOException full) {
                    assertTrue(String.valueOf(full.getMessage()).toLowerCase(Locale.ROOT).contains("space"), full.toString());
                }
                SyncStoreException update = assertThrows(SyncStoreException.class, () -> store.updatePending(polling.withPollId("poll-2")));
                assertTrue(update.remediation().contains("full"), update.remediation());
                assertEquals(List.of(polling), store.pendingReports(), "still pending, with its previous state");
                assertTrue(store.markDelivered(r.reportId()), "the report file is moved, not written");
                Files.delete(filler);
            }
            assertEquals(List.of(), names(mount.resolve("pending")), "no temporary file left");
            assertEquals(List.of(r.reportId()), names(mount.resolve("delivered")));
        } finally {
            run("umount", mount.toString());
        }
    }

    private static boolean run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor() == 0;
    }

    @Test
    void processesSharingADirectoryKeepEveryReportAndItsOwnState() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> children = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            children.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), StoreWriterChild.class.getName(),
                    dir.toString(), "60").redirectError(ProcessBuilder.Redirect.INHERIT).start());
        }
        Set<String> kept = ConcurrentHashMap.newKeySet();
        try (FileSyncStore store = new FileSyncStore(dir)) {
            for (int i = 0; i < 60; i++) {
                UsageReport r = report(1 + i % 3);
                store.addPending(PendingReport.of(r, T));
                store.updatePending(PendingReport.of(r, T).withPollId("p-" + r.reportId()));
                if (i % 5 == 0) {
                    store.pendingReports();
                }
                if (i % 2 == 0) {
                    store.markDelivered(r.reportId());
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
        assertEquals(3 * 30, kept.size());
        try (FileSyncStore reopened = new FileSyncStore(dir)) {
            List<PendingReport> back = reopened.pendingReports();
            assertTrue(reopened.quarantined().isEmpty(), reopened.quarantined().toString());
            Set<String> lost = new HashSet<>(kept);
            lost.removeAll(back.stream().map(PendingReport::reportId).collect(Collectors.toSet()));
            assertEquals(Set.of(), lost);
            assertEquals(kept.size(), back.size(), "none acknowledged comes back");
            assertTrue(back.stream().allMatch(p -> ("p-" + p.reportId()).equals(p.pollId())), "each report kept its own state");
            assertFalse(Files.exists(dir.resolve("pending/.lock")));
        }
    }

    @Test
    void aDeliveredReportWhoseIdEndsInTmpIsNotDeletedAsALeftover() throws Exception {
        UsageReport report = UsageReport.builder(Clock.fixed(T, ZoneOffset.UTC)).reportId("usage-2026-11.tmp")
                .account("acme.example").virtualAccount("VA1").productInstance("vmanage-1")
                .device("edge-1", "regid.sdwan").usage("dna_advantage", 3, T.minusSeconds(3600), T).build();
        try (FileSyncStore store = new FileSyncStore(dir, Clock.fixed(T, ZoneOffset.UTC))) {
            store.addPending(PendingReport.of(report, T));
            assertTrue(store.markDelivered("usage-2026-11.tmp"));
        }
        Files.writeString(dir.resolve("delivered").resolve(".usage-2026-11.tmp.3f2a.tmp"), "a temporary file a crash left");
        try (FileSyncStore reopened = new FileSyncStore(dir, Clock.fixed(T, ZoneOffset.UTC))) {
            assertEquals(ReportState.Status.DELIVERED, reopened.state("usage-2026-11.tmp").orElseThrow().status(),
                    "still known as delivered: submitting it again sends nothing");
        }
        assertEquals(List.of("usage-2026-11.tmp"), names(dir.resolve("delivered")), "only the store's own temporary file went");
    }

    @Test
    void theStateDirectoriesAndTheLockFileAreTheOwnersOnly() throws Exception {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path state = dir.resolve("state");
        Files.createDirectories(state.resolve("pending"), java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.createFile(state.resolve(".lock"), java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--")));
        try (FileSyncStore store = new FileSyncStore(state, Clock.fixed(T, ZoneOffset.UTC))) {
            store.addPending(PendingReport.of(report(1), T));
        }
        for (String sub : List.of("pending", "dead", "delivered", "quarantine", "snapshots")) {
            assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(state.resolve(sub))), sub);
        }
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve(".lock"))));
        Path fresh = dir.resolve("fresh").resolve("state");
        new FileSyncStore(fresh, Clock.fixed(T, ZoneOffset.UTC)).close();
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh.resolve(".lock"))));
    }
}
