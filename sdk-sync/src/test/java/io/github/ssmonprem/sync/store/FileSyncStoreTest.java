package io.github.ssmonprem.sync.store;

import static io.github.ssmonprem.sync.store.StoreFixtures.POLL_ID;
import static io.github.ssmonprem.sync.store.StoreFixtures.T;
import static io.github.ssmonprem.sync.store.StoreFixtures.acks;
import static io.github.ssmonprem.sync.store.StoreFixtures.delivered;
import static io.github.ssmonprem.sync.store.StoreFixtures.letter;
import static io.github.ssmonprem.sync.store.StoreFixtures.report;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.ssmonprem.core.testing.TestClock;
import io.github.ssmonprem.sync.usage.Acknowledgement;
import io.github.ssmonprem.sync.usage.AcknowledgementKind;
import io.github.ssmonprem.sync.usage.ReportStatus;
import io.github.ssmonprem.sync.usage.RumReport;
import io.github.ssmonprem.sync.usage.ServerMessage;
import io.github.ssmonprem.sync.usage.UsageReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the file store does beyond sdk-testkit's {@code SyncStoreContract} (run in sdk-testkit's tests):
 * its files, damage, changes cut short, leftovers and retention. Crashes, full disks and shared
 * directories have tests of their own.
 */
class FileSyncStoreTest {

    private static final Duration LEASE = Duration.ofMinutes(5);

    @TempDir
    Path dir;

    private FileSyncStore open() {
        return new FileSyncStore(dir, Clock.fixed(T, ZoneOffset.UTC));
    }

    private List<String> names(String sub) throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve(sub))) {
            return files.map(f -> f.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void eachStateIsInTheFilesTheLayoutNames() throws Exception {
        UsageReport r = report(1, 2);
        String id = r.reportId();
        try (FileSyncStore store = open()) {
            store.add(r, "node-a", LEASE);
            assertEquals(List.of(id + ".claim", id + ".report"), names("pending"), "no state file until there is a state; no temporary file");
            Path reportFile = dir.resolve("pending").resolve(id + ".report");
            String content = Files.readString(reportFile);
            assertTrue(content.matches("(?s)ssm-entry crc32c=[0-9a-f]{8}\n\\{\"reportId\":\"" + id + "\".*\"storedAt\":.*\\}"), content);
            byte[] before = Files.readAllBytes(reportFile);
            Instant modified = Files.getLastModifiedTime(reportFile).toInstant();

            PendingReport polling = store.pending().get(0).withUpload(POLL_ID, "nonce-1");
            assertTrue(store.update(polling, "node-a"));
            assertEquals(List.of(id + ".claim", id + ".report", id + ".state"), names("pending"));
            assertArrayEquals(before, Files.readAllBytes(reportFile), "a state change never rewrites the report");
            assertEquals(modified, Files.getLastModifiedTime(reportFile).toInstant());
            assertTrue(Files.readString(dir.resolve("pending").resolve(id + ".state")).contains("\"pollId\":\"" + POLL_ID + "\""));

            assertTrue(store.refuse(letter(polling, List.of(acks(r, T).get(0)), T), "node-a"));
            assertEquals(List.of(), names("pending"));
            assertEquals(List.of(id + ".letter", id + ".report"), names("dead"));
            assertArrayEquals(before, Files.readAllBytes(dir.resolve("dead").resolve(id + ".report")), "the report file, moved");
            assertEquals(List.of(id + "~" + id + "-1.ack"), names("acks"));

            assertTrue(store.retry(id));
            assertEquals(List.of(), names("dead"));
            assertEquals(List.of(id + ".report"), names("pending"), "no claim, no state");
            store.claim(id, "node-b", LEASE);
            assertTrue(store.acknowledge(delivered(r, T)));
            assertEquals(List.of(), names("pending"));
            assertEquals(List.of(id + ".delivered"), names("delivered"));
            assertEquals(List.of(id + "~" + id + "-1.ack", id + "~" + id + "-2.ack"), names("acks"));
            assertEquals(T, Files.getLastModifiedTime(dir.resolve("delivered").resolve(id + ".delivered")).toInstant(),
                    "dated when it was delivered, for the retention");
            assertTrue(store.take(id + "-2"));
            assertEquals(List.of(id + "~" + id + "-1.ack"), names("acks"));
        }
    }

    @Test
    void theStoresFilesAndDirectoriesAreTheOwnersOnly() throws Exception {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "no POSIX permissions here");
        Path state = dir.resolve("state");
        UsageReport r = report(2, 1);
        try (FileSyncStore store = new FileSyncStore(state, Clock.fixed(T, ZoneOffset.UTC))) {
            store.add(r, "node-a", LEASE);
            store.acknowledge(delivered(r, T));
            store.add(report(3, 1), "node-a", LEASE);
            store.saveOutcome(new SyncOutcome(T, T, true, 0, 0, 0, null, null));
        }
        try (Stream<Path> all = Files.walk(state)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                assertEquals(Files.isDirectory(p) ? "rwx------" : "rw-------", perms, p.toString());
            }
        }
    }

    @Test
    void payloadAndSignatureAreJsonStringsThatReadBackExactly() throws Exception {
        String payload = "{\"asset_identification\": {\"report_id\": 7, \"asset\": {\"name\": \"regid.2019-10.com.cisco.SDWAN,1.0_a\\/b\"},"
                + " \"instance\": {\"sudi\": {\"udi_pid\": \"C8000V\", \"udi_serial_number\": \"FDO1\"}}}, \"meta\": {\"x\": \"caf\u00e9\"} }";
        String signature = "{\"sudi\": {\"udi_pid\": \"C8000V\", \"udi_serial_number\": \"FDO1\"}, \"key\": \"a\\/b\", \"value\": \"QQ==\"}";
        UsageReport r = UsageReport.of("acme.example", "SDWAN", List.of(RumReport.of(payload, signature)), Clock.fixed(T, ZoneOffset.UTC));
        try (FileSyncStore store = open()) {
            store.add(r, "node-a", LEASE);
        }
        String file = Files.readString(dir.resolve("pending").resolve(r.reportId() + ".report"));
        assertTrue(file.contains("\"payload\":\"{\\\"asset_identification\\\": {\\\"report_id\\\": 7"), file);
        assertTrue(file.contains("1.0_a\\\\/b"), "the backslash of \\/ is kept as a character of the text: " + file);
        try (FileSyncStore store = open()) {
            RumReport back = store.pending().get(0).report().reports().get(0);
            assertArrayEquals(payload.getBytes(StandardCharsets.UTF_8), back.payload().getBytes(StandardCharsets.UTF_8));
            assertArrayEquals(signature.getBytes(StandardCharsets.UTF_8), back.signature().getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void aDamagedReportIsQuarantinedWithItsContentAndBlocksNoOther() throws Exception {
        UsageReport damaged = report(4, 1);
        UsageReport intact = report(5, 2);
        try (FileSyncStore store = open()) {
            store.add(damaged, "node-a", LEASE);
            store.add(intact, "node-a", LEASE);
            store.update(store.state(damaged.reportId()).orElseThrow().pending().withUpload(POLL_ID, "n"), "node-a");
            Path file = dir.resolve("pending").resolve(damaged.reportId() + ".report");
            Files.writeString(file, Files.readString(file).replace("\"SDWAN\"", "\"SDWAX\""));
            assertEquals(List.of(intact.reportId()), store.pending().stream().map(PendingReport::reportId).toList());
            assertEquals(List.of(intact.reportId() + ".claim", intact.reportId() + ".report"), names("pending"),
                    "its state and claim go with it");
            Quarantine quarantine = store.quarantine().orElseThrow();
            List<QuarantinedEntry> aside = quarantine.quarantined();
            assertEquals(1, aside.size());
            assertTrue(aside.get(0).description().contains(damaged.reportId()) && aside.get(0).description().contains("checksum"),
                    aside.get(0).description());
            assertEquals(T, aside.get(0).quarantinedAt());
            assertTrue(Files.readString(dir.resolve("quarantine").resolve(aside.get(0).id())).contains("\"SDWAX\""),
                    "the damaged content is kept for inspection");
            assertFalse(quarantine.discardQuarantined("../pending/" + intact.reportId() + ".report"), "only a name in the quarantine");
            assertTrue(quarantine.discardQuarantined(aside.get(0).id()));
            assertEquals(List.of(), names("quarantine"));
        }
    }

    @Test
    void aDamagedStateFileIsQuarantinedAndTheReportStaysPendingWithoutItsPollId() throws Exception {
        UsageReport r = report(6, 1);
        try (FileSyncStore store = open()) {
            store.add(r, "node-a", LEASE);
            PendingReport polling = store.pending().get(0).withUpload(POLL_ID, "n");
            store.update(polling, "node-a");
            Path state = dir.resolve("pending").resolve(r.reportId() + ".state");
            Files.writeString(state, Files.readString(state).replace(POLL_ID, "77412347487202315"));
            assertEquals(List.of(polling.withUpload(null, null)), store.pending(),
                    "uploaded again, and the server answers that it has it already");
            assertEquals(1, store.quarantine().orElseThrow().quarantined().size());
        }
    }

    @Test
    void aDamagedClaimFileIsNoClaimAndIsDeletedNotQuarantined() throws Exception {
        UsageReport r = report(7, 1);
        try (FileSyncStore store = open()) {
            store.add(r, "node-a", LEASE);
            Path claim = dir.resolve("pending").resolve(r.reportId() + ".claim");
            Files.writeString(claim, Files.readString(claim).replace("node-a", "node-x"));
            assertEquals(List.of(PendingReport.of(r, T)), store.pending());
            assertFalse(Files.exists(claim));
            assertEquals(List.of(), store.quarantine().orElseThrow().quarantined());
            assertEquals("node-b", store.claim(r.reportId(), "node-b", LEASE).orElseThrow().claimOwner());
        }
    }

    @Test
    void aDamagedAcknowledgementFileIsWrittenAgainFromItsDeliveredReport() throws Exception {
        UsageReport r = report(8, 2);
        try (FileSyncStore store = open()) {
            store.add(r, "node-a", LEASE);
            store.acknowledge(delivered(r, T));
            // What a host crash can leave of a file renamed but not forced: its name, without its content.
            Path file = dir.resolve("acks").resolve(r.reportId() + "~" + r.reportId() + "-1.ack");
            Files.write(file, new byte[0]);
            assertEquals(acks(r, T), store.acknowledgements());
            assertEquals(List.of(), store.quarantine().orElseThrow().quarantined());
            assertTrue(Files.readString(file).startsWith("ssm-entry crc32c="), "written again");
        }
    }

    @Test
    void aDamagedAcknowledgementFileNoReportHoldsAnyMoreIsQuarantinedAndTheOthersAreListed() throws Exception {
        UsageReport r = report(20, 2);
        try (FileSyncStore store = open()) {
            store.add(r, "node-a", LEASE);
            assertTrue(store.refuse(letter(store.pending().get(0), acks(r, T), T), "node-a"));
            assertTrue(store.discard(r.reportId()), "the letter, the other copy of its acknowledgements, is gone");
            Path file = dir.resolve("acks").resolve(r.reportId() + "~" + r.reportId() + "-1.ack");
            Files.writeString(file, Files.readString(file).replace("corr-1", "corr-9"));
            assertEquals(List.of(acks(r, T).get(1)), store.acknowledgements());
            List<QuarantinedEntry> aside = store.quarantine().orElseThrow().quarantined();
            assertEquals(1, aside.size());
            assertTrue(aside.get(0).id().startsWith("acks-" + r.reportId() + "~" + r.reportId() + "-1.ack."), aside.get(0).id());
            assertEquals(T, aside.get(0).quarantinedAt());
            assertTrue(store.quarantine().orElseThrow().discardQuarantined(aside.get(0).id()));
            assertEquals(List.of(), names("quarantine"));
        }
    }

    @Test
    void anAcknowledgementCutShortIsCompletedByTheNextReadWithoutReopening() throws Exception {
        UsageReport r = report(9, 2);
        String id = r.reportId();
        try (FileSyncStore store = open()) {
            store.add(r, "node-a", LEASE);
            store.update(store.pending().get(0).withUpload(POLL_ID, "n"), "node-a");
            Path pending = dir.resolve("pending");
            byte[] reportFile = Files.readAllBytes(pending.resolve(id + ".report"));
            byte[] stateFile = Files.readAllBytes(pending.resolve(id + ".state"));
            assertTrue(store.acknowledge(delivered(r, T)));
            // As another process that died right after the commit leaves it: the pending files, no acknowledgement file.
            Files.write(pending.resolve(id + ".report"), reportFile);
            Files.write(pending.resolve(id + ".state"), stateFile);
            for (String ack : names("acks")) {
                Files.delete(dir.resolve("acks").resolve(ack));
            }
            assertTrue(store.take(id + "-1"), "completed first, then taken");
            assertEquals(List.of(), names("pending"));
            assertEquals(List.of(acks(r, T).get(1)), store.acknowledgements(), "a taken acknowledgement is not written again");
            assertEquals(new UsageCounts(0, 0, 1), store.counts(), "not counted as pending");
            assertEquals(ReportStatus.DELIVERED, store.state(id).orElseThrow().status());
            assertFalse(store.acknowledge(delivered(r, T)), "delivered once");
        }
    }

    @Test
    void aRefusalRetryOrDiscardCutShortIsReadAsItsLaterState() throws Exception {
        UsageReport refused = report(10, 2);
        UsageReport retried = report(11, 1);
        UsageReport discarded = report(12, 1);
        try (FileSyncStore store = open()) {
            for (UsageReport r : List.of(refused, retried, discarded)) {
                store.add(r, "node-a", LEASE);
                assertTrue(store.refuse(letter(store.state(r.reportId()).orElseThrow().pending(), List.of(acks(r, T).get(0)), T), "node-a"));
            }
        }
        // refused: the letter written, the report not moved yet; retried: the letter deleted, the report not moved yet;
        // discarded: the report deleted, the letter not yet.
        Path dead = dir.resolve("dead");
        Files.move(dead.resolve(refused.reportId() + ".report"), dir.resolve("pending").resolve(refused.reportId() + ".report"));
        Files.delete(dir.resolve("acks").resolve(refused.reportId() + "~" + refused.reportId() + "-1.ack"));
        Files.delete(dead.resolve(retried.reportId() + ".letter"));
        Files.delete(dead.resolve(discarded.reportId() + ".report"));
        try (FileSyncStore store = open()) {
            assertEquals(ReportStatus.DEAD, store.state(refused.reportId()).orElseThrow().status());
            assertEquals(List.of(PendingReport.of(retried, T)), store.pending());
            assertEquals(Optional.empty(), store.state(discarded.reportId()));
            assertEquals(List.of(refused.reportId()), store.dead().stream().map(DeadLetter::reportId).toList());
            assertEquals(3, store.acknowledgements().size(), "the refused report's acknowledgement is written again");
            assertEquals(List.of(), store.quarantine().orElseThrow().quarantined());
        }
        assertEquals(List.of(refused.reportId() + ".letter", refused.reportId() + ".report"), names("dead"));
    }

    @Test
    void onlyTemporaryFilesAreDeletedAsLeftoversEvenForIdsEndingInTmp() throws Exception {
        UsageReport pendingTmp = new UsageReport("r1.tmp", "acme.example", "SDWAN", T, report(13, 1).reports());
        UsageReport deliveredTmp = new UsageReport("r2.tmp", "acme.example", "SDWAN", T, report(14, 1).reports());
        try (FileSyncStore store = open()) {
            store.add(pendingTmp, "node-a", LEASE);
            store.add(deliveredTmp, "node-a", LEASE);
            Acknowledgement ack = acks(deliveredTmp, T).get(0);
            assertTrue(store.acknowledge(new DeliveredReport("r2.tmp", ReportStatus.DELIVERED, T, null,
                    new ServerMessage("COMPLETE", null, null, null), List.of(ack))));
        }
        Files.writeString(dir.resolve("pending").resolve(".r9.report.1f2e3d4c5b6a7988.tmp"), "half");
        Files.writeString(dir.resolve("acks").resolve(".r2.tmp~r2.tmp-1.ack.00ff.tmp"), "half");
        Files.writeString(dir.resolve("pending").resolve("notes.tmp"), "an operator's file");
        try (FileSyncStore store = open()) {
            assertEquals(List.of("r1.tmp"), store.pending().stream().map(PendingReport::reportId).toList());
            assertEquals(ReportStatus.DELIVERED, store.state("r2.tmp").orElseThrow().status());
            assertEquals(List.of("r2.tmp-1"), store.acknowledgements().stream().map(Acknowledgement::id).toList());
        }
        assertEquals(List.of("notes.tmp", "r1.tmp.claim", "r1.tmp.report"), names("pending"));
        assertEquals(List.of("r2.tmp~r2.tmp-1.ack"), names("acks"));
    }

    @Test
    void stateAndClaimFilesWithoutTheirReportAreDeletedOnOpen() throws Exception {
        Files.createDirectories(dir.resolve("pending"));
        Files.writeString(dir.resolve("pending").resolve("u1.state"), "x");
        Files.writeString(dir.resolve("pending").resolve("u1.claim"), "x");
        try (FileSyncStore store = open()) {
            assertEquals(new UsageCounts(0, 0, 0), store.counts());
        }
        assertEquals(List.of(), names("pending"));
    }

    @Test
    void deliveredReportsAreForgottenWithTheirUntakenAcknowledgementsOnOpenAfterTheRetention() throws Exception {
        UsageReport old = report(15, 2);
        UsageReport recent = report(16, 1);
        try (FileSyncStore store = open()) {
            store.add(old, "node-a", LEASE);
            store.acknowledge(delivered(old, T));
            store.take(old.reportId() + "-1");
        }
        Instant later = T.plus(UsageOutbox.DELIVERED_RETENTION).plusSeconds(1);
        try (FileSyncStore store = new FileSyncStore(dir, Clock.fixed(later.minusSeconds(2), ZoneOffset.UTC))) {
            store.add(recent, "node-a", LEASE);
            store.acknowledge(delivered(recent, later.minusSeconds(2)));
            assertEquals(ReportStatus.DELIVERED, store.state(old.reportId()).orElseThrow().status(), "30 days are not over");
        }
        try (FileSyncStore store = new FileSyncStore(dir, Clock.fixed(later, ZoneOffset.UTC))) {
            assertEquals(Optional.empty(), store.state(old.reportId()));
            assertEquals(ReportStatus.DELIVERED, store.state(recent.reportId()).orElseThrow().status());
            assertEquals(List.of(recent.reportId() + "-1"), store.acknowledgements().stream().map(Acknowledgement::id).toList());
        }
        assertEquals(List.of(recent.reportId() + ".delivered"), names("delivered"));
    }

    @Test
    void aStoreThatRunsForMonthsForgetsOldDeliveriesOnceADay() throws Exception {
        UsageReport old = report(17, 1);
        TestClock clock = TestClock.at(T);
        try (FileSyncStore store = new FileSyncStore(dir, clock)) {
            store.add(old, "node-a", LEASE);
            store.acknowledge(delivered(old, T));
            clock.advance(UsageOutbox.DELIVERED_RETENTION.plusDays(1));
            assertEquals(1, store.counts().acknowledgements(), "forgotten by a change, not by a read");
            store.add(report(18, 1), "node-a", LEASE);
            assertEquals(Optional.empty(), store.state(old.reportId()));
            assertEquals(new UsageCounts(1, 0, 0), store.counts());
        }
    }

    @Test
    void anIdThatCannotBeAFileNameIsNeverUsedAsAPath() throws Exception {
        try (FileSyncStore store = open()) {
            assertEquals(Optional.empty(), store.state("../escape"));
            assertEquals(Optional.empty(), store.claim("../escape", "node-a", LEASE));
            assertFalse(store.retry("../escape"));
            assertFalse(store.discard("../escape"));
            assertFalse(store.take("../../etc/passwd"));
            assertFalse(store.acknowledge(new DeliveredReport("../escape", ReportStatus.DELIVERED, T, null,
                    new ServerMessage("COMPLETE", null, null, null), List.of())));
            UsageReport r = report(19, 1);
            store.add(r, "node-a", LEASE);
            Acknowledgement bad = new Acknowledgement("../x", AcknowledgementKind.USAGE, r.reportId(), "a", "v", r.devices().get(0), null, List.of(), "QQ==", null, T);
            assertThrows(IllegalArgumentException.class, () -> store.acknowledge(new DeliveredReport(r.reportId(), ReportStatus.DELIVERED,
                    T, null, new ServerMessage("COMPLETE", null, null, null), List.of(bad))));
            assertEquals(ReportStatus.PENDING, store.state(r.reportId()).orElseThrow().status(), "refused before anything was written");
        }
        assertEquals(List.of(), names("delivered"));
    }
}
