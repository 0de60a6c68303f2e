package io.github.ssmonprem.sync.store;

import io.github.ssmonprem.sync.usage.UsageReport;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The process {@link FileStoreCrashTest} stops with a debugger at a chosen line and kills with
 * SIGKILL: prepares a state directory (args[0]) for a scenario (args[1]), calls {@link #arm()}, then
 * runs the scenario's one store operation. Prints FINISHED if it was not killed.
 */
public final class StoreCrashChild {

    static final String OWNER = "node-a";
    static final Duration LEASE = Duration.ofMinutes(5);

    private StoreCrashChild() {
    }

    /** The report every scenario works on: two devices. */
    static UsageReport report() {
        return StoreFixtures.report(42, 2);
    }

    /** The report as stored, with its first upload's poll id and nonce. */
    static PendingReport polling() {
        return PendingReport.of(report(), StoreFixtures.T).withUpload(StoreFixtures.POLL_ID, "nonce-1");
    }

    /** The report refused, with the acknowledgement of its first device. */
    static DeadLetter letter() {
        return StoreFixtures.letter(polling(), List.of(StoreFixtures.acks(report(), StoreFixtures.T).get(0)), StoreFixtures.T);
    }

    static Clock clock() {
        return Clock.fixed(StoreFixtures.T, ZoneOffset.UTC);
    }

    /** Where the test's debugger starts watching for its crash point. */
    static void arm() {
        // a breakpoint lands here
    }

    /** Called once acknowledge returned: the test kills the process here. */
    static void acknowledged() {
        // a breakpoint lands here
    }

    public static void main(String[] args) throws Exception {
        Class.forName(FileSyncStore.class.getName());
        Class.forName("io.github.ssmonprem.sync.internal.DurableFiles");
        Class.forName("io.github.ssmonprem.sync.internal.store.AckFiles");
        String scenario = args[1];
        try (FileSyncStore store = new FileSyncStore(Path.of(args[0]), clock())) {
            if (!scenario.equals("add")) {
                store.add(report(), OWNER, LEASE);
                store.update(polling().withClaim(OWNER, StoreFixtures.T.plus(LEASE)), OWNER);
            }
            if (scenario.equals("retry") || scenario.equals("discard")) {
                store.refuse(letter(), OWNER);
            }
            arm();
            switch (scenario) {
                case "add" -> store.add(report(), OWNER, LEASE);
                case "update" -> store.update(polling().withUpload("77412347487202399", "nonce-2"), OWNER);
                case "acknowledge" -> {
                    store.acknowledge(StoreFixtures.delivered(report(), StoreFixtures.T));
                    acknowledged();
                }
                case "refuse" -> store.refuse(letter(), OWNER);
                case "retry" -> store.retry(report().reportId());
                case "discard" -> store.discard(report().reportId());
                default -> throw new IllegalArgumentException(scenario);
            }
        }
        System.out.println("FINISHED");
    }
}
