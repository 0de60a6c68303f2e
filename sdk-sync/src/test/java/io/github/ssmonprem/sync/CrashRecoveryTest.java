package io.github.ssmonprem.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.testing.TestClock;
import io.github.ssmonprem.emulator.IssuedAcknowledgement;
import io.github.ssmonprem.emulator.SsmEmulator;
import io.github.ssmonprem.sync.store.FileSyncStore;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.sync.store.ReportState;
import io.github.ssmonprem.sync.usage.Acknowledgement;
import io.github.ssmonprem.sync.usage.DeliveryResult;
import io.github.ssmonprem.sync.usage.ReportStatus;
import io.github.ssmonprem.sync.usage.UsageReport;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process that submits a usage report is killed with SIGKILL at each stage of its delivery
 * ({@link CrashChild}: stored, upload accepted, polling, acknowledgement stored); a new process on the
 * same state directory finds the report pending, or delivered with its acknowledgements untaken, and
 * finishes it, uploading nothing that the server already acknowledged.
 */
class CrashRecoveryTest {

    private static final UsageReport REPORT = CrashChild.report();

    @TempDir
    Path state;

    /** The emulator's clock moves only when the test says; the child waits real time (at least the 1 s between polls). */
    private final SsmEmulator emulator = SsmEmulator.builder().testClock().acknowledgeAfter(0, Duration.ZERO).start();
    private Process child;

    @AfterEach
    void stop() throws InterruptedException {
        if (child != null && child.isAlive()) {
            child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        emulator.close();
    }

    /** Starts the child, returns once it printed that it stopped at the stage, and kills it there with SIGKILL. */
    private void killAt(String stage, String... more) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                CrashChild.class.getName(), emulator.url().toString(), state.toString(), stage));
        command.addAll(List.of(more));
        child = new ProcessBuilder(command).redirectErrorStream(true).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    lines.add(line);
                }
            } catch (java.io.IOException closed) {
                // the child was killed
            }
            lines.add("EOF");
        }, "crash-child-output");
        reader.setDaemon(true);
        reader.start();
        List<String> seen = new ArrayList<>();
        while (true) {
            String line = lines.poll(120, TimeUnit.SECONDS);     // bounds a child that hangs; not a timing assumption
            if (line == null || line.equals("EOF")) {
                throw new AssertionError("the child did not stop at " + stage + " (" + (line == null ? "no output for 120 s" : "it ended")
                        + "): " + String.join("\n", seen));
            }
            seen.add(line);
            if (line.equals("STOPPED " + stage)) {
                break;
            }
        }
        child.destroyForcibly();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, child.exitValue(), "killed by SIGKILL (128 + 9)");
    }

    /** A new process: the same node name, the same state directory. */
    private SsmSyncClient restarted() {
        return SsmSyncClient.builder().config(emulator.clientConfig().build()).grant(emulator.passwordGrant())
                .stateDirectory(state).nodeName(CrashChild.NODE).build();
    }

    private static ReportState stateOf(Path state) {
        try (FileSyncStore store = new FileSyncStore(state)) {
            return store.state(REPORT.reportId()).orElseThrow(() -> new AssertionError("the report is not in the store"));
        }
    }

    /** Kills the child at the stage, the server acknowledging nothing meanwhile: {@return the report as the store kept it} */
    private PendingReport pendingAfterKillAt(String stage) throws Exception {
        emulator.acknowledgeAfter(Integer.MAX_VALUE, Duration.ZERO);
        killAt(stage);
        PendingReport left = stateOf(state).pending();
        assertNotNull(left, "the report survived the crash, pending");
        assertEquals(REPORT.reports(), left.report().reports());
        emulator.acknowledgeAfter(0, Duration.ZERO);
        return left;
    }

    private void assertEachUploaded(int times) {
        for (String key : EmulatorFixtures.keys(REPORT)) {
            assertEquals(times, emulator.stats().uploadsOf(key), key);
        }
    }

    /**
     * The restarted node delivers the report and gets both acknowledgements, each the one the server
     * issued for its device. {@return the delivery's result}
     */
    private DeliveryResult restartedNodeDeliversIt() {
        try (SsmSyncClient restarted = restarted()) {
            List<DeliveryResult> results = restarted.deliverPending();
            assertEquals(1, results.size());
            assertEquals(ReportStatus.DELIVERED, results.get(0).status(), String.valueOf(results.get(0)));
            assertSameAcknowledgementsAsIssued(results.get(0).acknowledgements());
            assertEquals(0, restarted.usage().counts().pending());
            return results.get(0);
        }
    }

    private void assertSameAcknowledgementsAsIssued(List<Acknowledgement> acks) {
        assertEquals(REPORT.devices(), acks.stream().map(Acknowledgement::sudi).toList());
        for (Acknowledgement ack : acks) {
            List<IssuedAcknowledgement> issued = emulator.stats().acknowledgementsFor(EmulatorFixtures.deviceId(ack.sudi()));
            assertEquals(1, issued.size(), "one acknowledgement issued for " + ack.sudi());
            assertEquals(issued.get(0).smartLicense(), ack.smartLicense());
        }
    }

    @Test
    void killedOnceTheReportIsStoredTheNewProcessUploadsItOnce() throws Exception {
        PendingReport left = pendingAfterKillAt("stored");
        assertNull(left.pollId());
        assertEquals(0, emulator.stats().uploads(), "nothing was sent before it was stored");

        restartedNodeDeliversIt();
        assertEachUploaded(1);
    }

    @Test
    void killedBeforeTheAcceptedUploadsPollIdWasStoredTheNewProcessFindsTheReportAlreadyReceivedNotDead() throws Exception {
        PendingReport left = pendingAfterKillAt("accepted");
        assertNull(left.pollId(), "the poll id the server gave died with the process");
        assertEachUploaded(1);

        try (SsmSyncClient restarted = restarted()) {
            List<DeliveryResult> results = restarted.deliverPending();
            assertFalse(results.isEmpty());
            assertEquals(ReportStatus.ALREADY_RECEIVED, results.get(0).status(), String.valueOf(results));
            assertTrue(results.stream().allMatch(DeliveryResult::delivered), "every part the server has: " + results);
            assertEquals(0, restarted.usage().counts().pending());
            assertEquals(0, restarted.usage().counts().dead(), "a report the server has is no dead letter");
        }
        assertEquals(REPORT.reports().size(), emulator.stats().distinctRumReports(), "counted once");
    }

    @Test
    void killedWhilePollingTheNewProcessResumesPollingWithoutUploadingAgain() throws Exception {
        PendingReport left = pendingAfterKillAt("polling");
        assertNotNull(left.pollId(), "and so did its poll id");

        assertEquals(left.pollId(), restartedNodeDeliversIt().pollId(), "polled with the stored poll id");
        assertEachUploaded(1);
    }

    @Test
    void killedWhilePollingAnotherNodeFinishesTheReportOnceTheDeadNodesClaimExpires() throws Exception {
        emulator.acknowledgeAfter(Integer.MAX_VALUE, Duration.ZERO);
        killAt("polling", "30");        // its claim lasts 30 s
        emulator.acknowledgeAfter(0, Duration.ZERO);

        // Another node on the same state directory, whose store's clock the test moves.
        TestClock storeClock = TestClock.at(Instant.now());
        try (FileSyncStore store = new FileSyncStore(state, storeClock);
                SsmSyncClient other = SsmSyncClient.builder().config(emulator.clientConfig().build())
                        .grant(emulator.passwordGrant()).store(store).nodeName("another-node").build()) {
            assertEquals(List.of(), other.deliverPending(), "the dead node's claim still holds: the report is left alone");
            storeClock.advance(Duration.ofSeconds(31));
            List<DeliveryResult> results = other.deliverPending();
            assertEquals(1, results.size());
            assertEquals(ReportStatus.DELIVERED, results.get(0).status(), String.valueOf(results.get(0)));
            assertSameAcknowledgementsAsIssued(results.get(0).acknowledgements());
            assertEquals(0, store.counts().pending());
        }
        assertEachUploaded(1);
    }

    @Test
    void killedRightAfterTheAcknowledgementsWereStoredTheyAreThereUntakenAndNothingIsUploadedAgain() throws Exception {
        killAt("acknowledged");
        int polls = emulator.stats().polls();
        ReportState after = stateOf(state);
        assertEquals(ReportStatus.DELIVERED, after.status(), "the report is delivered");
        assertSameAcknowledgementsAsIssued(after.delivered().acknowledgements());
        try (FileSyncStore store = new FileSyncStore(state)) {
            assertEquals(after.delivered().acknowledgements(), store.acknowledgements(), "every acknowledgement kept, none taken");
            assertEquals(0, store.counts().pending());
        }

        try (SsmSyncClient restarted = restarted()) {
            assertEquals(List.of(), restarted.deliverPending(), "nothing left to deliver");
            DeliveryResult again = restarted.submitUsage(REPORT).get(0);
            assertEquals(ReportStatus.DELIVERED, again.status(), "pushing it again sends nothing: " + again);
            assertEquals(after.delivered().acknowledgements(), again.acknowledgements());
            List<Acknowledgement> untaken = restarted.usage().acknowledgements();
            assertEquals(2, untaken.size());
            for (Acknowledgement ack : untaken) {
                assertTrue(restarted.usage().take(ack.id()));
            }
        }
        try (FileSyncStore store = new FileSyncStore(state)) {
            assertEquals(List.of(), store.acknowledgements(), "taken for good");
        }
        assertEachUploaded(1);
        assertEquals(polls, emulator.stats().polls(), "nor polled again");
        assertEquals(2, emulator.stats().acknowledgementsIssued());
    }
}
