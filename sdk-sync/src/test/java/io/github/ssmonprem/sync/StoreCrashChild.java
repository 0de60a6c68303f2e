package io.github.ssmonprem.sync;

import io.github.ssmonprem.sync.model.UsageReport;
import io.github.ssmonprem.sync.store.DeadLetter;
import io.github.ssmonprem.sync.store.FileSyncStore;
import io.github.ssmonprem.sync.store.PendingReport;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * The process {@link FileStoreCrashTest} stops with a debugger at a chosen line and kills with
 * SIGKILL: prepares a state directory (args[0]) for a scenario (args[1]), calls {@link #arm()}, then
 * runs the scenario's one store operation. Prints FINISHED if it was not killed.
 */
public final class StoreCrashChild {

    static final Instant T = Instant.parse("2026-11-01T10:00:00Z");

    private StoreCrashChild() {
    }

    /** The report every scenario works on. */
    static UsageReport report() {
        return UsageReport.builder(Clock.fixed(T, ZoneOffset.UTC)).reportId("crash-1").account("acme.example")
                .virtualAccount("VA1").productInstance("vmanage-1")
                .device("edge-1", "regid.sdwan").usage("dna_advantage", 5, T.minusSeconds(3600), T)
                .device("edge-2", "regid.sdwan").usage("dna_advantage", 2, T.minusSeconds(3600), T)
                .build();
    }

    static PendingReport entry() {
        return PendingReport.of(report(), T);
    }

    static DeadLetter letter() {
        return new DeadLetter(entry().withPollId("poll-1").withFailure("InvalidRequestException: 413"), 413, null,
                "Request Entity Too Large", T.plusSeconds(5));
    }

    /** Where the test's debugger starts watching for its crash point. */
    static void arm() {
        // a breakpoint lands here
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Class.forName(FileSyncStore.class.getName());
        Class.forName("io.github.ssmonprem.sync.internal.DurableFiles");
        if (args[1].equals("migrate")) {
            arm();
            new FileSyncStore(dir).close();
        } else {
            try (FileSyncStore store = new FileSyncStore(dir)) {
                if (!args[1].equals("add")) {
                    store.addPending(entry());
                    store.updatePending(entry().withPollId("poll-1"));
                }
                if (args[1].equals("retry")) {
                    store.moveToDead(letter());
                }
                arm();
                switch (args[1]) {
                    case "add" -> store.addPending(entry());
                    case "update" -> store.updatePending(entry().withPollId("poll-2"));
                    case "deliver" -> store.markDelivered(report().reportId());
                    case "dead" -> store.moveToDead(letter());
                    case "retry" -> store.retryDead(report().reportId());
                    default -> throw new IllegalArgumentException(args[1]);
                }
            }
        }
        System.out.println("FINISHED");
    }
}
