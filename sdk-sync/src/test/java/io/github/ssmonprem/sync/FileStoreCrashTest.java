package io.github.ssmonprem.sync;

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
import io.github.ssmonprem.sync.store.FileSyncStore;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.sync.store.ReportState;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process using the file store is stopped by a debugger (JDI) at a chosen step of a store
 * operation and killed there with SIGKILL; a new store on the same directory must find every report
 * in one state, intact, with nothing quarantined and no temporary file left.
 */
class FileStoreCrashTest {

    private static final String STORE = FileSyncStore.class.getName();
    private static final String FILES = Files.class.getName();
    private static final String DURABLE_FILES = "io.github.ssmonprem.sync.internal.DurableFiles";
    private static final String ID = StoreCrashChild.report().reportId();

    @TempDir
    Path dir;

    @Test
    void killedBeforeTheRenameOfANewReportTheReportIsNotStored() throws Exception {
        killAt("add", FILES, "move", "writeAtomically");
        assertTrue(names("pending").stream().allMatch(n -> n.startsWith("." + ID + ".report") && n.endsWith(".tmp")), names("pending").toString());
        try (FileSyncStore store = reopen()) {
            assertEquals(List.of(), store.pendingReports(), "addPending never returned, so nothing was sent");
        }
        assertEquals(List.of(), names("pending"), "the temporary file is deleted");
    }

    @Test
    void killedBetweenTheRenameAndTheDirectorySyncTheReportIsPendingAndIntact() throws Exception {
        killAt("add", DURABLE_FILES, "fsyncDirectory", "writeAtomically");
        assertEquals(List.of(ID + ".report"), names("pending"));
        try (FileSyncStore store = reopen()) {
            assertEquals(List.of(StoreCrashChild.entry()), store.pendingReports());
        }
    }

    @Test
    void killedBeforeTheRenameOfANewStateThePreviousStateIsKept() throws Exception {
        killAt("update", FILES, "move", "writeAtomically");
        assertEquals(4, names("pending").size(), "the report, its state and claim, and the new state's temporary file: " + names("pending"));
        try (FileSyncStore store = reopen()) {
            assertEquals(List.of(StoreCrashChild.entry().withPollId("poll-1")), store.pendingReports());
        }
        assertEquals(List.of(ID + ".claim", ID + ".report", ID + ".state"), names("pending"));
    }

    @Test
    void killedBetweenAMigratedReportAndItsStateTheNextOpenMigratesItAgainWithItsPollId() throws Exception {
        copyLegacyFixture();
        killAt("migrate", STORE, "writeState", "writePending");
        assertTrue(names("pending").contains("7ba2a647-30bd-482a-85de-6e6a29a2a71d.report"), names("pending").toString());
        assertTrue(names("pending").stream().noneMatch(n -> n.endsWith(".state")), names("pending").toString());
        try (FileSyncStore store = reopen()) {
            List<PendingReport> back = store.pendingReports();
            assertEquals(3, back.size());
            PendingReport withState = back.stream().filter(p -> p.reportId().startsWith("7ba2a647")).findFirst().orElseThrow();
            assertEquals("poll-1", withState.pollId(), "its poll id, to resume polling");
            assertEquals(1, withState.attempts());
        }
        assertTrue(names("pending").stream().noneMatch(n -> n.endsWith(".slot")), names("pending").toString());
    }

    @Test
    void killedBetweenTheDeliveredMarkAndTheDeletionTheReportIsDeliveredOnly() throws Exception {
        killAt("deliver", STORE, "deletePendingFiles", "markDelivered");
        assertEquals(List.of(ID), names("delivered"), "the report file, moved");
        assertEquals(List.of(ID + ".claim", ID + ".state"), names("pending"));
        try (FileSyncStore store = reopen()) {
            assertEquals(ReportState.Status.DELIVERED, store.state(ID).orElseThrow().status());
            assertEquals(ReportState.Status.DELIVERED, store.addPending(StoreCrashChild.entry()).orElseThrow().status(),
                    "submitting it again sends nothing");
            assertEquals(List.of(), store.pendingReports());
        }
        assertEquals(List.of(), names("pending"));
    }

    @Test
    void killedBetweenTheDeadLetterAndTheDeletionTheReportIsDeadOnly() throws Exception {
        killAt("dead", STORE, "deletePendingFiles", "moveToDead");
        assertEquals(List.of(ID + ".entry"), names("dead"));
        assertEquals(List.of(ID + ".claim", ID + ".report", ID + ".state"), names("pending"));
        try (FileSyncStore store = reopen()) {
            assertEquals(List.of(StoreCrashChild.letter()), store.deadLetters());
            assertEquals(List.of(), store.pendingReports());
        }
        assertEquals(List.of(), names("pending"));
    }

    @Test
    void killedBetweenARetriedReportAndTheDeadLettersDeletionItStaysDead() throws Exception {
        killAt("retry", DURABLE_FILES, "deleteDurably", "retryDead");
        assertEquals(List.of(ID + ".entry"), names("dead"));
        assertEquals(List.of(ID + ".report"), names("pending"));
        try (FileSyncStore store = reopen()) {
            assertEquals(List.of(StoreCrashChild.letter()), store.deadLetters(), "a retry not finished is undone");
            assertEquals(List.of(), store.pendingReports());
            assertTrue(store.retryDead(ID));
            assertEquals(List.of(StoreCrashChild.entry()), store.pendingReports());
        }
    }

    private FileSyncStore reopen() {
        FileSyncStore store = new FileSyncStore(dir);
        assertEquals(List.of(), store.quarantined(), "a crash damages nothing");
        return store;
    }

    private List<String> names(String sub) throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve(sub))) {
            return files.map(f -> f.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    private void copyLegacyFixture() throws Exception {
        Path source = Path.of(FileStoreCrashTest.class.getResource("/legacy-slot-state/expected.txt").toURI()).getParent();
        Files.createDirectories(dir.resolve("pending"));
        try (Stream<Path> slots = Files.list(source.resolve("pending"))) {
            for (Path slot : (Iterable<Path>) slots::iterator) {
                Files.copy(slot, dir.resolve("pending").resolve(slot.getFileName().toString()));
            }
        }
    }

    /**
     * Runs {@link StoreCrashChild} under a debugger, stops it when it enters {@code method} of
     * {@code className} from {@code caller} after {@link StoreCrashChild#arm()}, and kills it there.
     */
    private void killAt(String scenario, String className, String method, String caller) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-agentlib:jdwp=transport=dt_socket,server=y,suspend=y,address=127.0.0.1:0",
                "-cp", System.getProperty("java.class.path"), StoreCrashChild.class.getName(), dir.toString(), scenario)
                .redirectErrorStream(true).start();
        StringBuilder output = new StringBuilder();
        VirtualMachine vm = null;
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
            List<ReferenceType> loaded = vm.classesByName(StoreCrashChild.class.getName());
            if (loaded.isEmpty()) {
                ClassPrepareRequest prepare = requests.createClassPrepareRequest();
                prepare.addClassFilter(StoreCrashChild.class.getName());
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
                    } else if (event instanceof BreakpointEvent hit
                            && hit.thread().frame(1).location().method().name().contains(caller)) {
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
