package io.github.ssmonprem.sync.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.sync.usage.Acknowledgement;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several processes on one state directory (the command line beside an application): two child
 * JVMs and this one store, acknowledge and take at the same time; every report and acknowledgement
 * ends where its process left it.
 */
class FileStoreSharedDirectoryTest {

    private static final int REPORTS = 16;

    @TempDir
    Path dir;

    @Test
    void processesSharingADirectoryKeepEveryReportAndAcknowledgementWhereTheyLeftIt() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> children = new ArrayList<>();
        for (int c = 1; c <= 2; c++) {
            children.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), StoreWriterChild.class.getName(),
                    dir.toString(), Long.toString(c * 100_000L), Integer.toString(REPORTS))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start());
        }
        StringBuilder printed = new StringBuilder(StoreWriterChild.write(dir, 300_000L, REPORTS));
        for (Process child : children) {
            String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(child.waitFor(120, TimeUnit.SECONDS));
            assertEquals(0, child.exitValue(), out);
            printed.append(out);
        }
        Set<String> kept = lines(printed, "KEPT ");
        Set<String> acks = lines(printed, "ACK ");
        assertEquals(3 * REPORTS / 2, kept.size());
        try (FileSyncStore store = new FileSyncStore(dir)) {
            assertEquals(List.of(), store.quarantine().orElseThrow().quarantined());
            List<PendingReport> pending = store.pending();
            assertEquals(kept, pending.stream().map(PendingReport::reportId).collect(Collectors.toSet()), "none lost, none acknowledged");
            assertTrue(pending.stream().allMatch(p -> ("p-" + p.reportId()).equals(p.pollId())), "each report kept its own state");
            assertEquals(acks, store.acknowledgements().stream().map(Acknowledgement::id).collect(Collectors.toSet()),
                    "every acknowledgement not taken, none taken");
            assertEquals(new UsageCounts(kept.size(), 0, acks.size()), store.counts());
        }
    }

    private static Set<String> lines(CharSequence printed, String prefix) {
        Set<String> out = new HashSet<>();
        printed.toString().lines().filter(l -> l.startsWith(prefix)).forEach(l -> out.add(l.substring(prefix.length()).trim()));
        return out;
    }
}
