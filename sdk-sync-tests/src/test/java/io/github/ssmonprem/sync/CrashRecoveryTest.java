package io.github.ssmonprem.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.sync.store.FileSyncStore;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.testkit.SsmEmulator;
import io.github.ssmonprem.testkit.TestClock;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process that stored and sent a usage report is killed with SIGKILL before the acknowledgement;
 * a new process with the same state directory and node name delivers it at once (another node, once
 * the dead one's claim expired), and the server counts it once.
 */
class CrashRecoveryTest {

    @TempDir
    Path state;

    private static Process startChild(SsmEmulator emulator, Path state, String... more) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                CrashChild.class.getName(), emulator.url().toString(), state.toString()));
        command.addAll(List.of(more));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static String readNonce(Process child) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("NONCE ")) {
                return line.substring(6).trim();
            }
        }
        throw new AssertionError("the child printed no nonce; exit " + child.waitFor());
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }

    private static void kill(Process child) throws InterruptedException {
        child.destroyForcibly();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, child.exitValue(), "killed by SIGKILL (128 + 9)");
    }

    private static SsmSyncClient restartedClient(SsmEmulator emulator, Path state) {
        return SsmSyncClient.builder().config(emulator.clientConfig().build()).grant(emulator.passwordGrant())
                .stateDirectory(state).nodeName(CrashChild.NODE).build();    // a restarted node keeps its name
    }

    @Test
    void killedWhilePollingTheNewProcessResumesPollingWithoutResubmitting() throws Exception {
        try (SsmEmulator emulator = SsmEmulator.builder().acknowledgeAfter(Integer.MAX_VALUE, Duration.ZERO).start()) {
            Process child = startChild(emulator, state);
            String nonce = readNonce(child);
            // The second poll follows a wait, before which the child stored the poll id.
            await(() -> emulator.stats().polls() >= 2, "the child polls again for its acknowledgement");
            kill(child);

            List<PendingReport> left;
            try (FileSyncStore store = new FileSyncStore(state)) {
                left = store.pendingReports();
            }
            assertEquals(1, left.size(), "the report survived the crash");
            assertEquals(nonce, left.get(0).reportId());
            assertNotNull(left.get(0).pollId(), "and so did its poll id");

            emulator.acknowledgeAfter(0, Duration.ZERO);
            try (SsmSyncClient restarted = restartedClient(emulator, state)) {
                List<DeliveryResult> results = restarted.deliverPending();
                assertEquals(1, results.size());
                assertTrue(results.get(0).delivered(), String.valueOf(results.get(0).error()));
                assertEquals(0, restarted.store().pendingCount());
            }
            assertEquals(1, emulator.stats().submissionsOf(nonce), "polling resumed; the report was not sent again");
            assertEquals(1, emulator.stats().distinctReports());
            assertEquals(2, emulator.stats().usageRecordsCounted(), "counted once");
            assertEquals(1, emulator.stats().acknowledged());
        }
    }

    @Test
    void killedWhilePollingAnotherNodeFinishesTheReportOnceTheDeadNodesClaimExpires() throws Exception {
        try (SsmEmulator emulator = SsmEmulator.builder().acknowledgeAfter(Integer.MAX_VALUE, Duration.ZERO).start()) {
            Process child = startChild(emulator, state, "30");        // its claim lasts 30 s
            String nonce = readNonce(child);
            await(() -> emulator.stats().polls() >= 2, "the child polls again for its acknowledgement");
            kill(child);
            emulator.acknowledgeAfter(0, Duration.ZERO);

            // Another node on the same state directory, whose store's clock the test moves.
            TestClock storeClock = TestClock.at(Instant.now());
            try (FileSyncStore store = new FileSyncStore(state, storeClock);
                    SsmSyncClient other = SsmSyncClient.builder().config(emulator.clientConfig().build())
                            .grant(emulator.passwordGrant()).store(store).nodeName("another-node").build()) {
                assertEquals(List.of(), other.deliverPending(), "the dead node's claim still holds: the report is left alone");
                assertEquals(1, emulator.stats().submissionsOf(nonce));
                storeClock.advance(Duration.ofSeconds(31));
                List<DeliveryResult> results = other.deliverPending();
                assertEquals(1, results.size());
                assertTrue(results.get(0).delivered(), String.valueOf(results.get(0).error()));
                assertEquals(0, store.pendingCount());
            }
            assertEquals(1, emulator.stats().submissionsOf(nonce), "polling resumed from the stored poll id, same nonce");
            assertEquals(1, emulator.stats().acknowledged());
        }
    }

    @Test
    void killedBeforeThePollIdWasStoredTheNewProcessResubmitsWithTheSameNonce() throws Exception {
        try (SsmEmulator emulator = SsmEmulator.builder().start()) {
            emulator.faults().latency(Duration.ofSeconds(3));
            Process child = startChild(emulator, state);
            String nonce = readNonce(child);
            await(() -> emulator.stats().requests("usage") >= 1, "the child's report reaches the server");
            kill(child);
            emulator.faults().latency(Duration.ZERO);

            List<PendingReport> left;
            try (FileSyncStore store = new FileSyncStore(state)) {
                left = store.pendingReports();
            }
            assertEquals(1, left.size(), "stored before it was sent");
            assertNull(left.get(0).pollId());

            try (SsmSyncClient restarted = restartedClient(emulator, state)) {
                List<DeliveryResult> results = restarted.deliverPending();
                assertTrue(results.get(0).delivered(), String.valueOf(results.get(0).error()));
                assertEquals(0, restarted.store().pendingCount());
            }
            assertEquals(2, emulator.stats().submissionsOf(nonce), "sent again after the crash...");
            assertEquals(1, emulator.stats().distinctReports(), "...with the original nonce");
            assertEquals(2, emulator.stats().usageRecordsCounted(), "and counted once");
            assertFalse(emulator.stats().requestLines().stream().anyMatch(l -> l.contains("?")));
        }
    }
}
