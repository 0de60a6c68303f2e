package io.github.ssmonprem.sync.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.jdi.Bootstrap;
import com.sun.jdi.ReferenceType;
import com.sun.jdi.VirtualMachine;
import com.sun.jdi.connect.AttachingConnector;
import com.sun.jdi.connect.Connector;
import com.sun.jdi.event.BreakpointEvent;
import com.sun.jdi.event.ClassPrepareEvent;
import com.sun.jdi.event.Event;
import com.sun.jdi.event.EventSet;
import com.sun.jdi.event.VMDeathEvent;
import com.sun.jdi.event.VMDisconnectEvent;
import com.sun.jdi.request.BreakpointRequest;
import com.sun.jdi.request.ClassPrepareRequest;
import com.sun.jdi.request.EventRequest;
import com.sun.jdi.request.EventRequestManager;
import io.github.ssmonprem.sync.usage.Acknowledgement;
import io.github.ssmonprem.sync.usage.ReportStatus;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process using the file store is stopped by a debugger (JDI) at a chosen step of a store
 * operation and killed there with SIGKILL; a new store on the same directory must find the report
 * in one state, intact, with its acknowledgements, nothing quarantined and no temporary file left.
 * Each test names the step: before a change's commit, nothing changed; after it, the change is made
 * (the next store completes its last steps).
 */
class FileStoreCrashTest {

    private static final String FILES = Files.class.getName();
    private static final String DURABLE_FILES = "io.github.ssmonprem.sync.internal.DurableFiles";
    private static final String ACK_FILES = "io.github.ssmonprem.sync.internal.store.AckFiles";
    private static final String CHILD = StoreCrashChild.class.getName();
    private static final String ID = StoreCrashChild.report().reportId();

    @TempDir
    Path dir;

    @Test
    void killedBeforeTheRenameOfANewReportTheReportIsNotStored() throws Exception {
        killAt("add", FILES, "move", "writeAtomically", 1);
        assertTrue(names("pending").stream().allMatch(n -> n.startsWith("." + ID + ".report.") && n.endsWith(".tmp")),
                names("pending").toString());
        try (FileSyncStore store = reopen()) {
            assertEquals(List.of(), store.pending(), "add never returned, so nothing was sent");
        }
        assertEquals(List.of(), names("pending"), "the temporary file is deleted");
    }

    @Test
    void killedBetweenTheRenameAndTheDirectorySyncTheReportIsPendingAndIntact() throws Exception {
        killAt("add", DURABLE_FILES, "fsyncDirectory", "writeAtomically", 1);
        try (FileSyncStore store = reopen()) {
            assertEquals(List.of(PendingReport.of(StoreCrashChild.report(), StoreFixtures.T)), store.pending(),
                    "stored, without the claim that comes next");
        }
    }

    @Test
    void killedBeforeTheRenameOfANewStateThePreviousStateIsKept() throws Exception {
        killAt("update", FILES, "move", "writeAtomically", 1);
        try (FileSyncStore store = reopen()) {
            PendingReport back = store.pending().get(0);
            assertEquals(StoreFixtures.POLL_ID, back.pollId());
            assertEquals("nonce-1", back.nonce());
        }
        assertEquals(List.of(ID + ".claim", ID + ".report", ID + ".state"), names("pending"));
    }

    @Test
    void killedBeforeTheDeliveredFileIsRenamedTheReportIsStillPendingWithItsPollId() throws Exception {
        killAt("acknowledge", FILES, "move", "writeAtomically", 1);
        try (FileSyncStore store = reopen()) {
            assertEquals(StoreFixtures.POLL_ID, store.state(ID).orElseThrow().pending().pollId(), "the next delivery polls again");
            assertEquals(List.of(), store.acknowledgements());
        }
        assertEquals(List.of(), names("delivered"));
    }

    @Test
    void killedRightAfterTheDeliveredFileTheReportIsDeliveredWithEveryAcknowledgement() throws Exception {
        killAt("acknowledge", ACK_FILES, "publish", "finishAcknowledge", 1);
        assertEquals(List.of(), names("acks"));
        assertDeliveredWithBothAcknowledgements();
    }

    @Test
    void killedBetweenTwoAcknowledgementFilesTheReportIsDeliveredWithEveryAcknowledgement() throws Exception {
        killAt("acknowledge", FILES, "move", "writeAtomically", 3);   // the delivered file, the first acknowledgement, then this
        assertEquals(List.of(ID + "~" + ID + "-1.ack"), names("acks").stream().filter(n -> !n.startsWith(".")).toList());
        assertDeliveredWithBothAcknowledgements();
    }

    @Test
    void killedOnceAcknowledgeReturnedNoAcknowledgementIsLost() throws Exception {
        killAt("acknowledge", CHILD, "acknowledged", "main", 1);
        assertEquals(List.of(ID + "~" + ID + "-1.ack", ID + "~" + ID + "-2.ack"), names("acks"));
        assertDeliveredWithBothAcknowledgements();
    }

    private void assertDeliveredWithBothAcknowledgements() throws Exception {
        try (FileSyncStore store = reopen()) {
            assertEquals(Optional.of(ReportState.delivered(StoreFixtures.delivered(StoreCrashChild.report(), StoreFixtures.T))),
                    store.state(ID));
            assertEquals(StoreFixtures.acks(StoreCrashChild.report(), StoreFixtures.T), store.acknowledgements());
            assertEquals(new UsageCounts(0, 0, 2), store.counts());
            assertEquals(ReportStatus.DELIVERED, store.add(StoreCrashChild.report(), "node-b", StoreCrashChild.LEASE).orElseThrow().status(),
                    "submitting it again sends nothing");
        }
        assertEquals(List.of(), names("pending"));
        assertEquals(List.of(ID + "~" + ID + "-1.ack", ID + "~" + ID + "-2.ack"), names("acks"));
    }

    @Test
    void killedRightAfterTheLetterTheReportIsDeadWithItsAcknowledgement() throws Exception {
        killAt("refuse", ACK_FILES, "publish", "finishRefuse", 1);
        assertEquals(List.of(ID + ".letter"), names("dead"));
        try (FileSyncStore store = reopen()) {
            assertEquals(List.of(StoreCrashChild.letter()), store.dead());
            assertEquals(List.of(), store.pending());
            List<Acknowledgement> acks = store.acknowledgements();
            assertEquals(StoreCrashChild.letter().acknowledgements(), acks);
        }
        assertEquals(List.of(ID + ".letter", ID + ".report"), names("dead"));
        assertEquals(List.of(), names("pending"));
    }

    @Test
    void killedBetweenTheLettersDeletionAndTheMoveARetryIsCompleted() throws Exception {
        killAt("retry", DURABLE_FILES, "moveDurably", "retry", 1);
        assertEquals(List.of(ID + ".report"), names("dead"));
        try (FileSyncStore store = reopen()) {
            assertEquals(List.of(PendingReport.of(StoreCrashChild.report(), StoreFixtures.T)), store.pending());
            assertEquals(List.of(), store.dead());
            assertEquals(StoreCrashChild.letter().acknowledgements(), store.acknowledgements(), "the letter's acknowledgement stays");
        }
    }

    @Test
    void killedBetweenTheReportsDeletionAndTheLettersADiscardIsCompleted() throws Exception {
        killAt("discard", DURABLE_FILES, "deleteDurably", "discard", 2);
        assertEquals(List.of(ID + ".letter"), names("dead"));
        try (FileSyncStore store = reopen()) {
            assertEquals(Optional.empty(), store.state(ID));
            assertEquals(List.of(), store.dead());
            assertEquals(StoreCrashChild.letter().acknowledgements(), store.acknowledgements(), "the letter's acknowledgement stays");
        }
        assertEquals(List.of(), names("dead"));
    }

    private FileSyncStore reopen() throws Exception {
        FileSyncStore store = new FileSyncStore(dir, StoreCrashChild.clock());
        assertEquals(List.of(), store.quarantine().orElseThrow().quarantined(), "a crash damages nothing");
        for (String sub : List.of("pending", "dead", "delivered", "acks")) {
            assertTrue(names(sub).stream().noneMatch(n -> n.endsWith(".tmp")), "no temporary file left in " + sub + ": " + names(sub));
        }
        return store;
    }

    private List<String> names(String sub) throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve(sub))) {
            return files.map(f -> f.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    /**
     * Runs {@link StoreCrashChild} under a debugger, stops it the {@code nth} time it enters
     * {@code method} of {@code className} from a method whose name contains {@code caller}, after
     * {@link StoreCrashChild#arm()}, and kills it there with SIGKILL.
     */
    private void killAt(String scenario, String className, String method, String caller, int nth) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-agentlib:jdwp=transport=dt_socket,server=y,suspend=y,address=127.0.0.1:0",
                "-cp", System.getProperty("java.class.path"), CHILD, dir.toString(), scenario)
                .redirectErrorStream(true).start();
        StringBuilder output = new StringBuilder();
        VirtualMachine vm = null;
        int hits = 0;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String port = null;
            while (port == null) {
                String line = out.readLine();
                if (line == null) {
                    break;
                }
                output.append(line).append('\n');
                if (line.startsWith("Listening for transport dt_socket at address: ")) {
                    port = line.substring(line.lastIndexOf(' ') + 1).trim();
                }
            }
            assertNotNull(port, "the child's debug agent gave no port: " + output);
            Thread drain = new Thread(() -> out.lines().forEach(l -> output.append(l).append('\n')));
            drain.setDaemon(true);
            drain.start();

            AttachingConnector connector = Bootstrap.virtualMachineManager().attachingConnectors().stream()
                    .filter(c -> c.name().equals("com.sun.jdi.SocketAttach")).findFirst().orElseThrow();
            Map<String, Connector.Argument> arguments = connector.defaultArguments();
            arguments.get("hostname").setValue("127.0.0.1");
            arguments.get("port").setValue(port);
            vm = connector.attach(arguments);
            EventRequestManager requests = vm.eventRequestManager();
            List<ReferenceType> loaded = vm.classesByName(CHILD);
            if (loaded.isEmpty()) {
                ClassPrepareRequest prepare = requests.createClassPrepareRequest();
                prepare.addClassFilter(CHILD);
                prepare.enable();
            } else {
                breakAt(requests, loaded.get(0), "arm");
            }
            vm.resume();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (true) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                EventSet events = left > 0 ? vm.eventQueue().remove(left) : null;
                if (events == null) {
                    fail("the child did not reach " + className + "." + method + " within 120 s: " + output);
                }
                for (Event event : events) {
                    if (event instanceof ClassPrepareEvent prepared) {
                        breakAt(requests, prepared.referenceType(), "arm");
                    } else if (event instanceof BreakpointEvent hit && hit.location().method().name().equals("arm")) {
                        breakAt(requests, vm.classesByName(className).get(0), method);
                    } else if (event instanceof BreakpointEvent hit && hit.thread().frame(1).location().method().name().contains(caller)
                            && ++hits == nth) {
                        child.destroyForcibly();
                        assertTrue(child.waitFor(60, TimeUnit.SECONDS));
                        assertEquals(137, child.exitValue(), "killed by SIGKILL (128 + 9)");
                        return;
                    } else if (event instanceof VMDeathEvent || event instanceof VMDisconnectEvent) {
                        fail("the child ended before " + className + "." + method + ": " + output);
                    }
                }
                events.resume();
            }
        } finally {
            child.destroyForcibly();
            if (vm != null) {
                try {
                    vm.dispose();
                } catch (RuntimeException disconnected) {
                    // the child is dead
                }
            }
        }
    }

    private static void breakAt(EventRequestManager requests, ReferenceType type, String method) {
        BreakpointRequest request = requests.createBreakpointRequest(type.methodsByName(method).get(0).location());
        request.setSuspendPolicy(EventRequest.SUSPEND_ALL);
        request.enable();
    }
}
