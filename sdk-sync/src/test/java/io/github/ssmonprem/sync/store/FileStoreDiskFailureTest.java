package io.github.ssmonprem.sync.store;

import static io.github.ssmonprem.sync.store.StoreFixtures.POLL_ID;
import static io.github.ssmonprem.sync.store.StoreFixtures.T;
import static io.github.ssmonprem.sync.store.StoreFixtures.acks;
import static io.github.ssmonprem.sync.store.StoreFixtures.delivered;
import static io.github.ssmonprem.sync.store.StoreFixtures.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.ssmonprem.sync.usage.ReportStatus;
import io.github.ssmonprem.sync.usage.UsageReport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file store on a small file system of its own (tmpfs, mounted by the test: needs root, else
 * skipped) that fills up or turns read-only: every failure is a {@link SyncStoreException} saying
 * what to do, and no stored report or acknowledgement is lost.
 */
class FileStoreDiskFailureTest {

    private static final Duration LEASE = Duration.ofMinutes(5);
    private static final int PAGE = 4096;

    @TempDir
    Path dir;

    private Path disk;
    private Path filler;

    @BeforeEach
    void mountASmallDisk() throws Exception {
        disk = Files.createDirectories(dir.resolve("small-disk"));
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", disk.toString()), "cannot mount a small file system here (needs root)");
        filler = disk.resolve("filler");
    }

    @AfterEach
    void unmount() throws Exception {
        if (disk != null) {
            run("umount", disk.toString());
        }
    }

    private FileSyncStore open() {
        return new FileSyncStore(disk.resolve("state"), Clock.fixed(T, ZoneOffset.UTC));
    }

    /** Fills the disk, then frees as many pages as asked. */
    private void fill(int freePages) throws IOException {
        try (FileChannel channel = FileChannel.open(filler, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer chunk = ByteBuffer.allocate(PAGE);
            try {
                while (true) {
                    chunk.clear();
                    channel.write(chunk);
                }
            } catch (IOException full) {
                assertTrue(String.valueOf(full.getMessage()).contains("space"), full.toString());
            }
            long pages = (channel.size() + PAGE - 1) / PAGE;
            channel.truncate((pages - freePages) * PAGE);
        }
    }

    private List<String> names(String sub) throws Exception {
        try (Stream<Path> files = Files.list(disk.resolve("state").resolve(sub))) {
            return files.map(f -> f.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    private static SyncStoreException typed(String hint, Executable call) {
        SyncStoreException e = assertThrows(SyncStoreException.class, call);
        assertTrue(e.remediation().contains(hint), e.remediation());
        return e;
    }

    @Test
    void aFullDiskFailsAnAddTypedAndKeepsWhatWasStored() throws Exception {
        UsageReport small = report(1, 1);
        UsageReport large = report(2, 400);
        try (FileSyncStore store = open()) {
            store.add(small, "node-a", LEASE);
            fill(0);
            SyncStoreException e = typed("full", () -> store.add(large, "node-a", LEASE));
            assertTrue(e.getMessage().contains(large.reportId()), e.getMessage());
            assertTrue(e.remediation().contains("nothing was sent"), e.remediation());
            assertEquals(new UsageCounts(1, 0, 0), store.counts());
            typed("full", () -> store.claim(small.reportId(), "node-a", LEASE.multipliedBy(9)));
        }
        Files.delete(filler);
        try (FileSyncStore reopened = open()) {
            assertEquals(List.of(small), reopened.pending().stream().map(PendingReport::report).toList());
            assertEquals(List.of(), reopened.quarantine().orElseThrow().quarantined());
        }
        assertEquals(List.of(small.reportId() + ".claim", small.reportId() + ".report"), names("pending"), "no half-written file left");
    }

    @Test
    void aFullDiskFailsAnUpdateTypedAndKeepsThePreviousState() throws Exception {
        UsageReport r = report(3, 1);
        try (FileSyncStore store = open()) {
            store.add(r, "node-a", LEASE);
            PendingReport polling = store.pending().get(0).withUpload(POLL_ID, "nonce-1");
            store.update(polling, "node-a");
            fill(0);
            typed("full", () -> store.update(polling.withUpload("77412347487202399", "nonce-2").withFailure("HTTP 502"), "node-a"));
            assertEquals(List.of(polling), store.pending(), "still pending, with its previous state");
        }
    }

    @Test
    void aFullDiskFailsAnAcknowledgementBeforeItsCommitTypedAndTheReportStaysPending() throws Exception {
        UsageReport r = report(4, 2);
        try (FileSyncStore store = open()) {
            store.add(r, "node-a", LEASE);
            store.update(store.pending().get(0).withUpload(POLL_ID, "nonce-1"), "node-a");
            fill(0);
            typed("full", () -> store.acknowledge(delivered(r, T)));
            assertEquals(ReportStatus.PENDING, store.state(r.reportId()).orElseThrow().status());
            assertEquals(POLL_ID, store.state(r.reportId()).orElseThrow().pending().pollId(), "the next delivery polls for it again");
            assertEquals(List.of(), names("delivered"));
            Files.delete(filler);
            assertTrue(store.acknowledge(delivered(r, T)));
            assertEquals(acks(r, T), store.acknowledgements());
        }
    }

    @Test
    void anAcknowledgementWhoseFilesFindNoRoomIsKeptAndItsAcknowledgementsListedOnceThereIsRoom() throws Exception {
        UsageReport r = report(5, 2);
        try (FileSyncStore store = open()) {
            store.add(r, "node-a", LEASE);
            fill(1);   // room for the delivered file, none for the acknowledgement files
            assertTrue(store.acknowledge(delivered(r, T)), "recorded: the delivered file holds the acknowledgements");
            assertEquals(List.of(r.reportId() + ".delivered"), names("delivered"));
            assertEquals(List.of(), names("acks"));
            typed("full", store::acknowledgements);
            typed("full", store::counts);
            Files.delete(filler);
            assertEquals(acks(r, T), store.acknowledgements());
            assertEquals(new UsageCounts(0, 0, 2), store.counts());
            assertEquals(ReportStatus.DELIVERED, store.state(r.reportId()).orElseThrow().status());
        }
        assertEquals(List.of(), names("pending"));
    }

    @Test
    void aReadOnlyDirectoryFailsEveryChangeTypedAndLosesNothing() throws Exception {
        UsageReport kept = report(6, 1);
        UsageReport acknowledged = report(7, 2);
        try (FileSyncStore store = open()) {
            store.add(kept, "node-a", LEASE);
            store.add(acknowledged, "node-a", LEASE);
            store.acknowledge(delivered(acknowledged, T));
            assertTrue(run("mount", "-o", "remount,ro", disk.toString()));
            typed("writable", () -> store.add(report(8, 1), "node-a", LEASE));
            typed("writable", () -> store.update(store.pending().get(0), "node-a"));
            typed("writable", () -> store.take(acknowledged.reportId() + "-1"));
            typed("writable", store::acknowledgements);
            typed("writable", () -> store.saveOutcome(new SyncOutcome(T, T, true, 0, 0, 0, null, null)));
            typed("writable", FileStoreDiskFailureTest.this::open);
            assertTrue(run("mount", "-o", "remount,rw", disk.toString()));
        }
        try (FileSyncStore store = open()) {
            assertEquals(List.of(kept.reportId()), store.pending().stream().map(PendingReport::reportId).toList());
            assertEquals(acks(acknowledged, T), store.acknowledgements());
            assertEquals(List.of(), store.quarantine().orElseThrow().quarantined());
        }
    }

    private static boolean run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor() == 0;
    }
}
